"""The review queue: what arrived, and the clerk's decision on each — registered (the card
prefilled from the package or the message, our number issued then) or refused (with a reason;
a МЭДО sender is told in a notification either way, when a folder for them is given).

Registering writes the incoming letter, its files, the executors and the arrival's new state in
one transaction; the notification is written after it (a notification that cannot be written is
said; the letter stays registered)."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.rules import search_terms
from app.rules.states import ArrivalState, LetterStatus
from app.services.access.roles import require
from app.services.arrivals.fetch import EMAIL, MEDO, unpacked
from app.services.files.stored_files import stored_pieces
from app.services.incoming import medo_notify
from app.services.incoming.eml_import import ReceivedMail, mail_card, mail_of, sender_of
from app.services.incoming.marks import keep_stamped_copy
from app.services.incoming.medo_import import (
    ReceivedPackage,
    package_files,
    read_package,
    register_package_in,
)
from app.services.incoming.registration import (
    DuplicateIncoming,
    RegisteredIncoming,
    received_file,
    register_read_in,
)
from app.services.incoming.resolutions import assign_in
from app.services.links.replies import incoming_journal_code
from app.services.organization.profile import limit_bytes
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import Arrival, IncomingLetter

CHANNELS = {MEDO: "МЭДО", EMAIL: "Эл. почта"}


@dataclass(frozen=True)
class ArrivalLine:
    id: int
    channel: str  # as the clerk reads it: МЭДО, Эл. почта
    state: ArrivalState
    received_at: dt.datetime
    sender: str
    sender_number: str
    sender_date: dt.date | None
    subject: str
    source: str
    registered_as: str  # our number when it (or the same letter) is registered already
    note: str  # why it cannot be read, why refused
    signature: str = ""  # a МЭДО package's signature checked against its document

    @property
    def signature_fails(self) -> bool:
        return bool(self.signature) and not self.signature.startswith("Подпись: ")

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "channel": self.channel,
            "state": str(self.state),
            "state_label": self.state.label,
            "received_at": self.received_at.isoformat(timespec="seconds"),
            "sender": self.sender,
            "sender_number": self.sender_number,
            "sender_date": self.sender_date.isoformat() if self.sender_date else None,
            "subject": self.subject,
            "source": self.source,
            "registered_as": self.registered_as,
            "note": self.note,
            "signature": self.signature,
        }


@dataclass(frozen=True)
class ArrivalDetail:
    line: ArrivalLine
    key: str
    sender_medo_id: str
    sender_address: str
    pages: int
    files: list[str] = field(default_factory=list)


def _registered_as(session: Session, row: Arrival) -> str:
    """Our number of the letter this arrival brought, or of the same letter registered before
    (by its МЭДО uid or Message-ID, or by the sender's number and date)."""
    if row.incoming_id is not None:
        letter = session.get(IncomingLetter, row.incoming_id)
        return letter.number if letter is not None else ""
    same = [IncomingLetter.uid == row.key] if not row.key.startswith(("sha256:", "unread")) else []
    if row.sender_number and row.sender_date is not None:
        same.append(
            (IncomingLetter.sender_number == row.sender_number)
            & (IncomingLetter.sender_date == row.sender_date)
        )
    if not same:
        return ""
    found = session.scalars(
        select(IncomingLetter.number).where(
            or_(*same), IncomingLetter.status == LetterStatus.REGISTERED
        )
    ).first()
    return found or ""


def _line(session: Session, row: Arrival) -> ArrivalLine:
    state = ArrivalState(row.state)
    note = row.problem if state == ArrivalState.UNREADABLE else row.reason
    return ArrivalLine(
        id=row.id,
        channel=CHANNELS.get(row.channel, row.channel),
        state=state,
        received_at=clock.local_time(row.received_at),
        sender=row.sender_title or row.sender_address,
        sender_number=row.sender_number,
        sender_date=row.sender_date,
        subject=row.subject,
        source=row.source,
        registered_as=_registered_as(session, row),
        note=note,
        signature=row.signature,
    )


def list_arrivals(db: Database, *, everything: bool = False) -> list[ArrivalLine]:
    """What waits for the clerk (and what cannot be read), newest first; ``everything``: the
    decided ones too."""
    with db.read() as session:
        query = select(Arrival).order_by(Arrival.received_at.desc(), Arrival.id.desc())
        if not everything:
            query = query.where(Arrival.state.in_((ArrivalState.WAITING, ArrivalState.UNREADABLE)))
        return [_line(session, row) for row in session.scalars(query.limit(10_000))]


def count_waiting(db: Database) -> int:
    from sqlalchemy import func

    with db.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Arrival)
                .where(Arrival.state == ArrivalState.WAITING)
            )
            or 0
        )


def arrival_row(session: Session, arrival_id: int) -> Arrival:
    row = session.get(Arrival, arrival_id)
    if row is None:
        raise UserError(f"Поступление {arrival_id} не найдено")
    return row


def arrival_detail(db: Database, arrival_id: int) -> ArrivalDetail:
    with db.read() as session:
        row = arrival_row(session, arrival_id)
        return ArrivalDetail(
            line=_line(session, row),
            key=row.key,
            sender_medo_id=row.sender_medo_id,
            sender_address=row.sender_address,
            pages=row.pages,
            files=[f for f in row.files.splitlines() if f],
        )


