"""The organization's mail servers — SMTP for sending, IMAP for the mailbox letters arrive in —
and their passwords, kept in the operating system's keyring (``keyring``), never in the database
or a plain file. One rule for both: what a server's settings must hold, where its password is
kept under which name, what the clerk is told when it is not there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from app.support.errors import UserError

SECURITY = ("starttls", "ssl", "none")
NO_KEYRING = (
    "Хранилище паролей ОС недоступно, пароль хранить негде (нужны Secret Service или "
    "KWallet в Linux, Диспетчер учетных данных в Windows)"
)


def check_connection(kind: str, security: str, port: int) -> None:
    """A server's connection security and port as the settings may hold them."""
    if security not in SECURITY:
        raise UserError(f"Защита соединения {kind} «{security}»: допустимо starttls, ssl или none")
    if not 0 < port < 65536:
        raise UserError(f"Порт {kind} {port}: допустимо от 1 до 65535")


@dataclass(frozen=True)
class MailServer:
    """A server the program logs into: host, port, connection security, login."""

    host: str
    port: int
    security: str
    login: str = ""

    kind: ClassVar[str] = ""  # «SMTP», «IMAP»: how the clerk knows which server is meant
    keyring_service: ClassVar[str] = ""
    where: ClassVar[str] = ""  # where in the program its settings and password are set
    password_command: ClassVar[str] = ""

    def validate(self) -> None:
        if not self.host.strip():
            raise UserError(f"Почтовый сервер ({self.kind}) не указан: {self.where}")
        check_connection(self.kind, self.security, self.port)

    @property
    def account(self) -> str:
        return f"{self.login}@{self.host}:{self.port}"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def _keyring() -> object:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    if isinstance(keyring.get_keyring(), NoKeyring):
        raise UserError(NO_KEYRING)
    return keyring


def stored_password(server: MailServer) -> str:
    """The password kept in the OS keyring; "" when the server needs no login."""
    if not server.login:
        return ""
    from keyring.errors import KeyringError

    keyring = _keyring()
    try:
        password = keyring.get_password(server.keyring_service, server.account)  # type: ignore[attr-defined]
    except KeyringError as exc:
        raise UserError(f"{NO_KEYRING}: {exc}") from exc
    if password is None:
        raise UserError(
            f"Пароль {server.kind} для {server.login} на {server.host} не сохранен: "
            f"{server.where} (или secretariat {server.password_command})"
        )
    return str(password)


def store_password(server: MailServer, password: str) -> None:
    from keyring.errors import KeyringError

    server.validate()
    if not server.login:
        raise UserError(
            f"Укажите логин для почтового сервера ({server.kind}): пароль хранится для логина"
        )
    keyring = _keyring()
    try:
        keyring.set_password(server.keyring_service, server.account, password)  # type: ignore[attr-defined]
    except KeyringError as exc:
        raise UserError(f"Не удалось сохранить пароль в хранилище ОС: {exc}") from exc
