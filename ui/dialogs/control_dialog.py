"""The control card of one letter: every recipient's state, the rows they sent, the chart of
received vs outstanding, and the actions «Отметить получение», «Продлить срок», «Не требуется»,
«Снять с контроля», «Вернуть на контроль», «Напомнить», «Сводный отчет»."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.exporters.table import cell_text
from app.rules.production_calendar import due_date_warning
from app.rules.states import ControlState, ControlStatus
from app.services.control.report_control import extend_due, set_state
from app.services.control.report_reminders import remind
from app.services.control.report_summary import export_summary
from app.services.control.reports import (
    OFF_CONTROL,
    OUTSTANDING,
    LetterControl,
    RecipientControl,
    extension_note,
    letter_control,
    reply_detail,
)
from app.services.files.stored_files import save_stored_file
from app.services.output.letter_export import safe_name
from app.support.errors import UserError
from app.support.text import WEEKDAYS_FULL, date_ru, wrap_title
from db.engine import Database
from ui import palette
from ui.background import message_of
from ui.dialogs.control_dialogs import ExtendDialog, RemindDialog
from ui.file_dialogs import announce_saved, save_file
from ui.fit import keep_splitter, open_sized
from ui.keyboard import in_order, key_tip
from ui.widgets.control_chart import ControlChart

STATUS_COLOURS: dict[str, str] = {
    ControlStatus.OVERDUE: palette.ERROR,
    ControlStatus.RECEIVED_IN_TIME: palette.GOOD,
    ControlStatus.RECEIVED_LATE: palette.LATE_GOOD,
    ControlStatus.REMINDED: palette.WARNING,
    ControlStatus.EXCUSED: palette.DIMMED,
    ControlStatus.CLOSED: palette.DIMMED,
}
FILTERS = {
    "all": ("Все адресаты", lambda r: True),
    "waiting": ("Не представили", lambda r: r.state in OUTSTANDING),
    "overdue": ("Просрочены", lambda r: r.status == ControlStatus.OVERDUE),
    "received": ("Представили", lambda r: r.state == ControlState.RECEIVED),
    "off": (
        "Не требуется / сняты",
        lambda r: r.state in OFF_CONTROL,
    ),
}
COLUMNS = (
    "№",
    "Адресат",
    "Доставка",
    "Срок",
    "Состояние",
    "Ответ",
    "Получен",
    "Строк",
    "Файлов",
    "Напоминание",
    "Примечание",
)


def _reply(r: RecipientControl) -> str:
    return f"{r.reply_number} от {date_ru(r.reply_date)}" if r.reply_number else ""


def _cells(r: RecipientControl) -> list[str]:
    reminder = (
        f"№ {r.reminder_number} от {r.reminded_at:%d.%m.%Y}"
        if r.reminder_number and r.reminded_at
        else ""
    )
    return [
        str(r.position),
        r.name,
        r.delivery,
        date_ru(r.due, weekday=True),
        r.label,
        _reply(r),
        date_ru(r.received_date),
        str(r.rows or ""),
        str(r.files or ""),
        reminder,
        r.note,
    ]


class ControlDialog(QDialog):
    changed = Signal()  # the registry and the overview refresh
    mailing_requested = Signal(int)  # a reminder letter to send out as personal copies
    incoming_requested = Signal(int)  # the incoming letter that brought a report

    def __init__(self, db: Database, letter_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._incoming_id: int | None = None  # of the recipient shown below the table
        self.db, self.letter_id = db, letter_id
        self.control: LetterControl | None = None
        open_sized(self, "control", QSize(1200, 780))
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.counts = QLabel(self)
        self.chart = ControlChart(self)
        self.filter = QComboBox(self)
        self.filter.setAccessibleName("Показать")
        for key, (title, _test) in FILTERS.items():
            self.filter.addItem(title, key)
        self.filter.currentIndexChanged.connect(self._fill)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Адресаты и их отчеты")
        self._build_table()
        self.rows = QTableWidget(0, 0, self)
        self.rows.setAccessibleName("Строки отчета")
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.verticalHeader().setVisible(False)
        self.files = QListWidget(self)
        self.files.setAccessibleName("Файлы отчета")
        self.files.setMaximumWidth(320)
        self.files.itemDoubleClicked.connect(self._save_file)
        self.detail_title = QLabel(self)
        self.status = QLabel(self)
        self.buttons: dict[str, QPushButton] = {}
        self._build()
        self.reload()

    # --- building --------------------------------------------------------------------------

    def _build_table(self) -> None:
        t = self.table
        t.setHorizontalHeaderLabels(list(COLUMNS))
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setAlternatingRowColors(True)
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(24)
        header = t.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((36, 300, 100, 110, 165, 200, 85, 50, 55, 150)):
            t.setColumnWidth(col, width)
        t.itemSelectionChanged.connect(self._selection_changed)
        t.itemDoubleClicked.connect(lambda _item: self.receive())
        t.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        t.customContextMenuRequested.connect(self._context_menu)

    def _build(self) -> None:
        actions: list[tuple[str, str, Callable[[], None], str | None]] = [
            ("receive", "Отметить получение…", self.receive, "Ctrl+R"),
            ("extend", "Продлить срок…", self.extend, "Ctrl+E"),
            ("excuse", "Не требуется…", self.excuse, None),
            ("close", "Снять с контроля", self.close_control, None),
            ("reopen", "Вернуть на контроль", self.reopen, None),
            ("remind", "Напомнить…", self.remind, "Ctrl+M"),
            ("summary", "Сводный отчет…", self.summary, "Ctrl+S"),
        ]
        bar = QHBoxLayout()
        for key, text, slot, shortcut in actions:
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            if shortcut:
                button.setShortcut(QKeySequence(shortcut))
                key_tip(button, shortcut)
            self.buttons[key] = button
            bar.addWidget(button)
        self.incoming_button = QPushButton("Открыть входящее", self)
        self.incoming_button.setToolTip("Входящее письмо, которым пришел отчет адресата")
        self.incoming_button.setEnabled(False)
        self.incoming_button.clicked.connect(self._open_incoming)
        bar.addWidget(self.incoming_button)
        bar.addStretch(1)
        close_menu = QMenu(self)
        close_menu.addAction("Выбранных адресатов", self.close_control)
        close_menu.addAction("Все письмо", self.close_letter)
        self.buttons["close"].setMenu(close_menu)

        top = QHBoxLayout()
        info = QVBoxLayout()
        info.addWidget(self.header)
        info.addWidget(self.counts)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("Показать:"))
        filter_row.addWidget(self.filter)
        filter_row.addStretch(1)
        info.addLayout(filter_row)
        info.addStretch(1)
        top.addLayout(info, 3)
        top.addWidget(self.chart, 2)

        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        split = QHBoxLayout()
        split.addWidget(self.rows, 1)
        files_box = QVBoxLayout()
        files_box.addWidget(QLabel("Файлы ответа (двойной щелчок — сохранить):"))
        files_box.addWidget(self.files, 1)
        split.addLayout(files_box)
        detail_layout.addLayout(split)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 240])
        keep_splitter(splitter, "control")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.chart.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a picture: nothing to do by keys
        in_order(self.filter, *self.buttons.values(), self.incoming_button, self.table, self.rows,
                 self.files)  # fmt: skip

    # --- showing ---------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            self.control = letter_control(self.db, self.letter_id)
        except UserError as exc:
            QMessageBox.warning(self, "Контроль отчетов", message_of(exc))
            return
        c = self.control
        self.setWindowTitle(f"Контроль отчетов — письмо № {c.number} от {date_ru(c.reg_date)}")
        warning = due_date_warning(c.due)
        extended = f" ({extension_note(c.due_changes)})" if c.due_changes else ""
        weekday = WEEKDAYS_FULL[c.due.weekday()]
        self.header.setText(
            f"<b>№ {c.number} от {date_ru(c.reg_date)}</b> — {c.subject}<br>"
            f"Срок представления: <b>{date_ru(c.due)}, {weekday}</b>{extended}"
            + (f"<br><span style='color:{palette.WARNING}'>{warning}</span>" if warning else "")
            + ("<br><b>Письмо снято с контроля</b>" if c.closed else "")
        )
        total = len(c.recipients)
        self.counts.setText(
            f"Адресатов: <b>{total}</b>"
            f" · получено: <b style='color:{palette.GOOD}'>{c.received}</b>"
            f" · просрочено: <b style='color:{palette.ERROR}'>{c.overdue}</b>"
            f" · ожидается: <b>{c.outstanding}</b>"
            f" · не требуется/сняты: {c.count('excused', 'closed')}"
        )
        self.chart.show_control(c)
        self._fill()

    def _fill(self) -> None:
        if self.control is None:
            return
        selected = set(self.selected_ids())
        _title, test = FILTERS[str(self.filter.currentData())]
        shown = [r for r in self.control.recipients if test(r)]
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(shown))
        for row, r in enumerate(shown):
            colour = STATUS_COLOURS.get(r.status)
            for col, text in enumerate(_cells(r)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.control_id)
                if col == 4 and colour:
                    item.setForeground(QBrush(QColor(colour)))
                self.table.setItem(row, col, item)
        for row, r in enumerate(shown):
            if r.control_id in selected:
                self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> list[RecipientControl]:
        if self.control is None:
            return []
        ids = set(self.selected_ids())
        return [r for r in self.control.recipients if r.control_id in ids]

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        ids = []
        for row in rows:
            item = self.table.item(row, 0)
            if item is not None:
                ids.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def select_code(self, code: str) -> None:
        """Select a recipient by code (used by tests and by «Напомнить» from the overview)."""
        assert self.control is not None
        target = self.control.recipient(code).control_id
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == target:
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        chosen = self.selected()
        closed = self.control is None or self.control.closed
        waiting = [r for r in chosen if r.state in OUTSTANDING]
        self.buttons["receive"].setEnabled(
            not closed and len(chosen) == 1 and chosen[0].state != ControlState.RECEIVED
        )
        self.buttons["excuse"].setEnabled(
            not closed and bool(waiting) and len(waiting) == len(chosen)
        )
        self.buttons["reopen"].setEnabled(not closed and bool(chosen) and not waiting)
        for key in ("extend", "remind", "close"):
            self.buttons[key].setEnabled(not closed)
        self._show_detail(chosen[0] if len(chosen) == 1 else None)

    def _open_incoming(self) -> None:
        if self._incoming_id is not None:
            self.incoming_requested.emit(self._incoming_id)

    def _show_detail(self, r: RecipientControl | None) -> None:
        self.rows.clear()
        self.files.clear()
        self._incoming_id = None
        self.incoming_button.setEnabled(False)
        if r is None or self.control is None:
            self.rows.setRowCount(0)
            self.rows.setColumnCount(0)
            self.detail_title.setText("Выберите адресата, чтобы увидеть присланные строки отчета")
            return
        detail = reply_detail(self.db, r.control_id)
        self._incoming_id = detail.incoming_id
        self.incoming_button.setEnabled(detail.incoming_id is not None)
        self.detail_title.setText(
            f"<b>{r.name}</b>: {r.label.lower()}"
            + (f", ответ {_reply(r)}" if r.reply_number else "")
            + (f", входящее № {detail.incoming_number}" if detail.incoming_number else "")
            + f"; строк отчета: {len(detail.rows)}"
        )
        columns = self.control.columns
        self.rows.setColumnCount(len(columns))
        self.rows.setHorizontalHeaderLabels([wrap_title(c) for c in columns])
        self.rows.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.rows.setRowCount(len(detail.rows))
        for row, values in enumerate(detail.rows):
            for col, value in enumerate(values[: len(columns)]):
                self.rows.setItem(row, col, QTableWidgetItem(cell_text(value)))
        self.rows.resizeRowsToContents()
        for f in detail.files:
            item = QListWidgetItem(f"{f.name} ({f.size // 1024 + 1} КБ)")
            item.setData(Qt.ItemDataRole.UserRole, (f.file_id, f.name))
            item.setToolTip(f"SHA-256: {f.sha256}")
            self.files.addItem(item)

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for key in ("receive", "extend", "excuse", "reopen", "remind"):
            button = self.buttons[key]
            action = menu.addAction(button.text(), button.click)
            action.setEnabled(button.isEnabled())
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # --- actions ---------------------------------------------------------------------------

    def _done(self, message: str) -> None:
        self.changed.emit()
        self.reload()
        self.status.setText(message)

    def _run(self, action: Callable[[], object]) -> object | None:
        try:
            return action()
        except UserError as exc:
            QMessageBox.warning(self, "Контроль отчетов", message_of(exc))
            return None

    def receive(self) -> None:
        from ui.dialogs.receive_dialog import ReceiveDialog

        chosen = self.selected()
        if self.control is None or len(chosen) != 1 or not self.buttons["receive"].isEnabled():
            return
        if ReceiveDialog(self.db, self.control, chosen[0], self).exec():
            self._done(f"Отчет получен: {chosen[0].name}")

    def extend(self) -> None:
        if self.control is None:
            return
        waiting = [r for r in self.selected() if r.state in OUTSTANDING]
        dialog = ExtendDialog(self.control, len(waiting), self)
        if not dialog.exec():
            return
        refs: list[str | int] | None = (
            [r.control_id for r in waiting] if dialog.selected.isChecked() else None
        )
        due, reason = dialog.due.date(), dialog.reason.text()
        if (
            self._run(lambda: extend_due(self.db, self.letter_id, due, reason, recipients=refs))
            is not None
        ):
            self._done(f"Срок продлен до {date_ru(due)}")

    def excuse(self) -> None:
        chosen = [r.control_id for r in self.selected()]
        reason, ok = QInputDialog.getText(self, "Не требуется", "Почему отчет не требуется:")
        if (
            ok
            and self._run(
                lambda: set_state(
                    self.db, self.letter_id, list(chosen), ControlState.EXCUSED, reason
                )
            )
            is not None
        ):
            self._done("Отмечено: отчет не требуется")

    def close_control(self) -> None:
        chosen: list[str | int] = [r.control_id for r in self.selected()]
        if not chosen:
            self.close_letter()
            return
        reason, ok = QInputDialog.getText(self, "Снять с контроля", "Основание (необязательно):")
        if (
            ok
            and self._run(
                lambda: set_state(self.db, self.letter_id, chosen, ControlState.CLOSED, reason)
            )
            is not None
        ):
            self._done("Сняты с контроля")

    def close_letter(self) -> None:
        if self.control is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            "Снять письмо с контроля",
            f"Снять с контроля письмо № {self.control.number}; ожидаемые отчеты "
            f"({self.control.outstanding}) больше не отслеживаются.\nОснование:",
        )
        if (
            ok
            and self._run(
                lambda: set_state(self.db, self.letter_id, None, ControlState.CLOSED, reason)
            )
            is not None
        ):
            self._done("Письмо снято с контроля")

    def reopen(self) -> None:
        chosen: list[str | int] = [r.control_id for r in self.selected()]
        answer = QMessageBox.question(
            self,
            "Вернуть на контроль",
            f"Вернуть на контроль адресатов: {len(chosen)}? Отметка о получении и присланные "
            "строки будут сняты (история остается в журнале изменений).",
        )
        if (
            answer == QMessageBox.StandardButton.Yes
            and self._run(lambda: set_state(self.db, self.letter_id, chosen, ControlState.EXPECTED))
            is not None
        ):
            self._done("Возвращены на контроль")

    def remind(self) -> None:
        if self.control is None:
            return
        waiting = [r for r in self.selected() if r.state in OUTSTANDING]
        dialog = RemindDialog(self.control, len(waiting), self)
        if not dialog.exec():
            return
        refs: list[str | int] | None = (
            [r.control_id for r in waiting] if dialog.selected.isChecked() else None
        )
        due = dialog.chosen_due()
        reminder = self._run(lambda: remind(self.db, self.letter_id, recipients=refs, new_due=due))
        if reminder is None:
            return
        self._done("Напоминание зарегистрировано")
        answer = QMessageBox.question(
            self,
            "Напоминание",
            f"Напоминание зарегистрировано: № {reminder.number} от "  # type: ignore[attr-defined]
            f"{date_ru(reminder.date)}, адресатов: {reminder.recipients}.\n"  # type: ignore[attr-defined]
            "Подготовить персональные копии для рассылки?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.mailing_requested.emit(reminder.letter_id)  # type: ignore[attr-defined]

    def summary(self) -> None:
        if self.control is None:
            return
        chosen = save_file(
            self,
            "reports",
            "Сводный отчет",
            f"сводный-отчет-{safe_name(self.control.number)}.xlsx",
            "Excel (*.xlsx);;Word (*.docx)",
        )
        if chosen is None:
            return
        written = self._run(lambda: export_summary(self.db, self.letter_id, chosen[0]))
        if written:
            self.status.setText(f"Сводный отчет записан: {written}")
            announce_saved(Path(str(written)), "Сводный отчет записан")

    def _save_file(self, item: QListWidgetItem) -> None:
        file_id, file_name = item.data(Qt.ItemDataRole.UserRole)
        chosen = save_file(self, "reports", "Сохранить файл ответа", file_name)
        if chosen is not None and self._run(lambda: save_stored_file(self.db, file_id, chosen[0])):
            announce_saved(chosen[0], "Файл ответа сохранен")
