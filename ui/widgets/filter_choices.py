"""A filter's drop-down filled again from what the set-up has now (the journals, the staff):
«all» first, the choice made before kept when it is still there, no filter run meanwhile."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def refill(combo: QComboBox, first: str, items: list[tuple[str, str]]) -> None:
    """``items``: (value, label); ``first`` stands for «any» (value None)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first, None)
    for value, label in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)
