"""A grid of cells a clerk fills like a spreadsheet: Ctrl+V on a selected cell pastes (no F2
first), a block copied from Excel or Calc fills the cells right and down from it (rows are added
as needed), Ctrl+C copies the selection the same way, Delete clears it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QWidget

MAX_PASTED_ROWS = 5000  # a report's rows; more is a mistake, not a report


def parse_block(text: str) -> list[list[str]]:
    """Rows of cells from the clipboard's text: tab-separated lines, a cell with a line break or
    a tab in quotes (as Excel writes it); the trailing empty line dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    if '"' not in text:
        return [line.split("\t") for line in text.split("\n")]
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]


class PasteGrid(QTableWidget):
    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self.new_row: Callable[[], None] = lambda: self.insertRow(self.rowCount())
        self.pasted_beyond = 0  # columns of the last paste that did not fit

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QTableWidget.State.EditingState:
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste_text(QGuiApplication.clipboard().text())
                return
            if event.matches(QKeySequence.StandardKey.Copy):
                QGuiApplication.clipboard().setText(self.selected_text())
                return
            if event.matches(QKeySequence.StandardKey.Delete):
                for index in self.selectedIndexes():
                    item = self.item(index.row(), index.column())
                    if item is not None:
                        item.setText("")
                return
        super().keyPressEvent(event)

    def paste_text(self, text: str) -> int:
        """Fill from the current cell; returns the cells filled."""
        block = parse_block(text)[:MAX_PASTED_ROWS]
        if not block:
            return 0
        top = max(self.currentRow(), 0)
        left = max(self.currentColumn(), 0)
        if len(block) == 1 and len(block[0]) == 1 and len(self.selectedIndexes()) > 1:
            targets = [(i.row(), i.column()) for i in self.selectedIndexes()]  # one value, many
            for row, column in targets:
                self._set(row, column, block[0][0])
            return len(targets)
        filled = 0
        self.pasted_beyond = 0
        for r, values in enumerate(block):
            while top + r >= self.rowCount():
                self.new_row()
            for c, value in enumerate(values):
                if left + c >= self.columnCount():
                    self.pasted_beyond = max(self.pasted_beyond, len(values) - c)
                    break
                self._set(top + r, left + c, value)
                filled += 1
        return filled

    def _set(self, row: int, column: int, value: str) -> None:
        item = self.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.setItem(row, column, item)
        item.setText(value.strip())

    def selected_text(self) -> str:
        indexes = self.selectedIndexes()
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\n")
        for row in rows:
            writer.writerow(
                [
                    (item.text() if (item := self.item(row, c)) is not None else "")
                    if (row, c) in chosen
                    else ""
                    for c in columns
                ]
            )
        return out.getvalue()
