"""A read-only table of rows already in memory: a check before an import, a list of gaps."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from ui.widgets.table_model import Column, PagedTableModel


def rows_view(
    parent: QWidget, name: str, columns: list[Column], widths: tuple[int, ...]
) -> tuple[QTableView, PagedTableModel]:
    """The view and its model (fill it with ``model.show_list``): whole rows selected, one line
    per row, ``widths`` for the first columns and the rest of the width to the last one."""
    model = PagedTableModel(columns, lambda offset, limit: [], lambda: 0)
    view = QTableView(parent)
    view.setObjectName(name)
    # the model goes with its view: a model left to Python's collector was deleted while the
    # view waited for its deferred deletion, and the view's destructor then crashed
    model.setParent(view)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    view.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    return view, model
