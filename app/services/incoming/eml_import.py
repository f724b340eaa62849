"""An incoming letter from an e-mail (``secretariat incoming import-eml FILE.eml``).

The sender is the directory's recipient with that e-mail address, else the sender as the
message names them; the subject becomes the heading; the attachments (and the text of the
message, when it has one) become the letter's files; ``Message-ID`` is its identifier, so that
the same message is registered once. The sender's number and date are not in an e-mail: the
clerk gives them (``--number``, ``--date``) when the letter has them.

The file is someone else's: its size is checked before it is read, names of attachments are
names only, and an attachment over the letter's file limit is refused with its name.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.policy
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage, MIMEPart
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import func, select

from app.rules import search_terms
from app.services.directory.recipients import organization_and_official
from app.services.files.stored_files import plain_name
from app.services.incoming.cards import MAX_FILES, IncomingCard
from app.services.incoming.registration import (
    RegisteredIncoming,
    received_file,
    register_read_in,
)
from app.services.links.replies import incoming_journal_code
from app.services.organization.profile import limit_bytes
from app.support import clock
from app.support.errors import UserError
from app.support.files import read_regular
from db.engine import Database
from db.models import Recipient

MAX_EML_BYTES = 100_000_000
MAX_PARTS = 200  # multipart boundaries in one message: a real letter has a handful
BODY_FILE = "Текст письма.txt"
BODY_HTML = "Текст письма.html"  # a message with no plain text


@dataclass
class ReceivedMail:
    uid: str
    address: str
    name: str
    subject: str
    files: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def sender(self) -> str:
        """The sender as the message names them: «Имя <адрес>»."""
        return " ".join(p for p in (self.name, f"<{self.address}>" if self.address else "") if p)


def _safe_name(name: str, n: int) -> str:
    return plain_name(_text(name or "")) or f"вложение-{n}"


def _text(value: str) -> str:
    """A header's text as the parser leaves it, made whole: 8-bit bytes in a header (the parser
    keeps them as surrogates, which no database takes) are UTF-8 as RFC 6532 allows, or else
    Windows-1251 as old Russian mailers wrote them; a byte neither knows becomes «�»."""
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1251", "replace")


def read_mail(path: Path, limit: int) -> ReceivedMail:
    """What an .eml file says of its sender and subject, and its attachments."""
    raw = read_regular(path, MAX_EML_BYTES, "письмо")  # /dev/zero or a FIFO: refused
    return mail_of(raw, path, limit)


def mail_of(raw: bytes, path: Path, limit: int) -> ReceivedMail:
    """The same, of a message's bytes (``path`` names it in the messages)."""
    if raw.count(b"boundary=") > MAX_PARTS:  # nesting the parser would follow to its limit
        raise UserError(f"{path.name}: в письме больше {MAX_PARTS} вложенных частей — не читается")
    try:
        return _read_message(raw, path, limit)
    except RecursionError:
        raise UserError(
            f"{path.name}: части письма вложены слишком глубоко — не читается"
        ) from None


