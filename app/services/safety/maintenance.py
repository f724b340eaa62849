"""``secretariat check``: is the database whole and at the program's schema?"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import case, extract, func, literal, select, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Journal, Letter
from db.schema import schema_state

_SHOWN = 20  # problems of one kind named in full; the rest are counted


@dataclass
class CheckReport:
    database: str
    schema: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(db: Database) -> CheckReport:
    """Every check that can be made; a damaged file is a problem named, never an error."""
    report = CheckReport(database=db.where)
    try:
        _check(db, report)
    except (SADatabaseError, sqlite3.DatabaseError) as exc:
        report.problems.append(f"база повреждена: {getattr(exc, 'orig', None) or exc}")
    return report


def _check(db: Database, report: CheckReport) -> None:
    state = schema_state(db)
    report.schema = state.current or "—"
    if not state.is_current:
        report.problems.append(
            f"версия схемы {state.current or 'нет'}, программе нужна {state.head}"
        )
    if db.is_sqlite:
        with db.read_engine.connect() as conn:
            integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                report.problems.extend(f"integrity_check: {line}" for line in integrity[:20])
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            report.problems.extend(
                f"foreign_key_check: таблица {t}, строка {rowid}, ссылка на {parent}"
                for t, rowid, parent, _fk in broken[:20]
            )
            conn.rollback()
    else:
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    if state.is_current and not report.problems:
        with db.read() as session:
            report.problems.extend(duplicate_numbers(session))


def duplicate_numbers(session: Session) -> list[str]:
    """Printed numbers carried by more than one letter of a journal within a year (within the
    journal, for numbering that never starts again): a number must identify one letter."""
    year = case(
        (Journal.period == "never", literal(0)), else_=extract("year", Letter.reg_date)
    ).label("year")
    rows = session.execute(
        select(Journal.code, Letter.number, year, func.count())
        .join(Journal, Journal.id == Letter.journal_id)
        .group_by(Journal.code, Letter.number, year)
        .having(func.count() > 1)
        .order_by(Journal.code, year, Letter.number)
    ).all()
    found = [
        f"номер «{number}» журнала «{code}»"
        + (f" за {int(y)} год" if y else "")
        + f" стоит на {count} письмах"
        for code, number, y, count in rows[:_SHOWN]
    ]
    if len(rows) > _SHOWN:
        found.append(f"и еще {len(rows) - _SHOWN} повторяющихся номеров")
    return found


COMPACT_FREE_SHARE = 0.25  # free pages, of the file, above which an update compacts the file
COMPACT_FREE_BYTES = 64 * 2**20


def compact_if_mostly_free(db: Database, announce: Callable[[], None] | None = None) -> bool:
    """SQLite: rewrite the file without its free pages when they are a large part of it (after
    an update dropped an index). Needs free disk space of the file's size; without it, or on
    any failure, the file stays as it was (it works the same, only larger). True if done."""
    if not db.is_sqlite or db.read_only:
        return False
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        free = int(raw.execute("PRAGMA freelist_count").fetchone()[0])
        pages = int(raw.execute("PRAGMA page_count").fetchone()[0])
        size = int(raw.execute("PRAGMA page_size").fetchone()[0])
        if not pages or free / pages < COMPACT_FREE_SHARE or free * size < COMPACT_FREE_BYTES:
            return False
        if announce is not None:
            announce()
        try:
            raw.execute("VACUUM")
        except sqlite3.Error:
            return False
    return True
