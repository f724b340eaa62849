"""A letter as an e-mail message (RFC 5322, MIME): UTF-8 subject and names encoded for any mail
client, the covering text as plain text, the letter's PDF attached under a safe file name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


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


def _address(name: str, addr: str) -> Address:
    local, _, domain = addr.strip().rpartition("@")
    return Address(display_name=" ".join(name.split()), username=local, domain=domain)


def build_message(mail: Mail) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = _address(mail.sender_name, mail.sender)
    message["To"] = _address(mail.to_name, mail.to)
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = format_datetime(mail.date)
    message["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2] or None)
    message.set_content(mail.body)
    message.add_attachment(
        mail.attachment, maintype="application", subtype="pdf", filename=mail.attachment_name
    )
    return message


def valid_address(addr: str) -> bool:
    """A plausible single address: one @, no spaces, a dot in the domain."""
    local, at, domain = addr.strip().rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in addr.strip()))
