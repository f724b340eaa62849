"""«Контроль отчетов»: letters that asked for a report, nearest due date first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QWidget

from app.services.reports import ControlRow, list_controls
from app.text import date_ru, normalize
from db.engine import Database
from ui.table_model import Column
from ui.tabs.list_tab import ListTab

OVERDUE = "#b3261e"
DUE_SOON = "#9a6700"
DONE = "#1e7b34"


def _colour(row: ControlRow) -> str | None:
    if row.outstanding == 0:
        return DONE
    days_left = (row.due_date - dt.date.today()).days
    if row.overdue or days_left < 0:
        return OVERDUE
    return DUE_SOON if days_left <= 7 else None


class ReportsTab(ListTab):
    search_placeholder = "Поиск по номеру и заголовку письма"
    count_text = "Писем на контроле: {count}"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        self._rows: list[ControlRow] = []
        super().__init__(parent)
        self.set_column_widths([90, 95, 420, 130, 90, 90, 100, 90])

    def columns(self) -> list[Column]:
        return [
            Column("Номер", lambda r: r.number),
            Column("Дата", lambda r: date_ru(r.reg_date)),
            Column("Заголовок", lambda r: r.subject),
            Column("Срок", lambda r: date_ru(r.due_date, weekday=True), foreground=_colour),
            Column("Адресатов", lambda r: str(r.total), align_right=True),
            Column("Получено", lambda r: str(r.received), align_right=True, foreground=_colour),
            Column("Просрочено", lambda r: str(r.overdue), align_right=True, foreground=_colour),
            Column("Осталось", lambda r: str(r.outstanding), align_right=True),
        ]

    def _matching(self, search: str) -> list[ControlRow]:
        words = normalize(search).split()
        return [
            r for r in self._rows if all(w in normalize(f"{r.number} {r.subject}") for w in words)
        ]

    def fetch(self, query: Any, offset: int, limit: int) -> list[Any]:
        if offset == 0:  # a few hundred letters at most are on control at once
            self._rows = list_controls(self.db)
        return self._matching(str(query or ""))[offset : offset + limit]

    def count(self, query: Any) -> int:
        return len(self._matching(str(query or "")))
