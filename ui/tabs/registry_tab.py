"""«Реестр исходящих»: the registered letters, newest first, searchable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QWidget

from app.services.letter_list import LetterQuery, LetterRow, count_letters, list_letters
from app.services.letters import DELIVERY_STATE_LABELS, STATUS_LABELS
from app.text import date_ru
from db.engine import Database
from ui.table_model import Column
from ui.tabs.list_tab import ListTab

OVERDUE = "#b3261e"
DIMMED = "#7a7a7a"


def _report(row: LetterRow) -> str:
    if not row.reports_total:
        return ""
    return f"{row.reports_received} из {row.reports_total}"


def _report_colour(row: LetterRow) -> str | None:
    late = row.report_due is not None and row.report_due < dt.date.today()
    if late and row.reports_received < row.reports_total:
        return OVERDUE
    return None


def _status_colour(row: LetterRow) -> str | None:
    return DIMMED if row.status in ("annulled", "cancelled") else None


def _delivery(row: LetterRow) -> str:
    if row.status != "registered":
        return STATUS_LABELS[row.status]
    return DELIVERY_STATE_LABELS.get(row.delivery_state, row.delivery_state)


class RegistryTab(ListTab):
    search_placeholder = "Поиск по номеру, заголовку, адресату и тексту письма"
    count_text = "Писем: {count}"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        super().__init__(parent)
        self.set_column_widths([90, 95, 300, 360, 120, 120, 120, 120])

    def columns(self) -> list[Column]:
        struck = lambda r: r.status == "annulled"  # noqa: E731
        return [
            Column("Номер", lambda r: r.number, foreground=_status_colour, struck_out=struck),
            Column("Дата", lambda r: date_ru(r.reg_date), foreground=_status_colour),
            Column("Адресат", lambda r: r.addressee, foreground=_status_colour),
            Column("Заголовок", lambda r: r.subject, foreground=_status_colour),
            Column("Подписал", lambda r: r.signatory),
            Column("Исполнитель", lambda r: r.executor),
            Column("Доставка", _delivery, foreground=_status_colour),
            Column(
                "Срок отчета",
                lambda r: date_ru(r.report_due, weekday=True),
                foreground=_report_colour,
            ),
            Column("Отчеты", _report, foreground=_report_colour),
        ]

    def fetch(self, search: str, offset: int, limit: int) -> list[Any]:
        return list_letters(self.db, LetterQuery(search=search), offset=offset, limit=limit)

    def count(self, search: str) -> int:
        return count_letters(self.db, LetterQuery(search=search))
