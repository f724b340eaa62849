"""«Реестр исходящих»: the letters of every journal, newest first, filtered as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu, QPushButton, QWidget

from app.rules.states import LetterStatus
from app.services.organization.profile import list_journals
from app.services.registry.drafts import DraftRow, list_drafts
from app.services.registry.letter_list import (
    COUNT_CAP,
    LetterQuery,
    LetterRow,
    count_letters,
    list_letters,
    only_number_start,
    search_letters,
)
from app.services.registry.letter_rows import DRAFT_STATUS
from db.engine import Database
from ui.keyboard import key_tip
from ui.read_only import writes
from ui.tabs.list_tab import ListTab
from ui.tabs.registry_columns import (
    COUNT_TEXT,
    ROWS_NAME,
    SEARCH_PLACEHOLDER,
    dress_registry,
    registry_columns,
)
from ui.widgets.period_filter import PeriodFilter
from ui.widgets.table_model import Column

STATUSES: tuple[tuple[str | None, str], ...] = (
    (None, "Все состояния"),
    (LetterStatus.REGISTERED, "Зарегистрированные"),
    (LetterStatus.RESERVED, "Зарезервированные"),
    (LetterStatus.ANNULLED, "Аннулированные"),
    (LetterStatus.CANCELLED, "Отмененные резервы"),
    (DRAFT_STATUS, "Черновики"),
)
SORTABLE = {0: "number", 2: "date", 3: "addressee", 4: "subject", 7: "status"}


def _draft_row(draft: DraftRow) -> LetterRow:
    """A draft as a line of the registry: no number yet, the day it was last saved."""
    return LetterRow(
        id=draft.id,
        journal=draft.journal,
        number="черновик",
        reg_date=draft.saved_at.date(),
        status=DRAFT_STATUS,
        addressee=draft.addressee,
        subject=draft.subject,
        signatory="",
        executor="",
        delivery_state="",
        report_due=None,
        reports_received=0,
        reports_total=0,
        annul_reason=f"{draft.owner}, {draft.saved_at:%d.%m.%Y %H:%M}",
    )


class RegistryTab(ListTab):
    rows_name = ROWS_NAME
    search_placeholder = SEARCH_PLACEHOLDER
    search_tooltip = (
        "Слова ищутся в любой форме: «мероприятие» найдет «мероприятиях», «Шапша» — «Шапше».\n"
        'Слова в кавычках — фраза: «"проведенное мероприятие"» найдет их только рядом.\n'
        "Номера, коды и даты — как написаны: 1893/5, -РСК, 28.10.2025; "
        "одна-две цифры — начало номера."
    )
    count_text = COUNT_TEXT
    count_cap = COUNT_CAP
    new_letter_requested = Signal()
    open_requested = Signal(int)
    draft_requested = Signal(int)  # a draft of the filter «Черновики», by its id
    annul_requested = Signal(int)
    letter_requested = Signal(str, int)  # "preview" | "print" | "save" | "mailing", letter id
    export_requested = Signal()
    control_requested = Signal(int)  # «Контроль отчетов» of a letter with a report request
    dispatch_requested = Signal(int)  # «Отправка» of a registered letter

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        super().__init__(parent)
        self._setup_sorting()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self._add_row_shortcuts()
        self.reload_journals()

    # --- filters --------------------------------------------------------------------------

    def extra_filters(self) -> list[QWidget]:
        self.period = PeriodFilter(self.refresh)
        self.period_combo = self.period.combo
        self.from_edit, self.to_edit = self.period.from_edit, self.period.to_edit
        self.journal_filter = QComboBox()
        self.journal_filter.setAccessibleName("Журнал")
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Состояние")
        for status, label in STATUSES:
            self.status_filter.addItem(label, status)
        self.journal_filter.currentIndexChanged.connect(self.refresh)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.new_button = QPushButton("Новое письмо")
        key_tip(self.new_button, "Ctrl+N", "Новое исходящее письмо")
        self.new_button.clicked.connect(self.new_letter_requested)
        writes(self.new_button)
        return [*self.period.widgets(), self.journal_filter, self.status_filter,
                self.new_button]  # fmt: skip

    def reload_journals(self) -> None:
        current = self.journal_filter.currentData()
        self.journal_filter.blockSignals(True)
        self.journal_filter.clear()
        self.journal_filter.addItem("Все журналы", None)
        for journal in list_journals(self.db):
            if journal.kind != "incoming":  # those are in «Входящие»
                self.journal_filter.addItem(journal.code, journal.code)
        self.journal_filter.setCurrentIndex(max(0, self.journal_filter.findData(current)))
        self.journal_filter.blockSignals(False)

    def _setup_sorting(self) -> None:
        dress_registry(self.table)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.refresh)

    def make_query(self) -> LetterQuery:
        start, end = self.period.dates()
        header = self.table.horizontalHeader()
        return LetterQuery(
            search=self.search_edit.text(),
            date_from=start,
            date_to=end,
            journal=self.journal_filter.currentData(),
            status=self.status_filter.currentData(),
            sort=SORTABLE.get(header.sortIndicatorSection(), "date"),
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )

    # --- rows -----------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return registry_columns()

    def fetch(self, query: Any, offset: int, limit: int) -> list[Any]:
        if query.status == DRAFT_STATUS:
            return [_draft_row(d) for d in list_drafts(self.db, search=query.search)][
                offset : offset + limit
            ]
        return list_letters(self.db, query, offset=offset, limit=limit)

    def first_page(self, query: Any, limit: int) -> tuple[list[Any], int]:
        if query.status == DRAFT_STATUS:
            return super().first_page(query, limit)
        found = search_letters(self.db, query, limit=limit, cap=COUNT_CAP)
        return found.rows, found.count

    def count(self, query: Any) -> int:
        if query.status == DRAFT_STATUS:
            return len(list_drafts(self.db, search=query.search))
        return count_letters(self.db, query, cap=self.count_cap)

    def count_message(self, query: Any, total: int, exact: bool) -> str:
        if query.status == DRAFT_STATUS:
            return f"Черновики: {total}"
        message = super().count_message(query, total, exact)
        short = only_number_start(query)
        self.count_label.setToolTip(
            "Одна-две буквы или цифры ищутся в начале номера; текст письма — от 3 знаков"
            if short
            else ""
        )
        return f"{message} по началу номера" if short else message

    def _id(self, row: int) -> int:
        return int(self.model.row_at(row).id)

    def selected_row(self) -> LetterRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    # --- context menu and shortcuts -------------------------------------------------------

    def _add_row_shortcuts(self) -> None:
        self.open_action = self._row_action("Открыть карточку", "Return", self._open_selected)
        self.copy_action = self._row_action(
            "Копировать номер", QKeySequence.StandardKey.Copy, self.copy_number
        )
        self.annul_action = self._row_action("Аннулировать…", "Ctrl+Delete", self._annul_selected)
        self.preview_action = self._row_action(
            "Просмотр письма…", "F3", lambda: self._letter_action("preview")
        )
        self.print_action = self._row_action(
            "Печать письма…", QKeySequence.StandardKey.Print, lambda: self._letter_action("print")
        )
        self.save_action = self._row_action(
            "Сохранить как PDF или DOCX…",
            QKeySequence.StandardKey.Save,
            lambda: self._letter_action("save"),
        )
        self.mailing_action = self._row_action(
            "Персональные копии…", "Ctrl+Shift+M", lambda: self._letter_action("mailing")
        )
        self.control_action = self._row_action(
            "Контроль отчетов по письму…", "Ctrl+K", self._control_selected
        )
        self.dispatch_action = self._row_action(
            "Отправка: МЭДО, e-mail, почта…", "Ctrl+D", self._dispatch_selected
        )
        self.file_action = self._row_action("В дело…", "Ctrl+Shift+F", self._file_selected)
        writes(self.annul_action, self.dispatch_action, self.file_action)
        self.export_action = QAction("Печать журнала за период…", self)
        self.export_action.triggered.connect(self.export_requested)

    def _row_action(self, text: str, key: Any, slot: Any) -> QAction:
        action = QAction(text, self.table)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.table.addAction(action)
        return action

    def row_menu(self) -> QMenu:
        row = self.selected_row()
        menu = QMenu(self)
        for action in (self.open_action, self.copy_action, self.annul_action):
            menu.addAction(action)
            action.setEnabled(row is not None)
        if row is not None:
            self.annul_action.setEnabled(
                row.status in (LetterStatus.REGISTERED, LetterStatus.RESERVED)
            )
        menu.addSeparator()
        letter_actions = (self.preview_action, self.print_action, self.save_action)
        for action in (*letter_actions, self.mailing_action):
            menu.addAction(action)
            action.setEnabled(row is not None and row.status == LetterStatus.REGISTERED)
        menu.addAction(self.dispatch_action)
        self.dispatch_action.setEnabled(row is not None and row.status == LetterStatus.REGISTERED)
        menu.addAction(self.file_action)
        self.file_action.setEnabled(row is not None and row.status == LetterStatus.REGISTERED)
        menu.addAction(self.control_action)
        self.control_action.setEnabled(
            row is not None and row.status == LetterStatus.REGISTERED and bool(row.reports_total)
        )
        menu.addSeparator()
        menu.addAction(self.export_action)
        return menu

    def _row_menu(self, pos: QPoint) -> None:
        self.row_menu().exec(self.table.viewport().mapToGlobal(pos))

    def _open_selected(self) -> None:
        """Enter opens the selected row, or the current one (Tab into the list selects none)."""
        index = self.row_index()
        if index is not None:
            self._open_row(index)

    def _open_row(self, index: int) -> None:
        row = self.model.row_at(index)
        if row.status == DRAFT_STATUS:
            self.draft_requested.emit(row.id)
        else:
            self.open_requested.emit(row.id)

    def _letter_action(self, kind: str) -> None:
        row = self.selected_row()
        if row is not None and row.status == LetterStatus.REGISTERED:
            self.letter_requested.emit(kind, row.id)

    def _file_selected(self) -> None:
        from ui.dialogs.file_to_case import FileToCaseDialog

        row = self.selected_row()
        if row is None or row.status != LetterStatus.REGISTERED:
            return
        dialog = FileToCaseDialog(
            self.db, incoming=False, row_id=row.id, number=row.number, year=row.reg_date.year,
            proposed=self.filed_index(row.id), parent=self,
        )  # fmt: skip
        dialog.exec()

    def filed_index(self, letter_id: int) -> str:
        from app.services.cases.filing import filed_index

        return filed_index(self.db, letter_id)

    def _control_selected(self) -> None:
        row = self.selected_row()
        if row is not None and row.status == LetterStatus.REGISTERED and row.reports_total:
            self.control_requested.emit(row.id)

    def _dispatch_selected(self) -> None:
        row = self.selected_row()
        if row is not None and row.status == LetterStatus.REGISTERED:
            self.dispatch_requested.emit(row.id)

    def _annul_selected(self) -> None:
        row = self.selected_row()
        if row is not None and row.status in (LetterStatus.REGISTERED, LetterStatus.RESERVED):
            self.annul_requested.emit(row.id)

    def copy_number(self) -> None:
        row = self.selected_row()
        if row is not None:
            QGuiApplication.clipboard().setText(row.number)

    def select_letter(self, letter_id: int) -> None:
        for row in range(self.model.rowCount()):
            if self._id(row) == letter_id:
                self.table.selectRow(row)
                return
