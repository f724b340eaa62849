"""A letter as an e-mail message (RFC 5322, MIME): UTF-8 subject and names encoded for any mail
client, the covering text as plain text, the letter's PDF attached under a safe file name."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email import encoders, policy
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid

from app.support.files import mime_of


@dataclass(frozen=True)
class Mail:
    sender: str  # an address
    sender_name: str
    to: str
    to_name: str
    subject: str
    body: str
    attachment_name: str
    attachment: bytes
    date: dt.datetime  # aware
    files: tuple[tuple[str, bytes], ...] = ()  # the attachments' files: name, content


WORD_CHARS = 66  # one encoded word: «Subject: » or « name="…"» and the word within 78 octets
# the classic policy: it folds a header at its spaces and leaves encoded words whole; CRLF ends
# every line, as on the wire
POLICY = policy.compat32.clone(linesep="\r\n")


def _q(text: str) -> str:
    """The encoded text of a Q encoded word (RFC 2047 §4.2, §5 (3)): only letters, digits and
    ``!*+-/`` as they are, a space as ``_``, every other byte ``=XX``."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if char == " ":
            out.append("_")
        elif char.isascii() and (char.isalnum() or char in "!*+-/"):
            out.append(char)
        else:
            out.append(f"={byte:02X}")
    return "".join(out)


def encoded_words(text: str) -> str:
    """RFC 2047 encoded words of ``text`` (ASCII text as it is), Q-encoded: every reader
    decodes them the same — GMime stopped at the ``=`` padding a base64 word has mid-header, and
    cut «Письмо Роскачество от 02.12.2025 № 1961/5» to «Письмо Роскачество от ».

    Each word holds whole characters and at most :data:`WORD_CHARS` characters, so a folded
    header line stays within 78 octets. Each space of the text is inside an encoded word, never
    between two of them: a decoder removes the white space *between* two encoded words (RFC 2047
    §6.2), so CPython's folding, which puts the name's space there (gh-144156), made «Луганской
    Народной» «ЛуганскойНародной». A word ends after a space of the text where it can."""
    text = " ".join(text.split())
    if text.isascii():
        return text
    room = WORD_CHARS - len("=?utf-8?q??=")
    pieces: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*", text):  # each word with the space after it
        if len(_q(current + word)) <= room:
            current += word
            continue
        if current:
            pieces.append(current)
            current = ""
        for char in word:  # a word longer than one encoded word: cut between characters
            if len(_q(current + char)) > room:
                pieces.append(current)
                current = ""
            current += char
    if current:
        pieces.append(current)
    return " ".join(f"=?utf-8?q?{_q(p)}?=" for p in pieces)


def _mailbox(name: str, addr: str) -> str:
    shown = encoded_words(name)
    if shown and shown.isascii() and not shown.startswith("=?"):
        return formataddr((shown, addr.strip()))
    return f"{shown} <{addr.strip()}>" if shown else addr.strip()


def build_message(mail: Mail) -> Message:
    """The message; its bytes are 7-bit. Headers are encoded here (not by the email package's
    modern folding), the attachment is named both ways mail clients read: ``filename*`` (RFC
    2231) on Content-Disposition and an encoded ``name`` on Content-Type."""
    message = MIMEMultipart("mixed", policy=POLICY)
    message["From"] = _mailbox(mail.sender_name, mail.sender)
    message["To"] = _mailbox(mail.to_name, mail.to)
    message["Subject"] = encoded_words(mail.subject)
    message["Date"] = format_datetime(mail.date)
    message["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2] or None)
    text = MIMEText(mail.body, "plain", "utf-8", policy=POLICY)
    message.attach(text)
    for name, content in ((mail.attachment_name, mail.attachment), *mail.files):
        if not name:
            continue  # a message without the letter attached (a reminder)
        main, sub = mime_of(name).split("/", 1)
        part = MIMEBase(main, sub, policy=POLICY)
        part.set_payload(content)
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        part.set_param("name", encoded_words(name))
        message.attach(part)
    return message


def message_size(mail: Mail) -> int:
    """About how many bytes the message takes: base64 makes 4 of every 3."""
    raw = len(mail.attachment) + sum(len(c) for _n, c in mail.files) + len(mail.body.encode())
    return raw * 4 // 3 + 4096


def valid_address(addr: str) -> bool:
    """A plausible single address: one @, no spaces, a dot in the domain."""
    local, at, domain = addr.strip().rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in addr.strip()))
