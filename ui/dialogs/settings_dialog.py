"""«Сервис → Настройки»: organization profile, staff and journals.

The dialog collects and validates; saving goes through
:func:`app.services.organization.setup.apply_setup` as one transaction, so a refused value leaves
the database as it was.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.organization.profile import (
    ORGANIZATION_TEXTS,
    CertificateData,
    OrganizationData,
    StaffData,
    get_organization,
    list_journals,
    list_staff,
)
from app.services.organization.setup import SetupData, apply_setup
from app.support.errors import UserError
from app.support.text import date_ru, parse_date_ru
from db.engine import Database
from ui.dialogs.nomenclature_page import NomenclaturePage
from ui.dialogs.settings_exchange import ExchangePage
from ui.dialogs.settings_journals import JournalsPage
from ui.dialogs.settings_tables import cell, combo, item, row_of_empty_cells, table_page
from ui.file_dialogs import open_file
from ui.fit import open_sized, scrolling
from ui.widgets.buttons import refusal_label

LAYOUT_CHOICES = (("angular", "Угловой"), ("flat", "Продольный"))
NUMBER_LINE_CHOICES = (
    ("number_first", "№ 710/5 от 29.04.2025"),
    ("date_first", "от 16.01.2025 № 01-12/345"),
)
ORG_TEXT_FIELDS = tuple(  # the required one marked
    (key, f"{label}*" if key == "name" else label) for key, label in ORGANIZATION_TEXTS
)
STAFF_COLUMNS = (
    ("code", "Код*"),
    ("last_name", "Фамилия*"),
    ("first_name", "Имя"),
    ("middle_name", "Отчество"),
    ("position", "Должность"),
    ("department", "Подразделение"),
    ("phone", "Телефон"),
    ("email", "Эл. почта"),
    ("cert_serial", "Сертификат ЭП"),
    ("cert_from", "Действует с"),
    ("cert_to", "Действует по"),
)


class SettingsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Настройки")
        open_sized(self, "settings", QSize(1100, 620))
        self._org = get_organization(db)
        self._staff = {s.code: s for s in list_staff(db)}
        self._journals = {j.code: j for j in list_journals(db)}
        self.journals = JournalsPage(self._journals)
        self.journal_table = self.journals.table  # as the tests and the screenshots reach it
        self.preset_button = self.journals.preset_button
        self.exchange = ExchangePage(self._org or OrganizationData(name=""))
        self.tabs = QTabWidget(self)
        # each page scrolls where the screen is lower than the page (1280×720); the dialog's
        # buttons stay below the pages, in sight
        for page, title in (
            (self._build_organization(), "Организация"),
            (self._build_staff(), "Сотрудники"),
            (self.journals, "Журналы регистрации"),
            (self._build_dispatch(), "Отправка почты"),
            (self.exchange, "Обмен"),
        ):
            self.tabs.addTab(scrolling(page, stretch_last=True), title)
        self.nomenclature = NomenclaturePage(db)  # written at once, not by «Сохранить»
        self.tabs.addTab(self.nomenclature, "Номенклатура дел")
        self.error_label = refusal_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Сохранить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    @classmethod
    def edit(cls, db: Database, parent: QWidget | None = None, *, tab: int = 0) -> bool:
        """Show the dialog; True when the settings were saved."""
        dialog = cls(db, parent)
        dialog.tabs.setCurrentIndex(tab)
        return dialog.exec() == QDialog.DialogCode.Accepted

    # --- organization ---------------------------------------------------------------------

    def _build_organization(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        org = self._org or OrganizationData(name="")
        self.org_edits: dict[str, QLineEdit] = {}
        for key, label in ORG_TEXT_FIELDS:
            edit = QLineEdit(getattr(org, key))
            edit.setObjectName(f"org_{key}")
            self.org_edits[key] = edit
            form.addRow(label, edit)
            if key == "short_name":
                self.letterhead_edit = QPlainTextEdit("\n".join(org.letterhead))
                self.letterhead_edit.setTabChangesFocus(True)  # Tab moves on, as in every field
                self.letterhead_edit.setObjectName("org_letterhead")
                self.letterhead_edit.setFixedHeight(64)
                form.addRow("Строки бланка", self.letterhead_edit)
        self.layout_combo = combo(LAYOUT_CHOICES, org.layout)
        self.number_line_combo = combo(NUMBER_LINE_CHOICES, org.number_line)
        self.reply_line_check = QCheckBox("Печатать «на № ___ от ___», если письмо не ответ")
        self.reply_line_check.setChecked(org.reply_line)
        self.initials_check = QCheckBox("Инициалы перед фамилией (В.В. Солодову)")
        self.initials_check.setChecked(org.initials_first)
        self.font_spin = QSpinBox()
        self.font_spin.setRange(12, 14)
        self.font_spin.setSuffix(" пт")
        self.font_spin.setValue(org.font_size)
        self.date_words_check = QCheckBox("Дата словами («22» октября 2024 г.)")
        self.date_words_check.setChecked(org.date_words)
        self.font_file_edit = QLineEdit(org.font_file)
        self.font_file_edit.setPlaceholderText(
            "Liberation Serif (встроенный); или путь к TTF, например PTAstraSerif-Regular.ttf"
        )
        form.addRow("Вид бланка", self.layout_combo)
        form.addRow("Дата и номер", self.number_line_combo)
        form.addRow("", self.reply_line_check)
        form.addRow("", self.initials_check)
        form.addRow("", self.date_words_check)
        form.addRow("Размер шрифта", self.font_spin)
        form.addRow("Шрифт PDF", self.font_file_edit)
        self._logo = b""
        self.logo_button = QPushButton("Выбрать эмблему (PNG, JPEG)…")
        self.logo_button.clicked.connect(self._choose_logo)
        form.addRow("Эмблема на бланке", self.logo_button)
        return page

    def _choose_logo(self) -> None:

        path = open_file(self, "images", "Эмблема для бланка", "Изображения (*.png *.jpg *.jpeg)")
        if path is not None:
            self._logo = path.read_bytes()
            self.logo_button.setText(f"Эмблема: {path.name}")

    def _collect_organization(self) -> OrganizationData:
        data = OrganizationData(
            name=self.org_edits["name"].text().strip(),
            letterhead=[
                line.strip()
                for line in self.letterhead_edit.toPlainText().splitlines()
                if line.strip()
            ],
            layout=self.layout_combo.currentData(),
            number_line=self.number_line_combo.currentData(),
            reply_line=self.reply_line_check.isChecked(),
            font_size=self.font_spin.value(),
            initials_first=self.initials_check.isChecked(),
            date_words=self.date_words_check.isChecked(),
            font_file=self.font_file_edit.text().strip(),
            logo=self._logo,
            version=self._org.version if self._org else 0,
        )
        for key, _label in ORG_TEXT_FIELDS[1:]:
            setattr(data, key, self.org_edits[key].text().strip())
        self._collect_dispatch(data)
        self.exchange.collect(data)
        data.validate()
        return data

    # --- dispatch -------------------------------------------------------------------------

    def _build_dispatch(self) -> QWidget:
        from app.services.dispatch.run import DEFAULT_BODY, DEFAULT_SUBJECT, TEMPLATE_FIELDS

        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # the rows stay together at the top
        org = self._org or OrganizationData(name="")
        self.mail_from_edit = QLineEdit(org.mail_from)
        self.mail_from_edit.setPlaceholderText("как «Эл. почта» организации")
        self.smtp_host_edit = QLineEdit(org.smtp_host)
        self.smtp_host_edit.setPlaceholderText(
            "mail.example.ru; пусто — письма только файлами .eml"
        )
        self.smtp_port_spin = QSpinBox()
        self.smtp_port_spin.setRange(1, 65535)
        self.smtp_port_spin.setValue(org.smtp_port)
        self.smtp_security_combo = combo(
            (("starttls", "STARTTLS (порт 587)"), ("ssl", "SSL/TLS (порт 465)"), ("none", "Нет")),
            org.smtp_security,
        )
        self.smtp_login_edit = QLineEdit(org.smtp_login)
        self.smtp_password_edit = QLineEdit()
        self.smtp_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password_edit.setPlaceholderText(
            "хранится в хранилище паролей ОС; введите, чтобы заменить"
        )
        self.email_subject_edit = QLineEdit(org.email_subject)
        self.email_subject_edit.setPlaceholderText(DEFAULT_SUBJECT)
        self.email_body_edit = QPlainTextEdit(org.email_body)
        self.email_body_edit.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.email_body_edit.setPlaceholderText(DEFAULT_BODY)
        self.email_body_edit.setFixedHeight(150)
        fields = QLabel("Поля: " + ", ".join(f"{{{name}}}" for name in TEMPLATE_FIELDS))
        form.addRow("Адрес отправителя", self.mail_from_edit)
        form.addRow("Почтовый сервер (SMTP)", self.smtp_host_edit)
        form.addRow("Порт", self.smtp_port_spin)
        form.addRow("Защита соединения", self.smtp_security_combo)
        form.addRow("Логин", self.smtp_login_edit)
        form.addRow("Пароль", self.smtp_password_edit)
        form.addRow("Тема письма", self.email_subject_edit)
        form.addRow("Сопроводительный текст", self.email_body_edit)
        form.addRow("", fields)
        self.max_file_spin = _megabytes(
            org.max_file_mb, "Скан письма, файл приложения, черновик — каждый не больше"
        )
        form.addRow("Файл письма, не больше", self.max_file_spin)
        self.email_max_spin = _megabytes(
            org.email_max_mb, "Письмо со всеми вложениями; больше — отправьте по МЭДО или почтой"
        )
        form.addRow("Письмо e-mail, не больше", self.email_max_spin)
        self.medo_max_spin = _megabytes(
            org.medo_max_mb,
            "Документ и файлы приложений в одном контейнере; предел узла МЭДО уточните у оператора",
        )
        form.addRow("Контейнер МЭДО, не больше", self.medo_max_spin)
        # this workstation's: the authorities whose certificates a signature's must lead to
        from app.support.settings import ca_folder

        self.ca_folder_edit = QLineEdit(str(ca_folder() or ""))
        self.ca_folder_edit.setPlaceholderText("не задана: цепочка подписи до УЦ не проверяется")
        self.ca_folder_edit.setToolTip(
            "Папка с сертификатами удостоверяющих центров (.cer, .crt, .pem): сертификат "
            "подписи письма должен быть выдан одним из них"
        )
        form.addRow("Папка сертификатов УЦ", self.ca_folder_edit)
        return page

    def _collect_dispatch(self, data: OrganizationData) -> None:
        from app.services.dispatch.run import check_template

        data.mail_from = self.mail_from_edit.text().strip()
        data.smtp_host = self.smtp_host_edit.text().strip()
        data.smtp_port = self.smtp_port_spin.value()
        data.smtp_security = self.smtp_security_combo.currentData()
        data.smtp_login = self.smtp_login_edit.text().strip()
        data.email_subject = self.email_subject_edit.text().strip()
        data.email_body = self.email_body_edit.toPlainText().strip()
        data.max_file_mb = self.max_file_spin.value()
        data.email_max_mb = self.email_max_spin.value()
        data.medo_max_mb = self.medo_max_spin.value()
        check_template(data.email_subject, "Тема письма")
        check_template(data.email_body, "Сопроводительный текст")

    def _store_smtp_password(self, data: OrganizationData) -> None:
        from app.services.dispatch.smtp_send import smtp_settings
        from app.services.organization.mail_servers import store_password

        password = self.smtp_password_edit.text()
        if password:
            store_password(smtp_settings(data), password)
            self.smtp_password_edit.clear()

    # --- staff ----------------------------------------------------------------------------

    def _build_staff(self) -> QWidget:
        page = QWidget()
        self.staff_table = QTableWidget(0, len(STAFF_COLUMNS))
        self.staff_table.setAccessibleName("Сотрудники")
        self.staff_table.setObjectName("staff_table")
        self.staff_table.setHorizontalHeaderLabels([label for _key, label in STAFF_COLUMNS])
        self.staff_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.staff_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for person in self._staff.values():
            self._add_staff_row(person)
        return table_page(page, self.staff_table, self._new_staff_row, "сотрудника")

    def _add_staff_row(self, person: StaffData) -> None:
        cert = person.certificate
        values = {
            "code": person.code,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "position": person.position.replace("\n", " / "),
            "department": person.department,
            "phone": person.phone,
            "email": person.email,
            "cert_serial": cert.serial if cert else "",
            "cert_from": date_ru(cert.valid_from) if cert else "",
            "cert_to": date_ru(cert.valid_to) if cert else "",
        }
        row = self.staff_table.rowCount()
        self.staff_table.insertRow(row)
        for column, (key, _label) in enumerate(STAFF_COLUMNS):
            self.staff_table.setItem(row, column, QTableWidgetItem(values[key]))

    def _new_staff_row(self) -> None:
        row = row_of_empty_cells(self.staff_table, len(STAFF_COLUMNS))
        self.staff_table.setCurrentCell(row, 0)
        self.staff_table.editItem(item(self.staff_table, row, 0))

    def _collect_staff(self) -> list[StaffData]:
        people: list[StaffData] = []
        for row in range(self.staff_table.rowCount()):
            values = {
                key: cell(self.staff_table, row, column)
                for column, (key, _label) in enumerate(STAFF_COLUMNS)
            }
            if not any(values.values()):
                continue
            old = self._staff.get(values["code"])
            person = StaffData(
                code=values["code"],
                last_name=values["last_name"],
                first_name=values["first_name"],
                middle_name=values["middle_name"],
                position=values["position"].replace(" / ", "\n"),
                phone=values["phone"],
                email=values["email"],
                department=values["department"],
                version=old.version if old else 0,
                certificate=self._certificate(values, row),
            )
            person.validate()
            people.append(person)
        return people

    @staticmethod
    def _certificate(values: dict[str, str], row: int) -> CertificateData | None:
        if not (values["cert_serial"] or values["cert_from"] or values["cert_to"]):
            return None
        dates: list[dt.date] = []
        for key in ("cert_from", "cert_to"):
            try:
                dates.append(parse_date_ru(values[key]))
            except ValueError:
                raise UserError(
                    f"Сотрудники, строка {row + 1}: «{values[key]}» — не дата ДД.ММ.ГГГГ"
                ) from None
        return CertificateData(values["cert_serial"], dates[0], dates[1])

    # --- journals -------------------------------------------------------------------------

    # --- shared ---------------------------------------------------------------------------

    def collect(self) -> SetupData:
        """Everything the dialog holds, validated; raises UserError naming the problem."""
        staff = self._collect_staff()
        journals = self.journals.collect()
        setup = SetupData(
            organization=self._collect_organization(),
            staff=staff,
            journals=journals,
            remove_staff=sorted(set(self._staff) - {s.code for s in staff}),
            remove_journals=sorted(set(self._journals) - {j.code for j in journals}),
        )
        setup.check_unique_codes()
        return setup

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:
        try:
            setup = self.collect()
            apply_setup(self.db, setup, next_forward_only=False)
            assert setup.organization is not None
            self._store_smtp_password(setup.organization)
            self.exchange.store_password()
        except UserError as exc:
            self.show_error(str(exc))
            return
        from app.support.settings import CA_FOLDER_SETTING, Settings

        settings = Settings()
        settings.set(CA_FOLDER_SETTING, self.ca_folder_edit.text().strip())
        settings.save()
        super().accept()


def _megabytes(value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, 2000)
    spin.setSuffix(" МБ")
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin
