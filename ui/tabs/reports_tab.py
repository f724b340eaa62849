"""«Контроль отчетов»: letters that asked for a report, nearest due date first, with counts of
received, overdue and due-soon replies; a double click opens the letter's control card."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QWidget

from app.rules.periods import period_range
from app.services.control.reports import OVERVIEW_FILTERS, ControlRow, list_controls
from app.support import clock
from app.support.text import date_ru, normalize
from db.engine import Database
from ui import palette
from ui.tabs.list_tab import ListTab
from ui.widgets.table_model import Column

OVERDUE = palette.ERROR
DUE_SOON = palette.WARNING
DONE = palette.GOOD
PERIODS = (
    ("any", "Любой срок"),
    ("this_month", "Срок в этом месяце"),
    ("next_month", "Срок в следующем месяце"),
    ("year", "Срок в этом году"),
    ("last_year", "Срок в прошлом году"),
)


def _colour(row: ControlRow) -> str | None:
    if row.done:
        return DONE
    if row.overdue:
        return OVERDUE
    return DUE_SOON if row.due_soon else None


def _count_column(title: str, field: str, colour: str) -> Column:
    """A count of recipients, coloured when it is not zero."""
    return Column(
        title,
        lambda row: str(getattr(row, field)),
        align_right=True,
        foreground=lambda row: colour if getattr(row, field) else None,
    )


class ReportsTab(ListTab):
    rows_name = "Письма на контроле"
    search_placeholder = "Поиск по номеру и заголовку письма"
    count_text = "Писем: {count}"
    open_requested = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        self._rows: list[ControlRow] = []
        self._loaded_for: Any = None
        super().__init__(parent)
        self.set_column_widths([90, 95, 400, 125, 80, 80, 95, 95, 90])
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        action = QAction("Открыть карточку контроля", self)
        action.setShortcut(QKeySequence("Return"))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(self._open_selected)
        self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def extra_filters(self) -> list[QWidget]:
        self.show_combo = QComboBox()
        self.show_combo.setAccessibleName("Показать")
        for key, label in OVERVIEW_FILTERS.items():
            self.show_combo.addItem(label, key)
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName("Срок")
        for key, label in PERIODS:
            self.period_combo.addItem(label, key)
        self.show_combo.currentIndexChanged.connect(self.refresh)
        self.period_combo.currentIndexChanged.connect(self.refresh)
        return [self.show_combo, self.period_combo]

    def columns(self) -> list[Column]:
        return [
            Column("Номер", lambda r: r.number),
            Column("Дата", lambda r: date_ru(r.reg_date)),
            Column("Заголовок", lambda r: r.subject),
            Column(
                "Ближайший срок", lambda r: date_ru(r.next_due, weekday=True), foreground=_colour
            ),
            Column("Адресатов", lambda r: str(r.total), align_right=True),
            _count_column("Получено", "received", DONE),
            _count_column("Просрочено", "overdue", OVERDUE),
            _count_column("Срок ≤ 7 дней", "due_soon", DUE_SOON),
            Column(
                "Состояние",
                lambda r: (
                    "снято с контроля"
                    if r.closed
                    else ("исполнено" if r.done else f"ожидается {r.outstanding}")
                ),
                foreground=_colour,
            ),
        ]

    def make_query(self) -> Any:
        show = self.show_combo.currentData() if hasattr(self, "show_combo") else "all"
        period = self.period_combo.currentData() if hasattr(self, "period_combo") else "any"
        return (self.search_edit.text(), str(show or "all"), str(period or "any"))

    def _matching(self, query: Any) -> list[ControlRow]:
        search, show, period = query or ("", "all", "any")
        key = (show, period)
        if key != self._loaded_for:  # a few hundred letters at most are on control at once
            due_from, due_to = period_range(period, clock.today())
            self._rows = list_controls(self.db, show=show, due_from=due_from, due_to=due_to)
            self._loaded_for = key
        words = normalize(search).split()
        return [
            r for r in self._rows if all(w in normalize(f"{r.number} {r.subject}") for w in words)
        ]

    def fetch(self, query: Any, offset: int, limit: int) -> list[Any]:
        if offset == 0:
            self._loaded_for = None  # a new search reads fresh counts
        return self._matching(query)[offset : offset + limit]

    def count(self, query: Any) -> int:
        return len(self._matching(query))

    def _open(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_requested.emit(int(self.model.row_at(row).letter_id))

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open(rows[0].row())
