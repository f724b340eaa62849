"""«Новое письмо» and the letter card: collect a letter, show the number it will get, register.

The dialog collects and validates; registration, reservation and edits go through the letters
service, one transaction each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.rules.attachment_lines import LineError, line_of, read_line
from app.rules.production_calendar import day_off_reason
from app.rules.spelling import speller
from app.rules.states import LetterStatus
from app.services.directory.distribution_lists import list_lists, list_names
from app.services.directory.recipients import recipient_choices
from app.services.incoming.detail import IncomingDetail, incoming_detail
from app.services.organization.profile import StaffData, list_journals, list_staff
from app.services.registry.draft_import import UnmatchedPerson
from app.services.registry.letter_cards import (
    LetterView,
    PrintedAddressee,
    Registration,
    letter_card,
)
from app.services.registry.letters import (
    Addressee,
    AttachmentData,
    LetterCard,
    RegisteredLetter,
    ReportData,
    annul_letter,
    change_registration,
    correspondent_of,
    journal_needs,
    missing_requisites,
    preview_number,
    register_letter,
    reserve_number,
    similar_today,
    update_letter,
)
from app.services.registry.recent import last_case, recent_people
from app.support import clock
from app.support.errors import UserError
from app.support.text import WEEKDAYS, initials_name
from db.engine import Database
from ui import palette
from ui.dialogs.draft_keeper import DraftKeeper, restore_form
from ui.file_dialogs import open_file, open_files
from ui.fit import open_sized, scrolling
from ui.keyboard import key_tip, label_for
from ui.widgets.attachments_edit import AttachmentsEdit
from ui.widgets.body_editor import BodyEditor
from ui.widgets.files_panel import FilesPanel
from ui.widgets.heading_edit import HeadingEdit
from ui.widgets.recipient_picker import RecipientPicker

ADDRESSEE_MODES = (
    ("recipients", "Из справочника"),
    ("list", "Список рассылки"),
    ("text", "Текст (например, «Руководителям органов управления образованием»)"),
)
ERROR_STYLE = f"color: {palette.ERROR};"
TITLE = "Письмо"
LARGE_MAILING = 10  # more recipients than this: registration asks first


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _date_edit(value: dt.date) -> QDateEdit:
    edit = QDateEdit(_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class LetterDialog(QDialog):
    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        letter_id: int | None = None,
        addressee: Addressee | None = None,
        draft_id: int | None = None,
        answering: int | None = None,
    ) -> None:
        super().__init__(parent)
        form: dict[str, object] | None = None
        if draft_id is not None:
            from app.services.registry.drafts import load_draft

            kept, form = load_draft(db, draft_id)
            letter_id = kept.letter_id
        self.db = db
        self.letter_id = letter_id
        self.result_letter: RegisteredLetter | None = None
        self._view: LetterView | None = letter_card(db, letter_id) if letter_id else None
        self.setWindowTitle("Новое письмо" if letter_id is None else "Карточка письма")
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        parts: list[QWidget] = [
            self._build_registration(), self._build_addressee(), self._build_content()
        ]  # fmt: skip
        if self.letter_id is not None:
            self.files_panel = FilesPanel(db, self.letter_id)
            parts.append(self.files_panel)
        parts.append(self._build_control())
        # the form scrolls on a small screen; the buttons below it are always in sight
        layout.addWidget(scrolling(*parts), 1)
        open_sized(self, "letter", QSize(1000, 860))
        self.form_error = _error_label()
        layout.addWidget(self.form_error)
        self.draft_label = QLabel()
        self.draft_label.setObjectName("draft_state")
        self.draft_label.setStyleSheet(f"color: {palette.DIMMED};")
        layout.addLayout(self._build_buttons())
        self._clear_errors_on_edit()
        self._remembered_case = ""
        self._fill_from_card()
        if letter_id is None and draft_id is None:
            self._remember_people()
        self._answering: IncomingDetail | None = None
        if answering is not None and letter_id is None:
            self._answer(answering)
        if addressee and letter_id is None:
            self._fill_addressee(addressee, self._printed_for(addressee))
        self._journal_changed()
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # no button takes Enter
            button.setDefault(False)
        self._opened_as = self._snapshot()
        self.keeper = DraftKeeper(self, draft_id)
        if form is not None:
            self.keeper.opened_form = form
            restore_form(self, form)
            self._update_number()
            self.keeper.saved_as = self.keeper.opened_as = self._snapshot()  # as kept
            self.draft_label.setText("Открыт черновик")

    # --- building -------------------------------------------------------------------------

    def _build_registration(self) -> QGroupBox:
        box = QGroupBox("Регистрация")
        grid = QGridLayout(box)
        self.journal_combo = QComboBox()
        for journal in list_journals(self.db):
            if journal.active and journal.kind != "incoming":
                self.journal_combo.addItem(f"{journal.code} — {journal.name}", journal.code)
        self.date_edit = _date_edit(clock.today())
        self.case_edit = QLineEdit()
        self.case_edit.setPlaceholderText("по номенклатуре дел")
        self.number_label = QLabel()
        self.number_label.setObjectName("number_preview")
        self.number_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        grid.addWidget(label_for("Журнал", self.journal_combo), 0, 0)
        grid.addWidget(self.journal_combo, 0, 1)
        grid.addWidget(label_for("Дата", self.date_edit), 0, 2)
        grid.addWidget(self.date_edit, 0, 3)
        grid.addWidget(label_for("Индекс дела", self.case_edit), 0, 4)
        grid.addWidget(self.case_edit, 0, 5)
        grid.addWidget(self.number_label, 1, 0, 1, 6)
        self.journal_combo.currentIndexChanged.connect(self._journal_changed)
        self.date_edit.dateChanged.connect(self._update_number)
        self.case_edit.textChanged.connect(self._update_number)
        if self.letter_id is not None:
            for widget in (self.journal_combo, self.date_edit, self.case_edit):
                widget.setEnabled(False)
        return box

    def _build_addressee(self) -> QGroupBox:
        box = QGroupBox("Адресат")
        form = QFormLayout(box)
        self.mode_combo = QComboBox()
        for value, label in ADDRESSEE_MODES:
            self.mode_combo.addItem(label, value)
        self.recipient_edit = QLineEdit()
        self.recipient_edit.setObjectName("recipient_search")
        self.recipient_edit.setAccessibleName("Найти адресата")
        self.recipient_edit.setPlaceholderText("начните вводить организацию, должность, фамилию")
        self.recipient_picker = RecipientPicker(self.db, self.recipient_edit)
        self.recipient_picker.completer.activated.connect(self._add_recipient)
        self.recipient_list = QListWidget()
        self.recipient_list.setMaximumHeight(84)
        self.recipient_list.setAccessibleName("Адресаты письма")
        remove = QPushButton("Убрать")
        remove.clicked.connect(
            lambda: [self.recipient_list.takeItem(self.recipient_list.row(i))
                     for i in self.recipient_list.selectedItems()]
        )  # fmt: skip
        self.list_combo = QComboBox()
        self.list_combo.addItems(list_names(self.db))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.text_edit.setMaximumHeight(56)
        self.salutation_edit = QLineEdit()
        self.salutation_edit.setPlaceholderText("по адресату (Уважаемый …! / Уважаемые коллеги!)")
        self.recipients_row = QWidget()
        row = QHBoxLayout(self.recipients_row)
        row.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout()
        column.addWidget(self.recipient_edit)
        column.addWidget(self.recipient_list)
        row.addLayout(column, 1)
        row.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow("Способ", self.mode_combo)
        form.addRow("Адресаты", self.recipients_row)
        form.addRow("Список", self.list_combo)
        form.addRow("Текст", self.text_edit)
        self.errors["addressee"] = _error_label()
        form.addRow("", self.errors["addressee"])
        form.addRow("Обращение", self.salutation_edit)
        self._form = form
        self.mode_combo.currentIndexChanged.connect(self._show_mode)
        self._show_mode()
        return box

    def _build_content(self) -> QGroupBox:
        box = QGroupBox("Содержание")
        form = QFormLayout(box)
        self.subject_edit = HeadingEdit()
        self.subject_edit.setObjectName("subject")
        self.subject_edit.setPlaceholderText("О … (обязательно)")
        self.errors["subject"] = _error_label()
        self.body_edit = BodyEditor()
        self.body_edit.setMinimumHeight(200)
        self.closing_edit = QLineEdit()
        self.closing_edit.setPlaceholderText("например, «С уважением,»")
        self.attachments_edit = AttachmentsEdit()
        self.attachments_edit.files_dropped.connect(self.add_attachment_files)
        self.attachments_edit.setMaximumHeight(48)
        self.attachments_edit.setPlaceholderText("по строке на приложение: Название; листов; экз.")
        self.attachments_edit.setAccessibleName("Приложения")
        self.attachments_edit.links_changed.connect(self._show_attachment_files)
        self.attachments_edit.file_line_removed.connect(self._file_line_removed)
        self.attachment_files_label = QLabel()
        self.attachment_files_label.setWordWrap(True)
        self.attachment_files_label.setStyleSheet(f"color: {palette.DIMMED};")
        self.attachment_files_label.hide()
        self.errors["attachments"] = _error_label()
        people = QHBoxLayout()
        self.signatory_combo = self._staff_combo()
        self.signature_combo = QComboBox()
        self.signature_combo.addItem("собственноручная", "handwritten")
        self.signature_combo.addItem("электронная подпись", "electronic")
        self.executor_combo = self._staff_combo()
        for label, widget in (
            ("Подписал", self.signatory_combo),
            ("Подпись", self.signature_combo),
            ("Исполнитель", self.executor_combo),
        ):
            people.addWidget(label_for(label, widget))
            people.addWidget(widget, 1)
        self.errors["body"] = _error_label()
        self.errors["signatory"] = _error_label()
        form.addRow("Заголовок*", self.subject_edit)
        form.addRow("", self.errors["subject"])
        form.addRow("Текст*", self.body_edit)
        form.addRow("", self.errors["body"])
        note = speller().note
        if note:
            self.spelling_note = QLabel(note)
            self.spelling_note.setStyleSheet(f"color: {palette.DIMMED};")
            form.addRow("", self.spelling_note)
        reply = QHBoxLayout()
        self.reply_number_edit = QLineEdit()
        self.reply_number_edit.setAccessibleName("На №")
        self.reply_number_edit.setPlaceholderText("номер письма, на которое отвечаем")
        self.reply_date_edit = QLineEdit()
        self.reply_date_edit.setAccessibleName("Дата письма, на которое отвечаем")
        self.reply_date_edit.setPlaceholderText("дд.мм.гггг")
        self.reply_date_edit.setMaximumWidth(110)
        reply.addWidget(self.reply_number_edit, 1)
        reply.addWidget(QLabel("от"))
        reply.addWidget(self.reply_date_edit)
        self.errors["reply"] = _error_label()
        form.addRow("На №", reply)
        form.addRow("", self.errors["reply"])
        form.addRow("Заключение", self.closing_edit)
        attachments = QHBoxLayout()
        attachments.addWidget(self.attachments_edit, 1)
        if self.letter_id is None:  # a registered letter's files are on its card
            self.attachment_files_button = QPushButton("Файлы…")
            self.attachment_files_button.setToolTip(
                "Файлы приложений: название и число листов (страницы PDF, скана) подставляются, "
                "файлы сохраняются с письмом при регистрации и уходят с ним по МЭДО и почте. "
                "Можно перетащить файлы в поле"
            )
            self.attachment_files_button.clicked.connect(lambda: self.add_attachment_files())
            attachments.addWidget(self.attachment_files_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow("Приложения", attachments)
        form.addRow("", self.attachment_files_label)
        form.addRow("", self.errors["attachments"])
        form.addRow(people)
        self.unmatched_row = QWidget()
        self.unmatched_row.setObjectName("unmatched_people")
        self.unmatched_layout = QVBoxLayout(self.unmatched_row)
        self.unmatched_layout.setContentsMargins(0, 0, 0, 0)
        self.unmatched_row.hide()
        form.addRow("", self.unmatched_row)
        form.addRow("", self.errors["signatory"])
        self._unmatched: dict[str, UnmatchedPerson] = {}  # role → the draft's person not in staff
        for role, combo in (("signatory", self.signatory_combo),
                            ("executor", self.executor_combo)):  # fmt: skip
            combo.currentIndexChanged.connect(lambda _i, r=role: self._person_chosen(r))
        return box

    def _build_control(self) -> QGroupBox:
        box = QGroupBox("Запросить отчет")
        box.setCheckable(True)
        box.setChecked(False)
        self.report_box = box
        row = QHBoxLayout(box)
        self.due_edit = _date_edit(clock.today() + dt.timedelta(days=14))
        self.due_edit.setAccessibleName("Срок отчета")
        self.due_weekday = QLabel()
        self.columns_edit = QLineEdit()
        self.columns_edit.setAccessibleName("Графы отчетной формы")
        self.columns_edit.setPlaceholderText("графы отчетной формы через «;»")
        self.rows_spin = QSpinBox()
        self.rows_spin.setAccessibleName("Строк в отчетной форме")
        self.rows_spin.setRange(0, 1000)
        self.rows_spin.setValue(2)
        for widget in (
            QLabel("Срок до"),
            self.due_edit,
            self.due_weekday,
            QLabel("Графы"),
            self.columns_edit,
            QLabel("Строк"),
            self.rows_spin,
        ):
            row.addWidget(widget, 1 if widget is self.columns_edit else 0)  # fmt: skip
        self.due_edit.dateChanged.connect(self._update_weekday)
        self._update_weekday()
        return box

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.register_button = QPushButton(
            "Зарегистрировать" if self.letter_id is None else "Сохранить"
        )
        # Enter in a one-line field must not register (a number would be used up): only the
        # button or Ctrl+Enter does
        key_tip(self.register_button, "Ctrl+Return")
        self.register_button.clicked.connect(self.register)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.register)
        cancel = QPushButton("Отмена")
        cancel.clicked.connect(self.reject)
        if self.letter_id is None:
            self.word_button = QPushButton("Загрузить из Word…")
            self.word_button.setToolTip(
                "Черновик исполнителя (.docx): адресат, заголовок, текст, подписант и исполнитель"
            )
            self.word_button.clicked.connect(self.load_word_draft)
            row.addWidget(self.word_button)
            self.document_button = QPushButton("Зарегистрировать готовый документ…")
            self.document_button.setToolTip(
                "Письмо, подготовленное в другой системе (PDF), или скан подписанного письма "
                "(JPEG, PNG, TIFF): карточка дает реквизиты, номер и дата ставятся на документ"
            )
            self.document_button.clicked.connect(lambda: self.register_document())
            row.addWidget(self.document_button)
            self.preview_button = QPushButton("Просмотр (F3)")
            key_tip(
                self.preview_button, "F3", "Письмо, как оно будет напечатано; номер и дата — пусто"
            )
            self.preview_button.clicked.connect(self.preview)
            QShortcut(QKeySequence("F3"), self).activated.connect(self.preview)
            row.addWidget(self.preview_button)
            self.reserve_button = QPushButton("Зарезервировать номер")
            self.reserve_button.clicked.connect(self.reserve)
            row.addWidget(self.reserve_button)
        else:
            self.change_button = QPushButton("Изменить регистрационные данные…")
            self.change_button.clicked.connect(self.change_registration)
            self.annul_button = QPushButton("Аннулировать…")
            self.annul_button.clicked.connect(self.annul)
            row.addWidget(self.change_button)
            row.addWidget(self.annul_button)
            row.addWidget(self._output_button())
            earlier = self._registration.earlier_versions
            self.versions_button = QPushButton(f"Прежние редакции ({earlier})…")
            self.versions_button.setToolTip(
                "Текст письма до изменений, сделанных после отправки: кто, когда и почему изменил"
            )
            self.versions_button.setVisible(earlier > 0)
            self.versions_button.clicked.connect(self.show_versions)
            row.addWidget(self.versions_button)
        row.addWidget(self.draft_label)
        row.addStretch(1)
        row.addWidget(self.register_button)
        row.addWidget(cancel)
        return row

    def _output_button(self) -> QPushButton:
        """«Письмо ▾»: preview, print, save and personalised copies of the saved letter."""
        from PySide6.QtWidgets import QMenu

        from ui.letter_output import run_letter_output

        self.output_button = QPushButton("Письмо")
        menu = QMenu(self.output_button)
        for label, kind in (
            ("Просмотр…", "preview"),
            ("Печать…", "print"),
            ("Сохранить как PDF или DOCX…", "save"),
            ("Персональные копии…", "mailing"),
        ):
            action = menu.addAction(label)
            action.triggered.connect(
                lambda _=False, k=kind: run_letter_output(self.db, k, self.letter_id or 0, self)
            )
        dispatch = menu.addAction("Отправка: копии и их состояние…")
        dispatch.triggered.connect(self._open_dispatch)
        self.output_button.setMenu(menu)
        return self.output_button

    def _open_dispatch(self) -> None:
        from ui.dialogs.dispatch_dialog import DispatchDialog

        try:
            DispatchDialog(self.db, self.letter_id or 0, self).exec()
        except UserError as exc:
            self.form_error.setText(str(exc))
            self.form_error.show()

    def _staff_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem("—", None)
        for person in list_staff(self.db, active_only=True):
            combo.addItem(_staff_label(person), person.code)
        return combo

    # --- live behaviour -------------------------------------------------------------------

    def _show_mode(self) -> None:
        mode = self.mode_combo.currentData()
        for widget, wanted in (
            (self.recipients_row, "recipients"),
            (self.list_combo, "list"),
            (self.text_edit, "text"),
        ):
            self._form.setRowVisible(widget, mode == wanted)

    @property
    def _choices(self) -> dict[str, str]:
        return self.recipient_picker.choices

    def _add_recipient(self, label: str) -> None:
        code = self._choices.get(label)
        if code and code not in self.recipient_codes():
            self.recipient_list.addItem(label)
            self.recipient_list.item(self.recipient_list.count() - 1).setData(
                Qt.ItemDataRole.UserRole, code
            )
        self.recipient_edit.clear()
        self._update_number()

    def recipient_codes(self) -> list[str]:
        return [
            str(self.recipient_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.recipient_list.count())
        ]

    def _update_number(self) -> None:
        if self.letter_id is not None:
            reg = self._registration
            self.number_label.setText(f"Номер: {reg.number} ({self._status_text()})")
            return
        code = self.journal_combo.currentData()
        if code is None:
            self.number_label.setText("Нет журналов: добавьте журнал в «Сервис → Настройки»")
            return
        corr = correspondent_of(Addressee(recipients=self.recipient_codes()))
        try:
            number = preview_number(
                self.db, code, _to_date(self.date_edit.date()), case=self.case_edit.text().strip(),
                corr=corr,
            )  # fmt: skip
            self.number_label.setText(f"Будет присвоен номер: {number}")
            self.number_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        except UserError as exc:
            self.number_label.setText(str(exc))
            self.number_label.setStyleSheet(f"font-size: 15px; {ERROR_STYLE}")

    def _journal_changed(self) -> None:
        code = self.journal_combo.currentData()
        if code is not None and self.letter_id is None:
            needs_case = "case" in journal_needs(self.db, code)
            self.case_edit.setEnabled(needs_case)
            typed = self.case_edit.text().strip()
            if needs_case and typed in ("", self._remembered_case):
                # the journal's last case index, unless the clerk typed another
                self._remembered_case = last_case(self.db, code)
                self.case_edit.setText(self._remembered_case)
        self._update_number()

    def _remember_people(self) -> None:
        """A new letter starts with the signatory and executor of the clerk's last letter."""
        recent = recent_people(self.db)
        for combo, code in ((self.signatory_combo, recent.signatory),
                            (self.executor_combo, recent.executor)):  # fmt: skip
            if code and combo.currentData() is None:
                combo.setCurrentIndex(max(0, combo.findData(code)))

    def _status_text(self) -> str:
        return self._registration.status.label.lower()

    def _update_weekday(self) -> None:
        due = _to_date(self.due_edit.date())
        reason = day_off_reason(due)
        self.due_weekday.setText(f"{WEEKDAYS[due.weekday()]}{f' — {reason}' if reason else ''}")
        self.due_weekday.setStyleSheet(f"color: {palette.WARNING};" if reason else "")

    # --- reading the form -----------------------------------------------------------------

    def _addressee(self) -> Addressee:
        mode = self.mode_combo.currentData()
        if mode == "list":
            if not self.list_combo.currentText():
                raise _FieldError("addressee", "Нет списков рассылки")
            return Addressee(list=self.list_combo.currentText())
        if mode == "text":
            text = self.text_edit.toPlainText().strip()
            if not text:
                raise _FieldError("addressee", "Введите адресата")
            return Addressee(text=text)
        codes = self.recipient_codes()
        if not codes:
            raise _FieldError("addressee", "Выберите адресата из справочника")
        return Addressee(recipient=codes[0]) if len(codes) == 1 else Addressee(recipients=codes)

    def _attachments(self) -> list[AttachmentData]:
        items = []
        for line in self.attachments_edit.lines():
            if not line.text.strip():
                if line.file is not None:
                    raise _FieldError(
                        "attachments",
                        f"Строка {line.number}: пустая строка с файлом «{line.file.name}» — "
                        "впишите название приложения",
                    )
                continue
            try:
                read = read_line(line.text)
            except LineError as exc:
                raise _FieldError("attachments", f"Строка {line.number}: {exc}") from None
            if read is not None:
                items.append(AttachmentData(read.title, read.sheets, read.copies, line.file))
        return items

    @property
    def attachment_files(self) -> dict[str, Path]:
        """Title → the file its line holds (the link is the line: retitling keeps it)."""
        return {
            line.title: line.file
            for line in self.attachments_edit.linked()
            if line.file is not None
        }

    def add_attachment_files(self, paths: list[Path] | None = None) -> None:
        """Attachments from files: a line «title; pages; 1» each, holding its file, kept at
        registration."""
        from app.services.files.file_store import count_pages

        if self.letter_id is not None:
            return
        if paths is None:
            paths = open_files(self, "attachments", "Файлы приложений")
        titles = {line.title for line in self.attachments_edit.lines()}
        for path in paths:
            if not path.is_file():
                continue
            stem = " ".join(path.stem.split()) or path.name
            title, n = stem, 2
            while title in titles:
                title, n = f"{stem} ({n})", n + 1
            titles.add(title)
            self.attachments_edit.add_file_line(line_of(title, count_pages(path) or 1), path)

    def _show_attachment_files(self) -> None:
        """Each file with its line: «строка 1 → План.pdf»."""
        linked = self.attachments_edit.linked()
        names = [f"строка {line.number} → {line.file.name}" for line in linked if line.file]
        self.attachment_files_label.setText(
            f"Файлы приложений ({len(names)}): {'; '.join(names)}. Название в строке можно "
            "менять — файл остается с ней"
            if names
            else ""
        )
        self.attachment_files_label.setVisible(bool(names))

    def _file_line_removed(self, path: Path, line: str) -> None:
        """A line holding a file was deleted: the file goes only when the clerk says so."""
        QTimer.singleShot(0, lambda: self._ask_file_removal(path, line))

    def _ask_file_removal(self, path: Path, line: str) -> None:
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Строка приложения удалена. Убрать из приложений и файл «{path.name}»?\n\n"
            "«Нет» — строка вернется вместе с файлом.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.attachments_edit.add_file_line(line.strip() or path.stem, path)

    def _report(self) -> ReportData | None:
        if not self.report_box.isChecked():
            return None
        columns = [c.strip() for c in self.columns_edit.text().split(";") if c.strip()]
        return ReportData(_to_date(self.due_edit.date()), columns, self.rows_spin.value())

    def _reply_to(self) -> tuple[str, dt.date | None]:
        number = self.reply_number_edit.text().strip()
        typed = self.reply_date_edit.text().strip()
        if not typed:
            return number, None
        try:
            date = dt.datetime.strptime(typed, "%d.%m.%Y").date()
        except ValueError:
            raise _FieldError("reply", "Дата письма, на которое отвечаем: дд.мм.гггг") from None
        if not number:
            raise _FieldError("reply", "Укажите номер письма, на которое отвечаем")
        return number, date

    def collect(self, *, complete: bool = True) -> LetterCard:
        """The card the form describes; raises _FieldError naming the field. ``complete``
        False: a card for the preview (text and signatory may still be missing)."""
        for label in self.errors.values():
            label.hide()
        subject = self.subject_edit.text().strip()
        if not subject:
            raise _FieldError("subject", "Заголовок обязателен и начинается с «О» или «Об»")
        reply_number, reply_date = self._reply_to()
        card = LetterCard(
            journal=self.journal_combo.currentData() or "",
            subject=subject,
            addressee=self._addressee(),
            date=_to_date(self.date_edit.date()),
            number=self._view.card.number if self._view else None,
            case=self.case_edit.text().strip(),
            salutation=self.salutation_edit.text().strip() or None,
            body=self.body_edit.body(),
            closing=self.closing_edit.text().strip() or None,
            reply_to_number=reply_number,
            reply_to_date=reply_date,
            attachments=self._attachments(),
            signatory=self.signatory_combo.currentData(),
            signature=self.signature_combo.currentData(),
            executor=self.executor_combo.currentData(),
            report=self._report(),
            appendices=list(self._view.card.appendices) if self._view else [],
        )
        if self._answering is not None:
            card.reply_to_incoming = self._answering.number
            card.reply_to_incoming_year = self._answering.reg_date.year
        # a letter needs its text and its signatory before it gets a number (one rule: app)
        missing = missing_requisites(card) if complete else {}
        if complete:
            self._refuse_unmatched()
        if "body" in missing:
            raise _FieldError("body", "Текст письма пуст")
        if "signatory" in missing:
            raise _FieldError("signatory", "Укажите, кто подписывает письмо")
        return card

    @property
    def _registration(self) -> Registration:
        assert self._view is not None  # a letter from the registry
        return self._view.registration

    def _fill_from_card(self) -> None:
        if self._view is None:
            return
        card, reg = self._view.card, self._view.registration
        self.journal_combo.setCurrentIndex(max(0, self.journal_combo.findData(card.journal)))
        if card.date is not None:
            self.date_edit.setDate(_qdate(card.date))
        self.case_edit.setText(card.case)
        self._show_content(card)
        self._fill_addressee(card.addressee, reg.addressees_as_printed)
        for combo, value in ((self.signatory_combo, card.signatory),
                             (self.executor_combo, card.executor),
                             (self.signature_combo, card.signature)):  # fmt: skip
            combo.setCurrentIndex(max(0, combo.findData(value)))
        if card.report:
            self.report_box.setChecked(True)
            self.due_edit.setDate(_qdate(card.report.due))
            self.columns_edit.setText("; ".join(card.report.columns))
            self.rows_spin.setValue(card.report.rows)
        if reg.status != LetterStatus.REGISTERED:
            self.register_button.setEnabled(reg.status == LetterStatus.RESERVED)
            self.annul_button.setEnabled(reg.status == LetterStatus.RESERVED)
            self.change_button.setEnabled(False)
            self.output_button.setEnabled(False)

    def _fill_addressee(self, addressee: Addressee, printed: list[PrintedAddressee]) -> None:
        if addressee.list is not None:
            mode = "list"
        elif addressee.text is not None:
            mode = "text"
        else:
            mode = "recipients"
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(mode))
        if mode == "list":
            self.list_combo.setCurrentText(addressee.list or "")
        elif mode == "text":
            self.text_edit.setPlainText(addressee.text or "")
        else:
            codes = addressee.recipients or ([addressee.recipient] if addressee.recipient else [])
            for code, item in zip(codes, printed, strict=False):
                self.recipient_list.addItem(f"{item.lines.replace(chr(10), ' ')} — {code}")
                self.recipient_list.item(self.recipient_list.count() - 1).setData(
                    Qt.ItemDataRole.UserRole, code
                )

    # --- actions --------------------------------------------------------------------------

    def _clear_errors_on_edit(self) -> None:
        """A field's message goes as soon as the clerk changes that field, and the form's own
        message with any change: a message never outlives its cause."""

        def hides(*keys: str) -> Callable[..., None]:
            def hide(*_args: object) -> None:
                for key in keys:
                    self.errors[key].hide()
                self.form_error.hide()

            return hide

        self.subject_edit.textChanged.connect(hides("subject"))
        self.body_edit.changed.connect(hides("body"))
        self.attachments_edit.textChanged.connect(hides("attachments"))
        for edit in (self.reply_number_edit, self.reply_date_edit):
            edit.textChanged.connect(hides("reply"))
        self.text_edit.textChanged.connect(hides("addressee"))
        self.mode_combo.currentIndexChanged.connect(hides("addressee"))
        self.list_combo.currentIndexChanged.connect(hides("addressee"))
        model = self.recipient_list.model()
        model.rowsInserted.connect(hides("addressee"))
        model.rowsRemoved.connect(hides("addressee"))
        for combo in (self.signatory_combo, self.executor_combo):
            combo.currentIndexChanged.connect(hides("signatory"))

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.form_error.hide()

    def _show_error(self, exc: Exception) -> None:
        if isinstance(exc, _FieldError):
            self.errors[exc.field].setText(exc.message)
            self.errors[exc.field].show()
        else:
            self.form_error.setText(str(exc))
            self.form_error.show()

    def _snapshot(self) -> tuple[object, ...]:
        """What the clerk has typed or chosen, to tell whether closing loses work."""
        return (
            self.journal_combo.currentData(),
            self.case_edit.text(),
            self.subject_edit.text(),
            self.body_edit.body(),
            self.closing_edit.text(),
            self.salutation_edit.text(),
            self.reply_number_edit.text(),
            self.reply_date_edit.text(),
            self.attachments_edit.toPlainText(),
            self.text_edit.toPlainText(),
            tuple(self.recipient_codes()),
            self.signatory_combo.currentData(),
            self.executor_combo.currentData(),
        )

    def reject(self) -> None:
        """Esc, «Отмена» or the window's cross: a changed letter is kept as a draft or thrown
        away only when the clerk says so."""
        keeper = self.keeper
        if self.result_letter is None and keeper.changed():
            answer = QMessageBox.question(
                self,
                TITLE,
                "Сохранить черновик? Его можно открыть в реестре (состояние «Черновики»). "
                "«Нет» — закрыть, не сохраняя введенное.",
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Yes:
                if not keeper.save(kept=True):
                    return
            else:
                keeper.drop_changes()
        elif self.result_letter is None:
            keeper.close_unchanged()
        keeper.timer.stop()
        super().reject()

    def accept(self) -> None:
        """The letter registered, saved, reserved or annulled: its draft is done with."""
        self.keeper.discard()
        super().accept()

    def _confirmed(self, card: LetterCard) -> bool:
        """The heading rule as a warning, and a large mailing confirmed with its number, count
        and signatory, before a number is issued."""
        if not re.match(r"^(О|Об|Обо)\s", card.subject):
            answer = QMessageBox.question(
                self,
                TITLE,
                f"Заголовок «{card.subject}» не начинается с «О» или «Об», как требует "
                "ГОСТ Р 7.0.97-2025. Зарегистрировать с таким заголовком?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.subject_edit.setFocus()
                return False
        count = self._recipient_count(card)
        if count > LARGE_MAILING:
            signer = self.signatory_combo.currentText()
            number = self.number_label.text().removeprefix("Будет присвоен номер: ")
            answer = QMessageBox.question(
                self,
                TITLE,
                f"Зарегистрировать письмо № {number} на {count} адресатов? Подписывает: {signer}.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return True

    def _recipient_count(self, card: LetterCard) -> int:
        if card.addressee.list:
            sizes = {summary.name: summary.size for summary in list_lists(self.db)}
            return sizes.get(card.addressee.list, 0)
        return len(card.addressee.recipients or [])

    def register(self) -> None:
        self._clear_errors()
        try:
            card = self.collect()
            registered = self._view is not None and (
                self._view.registration.status == LetterStatus.REGISTERED
            )
            if self.letter_id is not None and registered:
                reason = self._reason_for_sent_letter()
                if reason is None:
                    return
                update_letter(
                    self.db, self.letter_id, card, version=self._card_version(), reason=reason
                )
                self.accept()
                return
            if not card.number and not self._confirm_twin(card):
                return
            if not self._confirmed(card):
                return
            self.result_letter = register_letter(self.db, card)
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def register_document(self, path: str | None = None) -> None:
        """«Зарегистрировать готовый документ…»: the letter is the chosen PDF (or scan), its
        number stamped on it."""
        from app.services.registry.letter_files import register_with_document

        self._clear_errors()
        try:
            card = self.collect(complete=False)
            missing = missing_requisites(card, document=True)
            self._refuse_unmatched()
            if "signatory" in missing:
                raise _FieldError("signatory", "Укажите, кто подписывает письмо")
        except UserError as exc:
            self._show_error(exc)
            return
        if path is None:
            picked = open_file(
                self,
                "documents",
                "Письмо, подготовленное в другой системе",
                "Документ PDF или скан (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)",
            )
            if picked is None:
                return
            path = str(picked)
        if not self._confirmed(card) or not self._document_looks_right(card, Path(path)):
            return
        try:
            self.result_letter, place = register_with_document(self.db, card, Path(path))
        except UserError as exc:
            self._show_error(exc)
            return
        self.document_place = place
        self.accept()

    def _document_looks_right(self, card: LetterCard, path: Path) -> bool:
        """The document with the stamp it will get, seen before the number is issued: where
        the number goes, and «Зарегистрировать» or «Отмена»."""
        from app.services.registry.letter_files import preview_document
        from ui.dialogs.preview_dialog import PreviewDialog

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            stamped = preview_document(self.db, card, path)
        except UserError as exc:
            self._show_error(exc)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        look = PreviewDialog(
            self.db, 0, "", self, pdf=stamped.pdf, confirm="Зарегистрировать",
            note=f"Номер и дата будут поставлены {stamped.place}. Так документ будет "
            "зарегистрирован и отправлен; номер еще не выдан.",
        )  # fmt: skip
        look.setWindowTitle(f"{path.name} — номер еще не выдан")
        return look.exec() == QDialog.DialogCode.Accepted

    def preview(self) -> None:
        """F3: the letter as it will print, before a number is issued."""
        from app.services.output.letter_export import preview_card_pdf
        from ui.dialogs.preview_dialog import PreviewDialog

        self.form_error.hide()
        try:
            card = self.collect(complete=False)
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                pdf = preview_card_pdf(self.db, card)
            finally:
                QApplication.restoreOverrideCursor()
        except UserError as exc:
            self._show_error(exc)
            return
        self.preview_dialog = PreviewDialog(self.db, 0, "", self, pdf=pdf)
        self.preview_dialog.open()

    def load_word_draft(self, path: str | None = None) -> None:
        """«Загрузить из Word…»: what the draft gave is shown first; the card is filled only
        when the clerk agrees; nothing is registered."""
        from ui.dialogs.draft_dialog import DraftDialog, choose_draft

        chosen = path or choose_draft(self)
        if not chosen:
            return
        dialog = DraftDialog(self.db, Path(chosen), self.journal_combo.currentData() or None, self)
        if dialog.result_card is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.show_card(dialog.result_card, dialog.unmatched)

    def _show_content(self, card: LetterCard) -> None:
        """The card's words in the form: heading, text, closing, salutation, reply, attachments."""
        self.subject_edit.setText(card.subject)
        self.body_edit.set_body(card.body)
        self.closing_edit.setText(card.closing or "")
        self.salutation_edit.setText(card.salutation or "")
        self.reply_number_edit.setText(card.reply_to_number)
        self.reply_date_edit.setText(
            card.reply_to_date.strftime("%d.%m.%Y") if card.reply_to_date else ""
        )
        self.attachments_edit.setPlainText(
            "\n".join(line_of(a.title, a.sheets, a.copies) for a in card.attachments)
        )

    def show_card(self, card: LetterCard, unmatched: list[UnmatchedPerson] | None = None) -> None:
        """Fill the form from a card made elsewhere (a Word draft): what it has replaces what the
        form holds; registration data stay. A person the draft names who is not among the staff
        leaves that field empty and marked — never the last letter's person — until the clerk
        chooses one or adds them («Добавить в сотрудники…»)."""
        self._show_content(card)
        if card.addressee.text is not None or card.addressee.recipient or card.addressee.recipients:
            self.recipient_list.clear()
            self.text_edit.clear()
            self._fill_addressee(card.addressee, self._printed_for(card.addressee))
        missing = {person.role: person for person in unmatched or []}
        for role, combo, value in (("signatory", self.signatory_combo, card.signatory),
                                   ("executor", self.executor_combo, card.executor)):  # fmt: skip
            if value:
                combo.setCurrentIndex(max(0, combo.findData(value)))
            elif role in missing:
                combo.setCurrentIndex(0)
        self._unmatched = missing
        self._show_unmatched()

    def _refuse_unmatched(self) -> None:
        """No number while a person the draft names is neither chosen nor added."""
        for person in self._unmatched.values():
            who = "подписанта" if person.role == "signatory" else "исполнителя"
            raise _FieldError(
                "signatory",
                f"Номер не выдан: выберите {who} из сотрудников или нажмите «Добавить в "
                f"сотрудники…» ({person.written})",
            )

    def _combo_of(self, role: str) -> QComboBox:
        return self.signatory_combo if role == "signatory" else self.executor_combo

    def _show_unmatched(self) -> None:
        """The draft's people not in the staff: the text beside the fields, each with «Добавить
        в сотрудники…»; their fields marked red while empty."""
        while self.unmatched_layout.count():
            item = self.unmatched_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for role in ("signatory", "executor"):
            person = self._unmatched.get(role)
            self._combo_of(role).setStyleSheet(
                f"QComboBox {{ border: 2px solid {palette.ERROR}; }}" if person else ""
            )
            if person is None:
                continue
            line = QWidget()
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            text = QLabel(person.line)
            text.setWordWrap(True)
            text.setStyleSheet(ERROR_STYLE)
            add = QPushButton("Добавить в сотрудники…")
            add.setObjectName(f"add_{role}")
            add.setToolTip("Новый сотрудник с должностью, именем и телефоном из черновика")
            add.clicked.connect(lambda _c=False, r=role: self.add_unmatched_person(r))
            row.addWidget(text, 1)
            row.addWidget(add)
            self.unmatched_layout.addWidget(line)
        self.unmatched_row.setVisible(bool(self._unmatched))

    def _person_chosen(self, role: str) -> None:
        if role in self._unmatched and self._combo_of(role).currentData() is not None:
            del self._unmatched[role]
            self._show_unmatched()

    def add_unmatched_person(self, role: str) -> None:
        """«Добавить в сотрудники…»: the person as the draft names them, saved to the staff
        and chosen in the field."""
        from app.services.registry.draft_import import staff_suggestion
        from ui.dialogs.staff_dialog import StaffDialog

        person = self._unmatched.get(role)
        if person is None:
            return
        taken = {s.code for s in list_staff(self.db)}
        dialog = StaffDialog(self.db, staff_suggestion(person, taken), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        saved = dialog.saved
        for combo in (self.signatory_combo, self.executor_combo):
            combo.addItem(_staff_label(saved), saved.code)
        combo = self._combo_of(role)
        combo.setCurrentIndex(combo.findData(saved.code))

    def _reason_for_sent_letter(self) -> str | None:
        """ "" for a letter not sent yet; the clerk's reason for one already sent; None when
        the clerk cancels."""
        sent = self._registration.sent_copies
        if not sent:
            return ""
        reason, ok = QInputDialog.getText(
            self,
            "Изменение отправленного письма",
            f"Письмо уже отправлено (копий: {sent}). Прежняя редакция сохранится в карточке, "
            "отправленные копии будут отмечены «изменено после отправки».\n\n"
            "Причина изменения:",
        )
        if not ok:
            return None
        if not reason.strip():
            self.form_error.setText("Укажите причину изменения отправленного письма")
            self.form_error.show()
            return None
        return reason.strip()

    def show_versions(self) -> None:
        from ui.dialogs.versions_dialog import VersionsDialog

        assert self.letter_id is not None
        VersionsDialog(self.db, self.letter_id, self._registration.number, self).exec()

    def _card_version(self) -> int:
        return self._registration.version

    def _confirm_twin(self, card: LetterCard) -> bool:
        twins = similar_today(self.db, card)
        if not twins:
            return True
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Сегодня уже зарегистрировано письмо с тем же заголовком и адресатом: "
            f"{', '.join(twins)}.\nЗарегистрировать еще одно?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def reserve(self) -> None:
        code = self.journal_combo.currentData()
        try:
            if code is None:
                raise UserError("Нет журнала для резервирования")
            self.result_letter = reserve_number(
                self.db, code, date=_to_date(self.date_edit.date()),
                case=self.case_edit.text().strip(), note=self.subject_edit.text().strip(),
            )  # fmt: skip
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def annul(self) -> None:
        assert self.letter_id is not None
        reason, ok = ask_annul_reason(
            self,
            self._registration.number,
            self._view.card.date if self._view else None,
            self.subject_edit.text(),
        )
        if not ok:
            return
        try:
            annul_letter(self.db, self.letter_id, reason)
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def change_registration(self) -> None:
        assert self.letter_id is not None
        text, ok = QInputDialog.getText(
            self, TITLE, "Новая дата регистрации (ДД.ММ.ГГГГ) и причина через «;»:"
        )
        if not ok:
            return
        date_text, _, reason = text.partition(";")
        try:
            from app.support.text import parse_date_ru

            try:
                date = parse_date_ru(date_text)
            except ValueError:
                raise UserError(f"«{date_text.strip()}» — не дата ДД.ММ.ГГГГ") from None
            change_registration(
                self.db, self.letter_id, date=date, version=self._card_version(), reason=reason
            )
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def _printed_for(self, addressee: Addressee) -> list[PrintedAddressee]:
        code = addressee.recipient
        if not code:
            return []
        choices = [c for c in recipient_choices(self.db, code) if c.code == code]
        lines = choices[0].label.rsplit(" — ", 1)[0] if choices else code
        return [PrintedAddressee(lines, "", "")]

    def _answer(self, incoming_id: int) -> None:
        """A reply to an incoming letter: to its sender, «На № … от …» from it."""
        theirs = incoming_detail(self.db, incoming_id)
        self._answering = theirs
        self.setWindowTitle(f"Ответ на входящее № {theirs.number}")
        self.reply_number_edit.setText(theirs.sender_number)
        self.reply_date_edit.setText(
            theirs.sender_date.strftime("%d.%m.%Y") if theirs.sender_date else ""
        )
        for edit in (self.reply_number_edit, self.reply_date_edit):
            edit.setReadOnly(True)
            edit.setToolTip(f"Из входящего № {theirs.number}")
        if theirs.sender_code:
            sender = Addressee(recipient=theirs.sender_code)
            self._fill_addressee(sender, self._printed_for(sender))

    @classmethod
    def register_new(
        cls,
        db: Database,
        parent: QWidget | None = None,
        addressee: Addressee | None = None,
        *,
        answering: int | None = None,
    ) -> RegisteredLetter | None:
        """The new-letter dialog; ``addressee`` pre-fills it (``Addressee(list=NAME)`` and the
        like); ``answering``: the incoming letter it answers."""
        dialog = cls(db, parent, addressee=addressee, answering=answering)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_letter
        return None

    @classmethod
    def open_card(cls, db: Database, letter_id: int, parent: QWidget | None = None) -> bool:
        return cls(db, parent, letter_id=letter_id).exec() == QDialog.DialogCode.Accepted


def _staff_label(person: StaffData) -> str:
    """«М.А. Протасов, Руководитель»: how a person of the staff is offered in a field."""
    name = initials_name(person.last_name, person.first_name, person.middle_name)
    return f"{name}, {person.position.splitlines()[0] if person.position else ''}".rstrip(", ")


def ask_annul_reason(
    parent: QWidget, number: str, date: dt.date | None, subject: str
) -> tuple[str, bool]:
    """«Аннулировать письмо № 1893/5 от 14.11.2025 «О …»?» and the reason: the clerk sees which
    number goes before giving it."""
    dated = f" от {date:%d.%m.%Y}" if date else ""
    about = f"\n«{subject.strip()[:120]}»" if subject.strip() else ""
    return QInputDialog.getText(
        parent,
        f"Аннулировать № {number}",
        f"Аннулировать письмо № {number}{dated}?{about}\n\nНомер останется в журнале с "
        "отметкой «аннулирован».\nПричина аннулирования:",
    )


class _FieldError(UserError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
