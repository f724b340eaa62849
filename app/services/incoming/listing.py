"""The journal of incoming letters as the window and ``incoming list`` show it: a page at a
time, newest first, searched by word forms with the same machinery as the outgoing registry,
filtered by period, journal, control, overdue and executor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, func, select
from sqlalchemy.orm import Session

from app.rules.states import Execution
from app.services.search.search_index import (
    capped_count,
    newest_first,
    search_session,
    wanted_of,
)
from app.storage.word_index import INCOMING, count_capped, matches
from app.support import clock
from app.support.text import initials_name
from db.engine import Database
from db.models import IncomingAssignment, IncomingFile, IncomingLetter, Journal, Staff
from db.sql import counts_by, one_of

COUNT_CAP = 1_000
SCAN_CHUNK = 400
OUT_OF_ORDER_LIMIT = 2_000


@dataclass(frozen=True)
class IncomingQuery:
    search: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    journal: str | None = None
    on_control: bool = False
    overdue: bool = False
    executor: str | None = None  # a staff code
    today: dt.date | None = None  # what «overdue» is counted from
    oldest_first: bool = False  # the journal's order (an export) instead of the newest first


@dataclass(frozen=True)
class IncomingRow:
    """One line of the incoming journal."""

    id: int
    journal: str
    number: str
    reg_date: dt.date
    status: str
    sender: str
    sender_number: str
    sender_date: dt.date | None
    subject: str
    delivery: str
    execution: str
    executor: str  # the responsible executor, initials and surname
    due: dt.date | None  # the earliest due date of its assignments
    overdue: bool
    files: int


def _by_words(query: IncomingQuery) -> bool:
    return bool(query.search.strip())


def _filters(
    session: Session, query: IncomingQuery, *, indexed: bool = True
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if _by_words(query):
        wanted = wanted_of(query.search)
        if not wanted:
            return [false()]
        if indexed:
            out.append(matches(session, INCOMING, wanted))
    if query.date_from:
        out.append(IncomingLetter.reg_date >= query.date_from)
    if query.date_to:
        out.append(IncomingLetter.reg_date <= query.date_to)
    if query.journal:
        journal_id = select(Journal.id).where(Journal.code == query.journal).scalar_subquery()
        out.append(IncomingLetter.journal_id == journal_id)
    if query.on_control or query.overdue:
        out.append(IncomingLetter.execution == Execution.ON_CONTROL)
    if query.overdue:
        today = query.today or clock.today()
        late = select(IncomingAssignment.id).where(
            IncomingAssignment.incoming_id == IncomingLetter.id,
            IncomingAssignment.due_date < today,
        )
        out.append(exists(late))
    if query.executor:
        given = (
            select(IncomingAssignment.id)
            .join(Staff, Staff.id == IncomingAssignment.executor_id)
            .where(
                IncomingAssignment.incoming_id == IncomingLetter.id, Staff.code == query.executor
            )
        )
        out.append(exists(given))
    return out


def _chunked(db: Database, query: IncomingQuery) -> bool:
    """SQLite and a word search: matches read from the index newest first, a chunk at a time."""
    return db.is_sqlite and _by_words(query) and bool(wanted_of(query.search))


def count_incoming(db: Database, query: IncomingQuery, *, cap: int | None = None) -> int:
    """How many incoming letters match; with ``cap``, counting stops at ``cap + 1``."""
    with search_session(db) as session:
        if cap is not None and _chunked(db, query):
            rest = _filters(session, query, indexed=False)
            return count_capped(session, INCOMING, wanted_of(query.search), cap, rest)
        where = and_(True, *_filters(session, query))
        if cap is not None:
            return capped_count(session, select(IncomingLetter.id).where(where), cap)
        return int(session.scalar(select(func.count(IncomingLetter.id)).where(where)) or 0)


def list_incoming(
    db: Database, query: IncomingQuery, *, offset: int = 0, limit: int = 200
) -> list[IncomingRow]:
    """A page of the incoming journal, newest first."""
    with search_session(db) as session:
        ids = None
        if _chunked(db, query) and not query.oldest_first:
            rest = _filters(session, query, indexed=False)
            ids = newest_first(
                session,
                INCOMING,
                wanted_of(query.search),
                rest,
                offset + limit,
                chunk=SCAN_CHUNK,
                out_of_order_limit=OUT_OF_ORDER_LIMIT,
            )
        if ids is not None:
            page = ids[offset : offset + limit]
        else:
            page = list(
                session.scalars(
                    select(IncomingLetter.id)
                    .where(*_filters(session, query))
                    .order_by(*_order(query))
                    .offset(offset)
                    .limit(limit)
                )
            )
        return rows_of(session, page, query.today or clock.today())


def _order(query: IncomingQuery) -> list[ColumnElement[object]]:
    columns: list[ColumnElement[object]] = [IncomingLetter.reg_date, IncomingLetter.id]  # type: ignore[list-item]
    return columns if query.oldest_first else [c.desc() for c in columns]


def rows_of(session: Session, ids: list[int], today: dt.date) -> list[IncomingRow]:
    """The journal lines of these incoming letters, in this order."""
    if not ids:
        return []
    found = {
        r.id: r
        for r in session.execute(
            select(
                IncomingLetter.id,
                Journal.code,
                IncomingLetter.number,
                IncomingLetter.reg_date,
                IncomingLetter.status,
                IncomingLetter.sender_text,
                IncomingLetter.sender_number,
                IncomingLetter.sender_date,
                IncomingLetter.subject,
                IncomingLetter.delivery,
                IncomingLetter.execution,
            )
            .join(Journal, Journal.id == IncomingLetter.journal_id)
            .where(one_of(IncomingLetter.id, ids))
        )
    }
    executors: dict[int, str] = {}
    due: dict[int, dt.date] = {}
    for incoming_id, responsible, when, last, first, middle in session.execute(
        select(
            IncomingAssignment.incoming_id,
            IncomingAssignment.responsible,
            IncomingAssignment.due_date,
            Staff.last_name,
            Staff.first_name,
            Staff.middle_name,
        )
        .join(Staff, Staff.id == IncomingAssignment.executor_id)
        .where(one_of(IncomingAssignment.incoming_id, ids))
        .order_by(IncomingAssignment.position)
    ):
        if responsible or incoming_id not in executors:
            executors[incoming_id] = initials_name(last, first, middle)
        if when is not None and (incoming_id not in due or when < due[incoming_id]):
            due[incoming_id] = when
    files = counts_by(session, IncomingFile.incoming_id, ids)
    out = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        when = due.get(i)
        on_control = r.execution == Execution.ON_CONTROL
        out.append(
            IncomingRow(
                id=r.id,
                journal=r.code,
                number=r.number,
                reg_date=r.reg_date,
                status=r.status,
                sender=r.sender_text,
                sender_number=r.sender_number,
                sender_date=r.sender_date,
                subject=r.subject,
                delivery=r.delivery,
                execution=r.execution,
                executor=executors.get(i, ""),
                due=when,
                overdue=on_control and when is not None and when < today,
                files=files.get(i, 0),
            )
        )
    return out


@dataclass(frozen=True)
class IncomingNotice:
    on_control: int
    overdue: int


def incoming_notice(db: Database, *, today: dt.date | None = None) -> IncomingNotice:
    """How many incoming letters are on control, and how many of them are overdue (the notice
    beside report control's)."""
    today = today or clock.today()
    with db.read() as session:
        on = IncomingLetter.execution == Execution.ON_CONTROL
        total = session.scalar(select(func.count(IncomingLetter.id)).where(on)) or 0
        late = (
            session.scalar(
                select(func.count(func.distinct(IncomingAssignment.incoming_id)))
                .join(IncomingLetter, IncomingLetter.id == IncomingAssignment.incoming_id)
                .where(
                    on, IncomingAssignment.due_date < today, IncomingAssignment.done_date.is_(None)
                )
            )
            or 0
        )
    return IncomingNotice(int(total), int(late))
