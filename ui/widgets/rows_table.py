"""The look of every list of the window (the registry, the incoming journal, the directory…)
in one place: whole rows selected one at a time, nothing edited in place, alternate rows
shaded, one line per row, the last column stretched."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

ROW_HEIGHT = 26


def rows_table(table: QTableView, model: QAbstractItemModel) -> QTableView:
    model.setParent(table)  # deleted with its view, never before it (rows_view)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def count_message(template: str, total: int, exact: bool, cap: int | None) -> str:
    """«Писем: 12», or «Писем: более 1 000» when the count stopped at ``cap``."""
    if exact:
        return template.format(count=total)
    bound = f"{cap or total:,}".replace(",", "\u00a0")
    return template.format(count=f"более {bound}")
