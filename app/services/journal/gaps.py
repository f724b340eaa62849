"""Gaps in a journal's numbering: reserved, cancelled and annulled numbers, numbers never issued,
and letters only in a registry kept aside at a restore."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.exporters.table import Table, TableColumn
from app.rules.states import LetterStatus
from app.services.numbers.counters import INCOMING
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import IncomingLetter, Journal, JournalCounter, Letter

GAP_REASONS = {
    "reserved": "зарезервирован, письмо не зарегистрировано",
    "cancelled": "резерв отменен",
    "annulled": "аннулирован",
    "missing": "номер не выдавался (пропуск в нумерации)",
    "aside": "письмо есть только в прежней базе, отложенной при восстановлении",
}
UNHELD = "unheld"  # numbers of a counter moved before any letter: not gaps, unless kept aside
ASIDE_CHECKED = 10_000  # skipped numbers looked up in the kept-aside files, at most


@dataclass(frozen=True)
class Gap:
    journal: str
    period: str
    seq: int
    number: str
    reason: str
    note: str = ""
    last_seq: int = 0  # a run of skipped numbers ends here (0: a single number)
    letter_id: int | None = None  # the reserved, cancelled or annulled letter
    kind: str = "missing"  # a key of GAP_REASONS

    @property
    def label(self) -> str:
        if self.number:
            return self.number
        if self.last_seq > self.seq:
            return f"№ {self.seq}–{self.last_seq}"
        return f"№ {self.seq}"

    @property
    def size(self) -> int:
        """How many numbers the line stands for."""
        return max(self.last_seq, self.seq) - self.seq + 1


def journal_gaps(db: Database, *, journal: str | None = None) -> list[Gap]:
    """Numbers with no registered letter, and why: reserved, cancelled, annulled or skipped;
    of outgoing and incoming journals alike.

    Numbering continued from paper starts at the first number this program holds, so the
    numbers before it are not gaps. Read from indexes only: the unique (journal, period, seq)
    index tells which periods have holes and where, the partial index which numbers are not
    registered.
    """
    with db.read() as session:
        journals = select(Journal.id, Journal.code, Journal.kind)
        if journal:
            journals = journals.where(Journal.code == journal)
        found = session.execute(journals).all()
        if journal and not found:
            raise UserError(f"Журнал с кодом «{journal}» не найден")
        gaps: list[Gap] = []
        for entry in (Letter, IncomingLetter):
            codes = {
                jid: code
                for jid, code, kind in found
                if (kind == INCOMING) == (entry is IncomingLetter)
            }
            if codes:
                gaps += _gaps_of(session, entry, codes)
    if db.sqlite_path is not None:
        gaps = _only_aside(db.sqlite_path, gaps)
    gaps = [g for g in gaps if g.kind != UNHELD]
    gaps.sort(key=lambda g: (g.journal, g.period, g.seq))
    return gaps


def _only_aside(database: Path, gaps: list[Gap]) -> list[Gap]:
    """Skipped numbers that a letter holds in a database a restore kept aside are not «не
    выдавался»: they are named with that file, to be brought back (``bring-back``)."""
    from app.services.safety.restore_guard import numbers_only_aside

    wanted: list[tuple[str, str, int]] = []
    for gap in gaps:
        if gap.kind in ("missing", UNHELD):
            for seq in range(gap.seq, gap.seq + gap.size):
                if len(wanted) >= ASIDE_CHECKED:
                    break
                wanted.append((gap.journal, gap.period, seq))
    found = numbers_only_aside(database, wanted) if wanted else {}
    if not found:
        return gaps
    out: list[Gap] = []
    for gap in gaps:
        if gap.kind not in ("missing", UNHELD):
            out.append(gap)
            continue
        run: list[int] = []
        for seq in range(gap.seq, gap.seq + gap.size):
            aside = found.get((gap.journal, gap.period, seq))
            if aside is None:
                run.append(seq)
                continue
            if run:
                out.append(
                    replace(_skipped(gap.journal, gap.period, run[0], run[-1]), kind=gap.kind)
                )
                run = []
            number, path = aside
            out.append(
                Gap(
                    gap.journal, gap.period, seq, number, GAP_REASONS["aside"],
                    f"{path.name}; вернуть: secretariat bring-back", kind="aside",
                )
            )  # fmt: skip
        if run:
            out.append(replace(_skipped(gap.journal, gap.period, run[0], run[-1]), kind=gap.kind))
    return out


def _gaps_of(
    session: Session, entry: type[Letter] | type[IncomingLetter], codes: dict[int, str]
) -> list[Gap]:
    in_journals = entry.journal_id.in_(codes)
    spans = {
        (jid, key): (count, low, high)
        for jid, key, count, low, high in session.execute(
            select(
                entry.journal_id,
                entry.period_key,
                func.count(),
                func.min(entry.seq),
                func.max(entry.seq),
            )
            .where(in_journals)
            .group_by(entry.journal_id, entry.period_key)
        )
    }
    # a literal condition, so that SQLite uses the partial index (migrations 0007 and 0018)
    not_registered = text(f"{entry.__tablename__}.status <> 'registered'")
    why = entry.annul_reason if entry is Letter else entry.done_note  # type: ignore[union-attr]
    unregistered: dict[tuple[int, str], list[Gap]] = {}
    for jid, key, seq, letter_id, number, status, reason, subject in session.execute(
        select(
            entry.journal_id,
            entry.period_key,
            entry.seq,
            entry.id,
            entry.number,
            entry.status,
            why,
            entry.subject,
        ).where(in_journals, not_registered)
    ):
        # a reservation's note is kept as its heading until the letter is registered
        note = subject if status == LetterStatus.RESERVED else reason
        gap = Gap(
            codes[jid], key, seq, number, GAP_REASONS[status], note,
            letter_id=letter_id, kind=status,
        )  # fmt: skip
        unregistered.setdefault((jid, key), []).append(gap)
    counters = {
        (jid, key): last_seq
        for jid, key, last_seq in session.execute(
            select(
                JournalCounter.journal_id, JournalCounter.period_key, JournalCounter.last_seq
            ).where(JournalCounter.journal_id.in_(codes))
        )
    }
    gaps: list[Gap] = []
    # a counter without letters was moved forward before the first letter: no gap yet —
    # unless a restore left that period's letters in the kept-aside file (``_only_aside``)
    for (jid, key), last_seq in counters.items():
        if (jid, key) not in spans and last_seq > 0:
            gaps.append(replace(_skipped(codes[jid], key, 1, last_seq), kind=UNHELD))
    for (jid, key), (count, low, high) in spans.items():
        last_seq = counters.get((jid, key), high)
        period = list(unregistered.get((jid, key), []))
        if high - low + 1 > count:
            period += [
                _skipped(codes[jid], key, seq + 1, following - 1)
                for seq, following in _holes(session, entry, jid, key)
            ]
        if last_seq > high:
            period.append(_skipped(codes[jid], key, high + 1, last_seq))
        gaps += period
    return gaps


def _skipped(code: str, period: str, first: int, last: int) -> Gap:
    run_end = last if last > first else 0
    return Gap(code, period, first, "", GAP_REASONS["missing"], last_seq=run_end)


def _holes(
    session: Session,
    entry: type[Letter] | type[IncomingLetter],
    journal_id: int,
    period: str,
) -> list[tuple[int, int]]:
    """(seq, next seq) wherever the next number held in the period is not seq + 1."""
    following = func.lead(entry.seq).over(order_by=entry.seq).label("following")
    inner = (
        select(entry.seq, following)
        .where(entry.journal_id == journal_id, entry.period_key == period)
        .subquery()
    )
    rows = session.execute(
        select(inner.c.seq, inner.c.following).where(inner.c.following > inner.c.seq + 1)
    )
    return [(seq, nxt) for seq, nxt in rows]


GAP_COLUMNS = [
    TableColumn("Журнал", 12),
    TableColumn("Период", 10),
    TableColumn("Номер", 22),
    TableColumn("Причина", 45),
    TableColumn("Примечание", 60),
]


def gaps_table(gaps: list[Gap], *, journal: str | None = None) -> Table:
    """The gaps as a printable table (the same rows the CLI and the window show)."""
    where = f"журнал «{journal}»" if journal else "все журналы"
    total = sum(gap.size for gap in gaps)
    return Table(
        title="Номера без зарегистрированного письма",
        subtitle=f"{where}; номеров: {total}; на {date_ru(clock.today())}",
        columns=GAP_COLUMNS,
        rows=[[g.journal, g.period, g.label, g.reason, g.note] for g in gaps],
    )


def export_gaps(db: Database, out: Path, *, journal: str | None = None) -> Path:
    from app.exporters.table_file import check_suffix, write_table

    check_suffix(out, "список пропусков", (".xlsx", ".pdf"))
    table = gaps_table(journal_gaps(db, journal=journal), journal=journal)
    return write_table(table, out, "список пропусков", (".xlsx", ".pdf"))
