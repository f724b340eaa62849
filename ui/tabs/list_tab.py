"""The common shape of a tab: a filter bar, a count of matches and a paged table.

The first page and the count are fetched off the UI thread, so typing in the search field never
freezes the window; a newer search drops the result of an older one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.search.search_index import MAX_SEARCH_CHARS
from ui.background import Background, message_of
from ui.keyboard import in_order
from ui.widgets.rows_table import count_message, rows_table
from ui.widgets.table_model import Column, PagedTableModel

SEARCH_DELAY_MS = 10  # a pasted text is one change; a search running meanwhile makes the next wait


class ListTab(QWidget):
    """Subclasses give the columns, a query built from the filter widgets, and two service
    calls run with that query: a page of rows and their count."""

    rows_name = ""  # what the table lists, said by a screen reader («Исходящие письма»)
    search_placeholder = ""
    search_tooltip = ""
    count_text = "Найдено: {count}"
    count_cap: int | None = None  # the count stops there; the label then says «более …»
    refreshed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(MAX_SEARCH_CHARS)
        self.search_edit.setPlaceholderText(self.search_placeholder)
        self.search_edit.setToolTip(self.search_tooltip)
        self.count_label = QLabel(self)
        self.background = Background(self)
        self._query: Any = None
        self._in_flight = False  # one search at a time; typing meanwhile queues the newest
        self._pending = False
        self.model = PagedTableModel(self.columns(), self._fetch_page, self._count)
        self.table = QTableView(self)
        self.table.setAccessibleName(self.rows_name)
        self.search_edit.setAccessibleName(f"Поиск: {self.rows_name.lower()}")
        self._build_table()
        self._build_layout()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.refresh)

    # --- to be provided by subclasses -----------------------------------------------------

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def make_query(self) -> Any:
        """The filters as a plain value, read from the widgets on the UI thread."""
        return self.search_edit.text()

    def fetch(self, query: Any, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def count(self, query: Any) -> int:
        raise NotImplementedError

    def extra_filters(self) -> list[QWidget]:
        return []

    def first_page(self, query: Any, limit: int) -> tuple[list[Any], int]:
        """The first rows and the count of a query (off the UI thread)."""
        return self.fetch(query, 0, limit), self.count(query)

    # --- shared behaviour -----------------------------------------------------------------

    def _fetch_page(self, offset: int, limit: int) -> list[Any]:
        return self.fetch(self._query, offset, limit)

    def _count(self) -> int:
        return self.count(self._query)

    def _build_table(self) -> None:
        rows_table(self.table, self.model)
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)

    def _column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """Show or hide columns (the header's context menu)."""
        menu = QMenu(self)
        for column in range(self.model.columnCount()):
            title = self.model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self.table.setColumnHidden(c, not shown))
        return menu

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 1)
        filters = self.extra_filters()
        for widget in filters:
            bar.addWidget(widget)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        in_order(self.search_edit, *filters, self.table)  # the filters are made after the table

    def set_column_widths(self, widths: list[int]) -> None:
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def refresh(self) -> None:
        """Fetch the first page and the count in the background, then show them.

        While one search runs, newer requests wait and only the newest runs next (with the
        filters as they are then): typing fast never piles searches up on the database."""
        self._search_timer.stop()
        if self._in_flight:
            self._pending = True
            return
        self._in_flight = True
        query = self.make_query()
        page = self.model.page_size

        def work() -> tuple[Any, list[Any], int]:
            return (query, *self.first_page(query, page))

        self.count_label.setText("Поиск…")
        self.background.run("refresh", work, self._show, self._failed)

    def _next(self) -> bool:
        """After a search: run the newest waiting one; True if there was one."""
        self._in_flight = False
        if not self._pending:
            return False
        self._pending = False
        self.refresh()
        return True

    def count_message(self, query: Any, total: int, exact: bool) -> str:
        return count_message(self.count_text, total, exact, self.count_cap)

    def show_rows(self, rows: list[Any], total: int) -> None:
        """Rows read elsewhere shown at once (the first page painted at start), before the
        tab's own first refresh brings them again."""
        capped = self.count_cap is not None and total > self.count_cap
        self.model.set_rows(rows, total, at_least=capped)
        self.count_label.setText(
            self.count_message(self.make_query(), self.model.total, not capped)
        )

    def _show(self, result: tuple[Any, list[Any], int]) -> None:
        if self._next():
            return  # the filters changed meanwhile; that result is on its way
        self._query, rows, total = result
        capped = self.count_cap is not None and total > self.count_cap
        self.model.set_rows(rows, total, at_least=capped)
        self.count_label.setText(self.count_message(self._query, self.model.total, not capped))
        self.refreshed.emit()

    def _failed(self, error: Exception) -> None:
        if self._next():
            return
        self.count_label.setText(message_of(error))

    def row_index(self) -> int | None:
        """The row an action is for: the selected one, else the current one (the keyboard
        brought by Tab into the list selects nothing)."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        current = self.table.currentIndex()
        return current.row() if current.isValid() else None

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def hidden_columns(self) -> list[int]:
        return [c for c in range(self.model.columnCount()) if self.table.isColumnHidden(c)]

    def set_hidden_columns(self, columns: list[int]) -> None:
        for c in range(self.model.columnCount()):
            self.table.setColumnHidden(c, c in columns)