def arrival_package(db: Database, arrival_id: int) -> tuple[str, str, bytes]:
    """(channel, source, bytes) of the package as it came."""
    with db.read() as session:
        row = arrival_row(session, arrival_id)
        if row.package is None:
            raise UserError(f"Поступление {arrival_id}: пакет не сохранен — {row.problem}")
        return row.channel, row.source, b"".join(stored_pieces(session, row.package))


def read_arrival(
    db: Database, arrival_id: int, limit: int
) -> tuple[list[tuple[str, bytes]], ReceivedPackage | ReceivedMail]:
    """What arrived read again from the package kept as it came: its files by name, and the
    package or the message; ``limit``: the largest file a letter may hold."""
    channel, source, raw = arrival_package(db, arrival_id)
    if channel == MEDO:
        with tempfile.TemporaryDirectory(prefix="secretariat-arrival-") as tmp:
            package = read_package(unpacked(raw, source, Path(tmp)), limit)
        return package.files, package
    mail = mail_of(raw, Path(source), limit)
    return mail.files, mail


def decide_in(session: Session, row: Arrival, state: ArrivalState, **details: object) -> None:
    """The clerk's decision on an arrival, with who and when, in the audit."""
    row.state = state
    row.decided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    row.decided_by = audit.os_user()
    audit.record(session, "arrival", row.id, str(state), **details)


def check_waiting(row: Arrival) -> None:
    state = ArrivalState(row.state)
    if state == ArrivalState.UNREADABLE:
        raise UserError(f"Поступление {row.id} не читается ({row.problem}): его можно отклонить")
    if state != ArrivalState.WAITING:
        raise UserError(f"Поступление {row.id} уже рассмотрено: {state.label.lower()}")


@dataclass(frozen=True)
class Decided:
    arrival_id: int
    registered: RegisteredIncoming | None
    note: str  # what was done, and the notification's fate


def register_arrival(
    db: Database,
    arrival_id: int,
    *,
    journal: str | None = None,
    executors: list[str] | None = None,
    due: dt.date | None = None,
    task: str = "",
    notify_to: Path | None = None,
    today: dt.date | None = None,
) -> Decided:
    """Register what arrived: the card prefilled as the imports do, the executors given the
    letter (with a due date it is on control); a МЭДО sender told our number (``notify_to``)."""
    require(db, "registrar", "регистрация входящих")
    today = today or clock.today()
    if notify_to is not None:
        medo_notify.check_notify_folder(db, notify_to)
    with db.read() as session:
        check_waiting(arrival_row(session, arrival_id))
        code = incoming_journal_code(session, journal)
        limit = limit_bytes(session)
    contents, read = read_arrival(db, arrival_id, limit)
    search_terms.ready()
    # read and measured before the write
    if isinstance(read, ReceivedPackage):
        files = package_files(read)
    else:
        found = sender_of(db, read.address)
        card = mail_card(read, found[0] if found else "", code, today)
        files = [received_file(name, data) for name, data in contents]
    with db.write() as session:
        row = arrival_row(session, arrival_id)
        check_waiting(row)  # decided meanwhile at another workstation
        try:
            if isinstance(read, ReceivedPackage):
                registered, _card = register_package_in(session, read, files, code, today)
            else:
                registered = register_read_in(session, card, files, today=today)
        except DuplicateIncoming as exc:
            raise UserError(
                f"{exc} — поступление {arrival_id} можно отклонить как зарегистрированное ранее"
            ) from None
        if executors:
            assign_in(
                session, registered.id, executors, due=due, task=task, responsible=None,
                today=today,
            )  # fmt: skip
        row.incoming_id = registered.id
        decide_in(session, row, ArrivalState.REGISTERED, number=registered.number)
    note = f"зарегистрировано: № {registered.number} от {date_ru(registered.reg_date)}"
    note += "; " + keep_stamped_copy(db, registered.id)
    if notify_to is not None and isinstance(read, ReceivedPackage):
        _written, said = medo_notify.notify(
            lambda: medo_notify.accepted_notice(db, registered.id), notify_to
        )
        note += f"; {said}"
    if executors and isinstance(read, ReceivedPackage):
        _written, said = medo_notify.tell_assigned(db, registered.id, notify_to)
        note += f"; {said}" if said else ""
    return Decided(arrival_id, registered, note)


def refuse_arrival(
    db: Database, arrival_id: int, reason: str, *, notify_to: Path | None = None
) -> Decided:
    """Decline what arrived, with the reason; a МЭДО sender is told (``notify_to``)."""
    require(db, "registrar", "регистрация входящих")
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("Укажите причину отказа")
    if notify_to is not None:
        medo_notify.check_notify_folder(db, notify_to)
    with db.write() as session:
        row = arrival_row(session, arrival_id)
        if ArrivalState(row.state) not in (ArrivalState.WAITING, ArrivalState.UNREADABLE):
            raise UserError(
                f"Поступление {row.id} уже рассмотрено: {ArrivalState(row.state).label.lower()}"
            )
        row.reason = reason
        decide_in(session, row, ArrivalState.REFUSED, reason=reason)
        channel, key, title, medo_id = row.channel, row.key, row.sender_title, row.sender_medo_id
    note = f"отклонено: {reason}"
    if notify_to is not None and channel == MEDO:
        _written, said = medo_notify.notify(
            lambda: medo_notify.refused_notice(
                db, key, reason, sender_title=title, sender_medo_id=medo_id
            ),
            notify_to,
        )
        note += f"; {said}"
    return Decided(arrival_id, None, note)
