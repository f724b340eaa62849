"""Finding an incoming letter by our number (the CLI, an outgoing letter answering it), and
marking it answered (every executor's task still open done with it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.states import Execution
from app.services.numbers.finding import find_numbered_in
from app.storage import audit
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import IncomingLetter, Journal, Letter, TaskEvent


def find_incoming_in(
    session: Session, number: str, *, year: int | None = None, journal: str | None = None
) -> IncomingLetter:
    """The incoming letter with our number; numbers restart each period, so a year may be
    needed."""
    return find_numbered_in(session, IncomingLetter, number, year=year, journal=journal)


def incoming_id_by_number(
    db: Database, number: str, *, year: int | None = None, journal: str | None = None
) -> int:
    with db.read() as session:
        return find_incoming_in(session, number, year=year, journal=journal).id


def mark_answered(session: Session, incoming: IncomingLetter, letter: Letter) -> None:
    """The incoming letter answered by our ``letter``: linked both ways, taken off control."""
    if letter.reg_date < incoming.reg_date:
        raise UserError(
            f"Письмо № {letter.number} от {date_ru(letter.reg_date)} раньше входящего "
            f"№ {incoming.number} от {date_ru(incoming.reg_date)} — ответом на него оно быть "
            "не может"
        )
    incoming.answered_by_id = letter.id
    incoming.execution = Execution.ANSWERED
    incoming.done_date = letter.reg_date
    close_tasks_in(session, incoming, letter.reg_date, reply=letter)
    session.flush()
    audit.record(
        session, "incoming", incoming.id, "answered", number=incoming.number, reply=letter.number
    )


def close_tasks_in(
    session: Session, incoming: IncomingLetter, day: dt.date, *, reply: Letter | None = None
) -> None:
    """The letter done as a whole (answered, or done otherwise): every executor's task still
    open is done that day, each with an event in its history."""
    for task in incoming.assignments:
        if task.done_date is not None:
            continue
        task.done_date = day
        task.reply_id = reply.id if reply is not None else None
        note = f"ответ № {reply.number}" if reply is not None else "исполнено письмо в целом"
        task.events.append(TaskEvent(kind="done", day=day, by_user=audit.os_user(), note=note))


def incoming_journal_code(session: Session, given: str | None) -> str:
    """The journal an import registers into: the one given, or the only incoming journal."""
    if given:
        return given
    codes = list(
        session.scalars(
            select(Journal.code).where(Journal.kind == "incoming", Journal.active.is_(True))
        )
    )
    if len(codes) != 1:
        raise UserError(
            "Укажите журнал входящих (--journal): "
            + (", ".join(codes) if codes else "журналов входящих нет")
        )
    return codes[0]
