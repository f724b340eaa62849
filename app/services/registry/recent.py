"""What a clerk used last, remembered from the registry itself: the signatory and executor of
their last letter, and the case index of each journal's last number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.storage import audit
from db.engine import Database
from db.models import Journal, Letter, Staff

RECENT_LETTERS = 2_000  # the newest letters looked through for the clerk's own


@dataclass(frozen=True)
class Recent:
    signatory: str | None = None  # staff codes
    executor: str | None = None


def recent_people(db: Database) -> Recent:
    """The signatory and executor of the newest of this clerk's letters (among the newest)."""
    newest = (
        select(Letter.id, Letter.created_by, Letter.signatory_id, Letter.executor_id)
        .order_by(Letter.id.desc())
        .limit(RECENT_LETTERS)
        .subquery()
    )
    with db.read() as session:
        row = session.execute(
            select(newest.c.signatory_id, newest.c.executor_id)
            .where(newest.c.created_by == audit.os_user())
            .order_by(newest.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return Recent()
        codes = dict(
            session.execute(
                select(Staff.id, Staff.code).where(
                    Staff.id.in_([i for i in row if i is not None]), Staff.active.is_(True)
                )
            ).all()
        )
        return Recent(codes.get(row[0]), codes.get(row[1]))


def last_case(db: Database, journal: str) -> str:
    """The case index of the journal's latest number (its unique index finds it at once)."""
    with db.read() as session:
        case = session.scalar(
            select(Letter.case_index)
            .join(Journal, Journal.id == Letter.journal_id)
            .where(Journal.code == journal)
            .order_by(Letter.period_key.desc(), Letter.seq.desc())
            .limit(1)
        )
        return case or ""
