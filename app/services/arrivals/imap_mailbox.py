"""The organization's mailbox (IMAP), read into the review queue. A message is taken as it is
(``BODY.PEEK[]``: the clerk's mail program still shows it unread) and put away only after it was
stored: marked with the keyword ``SecretariatStored`` — the next fetch asks only for messages
without it — and, when the set-up names a folder for them, moved there. A message the program
failed to store stays as it was, for the next fetch; a message stored whose mark was lost (the
connection broke between) is found again by its Message-ID and is the same arrival.

A message larger than an e-mail may be is not downloaded: it becomes an arrival «не читается»
with its size, and is marked like the rest, so it is not asked for again and again.

Folder names go to the server in modified UTF-7 («Принятые» included): IMAPClient encodes them.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from app.services.organization.mail_servers import MailServer
from app.services.organization.profile import OrganizationData
from app.support.errors import UserError

KEYRING_SERVICE = "Секретариат: IMAP"
STORED = b"SecretariatStored"  # the keyword of a message read into the queue
MAX_PER_FETCH = 200  # messages taken in one fetch; the rest come with the next one
TIMEOUT = 30
T = TypeVar("T")


@dataclass(frozen=True)
class ImapSettings(MailServer):
    port: int = 993
    security: str = "ssl"
    folder: str = "INBOX"  # where letters arrive
    done_folder: str = ""  # where a stored message goes; "": it stays, marked

    kind: ClassVar[str] = "IMAP"
    keyring_service: ClassVar[str] = KEYRING_SERVICE
    where: ClassVar[str] = "Настройки → Обмен → Почтовый ящик"
    password_command: ClassVar[str] = "arrivals imap-password"

    def validate(self) -> None:
        super().validate()
        if not self.folder.strip():
            raise UserError("Папка почтового ящика, откуда брать письма, не указана")
        if self.done_folder.strip() == self.folder.strip():
            raise UserError(
                f"Папка для принятых писем — та же, откуда они берутся («{self.folder}»)"
            )

    @property
    def mailbox(self) -> str:
        return f"{self.login or 'ящик'}@{self.host}/{self.folder}"


def imap_settings(org: OrganizationData) -> ImapSettings:
    """The mailbox as «Настройки → Обмен» names it."""
    return ImapSettings(
        org.imap_host.strip(), org.imap_port, org.imap_security, org.imap_login,
        folder=org.imap_folder.strip() or "INBOX", done_folder=org.imap_done_folder.strip(),
    )  # fmt: skip


@dataclass(frozen=True)
class MailboxMessage:
    """One message of the mailbox as the queue gets it: its bytes (None: not downloaded, and
    ``problem`` says why), and how the clerk sees where it came from."""

    uid: int
    source: str
    raw: bytes | None
    problem: str = ""


def _context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _connect(server: ImapSettings, password: str) -> Any:
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError, LoginError

    try:
        client = IMAPClient(
            server.host, server.port, ssl=server.security == "ssl",
            ssl_context=_context(), timeout=TIMEOUT,
        )  # fmt: skip
        if server.security == "starttls":
            client.starttls(_context())
    except (OSError, IMAPClientError) as exc:
        raise UserError(f"почтовый ящик (IMAP) {server.address} недоступен ({exc})") from exc
    try:
        client.login(server.login, password)
    except LoginError as exc:
        _close(client)
        raise UserError(f"почтовый ящик {server.address} отклонил вход для {server.login}") from exc
    except (OSError, IMAPClientError) as exc:
        _close(client)
        raise UserError(f"вход в почтовый ящик {server.address} не удался ({exc})") from exc
    return client


def _close(client: Any) -> None:
    from imapclient.exceptions import IMAPClientError

    with contextlib.suppress(OSError, IMAPClientError):
        client.logout()


def read_mailbox(
    server: ImapSettings,
    password: str,
    keep: Callable[[MailboxMessage], T],
    *,
    max_bytes: int,
) -> tuple[list[T], str]:
    """Each new message of the mailbox handed to ``keep`` (which stores it), then put away:
    what ``keep`` gave back for each, and "" or why the fetch stopped early. An error of
    ``keep`` itself (the database) stops the fetch and leaves that message unmarked."""
    from imapclient.exceptions import IMAPClientError

    server.validate()
    client = _connect(server, password)
    kept: list[T] = []
    try:
        try:
            can_mark = _open_folder(client, server)
            criteria: list[Any] = ["UNKEYWORD", STORED] if can_mark else ["ALL"]
            uids = sorted(client.search([*criteria, "UNDELETED"]))[:MAX_PER_FETCH]
            sizes = client.fetch(uids, ["RFC822.SIZE"]) if uids else {}
            for uid in uids:
                size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
                source = f"{server.mailbox}, письмо {uid}"
                if size > max_bytes:
                    message = MailboxMessage(
                        uid, source, None,
                        f"письмо {size / 2**20:.1f} МБ — больше {max_bytes // 2**20} МБ, "
                        "не загружено; откройте его в почтовой программе",
                    )  # fmt: skip
                else:
                    body = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
                    if body is None:
                        continue  # expunged meanwhile by another program
                    message = MailboxMessage(uid, source, bytes(body))
                kept.append(keep(message))
                _put_away(client, uid, server, can_mark)
        except (OSError, IMAPClientError) as exc:
            return kept, f"почтовый ящик {server.address}: обмен прерван ({exc})"
    finally:
        _close(client)
    return kept, ""


def _open_folder(client: Any, server: ImapSettings) -> bool:
    """Select the folder letters arrive in (and make the folder for stored ones); whether the
    server keeps our keyword on messages."""
    from imapclient.exceptions import IMAPClientError

    try:
        info = client.select_folder(server.folder)
    except IMAPClientError as exc:
        raise UserError(f"в почтовом ящике нет папки «{server.folder}» ({exc})") from exc
    permanent = info.get(b"PERMANENTFLAGS", ())
    can_mark = b"\\*" in permanent or STORED in permanent
    if server.done_folder:
        if not client.folder_exists(server.done_folder):
            client.create_folder(server.done_folder)
    elif not can_mark:
        raise UserError(
            f"Почтовый сервер {server.address} не хранит пометок писем: укажите папку, куда "
            "переносить принятые письма (Настройки → Обмен → Почтовый ящик)"
        )
    return bool(can_mark)


def _put_away(client: Any, uid: int, server: ImapSettings, can_mark: bool) -> None:
    if can_mark:
        client.add_flags([uid], [STORED], silent=True)
    if not server.done_folder:
        return
    if client.has_capability("MOVE"):
        client.move([uid], server.done_folder)
        return
    client.copy([uid], server.done_folder)
    client.delete_messages([uid], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        client.expunge()


def check_mailbox(server: ImapSettings, password: str) -> str:
    """Log in and look at the folder, taking nothing: what the clerk is told («Проверить»)."""
    server.validate()
    client = _connect(server, password)
    try:
        from imapclient.exceptions import IMAPClientError

        try:
            _open_folder(client, server)
            waiting = len(client.search(["UNKEYWORD", STORED, "UNDELETED"]))
        except IMAPClientError as exc:
            raise UserError(f"почтовый ящик {server.address}: {exc}") from exc
    finally:
        _close(client)
    return f"Вход выполнен; в папке «{server.folder}» новых писем: {waiting}"
