"""The journal as a whole at scale: a year's printout, the gaps in numbering, an Excel import.

The import brings a year of a clerk's Excel journal (as many rows as the busiest generated year)
into a journal made for the run, and takes it out again afterwards, so the database the run was
given is left as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from app.services.journal.excel_import import apply_import, preview_import
from app.services.journal.gaps import journal_gaps
from app.services.journal.printouts import export_journal
from app.services.organization.profile import JournalData, save_journal
from app.services.safety.opening import open_registry
from bench.data import year_with_most_letters
from bench.timing import stats, timed
from db.engine import Database

IMPORT_JOURNAL = "БЕНЧ-ИМПОРТ"
IMPORT_TEMPLATE = "{seq}/{case}-П"  # not ИСХ's «{seq}/{case}»: two journals' numbers never match


def export(db_path: Path) -> dict[str, Any]:
    """A year of the journal (the year with most letters) to XLSX and to PDF."""
    year, rows = year_with_most_letters(db_path)
    db = open_registry(str(db_path))
    out: dict[str, Any] = {"year": year, "rows": rows}
    folder = Path(tempfile.mkdtemp(prefix="bench-journal-"))
    for suffix in ("xlsx", "pdf"):
        target = folder / f"journal.{suffix}"
        start = time.perf_counter()
        export_journal(db, dt.date(year, 1, 1), dt.date(year, 12, 31), target)
        out[suffix] = {
            "s": round(time.perf_counter() - start, 2),
            "mb": round(target.stat().st_size / 2**20, 1),
        }
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return out


def gaps(db_path: Path, repeat: int) -> dict[str, Any]:
    """Every number without a registered letter, in every journal and period."""
    db = open_registry(str(db_path))
    found = journal_gaps(db)
    times = timed(lambda: journal_gaps(db), repeat)
    db.dispose()
    return {
        "lines": len(found),
        "numbers": sum(gap.size for gap in found),
        "ours": stats(times),
    }


def _excel_journal(path: Path, rows: int, year: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Журнал")
    sheet.append(["№ п/п", "Дата", "Рег. номер", "Адресат", "Краткое содержание", "Исполнитель"])
    first = dt.datetime(year, 1, 9)
    for i in range(1, rows + 1):
        sheet.append([
            i, first + dt.timedelta(days=i * 350 // rows), f"{i}/{i % 40 + 1:02d}-П",
            f"Губернатору области № {i % 89 + 1}", f"О представлении сведений за период {i}",
            "Иванова",
        ])  # fmt: skip
    book.save(path)


def import_year(db_path: Path) -> dict[str, Any]:
    """A year of an Excel journal: checked (preview), then written; then removed again."""
    year, rows = year_with_most_letters(db_path)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = folder / "journal.xlsx"
    _excel_journal(path, rows, year)
    db = open_registry(str(db_path))
    save_journal(db, JournalData(IMPORT_JOURNAL, "Перенос из Excel", IMPORT_TEMPLATE))
    try:
        start = time.perf_counter()
        preview = preview_import(db, path, IMPORT_JOURNAL)
        checked = time.perf_counter() - start
        start = time.perf_counter()
        loaded = apply_import(db, preview)
        written = time.perf_counter() - start
    finally:
        _remove_journal(db, db_path)
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "rows": rows,
        "accepted": len(preview.accepted),
        "rejected": len(preview.rejected),
        "loaded": loaded,
        "preview_s": round(checked, 2),
        "apply_s": round(written, 2),
    }


def _remove_journal(db: Database, db_path: Path) -> None:
    """Take the run's letters and journal out with plain SQL (the program never deletes a
    letter), their words out of the index first: left there, every later search newest first
    walked through them (33,334 of them in the bench's million-letter registry)."""
    from sqlalchemy import select

    from app.storage.word_index import LETTERS, index_deleted
    from db.models import Journal, Letter

    with db.write() as session:
        journal = select(Journal.id).where(Journal.code == IMPORT_JOURNAL).scalar_subquery()
        ids = list(session.scalars(select(Letter.id).where(Letter.journal_id == journal)))
        index_deleted(session, LETTERS, ids)
    conn = sqlite3.connect(db_path)
    with conn:
        (journal_id,) = conn.execute(
            "SELECT id FROM journal WHERE code = ?", (IMPORT_JOURNAL,)
        ).fetchone()
        for table in ("letter", "journal_counter"):
            conn.execute(f"DELETE FROM {table} WHERE journal_id = ?", (journal_id,))
        # its audit events stay: the chain is append-only (a trigger refuses the delete)
        conn.execute("DELETE FROM journal WHERE id = ?", (journal_id,))
    conn.close()
