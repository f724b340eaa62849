"""Sending e-mails through the organization's SMTP server. The password lives in the operating
system's keyring (``keyring``), never in the database or a plain file. One connection serves a
mailing; each recipient gets a result of its own, so one refused address does not stop the rest.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import Message

from app.support.errors import UserError

SECURITY = ("starttls", "ssl", "none")
KEYRING_SERVICE = "Секретариат: SMTP"
TIMEOUT = 30


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"
    login: str = ""

    def validate(self) -> None:
        if not self.host.strip():
            raise UserError(
                "Почтовый сервер (SMTP) не указан: Настройки → Организация → Отправка почты"
            )
        if self.security not in SECURITY:
            raise UserError(f"Защита соединения «{self.security}»: допустимо starttls, ssl, none")
        if not 0 < self.port < 65536:
            raise UserError(f"Порт SMTP {self.port}: допустимо от 1 до 65535")

    @property
    def account(self) -> str:
        return f"{self.login}@{self.host}:{self.port}"


NO_KEYRING = (
    "Хранилище паролей ОС недоступно, пароль SMTP хранить негде (нужны Secret Service или "
    "KWallet в Linux, Диспетчер учетных данных в Windows)"
)


def _keyring() -> object:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    if isinstance(keyring.get_keyring(), NoKeyring):
        raise UserError(NO_KEYRING)
    return keyring


def stored_password(settings: SmtpSettings) -> str:
    """The password kept in the OS keyring; "" when the server needs no login."""
    if not settings.login:
        return ""
    from keyring.errors import KeyringError

    keyring = _keyring()
    try:
        password = keyring.get_password(KEYRING_SERVICE, settings.account)  # type: ignore[attr-defined]
    except KeyringError as exc:
        raise UserError(f"{NO_KEYRING}: {exc}") from exc
    if password is None:
        raise UserError(
            f"Пароль для {settings.login} на {settings.host} не сохранен: "
            "Настройки → Организация → Отправка почты (или secretariat dispatch smtp-password)"
        )
    return str(password)


def store_password(settings: SmtpSettings, password: str) -> None:
    from keyring.errors import KeyringError

    settings.validate()
    if not settings.login:
        raise UserError("Укажите логин для почтового сервера: пароль хранится для логина")
    keyring = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, settings.account, password)  # type: ignore[attr-defined]
    except KeyringError as exc:
        raise UserError(f"Не удалось сохранить пароль в хранилище ОС: {exc}") from exc


def _connect(settings: SmtpSettings, password: str) -> smtplib.SMTP:
    where = f"{settings.host}:{settings.port}"
    try:
        if settings.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
            if settings.security == "starttls":
                server.starttls(context=ssl.create_default_context())
    except (OSError, smtplib.SMTPException) as exc:
        raise UserError(f"почтовый сервер {where} недоступен ({exc})") from exc
    if settings.login:
        try:
            server.login(settings.login, password)
        except smtplib.SMTPAuthenticationError as exc:
            server.close()
            raise UserError(
                f"почтовый сервер {where} отклонил вход для {settings.login} (код {exc.smtp_code})"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            server.close()
            raise UserError(f"вход на почтовый сервер {where} не удался ({exc})") from exc
    return server


def send_messages(
    settings: SmtpSettings, password: str, messages: dict[int, Message]
) -> dict[int, str]:
    """Send each message; the answer maps each key to "" (accepted) or the reason it was not."""
    settings.validate()
    results: dict[int, str] = {}
    server: smtplib.SMTP | None = None
    for key, message in messages.items():
        if server is None:
            try:
                server = _connect(settings, password)
            except UserError as exc:
                results.update({k: exc.message for k in messages if k not in results})
                return results
        try:
            server.send_message(message)
            results[key] = ""
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            results[key] = f"сервер не принял адрес ({code} {reason})"
        except smtplib.SMTPServerDisconnected as exc:
            results[key] = f"сервер разорвал соединение ({exc})"
            server = None
        except (OSError, smtplib.SMTPException) as exc:
            results[key] = f"сервер не принял письмо ({exc})"
    if server is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            server.quit()
    return results
