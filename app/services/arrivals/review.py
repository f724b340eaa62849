"""An arrival looked at and registered in the window: its document for the preview, the card
prefilled from it for the clerk to correct (its files written out to a folder, as files the
clerk attached), and the corrected card registered together with the arrival's new state in one
transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.rules import search_terms
from app.rules.states import ArrivalState
from app.services.access.roles import require
from app.services.arrivals.queue import arrival_row, check_waiting, decide_in, read_arrival
from app.services.files.stored_files import open_uploads
from app.services.incoming.cards import IncomingCard, check_card
from app.services.incoming.eml_import import mail_card, sender_of
from app.services.incoming.marks import keep_stamped_copy
from app.services.incoming.medo_import import ReceivedPackage, package_card
from app.services.incoming.registration import (
    RegisteredIncoming,
    count_pages,
    register_in,
    reply_form,
)
from app.services.links.replies import incoming_journal_code
from app.services.organization.profile import limit_bytes
from app.support import clock
from db.engine import Database


def arrival_document(db: Database, arrival_id: int) -> tuple[str, bytes] | None:
    """The letter's own document for the preview: a package's document, a message's first
    PDF; None when there is none."""
    with db.read() as session:
        limit = limit_bytes(session)
    files, read = read_arrival(db, arrival_id, limit)
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
        limit = limit_bytes(session)
    files, read = read_arrival(db, arrival_id, limit)
    paths = []
    for n, (name, data) in enumerate(files):
        place = folder / str(n)
        place.mkdir(parents=True)
        (place / name).write_bytes(data)
        paths.append(place / name)
    if isinstance(read, ReceivedPackage):
        with db.read() as session:  # the pages as the passport declares them: the clerk checks
            card, sender = package_card(session, read, [], code, today)
            label = sender.organization if sender is not None else ""
        card.files = paths
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
            row.incoming_id = registered.id
            decide_in(session, row, ArrivalState.REGISTERED, number=registered.number)
    keep_stamped_copy(db, registered.id)  # after the registration, in a write of its own
    return registered
