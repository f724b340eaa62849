"""The card of an incoming letter as a clerk or a script gives it (``incoming register
CARD.json``, the registration dialog, an import from МЭДО or e-mail), checked before anything
is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.rules.field_rules import refuse
from app.storage.field_limits import problems_of
from app.support.errors import UserError
from app.support.json_input import JsonObject
from app.support.text import date_ru
from db.models import IncomingLetter

# how a letter came (the card's ``delivery``)
DELIVERIES = ("МЭДО", "Электронная почта", "Почта", "Курьер", "Нарочно")
_DELIVERY_ALIASES = {
    "medo": "МЭДО",
    "email": "Электронная почта",
    "e-mail": "Электронная почта",
    "post": "Почта",
    "courier": "Курьер",
    "hand": "Нарочно",
}
MAX_PAGES = 100_000
MAX_FILES = 200


@dataclass
class IncomingCard:
    """What registering an incoming letter needs. The sender is a recipient of the directory
    (``sender_code``) or named as written (``sender_text``: a citizen, a body not in it)."""

    journal: str
    subject: str
    sender_code: str = ""
    sender_text: str = ""
    sender_number: str = ""
    sender_date: dt.date | None = None
    date: dt.date | None = None  # received; today when not given
    delivery: str = ""
    pages: int = 0
    note: str = ""
    reply_to: str = ""  # the number of our outgoing letter it answers
    reply_to_year: int | None = None
    files: list[Path] = field(default_factory=list)
    uid: str = ""  # the МЭДО package's or the e-mail's own identifier


_LABELS = {
    "journal": "журнал",
    "subject": "заголовок",
    "sender_code": "код отправителя",
    "sender_text": "отправитель",
    "sender_number": "исходящий номер отправителя",
    "delivery": "способ доставки",
    "note": "примечание",
    "reply_to": "номер нашего письма",
    "uid": "идентификатор",
}
_LIMITS = {"journal": 32, "sender_code": 64, "reply_to": 100}


def delivery_of(value: str) -> str:
    """The delivery as the journal names it (МЭДО, Почта…); English aliases accepted."""
    value = value.strip()
    if not value:
        return ""
    for known in DELIVERIES:
        if known.casefold() == value.casefold():
            return known
    alias = _DELIVERY_ALIASES.get(value.casefold())
    if alias is None:
        raise UserError(f"Способ доставки «{value}»; допустимо: {', '.join(DELIVERIES)}")
    return alias


def check_card(card: IncomingCard, today: dt.date) -> None:
    """Every problem of the card in one Russian message, before the database is asked."""
    refuse(
        problems_of(card, IncomingLetter, labels=_LABELS, extra_limits=_LIMITS),
        "Карточка входящего",
    )
    if not card.journal.strip():
        raise UserError("Карточка входящего: не указан журнал")
    if not card.subject.strip():
        raise UserError("Карточка входящего: не указан заголовок (краткое содержание)")
    if not card.sender_code.strip() and not card.sender_text.strip():
        raise UserError("Карточка входящего: не указан отправитель (код справочника или текст)")
    received = card.date or today
    if received > today:
        raise UserError(f"Дата получения {date_ru(received)} еще не наступила")
    if card.sender_date is not None and card.sender_date > received:
        raise UserError(
            f"Дата письма отправителя {date_ru(card.sender_date)} позже даты получения "
            f"{date_ru(received)}"
        )
    if not 0 <= card.pages <= MAX_PAGES:
        raise UserError(f"Число листов должно быть от 0 до {MAX_PAGES}")
    if len(card.files) > MAX_FILES:
        raise UserError(f"Файлов больше {MAX_FILES}")
    card.delivery = delivery_of(card.delivery)


def card_from_json(data: Any, folder: Path | None = None) -> IncomingCard:
    """A card read from JSON (``incoming register``); files relative to the card's folder."""
    r = JsonObject(data, "карточка входящего")
    sender = JsonObject(r.data.get("sender"), "sender")
    if "recipient" not in sender.data and "text" not in sender.data:
        raise UserError('sender: укажите {"recipient": КОД} или {"text": "…"}')
    files = [Path(p) for p in r.lines("files")]
    base = folder or Path.cwd()
    year = r.integer("reply_to_year", None)
    return IncomingCard(
        journal=r.text("journal", None),
        subject=r.text("subject", None),
        sender_code=sender.text("recipient"),
        sender_text=sender.text("text"),
        sender_number=r.text("sender_number"),
        sender_date=r.date("sender_date") if r.data.get("sender_date") else None,
        date=r.date("date") if r.data.get("date") else None,
        delivery=r.text("delivery"),
        pages=r.integer("pages", 0) or 0,
        note=r.text("note"),
        reply_to=r.text("reply_to"),
        reply_to_year=year,
        files=[p if p.is_absolute() else base / p for p in files],
        uid=r.text("uid"),
    )
