"""The edit panel of a recipient, with a live preview of the printed addressee and salutation.

While the clerk has not touched the preview, it follows every keystroke in the name and
position fields; once edited, it keeps the clerk's text (marked «изменено вручную») until
«Как в справочнике» restores the derived one.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.directory.recipients import (
    DELIVERY_METHODS,
    RecipientData,
    derive,
    get_recipient,
    save_recipient,
)
from app.support.errors import UserError
from db.engine import Database
from ui import palette
from ui.read_only import writes

EDITED = "изменено вручную"


class _Preview:
    """One derived text (addressee block or salutation) that the clerk may override."""

    def __init__(self, widget: QPlainTextEdit | QLineEdit, reset: QPushButton, mark: QLabel):
        self.widget, self.reset, self.mark = widget, reset, mark
        self.edited = False
        self._setting = False
        reset.clicked.connect(self._reset)
        self.derived = ""
        if isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self._changed)
        else:
            widget.textEdited.connect(self._changed)

    def text(self) -> str:
        w = self.widget
        return w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()

    def _set(self, text: str) -> None:
        self._setting = True
        if isinstance(self.widget, QPlainTextEdit):
            self.widget.setPlainText(text)
        else:
            self.widget.setText(text)
        self._setting = False

    def _changed(self) -> None:
        if not self._setting:
            self.set_edited(self.text().strip() != self.derived.strip())

    def set_edited(self, edited: bool) -> None:
        self.edited = edited
        self.mark.setText(EDITED if edited else "")
        self.reset.setEnabled(edited)

    def _reset(self) -> None:
        self.set_edited(False)
        self._set(self.derived)

    def follow(self, derived: str) -> None:
        self.derived = derived
        if not self.edited:
            self._set(derived)

    def load(self, text: str, edited: bool) -> None:
        self._set(text)
        self.set_edited(edited)


class RecipientEditor(QWidget):
    saved = Signal(int)
    write_letter_requested = Signal(str)  # recipient code

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.recipient_id: int | None = None
        self.code = ""
        self.version = 0
        self.initials_first = True
        self._build()
        self.clear()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        layout.addWidget(self.title)
        form = QFormLayout()
        self.organization_edit = QLineEdit()
        self.organization_edit.setObjectName("organization")
        self.position_edit = QPlainTextEdit()
        self.position_edit.setObjectName("position")
        self.position_edit.setMaximumHeight(52)
        self.position_edit.setTabChangesFocus(True)
        self.last_edit = QLineEdit()
        self.last_edit.setObjectName("last_name")
        self.first_edit = QLineEdit()
        self.first_edit.setObjectName("first_name")
        self.middle_edit = QLineEdit()
        self.middle_edit.setObjectName("middle_name")
        names = QHBoxLayout()
        for edit, hint in ((self.last_edit, "Фамилия"), (self.first_edit, "Имя или инициал"),
                           (self.middle_edit, "Отчество")):  # fmt: skip
            edit.setPlaceholderText(hint)
            edit.setAccessibleName(hint)
            names.addWidget(edit)
        self.gender_combo = QComboBox()
        for value, label in (("", "по отчеству"), ("m", "мужской"), ("f", "женский")):
            self.gender_combo.addItem(label, value)
        self.delivery_combo = QComboBox()
        self.delivery_combo.addItem("—", "")
        for method in DELIVERY_METHODS:
            self.delivery_combo.addItem(method, method)
        self.email_edit = QLineEdit()
        self.medo_edit = QLineEdit()
        self.medo_edit.setPlaceholderText("идентификатор (GUID)")
        self.medo_address_edit = QLineEdit()
        self.medo_address_edit.setPlaceholderText("адрес ИМЯ~ДОМЕН")
        self.medo_address_edit.setToolTip(
            "Почтовый адрес участника МЭДО из справочника участников, например MINFIN~MEDO: "
            "по нему транспорт доставляет контейнер"
        )
        self.postcode_edit = QLineEdit()
        self.postcode_edit.setMaximumWidth(90)
        self.postcode_edit.setPlaceholderText("индекс")
        self.address_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("присваивается при сохранении")
        for edit, name in (
            (self.medo_edit, "Идентификатор МЭДО"),
            (self.medo_address_edit, "Адрес МЭДО"),
            (self.postcode_edit, "Почтовый индекс"),
            (self.address_edit, "Почтовый адрес"),
        ):
            edit.setAccessibleName(name)
        address = QHBoxLayout()
        address.addWidget(self.postcode_edit)
        address.addWidget(self.address_edit, 1)
        form.addRow("Организация", self.organization_edit)
        form.addRow("Должность", self.position_edit)
        form.addRow("Должностное лицо", names)
        form.addRow("Пол", self.gender_combo)
        form.addRow("Способ доставки", self.delivery_combo)
        form.addRow("Эл. почта", self.email_edit)
        medo = QHBoxLayout()
        medo.addWidget(self.medo_edit, 3)
        medo.addWidget(self.medo_address_edit, 2)
        form.addRow("Участник МЭДО", medo)
        form.addRow("Почтовый адрес", address)
        form.addRow("Телефон", self.phone_edit)
        form.addRow("Код корреспондента", self.code_edit)
        layout.addLayout(form)
        layout.addWidget(self._build_preview())
        self.history_label = QLabel(wordWrap=True)
        self.history_label.setStyleSheet("color: #555;")
        layout.addWidget(self.history_label)
        self.error_label = QLabel(wordWrap=True)
        self.error_label.setObjectName("recipient_error")
        self.error_label.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Сохранить")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.letter_button = QPushButton("Написать письмо")
        self.letter_button.clicked.connect(lambda: self.write_letter_requested.emit(self.code))
        self.revert_button = QPushButton("Отменить изменения")
        self.revert_button.clicked.connect(self.reload)
        writes(self.save_button, self.letter_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        self.saved_label = QLabel()  # «Сохранено в 10:15»: the clerk sees the save took
        self.saved_label.setObjectName("recipient_saved")
        self.saved_label.setStyleSheet(f"color: {palette.GOOD}; font-weight: bold;")
        buttons.addWidget(self.saved_label)
        buttons.addStretch(1)
        buttons.addWidget(self.letter_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        for edit in (self.organization_edit, self.last_edit, self.first_edit, self.middle_edit):
            edit.textChanged.connect(self.update_preview)
        self.position_edit.textChanged.connect(self.update_preview)
        self.gender_combo.currentIndexChanged.connect(self.update_preview)

    def _build_preview(self) -> QGroupBox:
        box = QGroupBox("Как будет напечатано")
        form = QFormLayout(box)
        self.lines_edit = QPlainTextEdit()
        self.lines_edit.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.lines_edit.setObjectName("addressee_preview")
        self.lines_edit.setAccessibleName("Адресат, как будет напечатан")
        self.lines_edit.setMaximumHeight(86)
        font = QFont("Liberation Serif")
        font.setPointSize(12)
        self.lines_edit.setFont(font)
        self.salutation_edit = QLineEdit()
        self.salutation_edit.setObjectName("salutation_preview")
        self.salutation_edit.setAccessibleName("Обращение, как будет напечатано")
        self.salutation_edit.setFont(font)
        self.salutation_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lines = self._preview_row(form, "Адресат", self.lines_edit)
        self.salutation = self._preview_row(form, "Обращение", self.salutation_edit)
        return box

    def _preview_row(
        self, form: QFormLayout, label: str, widget: QPlainTextEdit | QLineEdit
    ) -> _Preview:
        reset = QPushButton("Как в справочнике")
        reset.setToolTip("Вернуть текст, составленный по должности и имени")
        mark = QLabel()
        mark.setStyleSheet("color: #a15c00;")
        row = QVBoxLayout()
        row.addWidget(widget)
        under = QHBoxLayout()
        under.addWidget(mark)
        under.addStretch(1)
        under.addWidget(reset)
        row.addLayout(under)
        form.addRow(label, row)
        return _Preview(widget, reset, mark)

    # --- data -----------------------------------------------------------------------------

    def data(self) -> RecipientData:
        return RecipientData(
            code=self.code_edit.text(),
            organization=self.organization_edit.text(),
            position=self.position_edit.toPlainText(),
            last_name=self.last_edit.text(),
            first_name=self.first_edit.text(),
            middle_name=self.middle_edit.text(),
            gender=str(self.gender_combo.currentData() or ""),
            addressee_lines=self.lines.text(),  # equal to the derived text: not an edit
            salutation=self.salutation.text(),
            delivery=str(self.delivery_combo.currentData() or ""),
            email=self.email_edit.text(),
            medo_id=self.medo_edit.text(),
            medo_address=self.medo_address_edit.text(),
            address=self.address_edit.text(),
            postcode=self.postcode_edit.text(),
            phone=self.phone_edit.text(),
            id=self.recipient_id,
            version=self.version,
        ).clean()

    def update_preview(self) -> None:
        derived = derive(self.data(), initials_first=self.initials_first)
        self.lines.follow(derived.addressee_lines)
        self.salutation.follow(derived.salutation)

    def clear(self) -> None:
        """An empty card for a new recipient."""
        self.recipient_id, self.code, self.version = None, "", 0
        self.title.setText("Новый адресат")
        for edit in (self.organization_edit, self.last_edit, self.first_edit, self.middle_edit,
                     self.email_edit, self.medo_edit, self.medo_address_edit,
                     self.postcode_edit, self.address_edit,
                     self.phone_edit, self.code_edit):  # fmt: skip
            edit.clear()
        self.position_edit.clear()
        self.gender_combo.setCurrentIndex(0)
        self.delivery_combo.setCurrentIndex(0)
        self.lines.load("", False)
        self.salutation.load("", False)
        self.history_label.clear()
        self.error_label.clear()
        self.saved_label.clear()
        self.letter_button.setEnabled(False)
        self.update_preview()

    def load(self, recipient_id: int) -> None:
        self.saved_label.clear()
        try:
            detail = get_recipient(self.db, recipient_id)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        d = detail.data
        self.clear()
        self.recipient_id, self.code, self.version = detail.id, d.code or "", d.version
        self.title.setText(f"Адресат {self.code}")
        self.organization_edit.setText(d.organization)
        self.position_edit.setPlainText(d.position)
        self.last_edit.setText(d.last_name)
        self.first_edit.setText(d.first_name)
        self.middle_edit.setText(d.middle_name)
        self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(d.gender)))
        self.delivery_combo.setCurrentIndex(max(0, self.delivery_combo.findData(d.delivery)))
        pairs = ((self.email_edit, d.email), (self.medo_edit, d.medo_id),
                 (self.medo_address_edit, d.medo_address),
                 (self.postcode_edit, d.postcode), (self.address_edit, d.address),
                 (self.phone_edit, d.phone), (self.code_edit, d.code or ""))  # fmt: skip
        for edit, value in pairs:
            edit.setText(value)
        self.lines.load(d.addressee_lines or "", detail.addressee_edited)
        self.salutation.load(d.salutation or "", detail.salutation_edited)
        self.update_preview()
        lines = []
        if d.lists:
            lines.append("Списки рассылки: " + "; ".join(d.lists))
        lines += [f"Прежде: {item}" for item in detail.history]
        lines.append(f"Писем этому адресату: {detail.letters}")
        self.history_label.setText("\n".join(lines))
        self.letter_button.setEnabled(True)

    def reload(self) -> None:
        if self.recipient_id is None:
            self.clear()
        else:
            self.load(self.recipient_id)

    def save(self) -> int | None:
        data = self.data()
        problems = data.problems()
        if problems:
            self.error_label.setText("; ".join(problems).capitalize())
            return None
        try:
            recipient_id = save_recipient(self.db, data)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return None
        except Exception as exc:  # a constraint the checks above did not foresee
            QMessageBox.warning(self, "Адресаты", f"Не удалось сохранить: {exc}")
            return None
        self.load(recipient_id)
        self.saved_label.setText(f"Сохранено в {dt.datetime.now():%H:%M}")
        self.saved.emit(recipient_id)
        return recipient_id
