"""The bottom of a dialog: the OK/Cancel row, the OK button saying what it does (in Russian), and
the red line that says why the program refused (hidden until it has something to say)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

from ui import palette


def ok_cancel(dialog: QDialog, ok_text: str, cancel_text: str = "Отмена") -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def refusal_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {palette.ERROR}; font-weight: bold;")
    label.hide()
    return label
