"""The registry listing: one page of letters at a time, filtered and sorted in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, and_, case, column, func, select, text
from sqlalchemy.orm import Session, selectinload

from app.services.reports import DONE_STATES
from app.text import initials_name, normalize
from db.engine import Database
from db.models import Journal, Letter, LetterAddressee, ReportControl, ReportRequest, Staff

SORT_KEYS = ("date", "number", "addressee", "subject", "status")


@dataclass(frozen=True)
class LetterRow:
    """One line of the registry table."""

    id: int
    journal: str
    number: str
    reg_date: dt.date
    status: str
    addressee: str
    subject: str
    signatory: str
    executor: str
    delivery_state: str
    report_due: dt.date | None
    reports_received: int
    reports_total: int
    annul_reason: str = ""


@dataclass
class LetterQuery:
    search: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    journal: str | None = None
    status: str | None = None
    sort: str = "date"  # one of SORT_KEYS
    descending: bool = True


FTS_MIN_WORD = 3  # the trigram index answers words of three characters and more


def _search(words: list[str], sqlite: bool) -> list[ColumnElement[bool]]:
    """Every word must occur in the letter's folded text, anywhere (a substring match)."""
    indexed = [w for w in words if sqlite and len(w) >= FTS_MIN_WORD]
    conditions = [
        Letter.search_norm.contains(w, autoescape=True) for w in words if w not in indexed
    ]
    if indexed:
        phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        matches = text("SELECT rowid FROM letter_fts WHERE letter_fts MATCH :phrase")
        rowid = column("rowid", Integer)
        conditions.append(Letter.id.in_(matches.bindparams(phrase=phrase).columns(rowid)))
    return conditions


def _filters(query: LetterQuery, *, sqlite: bool = False) -> list[ColumnElement[bool]]:
    conditions = _search(normalize(query.search).split(), sqlite)
    if query.date_from:
        conditions.append(Letter.reg_date >= query.date_from)
    if query.date_to:
        conditions.append(Letter.reg_date <= query.date_to)
    if query.journal:
        conditions.append(Letter.journal.has(Journal.code == query.journal))
    if query.status:
        conditions.append(Letter.status == query.status)
    return conditions


def _order(query: LetterQuery) -> list[ColumnElement[object]]:
    columns: dict[str, list[ColumnElement[object]]] = {
        "date": [Letter.reg_date, Letter.id],  # type: ignore[list-item]
        "number": [Letter.journal_id, Letter.period_key, Letter.seq],  # type: ignore[list-item]
        "addressee": [Letter.addressee_text, Letter.id],  # type: ignore[list-item]
        "subject": [Letter.subject, Letter.id],  # type: ignore[list-item]
        "status": [Letter.status, Letter.reg_date, Letter.id],  # type: ignore[list-item]
    }
    chosen = columns.get(query.sort, columns["date"])
    return [c.desc() if query.descending else c.asc() for c in chosen]


def count_letters(db: Database, query: LetterQuery | None = None) -> int:
    with db.read() as session:
        conditions = _filters(query or LetterQuery(), sqlite=db.is_sqlite)
        stmt = select(func.count(Letter.id)).where(and_(True, *conditions))
        return int(session.scalar(stmt) or 0)


def list_letters(
    db: Database, query: LetterQuery | None = None, *, offset: int = 0, limit: int = 200
) -> list[LetterRow]:
    """One page of the registry, newest first unless the query sorts otherwise."""
    query = query or LetterQuery()
    with db.read() as session:
        letters = session.scalars(
            select(Letter)
            .options(
                selectinload(Letter.signatory),
                selectinload(Letter.executor),
                selectinload(Letter.journal),
            )
            .where(and_(True, *_filters(query, sqlite=db.is_sqlite)))
            .order_by(*_order(query))
            .offset(offset)
            .limit(limit)
        ).all()
        progress = _report_progress(session, [letter.id for letter in letters])
        return [letter_row(letter, progress.get(letter.id)) for letter in letters]


def _report_progress(session: Session, ids: list[int]) -> dict[int, tuple[dt.date, int, int]]:
    if not ids:
        return {}
    received = func.sum(case((ReportControl.state.in_(DONE_STATES), 1), else_=0))
    stmt = (
        select(ReportRequest.letter_id, ReportRequest.due_date, received, func.count())
        .join(LetterAddressee, LetterAddressee.letter_id == ReportRequest.letter_id)
        .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
        .where(ReportRequest.letter_id.in_(ids))
        .group_by(ReportRequest.letter_id, ReportRequest.due_date)
    )
    return {lid: (due, int(got or 0), int(total)) for lid, due, got, total in session.execute(stmt)}


def person_name(staff: Staff | None) -> str:
    if staff is None:
        return ""
    return initials_name(staff.last_name, staff.first_name, staff.middle_name)


def letter_row(letter: Letter, progress: tuple[dt.date, int, int] | None = None) -> LetterRow:
    due, got, total = progress if progress else (None, 0, 0)
    return LetterRow(
        id=letter.id,
        journal=letter.journal.code,
        number=letter.number,
        reg_date=letter.reg_date,
        status=letter.status,
        addressee=letter.addressee_text.replace("\n\n", "; ").replace("\n", " "),
        subject=letter.subject,
        signatory=person_name(letter.signatory),
        executor=person_name(letter.executor),
        delivery_state=letter.delivery_state,
        report_due=due,
        reports_received=got,
        reports_total=total,
        annul_reason=letter.annul_reason,
    )
