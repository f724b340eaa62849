"""What a restore must not lose: the numbers the replaced database issued, and its letters.

A copy is older than the database it replaces. Numbers issued since were printed on letters that
may already be in the post, so before the copy is put in place its counters are moved up to what
the replaced database had issued: read from that file, or given by the clerk when the file
cannot be read (``--continue-after ИСХ=1894``, or the window's question). Journals created since
the copy come back with their counters. The letters the copy lacks are listed (number, date,
heading, addressee; incoming letters, reservations and annulled numbers too) and can be brought
back from the kept-aside file under their own numbers (``bring_back.py``).

Everything here reads and writes the files with ``sqlite3`` directly: the copy is not yet a
database the program has opened, and it may be of an older schema.
"""

from __future__ import annotations

import datetime as dt
import glob
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.rules.numbering import MAX_SEQ, period_key
from app.rules.states import LetterStatus
from app.support.errors import UserError

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


OUTGOING_TABLE, INCOMING_TABLE = "letter", "incoming_letter"
# what a numbered row of each kind is called in a line: the addressee, or the sender
_OTHER_SIDE = {OUTGOING_TABLE: "addressee_text", INCOMING_TABLE: "sender_text"}
_STATUS_WORDS: dict[str, str] = {
    LetterStatus.RESERVED: "резерв",
    LetterStatus.ANNULLED: "аннулирован",
    LetterStatus.CANCELLED: "резерв отменен",
}


@dataclass(frozen=True)
class MissingLetter:
    """A numbered row (outgoing or incoming, any status) only the kept-aside database has."""

    journal: str
    period: str
    seq: int
    number: str
    date: dt.date
    subject: str
    addressee: str  # an outgoing letter's addressee, an incoming letter's sender
    status: str
    table: str = OUTGOING_TABLE
    # brought back, but not into the case it was filed to there: why (bring_back says it)
    unfiled: str = ""

    @property
    def incoming(self) -> bool:
        return self.table == INCOMING_TABLE

    @property
    def line(self) -> str:
        other = " ".join(self.addressee.split())[:80]
        kind = "вх. № " if self.incoming else ""
        status = _STATUS_WORDS.get(self.status, "")
        mark = f" [{status}]" if status else ""
        line = f"{kind}{self.number} от {self.date:%d.%m.%Y}{mark} — {self.subject} — {other}"
        return f"{line} (не подшито: {self.unfiled})" if self.unfiled else line


def by_journal(missing: list[MissingLetter]) -> list[tuple[str, list[MissingLetter]]]:
    """The missing rows per journal, in journal order (how the CLI and the window list them)."""
    journals: dict[str, list[MissingLetter]] = {}
    for item in missing:
        journals.setdefault(item.journal, []).append(item)
    return sorted(journals.items())


def missing_lines(missing: list[MissingLetter], shown: int | None = None) -> list[str]:
    """«Журнал ИСХ: 2» and its letters, journal by journal; ``shown`` caps the letters named."""
    lines: list[str] = []
    left = len(missing) if shown is None else shown
    for journal, items in by_journal(missing):
        lines.append(f"Журнал «{journal}»: {len(items)}")
        named = items[: max(left, 0)]
        left -= len(named)
        lines.extend(f"  {m.line}" for m in named)
        if len(named) < len(items):
            lines.append(f"  и еще {len(items) - len(named)}")
    return lines


@contextmanager
def _connect(path: Path, *, read_only: bool = True) -> Iterator[sqlite3.Connection]:
    uri = f"{path.as_uri()}?mode=ro" if read_only else f"{path.as_uri()}?mode=rw"
    con = sqlite3.connect(uri, uri=True)
    try:
        yield con
    finally:
        con.close()


