"""The registry's first page, painted at start before the window is built.

``ui.application`` reads the page with plain ``sqlite3`` (``app.services.registry.first_page``)
right after the frame is shown, and the frame shows it here — the columns, widths and colours
of the registry's tab — while SQLAlchemy, the tabs and the menus load. ``MainWindow.build`` then
puts the window in its place, with these rows already in the registry's tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.services.registry.first_page import FirstPage
from app.services.registry.letter_rows import COUNT_CAP
from ui.tabs.registry_columns import (
    COUNT_TEXT,
    SEARCH_PLACEHOLDER,
    dress_registry,
    registry_columns,
)
from ui.widgets.rows_table import count_message, rows_table
from ui.widgets.table_model import PagedTableModel


class FirstPageView(QWidget):
    def __init__(self, page: FirstPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_page")
        search = QLineEdit(self)
        search.setPlaceholderText(SEARCH_PLACEHOLDER)
        search.setEnabled(False)  # typing waits for the window, a moment later
        capped = page.count > COUNT_CAP
        self.count_label = QLabel(count_message(COUNT_TEXT, page.count, not capped, COUNT_CAP))
        self.model = PagedTableModel(registry_columns(), lambda _o, _n: [], lambda: page.count)
        self.model.set_rows(page.rows, page.count, at_least=capped)
        self.table = rows_table(QTableView(self), self.model)
        dress_registry(self.table)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # looked at; worked in a moment later
        bar = QHBoxLayout()
        bar.addWidget(search, 1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
