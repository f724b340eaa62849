"""A thin table model over rows fetched from a service a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


PAGE_SIZE = 200  # rows fetched at a time (the first page at start too)


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], str]
    align_right: bool = False
    foreground: Callable[[Any], str | None] | None = None  # a colour name or None
    struck_out: Callable[[Any], bool] | None = None
    tooltip: Callable[[Any], str] | None = None


class PagedTableModel(QAbstractTableModel):
    """Rows come from ``fetch(offset, limit)``; the view asks for more as it scrolls."""

    def __init__(
        self,
        columns: list[Column],
        fetch: Callable[[int, int], list[Any]],
        count: Callable[[], int],
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__()
        self._columns = columns
        self._fetch = fetch
        self._count = count
        self._page_size = page_size
        self._rows: list[Any] = []
        self._total = 0
        self._open_ended = False  # the total is a lower bound (the count stopped at a cap)

    @property
    def total(self) -> int:
        return self._total

    @property
    def page_size(self) -> int:
        return self._page_size

    def reload(self) -> None:
        self.set_rows(self._fetch(0, self._page_size), self._count())

    @property
    def total_is_exact(self) -> bool:
        return not self._open_ended

    def set_rows(self, rows: list[Any], total: int, *, at_least: bool = False) -> None:
        """Show the first page (fetched elsewhere, e.g. off the UI thread) and the total;
        ``at_least``: there may be more rows than ``total`` (pages are fetched until one is
        short)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._total = max(total, len(self._rows))
        self._open_ended = at_least and len(self._rows) == self._page_size
        self.endResetModel()

    def show_list(self, rows: list[Any]) -> None:
        """Rows already in memory, shown a page at a time like fetched ones."""
        self._fetch = lambda offset, limit: rows[offset : offset + limit]
        self._count = lambda: len(rows)
        self.set_rows(rows[: self._page_size], len(rows))

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        more = self._open_ended or len(self._rows) < self._total
        return not parent.isValid() and more

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid():
            return
        page = self._fetch(len(self._rows), self._page_size)
        if len(page) < self._page_size:
            self._open_ended = False
        if not page:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(_ROOT, first, first + len(page) - 1)
        self._rows.extend(page)
        self._total = max(self._total, len(self._rows))
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else column.value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground:
            colour = column.foreground(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.FontRole and column.struck_out and column.struck_out(row):
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None
