"""The registry's first page read at start with plain ``sqlite3`` (before the ORM is imported)
is the page the listing gives: every kind of line — registered with reports owed, annulled,
reserved, with files, with no signatory — and the count capped as the registry caps it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from app.services.registry.first_page import read_first_page
from app.services.registry.letter_files import attach_file
from app.services.registry.letter_list import (
    COUNT_CAP,
    LetterQuery,
    count_letters,
    list_letters,
)
from app.services.registry.letters import (
    annul_letter,
    letter_id_by_number,
    register_letter,
    reserve_number,
)
from db.engine import Database
from tests.support.builders import make_card


def both(db: Database, *, limit: int = 200, cap: int = COUNT_CAP) -> tuple[Any, Any]:
    path = db.sqlite_path
    assert path is not None
    quick = read_first_page(path, limit=limit, cap=cap)
    assert quick is not None
    listed = (
        list_letters(db, LetterQuery(), limit=limit),
        count_letters(db, LetterQuery(), cap=cap),
    )
    return (quick.rows, quick.count), listed


def test_the_quick_page_is_the_listed_page(demo_db: Database, tmp_path: Path) -> None:
    annul_letter(demo_db, letter_id_by_number(demo_db, "710/5"), "ошибка в адресате")
    reserve_number(demo_db, "ИСХ", date=dt.date(2025, 12, 2), case="5", note="в Минфин")
    scan = tmp_path / "скан.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    attach_file(demo_db, letter_id_by_number(demo_db, "1893/5"), scan, kind="scan")
    for i in range(12):  # the same day: the order falls to the id
        register_letter(demo_db, make_card(subject=f"О письме {i}", date=dt.date(2025, 12, 3)))
    quick, listed = both(demo_db)
    assert quick == listed
    rows = quick[0]
    assert {r.status for r in rows} >= {"registered", "annulled", "reserved"}
    assert any(r.reports_total and r.report_due for r in rows) and any(r.files for r in rows)
    small_quick, small_listed = both(demo_db, limit=5, cap=7)
    assert small_quick == small_listed
    assert len(small_quick[0]) == 5 and small_quick[1] == 8


def test_what_the_quick_page_does_not_read(demo_db: Database, tmp_path: Path) -> None:
    """A file an update must migrate, a missing file, one that is no registry: None, and the
    window takes its full start."""
    from sqlalchemy import text

    path = demo_db.sqlite_path
    assert path is not None
    with demo_db.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0021'"))
    assert read_first_page(path, limit=200, cap=COUNT_CAP) is None
    assert read_first_page(tmp_path / "нет.db", limit=200, cap=COUNT_CAP) is None
    (tmp_path / "text.db").write_text("не база")
    assert read_first_page(tmp_path / "text.db", limit=200, cap=COUNT_CAP) is None
