"""Incoming letters in the window: registering one, its card, a resolution, its execution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.rules.states import Execution, LetterStatus
from app.services.files.stored_files import save_stored_file
from app.services.incoming.cards import DELIVERIES, IncomingCard
from app.services.incoming.detail import IncomingDetail, card_lines, incoming_detail
from app.services.incoming.registration import (
    DuplicateIncoming,
    RegisteredIncoming,
    annul_incoming,
    attach_to_incoming,
    register_incoming,
    update_incoming,
)
from app.services.organization.profile import list_journals
from app.support import clock
from app.support.errors import UserError
from app.support.text import parse_date_ru
from db.engine import Database
from ui import file_dialogs, palette
from ui.dialogs.incoming_mark_menu import MarkButton
from ui.dialogs.resolution_dialogs import (
    DoneDialog,
    ExtendDialog,
    ProgressDialog,
    ResolutionDialog,
)
from ui.fit import open_sized
from ui.read_only import writes
from ui.widgets.recipient_picker import RecipientPicker

TITLE = "Входящее письмо"


def _date(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


def _date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


class IncomingDialog(QDialog):
    """«Зарегистрировать входящее»: the card of a letter received, its files; the number."""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, editing: IncomingDetail | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.editing = editing  # a registered letter's card being corrected
        self.result_letter: RegisteredIncoming | None = None
        # how the card is registered (an arrival's card: with the arrival); None: as typed
        self.registrar: Callable[[IncomingCard, bool], RegisteredIncoming] | None = None
        self.uid = ""  # of an e-mail read into the form: the same message is registered once
        self.setWindowTitle("Регистрация входящего письма")
        open_sized(self, "incoming", QSize(760, 640))
        today = clock.today()
        form = QFormLayout()
        self.journal_combo = QComboBox()
        for journal in list_journals(db):
            if journal.kind == "incoming" and journal.active:
                self.journal_combo.addItem(f"{journal.code} — {journal.name}", journal.code)
        self.date_edit = _date_edit(today)
        form.addRow("Журнал", self.journal_combo)
        form.addRow("Дата поступления", self.date_edit)
        self.sender_edit = QLineEdit()
        self.sender_edit.setObjectName("sender_search")
        self.sender_edit.setAccessibleName("Отправитель")
        self.sender_edit.setPlaceholderText(
            "организация или должностное лицо из справочника, либо как написано (гражданин)"
        )
        self._sender_code = ""
        self.sender_picker = RecipientPicker(db, self.sender_edit)
        self.sender_edit.textEdited.connect(self._typed_sender)
        self.sender_picker.completer.activated.connect(self._choose_sender)
        self.sender_note = QLabel()
        self.sender_note.setStyleSheet(f"color: {palette.DIMMED};")
        sender = QVBoxLayout()
        sender.setSpacing(2)
        sender.addWidget(self.sender_edit)
        sender.addWidget(self.sender_note)
        form.addRow("Отправитель", sender)
        theirs = QHBoxLayout()
        self.sender_number_edit = QLineEdit()
        self.sender_number_edit.setAccessibleName("Исходящий номер отправителя")
        self.sender_number_edit.setPlaceholderText("исходящий номер отправителя")
        # typed as on the letter, empty until then: a date of today would be a guess
        self.sender_date_edit = QLineEdit()
        self.sender_date_edit.setObjectName("sender_date")
        self.sender_date_edit.setPlaceholderText("дд.мм.гггг")
        self.sender_date_edit.setAccessibleName("Дата письма отправителя")
        self.sender_date_edit.setMaximumWidth(110)
        theirs.addWidget(self.sender_number_edit, 1)
        theirs.addWidget(QLabel("от"))
        theirs.addWidget(self.sender_date_edit)
        form.addRow("Исх. №", theirs)
        self.subject_edit = QLineEdit()
        self.subject_edit.setPlaceholderText("О … (краткое содержание)")
        form.addRow("Заголовок", self.subject_edit)
        how = QHBoxLayout()
        self.delivery_combo = QComboBox()
        self.delivery_combo.addItem("", "")
        for delivery in DELIVERIES:
            self.delivery_combo.addItem(delivery, delivery)
        self.pages_spin = QSpinBox()
        self.delivery_combo.setAccessibleName("Доставка")
        self.pages_spin.setAccessibleName("Листов")
        self.pages_spin.setRange(0, 100_000)
        how.addWidget(self.delivery_combo, 1)
        how.addWidget(QLabel("листов"))
        how.addWidget(self.pages_spin)
        form.addRow("Доставка", how)
        self.reply_edit = QLineEdit()
        self.reply_edit.setPlaceholderText("номер нашего письма, если это ответ на него")
        form.addRow("Ответ на наш №", self.reply_edit)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.note_edit.setMaximumHeight(60)
        form.addRow("Примечание", self.note_edit)
        self.files_list = QListWidget()
        self.files_list.setAccessibleName("Файлы письма")
        self.files_list.setMaximumHeight(90)
        buttons = QHBoxLayout()
        add = QPushButton("Добавить файлы…")
        add.clicked.connect(self._add_files)
        remove = QPushButton("Убрать")
        remove.clicked.connect(
            lambda: [self.files_list.takeItem(self.files_list.row(i))
                     for i in self.files_list.selectedItems()]
        )  # fmt: skip
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        files = QVBoxLayout()
        files.addWidget(self.files_list)
        files.addLayout(buttons)
        form.addRow("Файлы", files)
        self.error_label = QLabel()
        self.error_label.setObjectName("form_error")
        self.error_label.setStyleSheet(f"color: {palette.ERROR};")
        self.error_label.setWordWrap(True)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Зарегистрировать")
        writes(ok)
        box.accepted.connect(self.register)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        if editing is not None:
            self._edit(editing, ok)
        elif self.journal_combo.count() == 0:
            self.error_label.setText(
                "Нет журнала входящих: добавьте его в «Сервис → Настройки → Журналы» "
                '(вид «входящие») или в файле настройки ("kind": "incoming")'
            )
            ok.setEnabled(False)

    def _edit(self, detail: IncomingDetail, ok: QPushButton) -> None:
        """The form of a registered letter: its number, journal, date, files and links stay."""
        self.setWindowTitle(f"Исправление входящего № {detail.number}")
        ok.setText("Сохранить")
        self.journal_combo.clear()
        self.journal_combo.addItem(detail.journal, detail.journal)
        self.journal_combo.setCurrentIndex(self.journal_combo.findData(detail.journal))
        self.date_edit.setDate(QDate(detail.reg_date))
        for widget in (self.journal_combo, self.date_edit, self.reply_edit, self.files_list):
            widget.setEnabled(False)
        self.prefill(
            IncomingCard(
                journal=detail.journal,
                subject=detail.subject,
                sender_code=detail.sender_code,
                sender_text="" if detail.sender_code else detail.sender,
                sender_number=detail.sender_number,
                sender_date=detail.sender_date,
                delivery=detail.delivery,
                pages=detail.pages,
                note=detail.note,
            ),
            detail.sender,
        )

    @property
    def _choices(self) -> dict[str, str]:
        return self.sender_picker.choices

    def _typed_sender(self) -> None:
        self._sender_code = ""
        self.sender_note.setText("не из справочника: будет записан как введен")

    def _choose_sender(self, label: str) -> None:
        self._sender_code = self._choices.get(label, "")
        self.sender_note.setText(
            f"из справочника: {self._sender_code}" if self._sender_code else ""
        )

    def set_sender(self, code: str, label: str) -> None:
        self.sender_edit.setText(label)
        self._sender_code = code
        self.sender_note.setText(f"из справочника: {code}")

    def prefill(self, card: IncomingCard, sender_label: str = "") -> None:
        """A letter read from elsewhere (an e-mail): what it says, for the clerk to complete."""
        if card.sender_code:
            self.set_sender(card.sender_code, sender_label or card.sender_code)
        else:
            self.sender_edit.setText(card.sender_text)
            self.sender_note.setText("не из справочника: будет записан как введен")
        self.subject_edit.setText(card.subject)
        self.delivery_combo.setCurrentIndex(max(0, self.delivery_combo.findData(card.delivery)))
        self.sender_number_edit.setText(card.sender_number)
        self.pages_spin.setValue(card.pages)
        self.note_edit.setPlainText(card.note)
        self.sender_date_edit.setText(
            card.sender_date.strftime("%d.%m.%Y") if card.sender_date is not None else ""
        )
        for path in card.files:
            item = QListWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.files_list.addItem(item)
        self.uid = card.uid
        self.sender_number_edit.setFocus()

    def _add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Файлы входящего письма")
        for name in names:
            item = QListWidgetItem(Path(name).name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(name)
            self.files_list.addItem(item)

    def _sender_date(self) -> dt.date | None:
        typed = self.sender_date_edit.text().strip()
        if not typed:
            if self.sender_number_edit.text().strip():
                raise UserError("Укажите дату письма отправителя (дд.мм.гггг) — она есть на письме")
            return None
        try:
            return parse_date_ru(typed)
        except ValueError:
            raise UserError(
                f"Дата письма отправителя «{typed}»: ожидается дд.мм.гггг, например 05.12.2026"
            ) from None

    def card(self) -> IncomingCard:
        text = self.sender_edit.text().strip()
        return IncomingCard(
            journal=self.journal_combo.currentData() or "",
            subject=self.subject_edit.text().strip(),
            sender_code=self._sender_code,
            sender_text="" if self._sender_code else text,
            sender_number=self.sender_number_edit.text().strip(),
            sender_date=self._sender_date(),
            date=_date(self.date_edit),
            delivery=self.delivery_combo.currentData() or "",
            pages=self.pages_spin.value(),
            note=self.note_edit.toPlainText().strip(),
            reply_to=self.reply_edit.text().strip(),
            files=[
                Path(self.files_list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.files_list.count())
            ],
            uid=self.uid,
        )

    def register(self) -> None:
        try:
            card = self.card()
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        if self.editing is not None:
            try:
                update_incoming(self.db, self.editing.id, card, version=self.editing.version)
            except UserError as exc:
                self.error_label.setText(str(exc))
                return
            self.accept()
            return
        registrar = self.registrar or (
            lambda card, again: register_incoming(self.db, card, again=again)
        )
        try:
            try:
                self.result_letter = registrar(card, False)
            except DuplicateIncoming as exc:
                answer = QMessageBox.question(self, TITLE, str(exc))
                if answer != QMessageBox.StandardButton.Yes:
                    return
                self.result_letter = registrar(card, True)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


class IncomingCardDialog(QDialog):
    """The card of an incoming letter, with what can be done to it."""

    changed = Signal()
    reply_requested = Signal(int)  # the incoming letter's id: a new outgoing letter answers it

    def __init__(self, db: Database, incoming_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.incoming_id = incoming_id
        open_sized(self, "incoming_card", QSize(760, 560))
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Карточка входящего письма")
        self.text.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.text.setReadOnly(True)
        self.text.setObjectName("incoming_card")
        self.files_list = QListWidget()
        self.files_list.setAccessibleName("Файлы письма")
        self.files_list.setMaximumHeight(90)
        self.files_list.itemDoubleClicked.connect(self._save_file)
        row = QHBoxLayout()
        self.assign_button = QPushButton("Резолюция…")
        self.assign_button.setToolTip(
            "Резолюция: автор, текст, исполнители — у каждого свой срок, ответственный, контроль"
        )
        self.assign_button.clicked.connect(self._assign)
        self.execution_button = QPushButton("Ход исполнения")
        execution = QMenu(self.execution_button)
        execution.addAction("Отметка исполнителя…", lambda: self._task(ProgressDialog))
        execution.addAction("Изменить срок…", lambda: self._task(ExtendDialog))
        execution.addSeparator()
        execution.addAction("Лист резолюции (PDF)…", self._sheet)
        execution.addAction("Снять резолюцию с контроля…", self._off_control)
        execution.addSeparator()
        self.file_action = execution.addAction("В дело…", self._file_to_case)
        self.execution_button.setMenu(execution)
        self.done_button = QPushButton("Исполнено…")
        self.done_button.clicked.connect(self._done)
        self.edit_button = QPushButton("Изменить…")
        self.edit_button.clicked.connect(self._edit)
        self.annul_button = QPushButton("Аннулировать…")
        self.annul_button.clicked.connect(self._annul)
        self.reply_button = QPushButton("Ответить")
        self.reply_button.setToolTip("Новое исходящее письмо с «На № … от …» этого письма")
        self.reply_button.clicked.connect(self._reply)
        self.attach_button = QPushButton("Добавить файл…")
        self.attach_button.clicked.connect(self._attach)
        writes(self.attach_button)
        save = QPushButton("Сохранить файл…")
        save.clicked.connect(lambda: self._save_file(self.files_list.currentItem()))
        self.mark_button = MarkButton(db, incoming_id, "")  # parented in the row: Tab order
        close = QPushButton("Закрыть")
        close.clicked.connect(self.accept)
        buttons = (
            self.assign_button, self.execution_button, self.done_button, self.reply_button,
            self.edit_button, self.annul_button,
        )  # fmt: skip
        for button in buttons:
            writes(button)
            row.addWidget(button)
        row.addWidget(self.attach_button)
        row.addWidget(save)
        row.addWidget(self.mark_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(QLabel("Файлы (двойной щелчок — сохранить):"))
        layout.addWidget(self.files_list)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.detail: IncomingDetail = incoming_detail(self.db, self.incoming_id)
        self.setWindowTitle(f"Входящее № {self.detail.number}")
        self.mark_button.number = self.detail.number
        self.text.setPlainText("\n".join(card_lines(self.detail)))
        self.files_list.clear()
        for f in self.detail.files:
            item = QListWidgetItem(f"{f.title} — {f.name}" if f.title else f.name)
            item.setData(Qt.ItemDataRole.UserRole, f.file_id)
            self.files_list.addItem(item)
        finished = self.detail.execution in (Execution.ANSWERED, Execution.DONE)
        annulled = self.detail.status == LetterStatus.ANNULLED
        writable = not self.db.read_only and not annulled
        self.done_button.setEnabled(writable and not finished)
        self.execution_button.setEnabled(
            writable and any(a.done_date is None for a in self.detail.assignments)
        )
        for button in (
            self.assign_button, self.reply_button, self.edit_button, self.annul_button,
            self.attach_button,
        ):  # fmt: skip
            button.setEnabled(writable)

    def _assign(self) -> None:
        dialog = ResolutionDialog(self.db, self.detail, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()
            written, said = dialog.told
            if said and not written:  # the resolution stands; the notification did not go
                QMessageBox.warning(self, self.windowTitle(), f"Резолюция записана, но {said}")
            if dialog.warnings:
                QMessageBox.information(self, self.windowTitle(), "\n".join(dialog.warnings))

    def _sheet(self) -> None:
        """The sheet of the latest resolution, for the head to sign."""
        from app.services.incoming.resolutions import export_resolution_sheet

        name = f"резолюция-вх-{self.detail.number}.pdf".replace("/", "-")
        chosen = file_dialogs.save_file(self, "resolution-sheet", "Лист резолюции", name,
                                        "PDF (*.pdf)")  # fmt: skip
        if chosen is None:
            return
        try:
            path = export_resolution_sheet(self.db, self.detail.id, chosen[0])
        except UserError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        file_dialogs.announce_saved(path, "Лист резолюции")

    def _off_control(self) -> None:
        """A resolution off control, on its author's word (the clerk presses it for them)."""
        from PySide6.QtWidgets import QInputDialog

        from app.services.incoming.resolutions import take_off_control

        ours = [r for r in self.detail.resolutions if r.on_control and r.author_code]
        if not ours:
            QMessageBox.information(self, self.windowTitle(), "Резолюций на контроле нет")
            return
        labels = [r.line()[:100] for r in ours]
        chosen, ok = QInputDialog.getItem(
            self, self.windowTitle(), "Снять с контроля по слову автора:", labels, 0, False
        )
        if not ok:
            return
        resolution = ours[labels.index(chosen)]
        try:
            take_off_control(self.db, self.detail.id, resolution.id, by=resolution.author_code)
        except UserError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        self.reload()
        self.changed.emit()

    def _task(self, kind: type[ProgressDialog] | type[ExtendDialog]) -> None:
        dialog = kind(self.db, self.detail, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()
            if dialog.warnings:
                QMessageBox.information(self, self.windowTitle(), "\n".join(dialog.warnings))

    def _file_to_case(self) -> None:
        from app.services.cases.filing import proposed_case
        from ui.dialogs.file_to_case import FileToCaseDialog

        d = self.detail
        dialog = FileToCaseDialog(
            self.db, incoming=True, row_id=d.id, number=d.number,
            year=(d.done_date or d.reg_date).year, proposed=proposed_case(self.db, d.id),
            parent=self,
        )  # fmt: skip
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def _done(self) -> None:
        if DoneDialog(self.db, self.detail, self).exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()

    def _attach(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, f"Файлы входящего № {self.detail.number}")
        if not names:
            return
        try:
            attach_to_incoming(self.db, self.incoming_id, [Path(n) for n in names])
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.reload()
        self.changed.emit()

    def _edit(self) -> None:
        dialog = IncomingDialog(self.db, self, editing=self.detail)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()

    def _annul(self) -> None:
        reason, ok = QInputDialog.getText(
            self, TITLE, f"Причина аннулирования входящего № {self.detail.number}:"
        )
        if not ok:
            return
        try:
            annul_incoming(self.db, self.incoming_id, reason, version=self.detail.version)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.reload()
        self.changed.emit()

    def _reply(self) -> None:
        self.reply_requested.emit(self.incoming_id)
        self.accept()

    def _save_file(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, "Сохранить файл", item.text())
        if not target:
            return
        file_id = int(item.data(Qt.ItemDataRole.UserRole))
        try:
            save_stored_file(self.db, file_id, Path(target))
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