def _tables(con: sqlite3.Connection) -> set[str]:
    return {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _numbered_tables(tables: set[str]) -> list[str]:
    """The tables whose rows carry numbers (a copy from before incoming letters has one)."""
    return [t for t in (OUTGOING_TABLE, INCOMING_TABLE) if t in tables]


def read_issued(path: Path) -> Issued | None:
    """What the database in ``path`` had issued; None when the file cannot be read."""
    try:
        with _connect(path) as con:
            con.row_factory = sqlite3.Row
            tables = _tables(con)
            if not {"journal", "journal_counter", "letter"} <= tables:
                return Issued({}, {})  # not a registry: it issued nothing
            journals = {row["code"]: dict(row) for row in con.execute("SELECT * FROM journal")}
            highest: dict[PeriodKey, int] = {}
            rows = [
                "SELECT j.code, c.period_key, c.last_seq FROM journal_counter c "
                "JOIN journal j ON j.id = c.journal_id"
            ]
            rows += [
                f"SELECT j.code, l.period_key, max(l.seq) FROM {table} l "
                "JOIN journal j ON j.id = l.journal_id GROUP BY j.code, l.period_key"
                for table in _numbered_tables(tables)
            ]
            for code, key, seq in con.execute(" UNION ALL ".join(rows)):
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


def _summary(table: str) -> str:
    return (
        f"SELECT j.code, l.period_key, count(*), max(l.seq) FROM {table} l "
        "JOIN journal j ON j.id = l.journal_id GROUP BY j.code, l.period_key"
    )


def _rows(table: str) -> str:
    return (
        f"SELECT j.code, l.period_key, l.seq, l.number, l.reg_date, l.subject, "
        f"l.{_OTHER_SIDE[table]}, l.status FROM {table} l JOIN journal j ON j.id = l.journal_id "
        "WHERE j.code = ? AND l.period_key = ? ORDER BY l.seq"
    )


def missing_letters(aside: Path, restored: Path) -> list[MissingLetter]:
    """Numbered rows of the kept-aside database that the restored one does not have (by
    journal, period and sequence number): outgoing and incoming letters, reservations and
    annulled numbers. Only the periods whose count or last number differ are read."""
    try:
        with _connect(aside) as old, _connect(restored) as new:
            present_tables = _tables(new)
            missing: list[MissingLetter] = []
            for table in _numbered_tables(_tables(old)):
                missing += _missing_of(old, new, table, table in present_tables)
    except (sqlite3.DatabaseError, ValueError) as exc:
        raise UserError(f"{aside}: письма прежней базы не читаются ({exc})") from exc
    missing.sort(key=lambda m: (m.journal, m.period, m.seq))
    return missing


def _missing_of(
    old: sqlite3.Connection, new: sqlite3.Connection, table: str, in_new: bool
) -> list[MissingLetter]:
    before = {(c, k): (n, m) for c, k, n, m in old.execute(_summary(table))}
    after = {(c, k): (n, m) for c, k, n, m in new.execute(_summary(table))} if in_new else {}
    missing: list[MissingLetter] = []
    for period in sorted(p for p, v in before.items() if after.get(p) != v):
        present = {row[2] for row in new.execute(_rows(table), period)} if in_new else set()
        missing.extend(
            _missing(row, table) for row in old.execute(_rows(table), period)
            if row[2] not in present
        )  # fmt: skip
    return missing


def _missing(row: tuple[Any, ...], table: str) -> MissingLetter:
    code, key, seq, number, date, subject, other, status = row
    when = dt.date.fromisoformat(str(date))
    return MissingLetter(
        code, key, int(seq), number, when, subject or "", other or "", status, table
    )


ASIDE_MARK = ".до-восстановления-"


def kept_aside_files(database: Path) -> list[Path]:
    """The databases a restore put aside next to ``database``, newest first."""
    try:
        found = [
            p
            for p in database.parent.glob(f"{glob.escape(database.name)}{ASIDE_MARK}*")
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))
        ]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def numbers_only_aside(
    database: Path, wanted: list[tuple[str, str, int]]
) -> dict[tuple[str, str, int], tuple[str, Path]]:
    """Which of the (journal, period, seq) numbers ``database`` lacks live in a file a restore
    kept aside: each found → (its number, that file). Read by the indexes of printed numbers."""
    found: dict[tuple[str, str, int], tuple[str, Path]] = {}
    for aside in kept_aside_files(database):
        left = [w for w in wanted if w not in found]
        if not left:
            break
        try:
            with _connect(aside) as con:
                for table in _numbered_tables(_tables(con)):
                    for code, key, seq in left:
                        row = con.execute(
                            f"SELECT l.number FROM {table} l JOIN journal j "
                            "ON j.id = l.journal_id WHERE j.code = ? AND l.period_key = ? "
                            "AND l.seq = ?",
                            (code, key, seq),
                        ).fetchone()
                        if row is not None and (code, key, seq) not in found:
                            found[(code, key, seq)] = (str(row[0]), aside)
        except (sqlite3.DatabaseError, ValueError):
            continue  # an unreadable aside file names nothing
    return found


@dataclass(frozen=True)
class Conflict:
    """A number held by one letter in the registry and by another in the copy."""

    number: str
    here: str  # «14.11.2025 «О поддержке…»» as the registry has it
    there: str  # as the copy has it


def _said(date: Any, subject: Any) -> str:
    when = dt.date.fromisoformat(str(date)) if date else None
    about = " ".join(str(subject or "").split())[:60]
    return f"{when:%d.%m.%Y} «{about}»" if when else f"«{about}»"


def conflicting_numbers(database: Path, copy: Path, limit: int = 5) -> list[Conflict]:
    """Numbers (journal, period, sequence) the registry and the copy give to different letters:
    another number, another date, or another letter written at another time about something
    else. A copy of this very registry has none — its letters are these letters, earlier; a
    copy of another registry (a file copy that went its own way, whatever its identity) has."""
    found: list[Conflict] = []
    try:
        with _connect(database) as con:
            con.execute("ATTACH DATABASE ? AS copy", (f"{copy.as_uri()}?mode=ro",))
            tables = _tables(con)
            copied = {r[0] for r in con.execute("SELECT name FROM copy.sqlite_master")}
            for table in _numbered_tables(tables & copied):
                rows = con.execute(
                    f"SELECT a.number, a.reg_date, a.subject, b.number, b.reg_date, b.subject "
                    f"FROM {table} a JOIN journal ja ON ja.id = a.journal_id "
                    f"JOIN copy.journal jb ON jb.code = ja.code "
                    f"JOIN copy.{table} b ON b.journal_id = jb.id "
                    "AND b.period_key = a.period_key AND b.seq = a.seq "
                    "WHERE a.number <> b.number OR a.reg_date <> b.reg_date "
                    "OR (a.created_at <> b.created_at AND a.subject <> b.subject) "
                    "LIMIT ?",
                    (limit - len(found),),
                )
                for number, date, subject, _n, their_date, their_subject in rows:
                    found.append(
                        Conflict(number, _said(date, subject), _said(their_date, their_subject))
                    )
                if len(found) >= limit:
                    break
    except (sqlite3.DatabaseError, ValueError):
        return []  # an unreadable registry is the unreadable case, handled by the caller
    return found
