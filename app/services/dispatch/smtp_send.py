"""Sending e-mails through the organization's SMTP server. The password lives in the operating
system's keyring (``organization.mail_servers``), never in the database or a plain file. One
connection serves a mailing; each recipient gets a result of its own, so one refused address does
not stop the rest.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import Message
from typing import ClassVar

from app.services.organization.mail_servers import MailServer
from app.services.organization.profile import OrganizationData
from app.support.errors import UserError

KEYRING_SERVICE = "Секретариат: SMTP"
TIMEOUT = 30


@dataclass(frozen=True)
class SmtpSettings(MailServer):
    port: int = 587
    security: str = "starttls"

    kind: ClassVar[str] = "SMTP"
    keyring_service: ClassVar[str] = KEYRING_SERVICE
    where: ClassVar[str] = "Настройки → Организация → Отправка почты"
    password_command: ClassVar[str] = "dispatch smtp-password"


def smtp_settings(org: OrganizationData) -> SmtpSettings:
    """The organization's SMTP server, as «Настройки → Отправка почты» names it."""
    return SmtpSettings(org.smtp_host, org.smtp_port, org.smtp_security, org.smtp_login)


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
