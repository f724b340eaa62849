"""What a restore must not lose: the numbers the replaced database issued, and its letters.

A copy is older than the database it replaces. Numbers issued since were printed on letters that
may already be in the post, so before the copy is put in place its counters are moved up to what
the replaced database had issued: read from that file, or given by the clerk when the file
cannot be read (``--continue-after ИСХ=1894``, or the window's question). Journals created since
the copy come back with their counters. The letters the copy lacks are listed (number, date,
heading, addressee) and can be brought back from the kept-aside file under their own numbers.

Everything here reads and writes the files with ``sqlite3`` directly: the copy is not yet a
database the program has opened, and it may be of an older schema.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.errors import UserError
from app.numbering import MAX_SEQ, period_key
from app.states import LetterStatus
from db.engine import Database
from db.models import Letter

PeriodKey = tuple[str, str]  # (journal code, period key)


@dataclass(frozen=True)
class Issued:
    """What one database file had issued: its journals and the highest number of each period
    (the counter or a letter's number, whichever is higher)."""

    journals: dict[str, dict[str, Any]]
    highest: dict[PeriodKey, int]


class NumbersUnknownError(UserError):
    """The database being replaced cannot be read: the clerk gives the last numbers issued."""

    def __init__(self, message: str, last_in_copy: dict[str, int]) -> None:
        super().__init__(message)
        self.last_in_copy = last_in_copy  # journal code → last number the copy knows


def last_numbers(issued: Issued, today: dt.date) -> dict[str, int]:
    """Journal code → the last number of its current period (what the window asks about)."""
    return {
        code: issued.highest.get((code, period_key(today, str(row["period"]))), 0)
        for code, row in sorted(issued.journals.items())
    }


@dataclass(frozen=True)
class RaisedCounter:
    journal: str
    period: str
    before: int
    after: int


@dataclass(frozen=True)
class MissingLetter:
    journal: str
    period: str
    seq: int
    number: str
    date: dt.date
    subject: str
    addressee: str
    status: str

    @property
    def line(self) -> str:
        addressee = " ".join(self.addressee.split())[:80]
        return f"{self.number} от {self.date:%d.%m.%Y} — {self.subject} — {addressee}"


@contextmanager
def _connect(path: Path, *, read_only: bool = True) -> Iterator[sqlite3.Connection]:
    uri = f"{path.as_uri()}?mode=ro" if read_only else f"{path.as_uri()}?mode=rw"
    con = sqlite3.connect(uri, uri=True)
    try:
        yield con
    finally:
        con.close()


def read_issued(path: Path) -> Issued | None:
    """What the database in ``path`` had issued; None when the file cannot be read."""
    try:
        with _connect(path) as con:
            con.row_factory = sqlite3.Row
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
            if not {"journal", "journal_counter", "letter"} <= tables:
                return Issued({}, {})  # not a registry: it issued nothing
            journals = {row["code"]: dict(row) for row in con.execute("SELECT * FROM journal")}
            highest: dict[PeriodKey, int] = {}
            for code, key, seq in con.execute(
                "SELECT j.code, c.period_key, c.last_seq FROM journal_counter c "
                "JOIN journal j ON j.id = c.journal_id "
                "UNION ALL SELECT j.code, l.period_key, max(l.seq) FROM letter l "
                "JOIN journal j ON j.id = l.journal_id GROUP BY j.code, l.period_key"
            ):
                highest[(code, key)] = max(highest.get((code, key), 0), int(seq or 0))
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return None
    return Issued(journals, highest)


def parse_continue_after(values: list[str]) -> dict[str, int]:
    """``ИСХ=1894`` pairs of ``--continue-after``: the last number issued in each journal."""
    given: dict[str, int] = {}
    for value in values:
        code, sep, number = value.partition("=")
        if not sep or not code.strip() or not number.strip().isdigit():
            raise UserError(
                f"--continue-after «{value}»: ожидается КОД_ЖУРНАЛА=ПОСЛЕДНИЙ_НОМЕР, "
                "например ИСХ=1894"
            )
        if len(number.strip()) > len(str(MAX_SEQ)) or int(number) > MAX_SEQ:
            raise UserError(f"--continue-after «{value}»: номер больше {MAX_SEQ}")
        given[code.strip()] = int(number)
    return given


def carry_counters(
    copy: Path,
    issued: Issued | None,
    continue_after: dict[str, int],
    today: dt.date,
) -> list[RaisedCounter]:
    """Move the copy's counters up to what the replaced database issued (one transaction)."""
    raised: list[RaisedCounter] = []
    with _connect(copy, read_only=False) as con, con:
        columns = [row[1] for row in con.execute("PRAGMA table_info(journal)")]
        journals = {
            code: (jid, period)
            for jid, code, period in con.execute("SELECT id, code, period FROM journal")
        }
        if issued is not None:
            for code, row in issued.journals.items():
                if code not in journals:  # created after the copy was taken
                    names = [c for c in columns if c != "id" and c in row]
                    cur = con.execute(
                        f"INSERT INTO journal ({', '.join(names)}) "
                        f"VALUES ({', '.join('?' for _ in names)})",
                        [row[c] for c in names],
                    )
                    journals[code] = (int(cur.lastrowid or 0), str(row["period"]))
        wanted = dict(issued.highest) if issued is not None else {}
        for code, last in continue_after.items():
            if code not in journals:
                raise UserError(f"--continue-after: журнала «{code}» в копии нет")
            key = period_key(today, journals[code][1])
            wanted[(code, key)] = max(wanted.get((code, key), 0), last)
        for (code, key), seq in sorted(wanted.items()):
            jid = journals[code][0]
            con.execute(
                "INSERT OR IGNORE INTO journal_counter (journal_id, period_key, last_seq) "
                "VALUES (?, ?, 0)",
                (jid, key),
            )
            (before,) = con.execute(
                "SELECT last_seq FROM journal_counter WHERE journal_id = ? AND period_key = ?",
                (jid, key),
            ).fetchone()
            if before < seq:
                con.execute(
                    "UPDATE journal_counter SET last_seq = ? "
                    "WHERE journal_id = ? AND period_key = ?",
                    (seq, jid, key),
                )
                raised.append(RaisedCounter(code, key, int(before), seq))
    return raised


_SUMMARY = (
    "SELECT j.code, l.period_key, count(*), max(l.seq) FROM letter l "
    "JOIN journal j ON j.id = l.journal_id GROUP BY j.code, l.period_key"
)
_ROWS = (
    "SELECT j.code, l.period_key, l.seq, l.number, l.reg_date, l.subject, l.addressee_text, "
    "l.status FROM letter l JOIN journal j ON j.id = l.journal_id "
    "WHERE j.code = ? AND l.period_key = ? ORDER BY l.seq"
)


def missing_letters(aside: Path, restored: Path) -> list[MissingLetter]:
    """Letters of the kept-aside database that the restored one does not have (by journal,
    period and sequence number). Only the periods whose count or last number differ are read."""
    try:
        with _connect(aside) as old, _connect(restored) as new:
            before = {(c, k): (n, m) for c, k, n, m in old.execute(_SUMMARY)}
            after = {(c, k): (n, m) for c, k, n, m in new.execute(_SUMMARY)}
            missing: list[MissingLetter] = []
            for period in sorted(p for p, v in before.items() if after.get(p) != v):
                present = {row[2] for row in new.execute(_ROWS, period)}
                missing.extend(
                    _missing(row) for row in old.execute(_ROWS, period) if row[2] not in present
                )
    except (sqlite3.DatabaseError, ValueError) as exc:
        raise UserError(f"{aside}: письма прежней базы не читаются ({exc})") from exc
    return missing


def _missing(row: tuple[Any, ...]) -> MissingLetter:
    code, key, seq, number, date, subject, addressee, status = row
    when = dt.date.fromisoformat(str(date))
    return MissingLetter(code, key, int(seq), number, when, subject or "", addressee or "", status)


def bring_back(db: Database, aside: Path, numbers: list[str] | None = None) -> list[MissingLetter]:
    """Register the letters the restored database lacks again, from the kept-aside file, under
    their own numbers and dates (one transaction). ``numbers`` limits it to those numbers.

    The card comes back whole (heading, addressees, text, signatory, attachments' titles,
    report request); dispatch marks and received reports stay in the kept-aside file. An
    addressee or employee the restored directory does not know is kept as printed.
    """
    from db.engine import open_database

    target = db.sqlite_path
    if target is None:
        raise UserError("Возврат писем — только для встроенной базы SQLite")
    if not aside.is_file():
        raise UserError(f"{aside}: файл не найден")
    missing = missing_letters(aside, target)
    if numbers:
        unknown = sorted(set(numbers) - {m.number for m in missing})
        if unknown:
            raise UserError(f"Среди недостающих писем нет номеров: {', '.join(unknown)}")
        missing = [m for m in missing if m.number in numbers]
    if not missing:
        return []
    source = open_database(str(aside), read_only=True)  # as it is: no migration
    try:
        cards = _cards_of(source, missing)
    finally:
        source.dispose()
    with db.write() as session:
        for item, (card, status, reason) in zip(missing, cards, strict=True):
            _register_again(session, item, card, status, reason)
    return missing


def _cards_of(source: Database, missing: list[MissingLetter]) -> list[tuple[Any, str, str]]:
    from app.services.registry.letter_cards import card_to_json

    cards = []
    with source.read() as session:
        for item in missing:
            letter = session.scalars(
                select(Letter).where(
                    Letter.journal.has(code=item.journal),
                    Letter.period_key == item.period,
                    Letter.seq == item.seq,
                )
            ).one()
            card = card_to_json(session, letter)
            cards.append((card, letter.status, letter.annul_reason or ""))
    return cards


def _register_again(
    session: Any, item: MissingLetter, data: dict[str, Any], status: str, reason: str
) -> None:
    from app import audit
    from app.services.registry.letter_cards import card_from_json
    from app.services.registry.letters import Addressee, register_in
    from db.models import DistributionList, Recipient, Staff

    data = dict(data)
    data.pop("number", None)  # a reservation of the old file: the number is taken by seq below
    card = card_from_json(data)
    spec = card.addressee
    codes = [c for c in [spec.recipient, *(spec.recipients or [])] if c]
    known = set(session.scalars(select(Recipient.code).where(Recipient.code.in_(codes))))
    lost_list = (
        bool(spec.list)
        and session.scalars(
            select(DistributionList.id).where(DistributionList.name == spec.list)
        ).first()
        is None
    )
    if set(codes) - known or lost_list:
        printed = data.get("registration", {}).get("addressees_as_printed") or []
        text = "\n\n".join(row["lines"] for row in printed) or item.addressee
        card = replace(card, addressee=Addressee(text=text or item.addressee))
    staff = set(session.scalars(select(Staff.code)))
    if card.signatory and card.signatory not in staff:
        card = replace(card, signatory=None)
    if card.executor and card.executor not in staff:
        card = replace(card, executor=None)
    card = replace(card, date=item.date)
    registered = register_in(session, card, seq=item.seq, reuse=True)
    letter = session.get(Letter, registered.id)
    if status != LetterStatus.REGISTERED:
        letter.status = status
        letter.annul_reason = reason
    audit.record(session, "letter", letter.id, "brought_back", number=item.number, status=status)
