"""Cells of a QTableWidget for assertions: present, or the test fails saying which."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    found = table.item(row, column)
    assert found is not None, f"no cell at row {row}, column {column}"
    return found
