"""The registry's first page read with plain ``sqlite3``, before the ORM is imported.

At start the window paints this page while SQLAlchemy, the tabs and the menus load (≈ 1 s at a
million letters; issue 43). Only an embedded registry already at the program's schema is read so;
a server, a file an update must migrate, or any error gives None, and the window waits for its
full start as before. The statements are those of ``letter_list`` for the registry's default
view (every letter, newest first, the count stopping at ``cap + 1``) written out in SQL; the
lines are made by ``letter_rows`` as the listing makes them, and a test compares the two
readers on every kind of line."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.rules.states import DONE_STATES
from app.services.registry.letter_rows import LetterRow, Progress, letter_rows
from db.revision import HEAD_REVISION

PAGE = """
SELECT l.id, j.code, l.number, l.reg_date, l.status, l.addressee_text, l.subject,
       s.last_name, s.first_name, s.middle_name, e.last_name, e.first_name, e.middle_name,
       l.delivery_state, l.annul_reason
FROM letter AS l
JOIN journal AS j ON j.id = l.journal_id
LEFT OUTER JOIN staff AS s ON s.id = l.signatory_id
LEFT OUTER JOIN staff AS e ON e.id = l.executor_id
ORDER BY l.reg_date DESC, l.id DESC
LIMIT ?
"""
COUNT = "SELECT count(*) FROM (SELECT l.id FROM letter AS l LIMIT ?)"
REPORTS = """
SELECT r.letter_id, r.due_date, sum(CASE WHEN c.state IN ({done}) THEN 1 ELSE 0 END), count(*)
FROM report_request AS r
JOIN letter_addressee AS a ON a.letter_id = r.letter_id
JOIN report_control AS c ON c.addressee_id = a.id
WHERE r.letter_id IN ({ids})
GROUP BY r.letter_id, r.due_date
"""
FILES = "SELECT letter_id, count(*) FROM letter_file WHERE letter_id IN ({ids}) GROUP BY letter_id"


@dataclass(frozen=True)
class FirstPage:
    rows: list[LetterRow]
    count: int  # at most ``cap + 1``: «more than cap»


def read_first_page(path: Path, *, limit: int, cap: int) -> FirstPage | None:
    """The newest ``limit`` letters of the registry file at ``path`` and their capped count,
    or None when this quick reading does not apply (see the module's note)."""
    try:
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision != HEAD_REVISION:
            return None
        found = [_dated(r) for r in conn.execute(PAGE, (limit,))]
        ids = [r[0] for r in found]
        count = int(conn.execute(COUNT, (cap + 1,)).fetchone()[0])
        return FirstPage(letter_rows(found, _progress(conn, ids), _files(conn, ids)), count)
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        conn.close()


def _dated(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*row[:3], dt.date.fromisoformat(str(row[3])), *row[4:])


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _progress(conn: sqlite3.Connection, ids: list[int]) -> Progress:
    if not ids:
        return {}
    sql = REPORTS.format(done=_marks(len(DONE_STATES)), ids=_marks(len(ids)))
    rows = conn.execute(sql, (*(str(s) for s in DONE_STATES), *ids))
    return {
        int(lid): (dt.date.fromisoformat(str(due)), int(got or 0), int(total))
        for lid, due, got, total in rows
    }


def _files(conn: sqlite3.Connection, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = conn.execute(FILES.format(ids=_marks(len(ids))), ids)
    return {int(lid): int(n) for lid, n in rows}
