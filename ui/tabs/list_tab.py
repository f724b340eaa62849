"""The common shape of a tab: a search field, a count of matches and a paged table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.table_model import Column, PagedTableModel

SEARCH_DELAY_MS = 200


class ListTab(QWidget):
    """Subclasses give the columns and the two service calls: a page of rows and their count."""

    search_placeholder = ""
    count_text = "Найдено: {count}"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(self.search_placeholder)
        self.count_label = QLabel(self)
        self.model = PagedTableModel(self.columns(), self._fetch_page, self._count)
        self.table = QTableView(self)
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

    def fetch(self, search: str, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def count(self, search: str) -> int:
        raise NotImplementedError

    def extra_filters(self) -> list[QWidget]:
        return []

    # --- shared behaviour -----------------------------------------------------------------

    def _fetch_page(self, offset: int, limit: int) -> list[Any]:
        return self.fetch(self.search_edit.text(), offset, limit)

    def _count(self) -> int:
        return self.count(self.search_edit.text())

    def _build_table(self) -> None:
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 1)
        for widget in self.extra_filters():
            bar.addWidget(widget)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def set_column_widths(self, widths: list[int]) -> None:
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def refresh(self) -> None:
        self._search_timer.stop()
        self.model.reload()
        self.count_label.setText(self.count_text.format(count=self.model.total))

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()