def _header(message: EmailMessage, name: str) -> str:
    """A header as text. One with 8-bit bytes in it (raw UTF-8 or Windows-1251, not encoded
    words), or one the parser stumbles on (a malformed encoded word or address), is taken as it
    came, its bytes made text and its encoded words decoded where they can be."""
    raw = str(next((v for k, v in message.raw_items() if k.lower() == name.lower()), ""))
    if raw.isascii():
        try:
            return str(message.get(name, ""))
        except (AttributeError, TypeError, ValueError, IndexError, LookupError):
            pass
    raw = _text(raw)
    try:
        return str(make_header(decode_header(raw)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        return raw


def _sender(message: EmailMessage) -> tuple[str, str]:
    """The sender's display name and address. The address is parsed before anything is decoded
    (a decoded name may hold «,» or «<»), then the name's encoded words are decoded as RFC 2047
    says: the space between two adjacent encoded words is not text — a mailer that splits a
    word across two of them («промышленн» + «ости») must not get a space in it (the standard
    library's address parser keeps one)."""
    raw = _text(next((str(v) for k, v in message.raw_items() if k.lower() == "from"), ""))
    name, address = parseaddr(raw)
    if name and "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
            name = parseaddr(_header(message, "From"))[0]
    if not address:
        name, address = parseaddr(_header(message, "From"))
    return name, address


def _read_message(raw: bytes, path: Path, limit: int) -> ReceivedMail:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except (ValueError, IndexError, LookupError) as exc:  # the parser's own failures
        raise UserError(f"{path.name}: не читается как письмо ({type(exc).__name__})") from None
    assert isinstance(message, EmailMessage)
    if not message.keys():
        raise UserError(f"{path.name}: это не письмо (нет заголовков)")
    name, address = _sender(message)
    mail = ReceivedMail(
        uid=_header(message, "Message-ID").strip()[:200],
        address=address.strip(),
        name=" ".join(name.split()),
        subject=" ".join(_header(message, "Subject").split()),
    )
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        name = BODY_FILE if body.get_content_subtype() == "plain" else BODY_HTML
        text = _content(body, name, limit)
        if text.strip():
            mail.files.append((name, text))
    for n, part in enumerate(message.iter_attachments(), start=1):
        if len(mail.files) >= MAX_FILES:
            raise UserError(f"{path.name}: вложений больше {MAX_FILES}")
        try:
            filename = part.get_filename() or ""
        except (AttributeError, TypeError, ValueError, IndexError, LookupError):
            filename = ""
        name = _safe_name(filename, n)
        mail.files.append((name, _content(part, name, limit)))
    return mail


def _content(part: MIMEPart, name: str, limit: int) -> bytes:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError) as exc:
        raise UserError(f"{name}: вложение не читается ({type(exc).__name__})") from None
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    if len(data) > limit:
        raise UserError(f"{name}: файл больше допустимых {limit // (1024 * 1024)} МБ")
    return data


def sender_of(db: Database, address: str) -> tuple[str, str] | None:
    """The directory's recipient with this e-mail address: its code and how it is named."""
    if not address:
        return None
    with db.read() as session:
        found = session.scalars(
            select(Recipient).where(
                func.lower(Recipient.email) == address.lower(), Recipient.active.is_(True)
            )
        ).first()
        if found is None or not found.code:
            return None
        return found.code, organization_and_official(found)


def mail_limit(db: Database) -> int:
    """The largest file a letter may hold, for reading an e-mail's attachments."""
    with db.read() as session:
        return limit_bytes(session)


def mail_card(
    mail: ReceivedMail,
    known: str,
    journal: str,
    today: dt.date,
    sender_number: str = "",
    sender_date: dt.date | None = None,
) -> IncomingCard:
    """The card of an e-mail's letter: the sender from the directory (``known``, its code) or
    as the message names them; its number and date only as the clerk gives them."""
    return IncomingCard(
        journal=journal,
        subject=mail.subject or "(без темы)",
        sender_code=known,
        sender_text="" if known else mail.sender or "Отправитель e-mail",
        sender_number=sender_number.strip(),
        sender_date=sender_date,
        date=today,
        delivery="Электронная почта",
        uid=mail.uid,
    )


@dataclass(frozen=True)
class ImportedMail:
    registered: RegisteredIncoming
    note: str  # where the sender came from


def import_eml(
    db: Database,
    path: Path,
    *,
    journal: str | None = None,
    sender_number: str = "",
    sender_date: dt.date | None = None,
    again: bool = False,
    today: dt.date | None = None,
) -> ImportedMail:
    """Register the letter of an e-mail file; the same message again is refused
    (:class:`DuplicateIncoming`) unless ``again``."""
    today = today or clock.today()
    with db.read() as session:
        limit = limit_bytes(session)
        code = incoming_journal_code(session, journal)
    mail = read_mail(path, limit)
    found = sender_of(db, mail.address)
    known = found[0] if found else ""
    search_terms.ready()
    files = [received_file(name, data) for name, data in mail.files]  # measured before the write
    card = mail_card(mail, known, code, today, sender_number, sender_date)
    with db.write() as session:
        registered = register_read_in(session, card, files, today=today, again=again)
    note = "из справочника" if known else "отправитель не найден в справочнике"
    if any(f.name.lower().endswith(".pdf") for f in files):
        from app.services.incoming.marks import keep_stamped_copy

        note += "; " + keep_stamped_copy(db, registered.id)
    return ImportedMail(registered, note)
