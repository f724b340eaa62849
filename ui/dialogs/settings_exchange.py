"""«Настройки → Обмен»: where arrivals come from and where the senders' notifications go — the
МЭДО client's incoming and outgoing folders, whether a МЭДО sender is told who executes its
document, and the mailbox letters arrive in (IMAP; its password kept in the OS keyring).
«Проверить ящик» logs in and counts the new messages, taking none."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.arrivals.imap_mailbox import ImapSettings, check_mailbox, imap_settings
from app.services.organization.mail_servers import store_password, stored_password
from app.services.organization.profile import OrganizationData
from app.support.errors import UserError
from ui import palette
from ui.background import Background, message_of
from ui.dialogs.settings_tables import combo

SECURITY = (("ssl", "SSL/TLS (порт 993)"), ("starttls", "STARTTLS (порт 143)"), ("none", "Нет"))


class ExchangePage(QWidget):
    def __init__(self, org: OrganizationData) -> None:
        super().__init__()
        self.background = Background(self)
        outer = QVBoxLayout(self)

        medo = QGroupBox("МЭДО")
        form = QFormLayout(medo)
        self.medo_inbox_edit = QLineEdit(org.medo_inbox)
        self.medo_inbox_edit.setPlaceholderText("не задана: пакеты МЭДО — кнопкой «Получить»")
        self.medo_inbox_edit.setToolTip(
            "Папка входящих пакетов клиента МЭДО: пока программа открыта, пакеты из нее читаются "
            "в «Поступившие» каждые 5 минут (ничего не регистрируя)"
        )
        form.addRow("Папка входящих", self.medo_inbox_edit)
        self.medo_outbox_edit = QLineEdit(org.medo_outbox)
        self.medo_outbox_edit.setPlaceholderText(
            "не задана: отправители МЭДО не получат уведомлений"
        )
        self.medo_outbox_edit.setToolTip(
            "Исходящая папка клиента МЭДО: туда — уведомления отправителям о регистрации и отказе"
        )
        form.addRow("Папка исходящих", self.medo_outbox_edit)
        self.notify_executor_check = QCheckBox("Сообщать отправителю, кому поручено исполнение")
        self.notify_executor_check.setChecked(org.medo_notify_executor)
        self.notify_executor_check.setToolTip(
            "При назначении исполнителя письма, пришедшего по МЭДО, в исходящую папку "
            "записывается уведомление «Назначен исполнитель» (executorAssigned)"
        )
        form.addRow("", self.notify_executor_check)
        outer.addWidget(medo)

        box = QGroupBox("Почтовый ящик (IMAP): письма, поступающие по электронной почте")
        form = QFormLayout(box)
        self.imap_host_edit = QLineEdit(org.imap_host)
        self.imap_host_edit.setPlaceholderText(
            "imap.example.ru; пусто — письма только файлами .eml"
        )
        self.imap_port_spin = QSpinBox()
        self.imap_port_spin.setRange(1, 65535)
        self.imap_port_spin.setValue(org.imap_port)
        self.imap_security_combo = combo(SECURITY, org.imap_security)
        self.imap_login_edit = QLineEdit(org.imap_login)
        self.imap_password_edit = QLineEdit()
        self.imap_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.imap_password_edit.setPlaceholderText(
            "хранится в хранилище паролей ОС; введите, чтобы заменить"
        )
        self.imap_folder_edit = QLineEdit(org.imap_folder)
        self.imap_folder_edit.setPlaceholderText("INBOX")
        self.imap_done_edit = QLineEdit(org.imap_done_folder)
        self.imap_done_edit.setPlaceholderText("пусто: письмо остается во входящих, с пометкой")
        self.imap_done_edit.setToolTip(
            "Куда переносить письмо, принятое в «Поступившие» (папка создается при первом "
            "получении); без нее письмо остается на месте с пометкой SecretariatStored"
        )
        form.addRow("Сервер", self.imap_host_edit)
        form.addRow("Порт", self.imap_port_spin)
        form.addRow("Защита соединения", self.imap_security_combo)
        form.addRow("Логин", self.imap_login_edit)
        form.addRow("Пароль", self.imap_password_edit)
        form.addRow("Папка писем", self.imap_folder_edit)
        form.addRow("Папка принятых", self.imap_done_edit)
        self.check_button = QPushButton("Проверить ящик")
        self.check_button.setToolTip("Войти и сосчитать новые письма, ничего не забирая")
        self.check_button.clicked.connect(self.check)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.check_label, 1)
        form.addRow("", row)
        outer.addWidget(box)
        outer.addStretch(1)

    def collect(self, data: OrganizationData) -> None:
        data.medo_inbox = self.medo_inbox_edit.text().strip()
        data.medo_outbox = self.medo_outbox_edit.text().strip()
        data.medo_notify_executor = self.notify_executor_check.isChecked()
        data.imap_host = self.imap_host_edit.text().strip()
        data.imap_port = self.imap_port_spin.value()
        data.imap_security = self.imap_security_combo.currentData()
        data.imap_login = self.imap_login_edit.text().strip()
        data.imap_folder = self.imap_folder_edit.text().strip() or "INBOX"
        data.imap_done_folder = self.imap_done_edit.text().strip()

    def _server(self) -> ImapSettings:
        data = OrganizationData(name="")
        self.collect(data)
        return imap_settings(data)

    def store_password(self) -> None:
        """The password typed, into the OS keyring (after the settings were saved)."""
        password = self.imap_password_edit.text()
        if password and self.imap_host_edit.text().strip():
            store_password(self._server(), password)
            self.imap_password_edit.clear()

    def check(self) -> None:
        """Log in with what the page holds (the password typed, or the one kept), off the
        window's thread."""
        try:
            server = self._server()
            server.validate()
            password = self.imap_password_edit.text() or stored_password(server)
        except UserError as exc:
            self._checked_badly(exc)
            return
        self.check_button.setEnabled(False)
        self.check_label.setText("Проверяется…")
        self.check_label.setStyleSheet("")
        self.background.run(
            "check", lambda: check_mailbox(server, password), self._checked, self._checked_badly
        )

    def _checked(self, said: str) -> None:
        self.check_button.setEnabled(True)
        self.check_label.setStyleSheet(f"color: {palette.GOOD};")
        self.check_label.setText(said)

    def _checked_badly(self, error: Exception) -> None:
        self.check_button.setEnabled(True)
        self.check_label.setStyleSheet(f"color: {palette.ERROR};")
        self.check_label.setText(message_of(error))
