"""The letter card's form: its groups of fields built, kept live (the number it will get,
the weekday of a term, the addressee chosen from the directory, the attachments' files) and
its errors shown beside the fields. The dialog (``letter_dialog``) adds the commands, the
mapping (``letter_mapping``) reads the form into a card and back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
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

from app.rules.attachment_lines import line_of
from app.rules.production_calendar import day_off_reason
from app.rules.spelling import speller
from app.services.cases.filing import case_title
from app.services.directory.distribution_lists import list_names
from app.services.incoming.detail import IncomingDetail
from app.services.organization.profile import StaffData, list_journals, list_staff
from app.services.registry.draft_import import UnmatchedPerson
from app.services.registry.letter_cards import LetterView, Registration
from app.services.registry.letters import (
    Addressee,
    correspondent_of,
    journal_needs,
    preview_number,
)
from app.services.registry.recent import last_case, recent_people
from app.support import clock
from app.support.errors import UserError
from app.support.text import WEEKDAYS, initials_name
from db.engine import Database
from ui import palette
from ui.file_dialogs import open_files
from ui.keyboard import label_for
from ui.widgets.attachments_edit import AttachmentsEdit
from ui.widgets.body_editor import BodyEditor
from ui.widgets.case_choice import case_completer
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


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_edit(value: dt.date) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def staff_label(person: StaffData) -> str:
    """«М.А. Протасов, Руководитель»: how a person of the staff is offered in a field."""
    name = initials_name(person.last_name, person.first_name, person.middle_name)
    return f"{name}, {person.position.splitlines()[0] if person.position else ''}".rstrip(", ")


class FieldError(UserError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class LetterForm(QDialog):
    """The fields of a letter and how they behave while the clerk types."""

    # given by the dialog (letter_dialog): the registry, the letter shown (None: a new one),
    # the errors beside the fields and under the form, the buttons it makes
    db: Database
    letter_id: int | None
    errors: dict[str, QLabel]
    form_error: QLabel
    register_button: QPushButton
    annul_button: QPushButton
    change_button: QPushButton
    output_button: QPushButton
    _view: LetterView | None
    _answering: IncomingDetail | None
    _remembered_case: str

    # the mapping's (letter_mapping), which the form's fields call when they change
    @property
    def _registration(self) -> Registration:
        raise NotImplementedError

    def _person_chosen(self, role: str) -> None:
        raise NotImplementedError

    def _build_registration(self) -> QGroupBox:
        box = QGroupBox("Регистрация")
        grid = QGridLayout(box)
        self.journal_combo = QComboBox()
        for journal in list_journals(self.db):
            if journal.active and journal.kind != "incoming":
                self.journal_combo.addItem(f"{journal.code} — {journal.name}", journal.code)
        self.date_edit = date_edit(clock.today())
        self.case_edit = QLineEdit()
        self.case_edit.setPlaceholderText("по номенклатуре дел")
        self._cases_year = clock.today().year  # the year whose cases the completer offers
        self.case_edit.setCompleter(case_completer(self.db, self._cases_year, self.case_edit))
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
        self.errors["addressee"] = error_label()
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
        self.errors["subject"] = error_label()
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
        self.errors["attachments"] = error_label()
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
        self.errors["body"] = error_label()
        self.errors["signatory"] = error_label()
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
        self.errors["reply"] = error_label()
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
        self.due_edit = date_edit(clock.today() + dt.timedelta(days=14))
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

    def _staff_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem("—", None)
        for person in list_staff(self.db, active_only=True):
            combo.addItem(staff_label(person), person.code)
        return combo

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
                self.db, code, to_date(self.date_edit.date()), case=self.case_edit.text().strip(),
                corr=corr,
            )  # fmt: skip
            day = to_date(self.date_edit.date())
            if day.year != self._cases_year:  # the cases of the number's year are offered
                self._cases_year = day.year
                self.case_edit.setCompleter(case_completer(self.db, day.year, self.case_edit))
            title = case_title(self.db, self.case_edit.text(), day)
            filed = f" · в дело: {title}" if title else ""
            self.number_label.setText(f"Будет присвоен номер: {number}{filed}")
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
        due = to_date(self.due_edit.date())
        reason = day_off_reason(due)
        self.due_weekday.setText(f"{WEEKDAYS[due.weekday()]}{f' — {reason}' if reason else ''}")
        self.due_weekday.setStyleSheet(f"color: {palette.WARNING};" if reason else "")

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
        if isinstance(exc, FieldError):
            self.errors[exc.field].setText(exc.message)
            self.errors[exc.field].show()
        else:
            self.form_error.setText(str(exc))
            self.form_error.show()
