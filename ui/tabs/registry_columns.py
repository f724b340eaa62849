"""The registry's columns, apart from its tab: the first page painted at start (before the tab's
modules and the ORM are imported) shows the letters as the tab shows them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.rules.states import DeliveryState, LetterStatus, labels
from app.services.registry.letter_rows import DRAFT_STATUS, LetterRow
from app.support import clock
from app.support.text import date_ru
from ui import palette
from ui.widgets.table_model import Column

OVERDUE = palette.ERROR
RESERVED = palette.RESERVED
DIMMED = palette.DIMMED
WIDTHS = [80, 52, 88, 250, 320, 105, 115, 135, 115]
ROWS_NAME = "Исходящие письма"
SEARCH_PLACEHOLDER = "Поиск по номеру, заголовку, адресату и тексту письма"
COUNT_TEXT = "Писем: {count}"
SORTED_BY = 2  # «Дата», newest first
STATUS_LABELS = labels(LetterStatus)
DELIVERY_STATE_LABELS = labels(DeliveryState)


def _late(row: LetterRow) -> bool:
    passed = row.report_due is not None and row.report_due < clock.today()
    return passed and row.reports_received < row.reports_total


def _report(row: LetterRow) -> str:
    """«3 из 85», and «просрочено» in words too: colour is never the only sign."""
    if not row.reports_total:
        return ""
    counted = f"{row.reports_received} из {row.reports_total}"
    return f"{counted}, просрочено" if _late(row) else counted


def _report_colour(row: LetterRow) -> str | None:
    return OVERDUE if _late(row) else None


def _status_colour(row: LetterRow) -> str | None:
    if row.status == DRAFT_STATUS:
        return RESERVED
    if row.status == LetterStatus.RESERVED:
        return RESERVED
    return DIMMED if row.status in (LetterStatus.ANNULLED, LetterStatus.CANCELLED) else None


def _delivery(row: LetterRow) -> str:
    if row.status != LetterStatus.REGISTERED:
        reason = f": {row.annul_reason}" if row.annul_reason else ""
        return STATUS_LABELS.get(row.status, "Черновик") + reason
    return DELIVERY_STATE_LABELS.get(row.delivery_state, row.delivery_state)


def registry_columns() -> list[Column]:
    """The registry's columns: the tab's and the first page's painted at start."""
    struck = lambda r: r.status == LetterStatus.ANNULLED  # noqa: E731
    return [
        Column("Номер", lambda r: r.number, foreground=_status_colour, struck_out=struck),
        Column("Файлы", lambda r: str(r.files) if r.files else ""),
        Column("Дата", lambda r: date_ru(r.reg_date), foreground=_status_colour),
        Column("Адресат", lambda r: r.addressee, foreground=_status_colour),
        Column("Заголовок", lambda r: r.subject, foreground=_status_colour),
        Column("Подписал", lambda r: r.signatory),
        Column("Исполнитель", lambda r: r.executor),
        Column("Доставка / состояние", _delivery, foreground=_status_colour),
        Column(
            "Срок отчета",
            lambda r: date_ru(r.report_due, weekday=True),
            foreground=_report_colour,
        ),
        Column("Отчеты", _report, foreground=_report_colour),
    ]


def dress_registry(table: QTableView) -> None:
    """The registry's table as the clerk knows it: its name, its column widths, newest first."""
    table.setAccessibleName(ROWS_NAME)
    header = table.horizontalHeader()
    header.setSortIndicatorShown(True)
    header.setSortIndicator(SORTED_BY, Qt.SortOrder.DescendingOrder)
    for column, width in enumerate(WIDTHS):
        table.setColumnWidth(column, width)
