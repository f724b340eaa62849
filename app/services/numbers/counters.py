"""Journal counters: the next sequence number, and the rule that a printed number comes once.

Numbers are issued by ``UPDATE … SET last_seq = last_seq + 1 RETURNING`` inside the write
transaction; on PostgreSQL by the server's ``secretariat_next_seq`` (migration 0019), which does
the same as the registry's owner and only ever moves a counter forward. A printed number
identifies one letter within its journal and year (within the journal, for numbering that never
starts again): :func:`printed_in_year` checks it at every
registration, :func:`continue_after_printed` moves the counters past what letters carry after a
change of period or template, a restore or an import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.rules.numbering import check_seq, format_number, parse_template, period_key
from app.support.errors import UserError
from db.models import IncomingLetter, Journal, JournalCounter, Letter

INCOMING = "incoming"  # a journal's kind; any other is outgoing
JOURNAL_KINDS = ("outgoing", INCOMING)


def entries_of(journal: Journal) -> type[Letter] | type[IncomingLetter]:
    """The rows a journal's numbers are printed on: our letters, or the letters received."""
    return IncomingLetter if journal.kind == INCOMING else Letter


def next_seq(
    session: Session, journal: Journal, key: str, *, at_least: int = 0, take: bool = True
) -> int:
    """Take the next sequence number of a journal period; ``at_least`` moves the counter up
    (to at least that number); ``take=False`` only moves it, issuing nothing."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # the server's function: registrars cannot write the counters
        seq = session.execute(
            text("SELECT secretariat_next_seq(:j, :k, :a, :t)"),
            {"j": journal.id, "k": key, "a": at_least, "t": take},
        ).scalar_one()
        return int(seq)
    values = {"journal_id": journal.id, "period_key": key, "last_seq": 0}
    if dialect == "sqlite":
        session.execute(sqlite_insert(JournalCounter).values(**values).on_conflict_do_nothing())
    elif _counter_missing(session, journal, key):
        session.execute(insert(JournalCounter).values(**values))
    new_value = JournalCounter.last_seq + 1 if take else JournalCounter.last_seq
    if at_least:
        new_value = func.max(new_value, at_least)
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
    entry = entries_of(journal)
    query = select(entry.id).where(entry.journal_id == journal.id, entry.number == number)
    if journal.period != "never":
        query = query.where(
            entry.reg_date >= dt.date(date.year, 1, 1),
            entry.reg_date <= dt.date(date.year, 12, 31),
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
    entry = entries_of(journal)
    for date, seq in session.execute(
        select(entry.reg_date, func.max(entry.seq))
        .where(entry.journal_id == journal.id)
        .group_by(entry.reg_date)
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
    entry = entries_of(journal)
    highest = session.scalar(
        select(func.max(entry.seq)).where(entry.journal_id == journal.id, entry.period_key == key)
    )
    if highest is None or seq > highest:
        return seq
    return next_seq(session, journal, key, at_least=int(highest) + 1)


@dataclass(frozen=True)
class IssuedNumber:
    period_key: str
    seq: int
    number: str


def issue_number(
    session: Session,
    journal: Journal,
    date: dt.date,
    *,
    case: str = "",
    corr: str = "",
    seq: int | None = None,
    reuse: bool = False,
) -> IssuedNumber:
    """A freshly issued number of a journal (outgoing or incoming), for a row to be written in
    the same transaction.

    ``seq`` takes that sequence number, the counter continuing after it; with ``reuse`` a
    number issued before and lost (a letter brought back after a restore) is taken again
    where it is free, the counter staying where it is.
    """
    template = parse_template(journal.template)
    # fail on a missing {case} before a number is used up
    format_number(template, 1, date, case=case, dept=journal.department, corr=corr)
    key = period_key(date, journal.period)
    if seq is not None:
        check_seq(seq)
    if seq is not None and reuse:
        _refuse_taken(session, journal, key, seq)
        next_seq(session, journal, key, at_least=seq, take=False)
        number_seq = seq
    else:
        number_seq = next_seq(session, journal, key, at_least=seq or 0)
        if seq is None:
            number_seq = past_letters(session, journal, key, number_seq)
    if seq is not None and number_seq != seq:
        raise UserError(f"Журнал «{journal.code}»: номер {seq} за период {key} уже выдан")
    number = format_number(
        template, number_seq, date, case=case, dept=journal.department, corr=corr
    )
    printed = printed_in_year(session, journal, number, date)
    if printed and seq is None:
        # a database from before the rule (its period changed without continuing): move the
        # counters past what is printed, once, and take the next number from there
        continue_after_printed(session, journal)
        number_seq = next_seq(session, journal, key)
        number = format_number(
            template, number_seq, date, case=case, dept=journal.department, corr=corr
        )
        printed = printed_in_year(session, journal, number, date)
    if printed:
        raise UserError(
            f"Журнал «{journal.code}»: номер «{number}» уже стоит на другом письме этого года; "
            "ничего не записано (проверьте следующий номер журнала в настройках)"
        )
    return IssuedNumber(key, number_seq, number)


def _refuse_taken(session: Session, journal: Journal, key: str, seq: int) -> None:
    entry = entries_of(journal)
    taken = session.scalars(
        select(entry.number).where(
            entry.journal_id == journal.id, entry.period_key == key, entry.seq == seq
        )
    ).first()
    if taken is not None:
        raise UserError(f"Журнал «{journal.code}»: номер «{taken}» уже занят другим письмом")
