"""Journal counters: the next sequence number, and the rule that a printed number comes once.

Numbers are issued by ``UPDATE … SET last_seq = last_seq + 1 RETURNING`` inside the write
transaction. A printed number identifies one letter within its journal and year (within the
journal, for numbering that never starts again): :func:`printed_in_year` checks it at every
registration, :func:`continue_after_printed` moves the counters past what letters carry after a
change of period or template, a restore or an import.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.numbering import period_key
from db.models import Journal, JournalCounter, Letter


def _dialect_insert(dialect: str) -> Any:
    """The upsert-capable insert of the database's dialect (imported when first needed: the
    PostgreSQL dialect pulls asyncio and asyncpg support, ~60 ms of start-up)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def next_seq(
    session: Session, journal: Journal, key: str, *, at_least: int = 0, take: bool = True
) -> int:
    """Take the next sequence number of a journal period; ``at_least`` moves the counter up
    (to at least that number); ``take=False`` only moves it, issuing nothing."""
    dialect = session.get_bind().dialect.name
    values = {"journal_id": journal.id, "period_key": key, "last_seq": 0}
    stmt = (_dialect_insert(dialect)(JournalCounter)).values(**values)
    if dialect in ("postgresql", "sqlite"):
        session.execute(stmt.on_conflict_do_nothing())
    elif _counter_missing(session, journal, key):
        session.execute(insert(JournalCounter).values(**values))
    new_value = JournalCounter.last_seq + 1 if take else JournalCounter.last_seq
    if at_least:
        bigger = func.greatest if dialect == "postgresql" else func.max
        new_value = bigger(new_value, at_least)
    seq = session.execute(
        update(JournalCounter)
        .where(JournalCounter.journal_id == journal.id, JournalCounter.period_key == key)
        .values(last_seq=new_value)
        .returning(JournalCounter.last_seq)
    ).scalar_one()
    return int(seq)


def printed_in_year(session: Session, journal: Journal, number: str, date: dt.date) -> bool:
    """Whether a letter of the journal already carries this printed number in the date's year
    (anywhere in the journal, for numbering that never starts again)."""
    query = select(Letter.id).where(Letter.journal_id == journal.id, Letter.number == number)
    if journal.period != "never":
        query = query.where(
            Letter.reg_date >= dt.date(date.year, 1, 1),
            Letter.reg_date <= dt.date(date.year, 12, 31),
        )
    return session.scalars(query.limit(1)).first() is not None


def _counter_missing(session: Session, journal: Journal, key: str) -> bool:
    return (
        session.scalar(
            select(func.count(JournalCounter.id)).where(
                JournalCounter.journal_id == journal.id, JournalCounter.period_key == key
            )
        )
        == 0
    )


def continue_after_printed(session: Session, journal: Journal) -> None:
    """Every period of the journal's numbering continues after the highest number already
    printed on a letter dated in it (a quarter → year change would otherwise start at 1)."""
    highest: dict[str, int] = {}
    for date, seq in session.execute(
        select(Letter.reg_date, func.max(Letter.seq))
        .where(Letter.journal_id == journal.id)
        .group_by(Letter.reg_date)
    ):
        key = period_key(date, journal.period)
        highest[key] = max(highest.get(key, 0), int(seq))
    for key, seq in highest.items():
        next_seq(session, journal, key, at_least=seq, take=False)


def past_letters(session: Session, journal: Journal, key: str, seq: int) -> int:
    """``seq`` if it is past every letter of the period, else the number after the last one,
    the counter moved there: a counter behind its letters (lost in a damaged file, an older
    version's import) never hands out a number a letter already has. One look at the unique
    (journal, period, seq) index."""
    highest = session.scalar(
        select(func.max(Letter.seq)).where(
            Letter.journal_id == journal.id, Letter.period_key == key
        )
    )
    if highest is None or seq > highest:
        return seq
    return next_seq(session, journal, key, at_least=int(highest) + 1)
