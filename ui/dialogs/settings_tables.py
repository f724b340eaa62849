"""What the table pages of the settings share: a page of a table with its «Добавить» and
«Удалить выбранное» buttons, and reading and writing its cells."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def combo(choices: tuple[tuple[str, str], ...], current: str) -> QComboBox:
    box = QComboBox()
    for value, label in choices:
        box.addItem(label, value)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    if item is None:
        item = QTableWidgetItem("")
        table.setItem(row, column, item)
    return item


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


def row_of_empty_cells(table: QTableWidget, count: int) -> int:
    row = table.rowCount()
    table.insertRow(row)
    for column in range(count):
        table.setItem(row, column, QTableWidgetItem(""))
    return row


def table_page(
    page: QWidget,
    table: QTableWidget,
    add: object,
    what: str,
    hint: QLabel | None = None,
    *,
    note: QLabel | None = None,
    extra: QWidget | None = None,
) -> QWidget:
    add_button = QPushButton(f"Добавить {what}")
    remove_button = QPushButton("Удалить выбранное")
    add_button.clicked.connect(add)
    remove_button.clicked.connect(lambda: remove_selected(table))
    buttons = QHBoxLayout()
    buttons.addWidget(add_button)
    if extra is not None:
        buttons.addWidget(extra)
    buttons.addWidget(remove_button)
    buttons.addStretch(1)
    layout = QVBoxLayout(page)
    if note is not None:
        layout.addWidget(note)
    layout.addWidget(table, 1)
    if hint is not None:
        layout.addWidget(hint)
    layout.addLayout(buttons)
    return page


def remove_selected(table: QTableWidget) -> None:
    rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
    for row in rows:
        table.removeRow(row)
