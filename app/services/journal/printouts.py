"""A journal printed for a period (PDF, XLSX): the outgoing journals or one incoming journal, with
the audit chain's head as a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from app.exporters.table import Table, TableColumn
from app.rules.states import LetterStatus
from app.services.numbers.counters import INCOMING
from app.services.registry.letter_list import LetterQuery, LetterRow, count_letters, list_letters
from app.services.registry.letters import DELIVERY_STATE_LABELS, STATUS_LABELS
from app.storage.audit_chain import head_in
from app.support.errors import UserError
from app.support.progress import SCALE, Progress, check_progress, part
from app.support.text import date_ru
from db.engine import Database
from db.models import Journal

JOURNAL_COLUMNS = [
    TableColumn("№ п/п", 6),
    TableColumn("Дата", 14),
    TableColumn("Рег. номер", 15),
    TableColumn("Адресат", 35),
    TableColumn("Заголовок", 46),
    TableColumn("Подписал", 17),
    TableColumn("Исполнитель", 18),
    TableColumn("Отметка о доставке", 14),
    TableColumn("Отметка о контроле", 18),
]
BATCH = 5000
T = TypeVar("T")
READING = 250  # of the progress's SCALE: reading the rows; the file is the rest


def _control_mark(row: LetterRow) -> str:
    if row.report_due is None:
        return ""
    return f"срок {date_ru(row.report_due)}; получено {row.reports_received} из {row.reports_total}"


def _subject_mark(row: LetterRow) -> str:
    if row.status == LetterStatus.REGISTERED:
        return row.subject
    mark = STATUS_LABELS[row.status].upper()
    reason = f": {row.annul_reason}" if row.annul_reason else ""
    return f"[{mark}{reason}] {row.subject}".strip()


INCOMING_COLUMNS = [
    TableColumn("№ п/п", 6),
    TableColumn("Дата поступления", 14),
    TableColumn("Рег. номер", 15),
    TableColumn("Отправитель", 35),
    TableColumn("Исх. номер и дата", 18),
    TableColumn("Заголовок", 46),
    TableColumn("Исполнитель", 18),
    TableColumn("Срок", 12),
    TableColumn("Отметка об исполнении", 16),
]


def _read_all(
    fetch: Callable[[int], list[T]], count: Callable[[], int], progress: Progress | None
) -> Iterator[T]:
    """Every row of a listing, read :data:`BATCH` at a time from ``fetch(offset)``;
    ``progress`` told how many of ``count()`` are read (counted only when someone asks)."""
    total = count() if progress is not None else 0
    offset = 0
    while True:
        if progress is not None:
            check_progress(progress, offset, total)
        page = fetch(offset)
        yield from page
        if len(page) < BATCH:
            return
        offset += BATCH


def _incoming_table(
    db: Database, date_from: dt.date, date_to: dt.date, journal: str, progress: Progress | None
) -> Table:
    """The journal of incoming letters for a period, oldest first."""
    from app.rules.states import Execution
    from app.services.incoming.listing import IncomingQuery, count_incoming, list_incoming

    query = IncomingQuery(date_from=date_from, date_to=date_to, journal=journal, oldest_first=True)
    rows: list[list[str]] = []
    for row in _read_all(
        lambda at: list_incoming(db, query, offset=at, limit=BATCH),
        lambda: count_incoming(db, query),
        progress,
    ):
        theirs = " от ".join(
            p for p in (row.sender_number, date_ru(row.sender_date) if row.sender_date else "") if p
        )
        rows.append(
            [
                str(len(rows) + 1),
                date_ru(row.reg_date),
                row.number,
                row.sender,
                theirs,
                row.subject,
                row.executor,
                date_ru(row.due) if row.due else "",
                Execution(row.execution).label if row.execution != Execution.NONE else "",
            ]
        )
    return Table(
        title="Журнал регистрации входящих документов",
        subtitle=f"с {date_ru(date_from)} по {date_ru(date_to)}, журнал «{journal}»; "
        f"записей: {len(rows)}",
        columns=INCOMING_COLUMNS,
        rows=rows,
        notes=audit_note(db),
    )


def audit_note(db: Database) -> list[str]:
    """The audit chain's head at the time of printing: the paper journal is an anchor kept
    outside the registry (app/services/safety/audit_anchor.py)."""
    with db.read() as session:
        head = head_in(session, lock=False)
        count, last = head.seq, head.hash
    return [
        f"Журнал изменений на момент печати: событий {count}, хеш последнего {last} "
        "(сверка: secretariat audit verify)"
    ]


def journal_table(
    db: Database,
    date_from: dt.date,
    date_to: dt.date,
    *,
    journal: str | None = None,
    progress: Progress | None = None,
) -> Table:
    """The journal of a period: of the outgoing letters (all outgoing journals, or one), or of
    an incoming journal; ``progress`` is told as its rows are read."""
    if date_to < date_from:
        raise UserError("Конец периода раньше начала")
    if journal:
        with db.read() as session:
            kind = session.scalar(select(Journal.kind).where(Journal.code == journal))
        if kind is None:
            raise UserError(f"Журнал с кодом «{journal}» не найден")
        if kind == INCOMING:
            return _incoming_table(db, date_from, date_to, journal, progress)
    query = LetterQuery(
        date_from=date_from, date_to=date_to, journal=journal, sort="date", descending=False
    )
    rows: list[list[str]] = []
    for row in _read_all(
        lambda at: list_letters(db, query, offset=at, limit=BATCH),
        lambda: count_letters(db, query),
        progress,
    ):
        rows.append(
            [
                str(len(rows) + 1),
                date_ru(row.reg_date),
                row.number,
                row.addressee,
                _subject_mark(row),
                row.signatory,
                row.executor,
                DELIVERY_STATE_LABELS.get(row.delivery_state, "")
                if row.status == LetterStatus.REGISTERED
                else "",
                _control_mark(row),
            ]
        )
    where = f", журнал «{journal}»" if journal else ""
    return Table(
        title="Журнал регистрации исходящих документов",
        subtitle=f"с {date_ru(date_from)} по {date_ru(date_to)}{where}; записей: {len(rows)}",
        columns=JOURNAL_COLUMNS,
        rows=rows,
        notes=audit_note(db),
    )


def export_journal(
    db: Database,
    date_from: dt.date,
    date_to: dt.date,
    out: Path,
    *,
    journal: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """The journal of a period to ``out`` (XLSX or PDF). ``progress`` (done, total) is told
    throughout — the rows read, then the file written — and stops the work when it says so
    (``Cancelled``: nothing written)."""
    from app.exporters.table_file import check_suffix, write_table

    check_suffix(out, "журнал", (".xlsx", ".pdf"))
    table = journal_table(
        db, date_from, date_to, journal=journal, progress=part(progress, 0, READING)
    )
    written = write_table(table, out, "журнал", (".xlsx", ".pdf"), part(progress, READING, SCALE))
    if progress is not None:
        check_progress(progress, SCALE, SCALE)
    return written
