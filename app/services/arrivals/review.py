"""An arrival looked at and registered in the window: its document for the preview, the card
prefilled from it for the clerk to correct (its files written out to a folder, as files the
clerk attached), and the corrected card registered together with the arrival's new state in one
transaction."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from app.rules import search_terms
from app.rules.states import ArrivalState
from app.services.access.roles import require
from app.services.arrivals.fetch import MEDO, unpacked
from app.services.arrivals.queue import arrival_package, arrival_row, check_waiting
from app.services.files.stored_files import open_uploads
from app.services.incoming.cards import IncomingCard, check_card
from app.services.incoming.eml_import import ReceivedMail, mail_card, mail_of, sender_of
from app.services.incoming.marks import keep_stamped_copy
from app.services.incoming.medo_import import ReceivedPackage, read_package
from app.services.incoming.registration import (
    RegisteredIncoming,
    count_pages,
    register_in,
    reply_form,
)
from app.services.links.replies import incoming_journal_code
from app.services.organization.profile import limit_bytes
from app.storage import audit
from app.support import clock
from db.engine import Database
from db.models import Recipient


def _contents(
    db: Database, arrival_id: int
) -> tuple[list[tuple[str, bytes]], ReceivedPackage | ReceivedMail]:
    """(its files by name, what was read: the package or the message)."""
    with db.read() as session:
        limit = limit_bytes(session)
    channel, source, raw = arrival_package(db, arrival_id)
    if channel == MEDO:
        with tempfile.TemporaryDirectory(prefix="secretariat-arrival-") as tmp:
            package = read_package(unpacked(raw, source, Path(tmp)), limit)
        return package.files, package
    mail = mail_of(raw, Path(source), limit)
    return mail.files, mail


def arrival_document(db: Database, arrival_id: int) -> tuple[str, bytes] | None:
    """The letter's own document for the preview: a package's document, a message's first
    PDF; None when there is none."""
    files, read = _contents(db, arrival_id)
    if isinstance(read, ReceivedPackage) and read.document:
        found = next((data for name, data in files if name == read.document), None)
        if found is not None:
            return read.document, found
    return next(((n, d) for n, d in files if n.lower().endswith(".pdf")), None)


def arrival_card(
    db: Database, arrival_id: int, folder: Path, *, today: dt.date | None = None
) -> tuple[IncomingCard, str]:
    """The card as the imports fill it, its files written into ``folder``; and the sender as
    the directory names it ("" when not found there)."""
    today = today or clock.today()
    with db.read() as session:
        check_waiting(arrival_row(session, arrival_id))
        code = incoming_journal_code(session, None)
    files, read = _contents(db, arrival_id)
    paths = []
    for n, (name, data) in enumerate(files):
        place = folder / str(n)
        place.mkdir(parents=True)
        (place / name).write_bytes(data)
        paths.append(place / name)
    if isinstance(read, ReceivedPackage):
        with db.read() as session:
            sender = None
            if read.sender_medo_id:
                sender = (
                    session.query(Recipient)
                    .filter(Recipient.medo_id == read.sender_medo_id, Recipient.active.is_(True))
                    .first()
                )
            known = (sender.code or "") if sender is not None else ""
            label = sender.organization if sender is not None else ""
        card = IncomingCard(
            journal=code,
            subject=read.subject or "(без заголовка в пакете МЭДО)",
            sender_code=known,
            sender_text="" if known else read.sender_title or "Отправитель МЭДО",
            sender_number=read.number,
            sender_date=read.date if read.date and read.date <= today else None,
            date=today,
            delivery="МЭДО",
            pages=read.pages,
            files=paths,
            uid=read.uid,
        )
        return card, label
    found = sender_of(db, read.address)
    card = mail_card(read, found[0] if found else "", code, today)
    card.files = paths
    return card, found[1] if found else ""


def register_arrival_card(
    db: Database,
    arrival_id: int,
    card: IncomingCard,
    *,
    again: bool = False,
    today: dt.date | None = None,
) -> RegisteredIncoming:
    """The clerk's corrected card registered, and the arrival with it, in one transaction."""
    require(db, "registrar", "регистрация входящих")
    today = today or clock.today()
    check_card(card, today)
    pages = [count_pages(p) for p in card.files]
    form = reply_form(db, card) if card.reply_to.strip() else None
    with open_uploads(card.files) as opened:
        sources = [(p.name, source) for p, source in zip(card.files, opened, strict=True)]
        search_terms.ready()
        with db.write() as session:
            row = arrival_row(session, arrival_id)
            check_waiting(row)
            registered = register_in(
                session, card, sources, pages, today=today, again=again, form=form
            )
            row.state = ArrivalState.REGISTERED
            row.incoming_id = registered.id
            row.decided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            row.decided_by = audit.os_user()
            audit.record(session, "arrival", row.id, "registered", number=registered.number)
    keep_stamped_copy(db, registered.id)  # after the registration, in a write of its own
    return registered
