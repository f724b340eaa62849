"""«Входящие»: the letters received, newest first, searched as you type like the registry."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QMenu, QPushButton, QWidget

from app.rules.states import Execution, LetterStatus
from app.services.incoming.listing import (
    COUNT_CAP,
    IncomingQuery,
    IncomingRow,
    count_incoming,
    list_incoming,
)
from app.services.organization.profile import list_journals, list_staff
from app.support import clock
from app.support.text import date_ru, initials_name
from db.engine import Database
from ui import palette
from ui.keyboard import key_tip
from ui.read_only import writes
from ui.tabs.list_tab import ListTab
from ui.widgets.filter_choices import refill
from ui.widgets.period_filter import PeriodFilter
from ui.widgets.table_model import Column

CONTROL_FILTERS: tuple[tuple[str, str], ...] = (
    ("", "Все"),
    ("on_control", "На контроле"),
    ("overdue", "Просроченные"),
)


def _theirs(row: IncomingRow) -> str:
    dated = f"от {date_ru(row.sender_date)}" if row.sender_date else ""
    return " ".join(p for p in (f"№ {row.sender_number}" if row.sender_number else "", dated) if p)


def _execution(row: IncomingRow) -> str:
    if row.status == LetterStatus.ANNULLED:
        return "Аннулировано"
    if row.execution == Execution.NONE:
        return ""
    return "Просрочено" if row.overdue else Execution(row.execution).label


def _colour(row: IncomingRow) -> str | None:
    if row.status == LetterStatus.ANNULLED:
        return palette.DIMMED
    return palette.ERROR if row.overdue else None


class IncomingTab(ListTab):
    rows_name = "Входящие письма"
    search_placeholder = "Поиск: номер, отправитель, заголовок"
    search_tooltip = (
        "Слова ищутся в любой форме: «мероприятие» найдет «мероприятиях».\n"
        "Слова в кавычках — фраза. Номера — как написаны: 01-12/345, 5-вх."
    )
    count_text = "Входящих: {count}"
    count_cap = COUNT_CAP
    register_requested = Signal()
    medo_requested = Signal()
    mail_requested = Signal()
    arrivals_requested = Signal()
    open_requested = Signal(int)
    labels_requested = Signal(list, str)  # incoming ids, "58x40" | "A4-24"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        super().__init__(parent)
        self.set_column_widths([60, 82, 250, 150, 280, 105, 82, 165, 45])
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        # several letters chosen (Shift, Ctrl) get their registration marks as labels at once
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.row_menu().exec(self.table.viewport().mapToGlobal(pos))
        )
        self.refreshed.connect(self.count_arrivals)
        self.reload_journals()

    def extra_filters(self) -> list[QWidget]:
        self.period = PeriodFilter(self.refresh)
        self.journal_filter = QComboBox()
        self.journal_filter.setAccessibleName("Журнал")
        self.journal_filter.currentIndexChanged.connect(self.refresh)
        self.control_filter = QComboBox()
        self.control_filter.setAccessibleName("Контроль")
        for value, label in CONTROL_FILTERS:
            self.control_filter.addItem(label, value)
        self.control_filter.currentIndexChanged.connect(self.refresh)
        self.executor_filter = QComboBox()
        self.executor_filter.setAccessibleName("Исполнитель")
        self.executor_filter.currentIndexChanged.connect(self.refresh)
        self.arrivals_button = QPushButton("Поступившие")
        self.arrivals_button.setToolTip(
            "Пакеты МЭДО и письма e-mail, ждущие регистрации: посмотреть, зарегистрировать, "
            "отклонить"
        )
        self.arrivals_button.clicked.connect(self.arrivals_requested)
        self.register_button = QPushButton("Зарегистрировать входящее")
        key_tip(self.register_button, "Ctrl+I", "Новое входящее письмо")
        self.register_button.clicked.connect(self.register_requested)
        self.medo_button = QPushButton("Из МЭДО…")
        self.medo_button.setToolTip("Зарегистрировать письма из полученных пакетов МЭДО")
        self.medo_button.clicked.connect(self.medo_requested)
        self.mail_button = QPushButton("Из e-mail…")
        self.mail_button.setToolTip("Зарегистрировать письмо из файла .eml")
        self.mail_button.clicked.connect(self.mail_requested)
        writes(self.register_button, self.medo_button, self.mail_button)
        return [*self.period.widgets(), self.journal_filter, self.control_filter,
                self.executor_filter, self.arrivals_button, self.register_button,
                self.medo_button, self.mail_button]  # fmt: skip

    def count_arrivals(self) -> None:
        """«Поступившие (3)»: how many wait for registration, in bold when any do."""
        from app.services.arrivals.queue import count_waiting

        waiting = count_waiting(self.db)
        self.arrivals_button.setText(f"Поступившие ({waiting})" if waiting else "Поступившие")
        font = self.arrivals_button.font()
        font.setBold(waiting > 0)
        self.arrivals_button.setFont(font)

    def reload_journals(self) -> None:
        """The incoming journals and the staff, as the set-up has them now."""
        for combo, first, items in (
            (
                self.journal_filter,
                "Все журналы",
                [(j.code, j.code) for j in list_journals(self.db) if j.kind == "incoming"],
            ),
            (
                self.executor_filter,
                "Все исполнители",
                [
                    (s.code, initials_name(s.last_name, s.first_name, s.middle_name))
                    for s in list_staff(self.db, active_only=True)
                ],
            ),
        ):
            refill(combo, first, items)

    def make_query(self) -> IncomingQuery:
        start, end = self.period.dates()
        control = self.control_filter.currentData()
        return IncomingQuery(
            search=self.search_edit.text(),
            date_from=start,
            date_to=end,
            journal=self.journal_filter.currentData(),
            on_control=control == "on_control",
            overdue=control == "overdue",
            executor=self.executor_filter.currentData(),
            today=clock.today(),
        )

    def columns(self) -> list[Column]:
        return [
            Column("Номер", lambda r: r.number, foreground=_colour),
            Column("Дата", lambda r: date_ru(r.reg_date)),
            Column("Отправитель", lambda r: r.sender),
            Column("Исх. № и дата", _theirs),
            Column("Заголовок", lambda r: r.subject),
            Column("Исполнитель", lambda r: r.executor),
            Column("Срок", lambda r: date_ru(r.due) if r.due else "", foreground=_colour),
            Column("Исполнение", _execution, foreground=_colour),
            Column("Файлы", lambda r: str(r.files) if r.files else ""),
        ]

    def fetch(self, query: Any, offset: int, limit: int) -> list[Any]:
        return list_incoming(self.db, query, offset=offset, limit=limit)

    def count(self, query: Any) -> int:
        return count_incoming(self.db, query, cap=COUNT_CAP)

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_requested.emit(int(self.model.row_at(row).id))

    def selected_ids(self) -> list[int]:
        """The letters chosen, in the list's order (the current one when none is)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        if not rows:
            current = self.row_index()
            rows = [] if current is None else [current]
        return [int(self.model.row_at(row).id) for row in rows]

    def row_menu(self) -> QMenu:
        """What the chosen letters' context menu (right button, the menu key) offers."""
        chosen = self.selected_ids()
        menu = QMenu(self)
        menu.addAction("Открыть карточку", lambda: self.open_requested.emit(chosen[0]))
        menu.addSeparator()
        count = f" ({len(chosen)})" if len(chosen) > 1 else ""
        for size, label in (("58x40", "Этикетки отметки 58×40 мм"),
                            ("A4-24", "Этикетки отметки на листе A4")):  # fmt: skip
            menu.addAction(f"{label}{count}…", partial(self.labels_requested.emit, chosen, size))
        for action in menu.actions():
            action.setEnabled(bool(chosen))
        return menu

    def selected_id(self) -> int | None:
        index = self.row_index()
        return None if index is None else int(self.model.row_at(index).id)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            selected = self.selected_id()
            if selected is not None:
                self.open_requested.emit(selected)
                return
        super().keyPressEvent(event)
