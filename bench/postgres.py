"""The registry's searches on PostgreSQL: a real server started here, the benchmark's SQLite
registry moved into it by ``migrate-to`` (timed: the word index is built on the way), then the
same queries as on SQLite beside the bare SQL over the same GIN index.

The server's folder is kept beside the ``--db`` file (``<db>.pg``), so a million letters are
moved once; ``--only postgres`` then reuses them. Run as root, the server runs as ``postgres``,
which cannot enter a root-only folder (a temporary folder, /root): its folder is then kept in
/var/tmp under a name made from the ``--db`` path, and reused the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from functools import partial
from pathlib import Path
from typing import Any

from app.cli.progress_line import ProgressLine
from app.rules.search_terms import parse_search, tsquery
from app.services.safety.migrate import migrate_to
from app.services.safety.opening import open_registry
from bench.search_timing import time_searches
from tests.support.pg_server import start_server

DATABASE = "bench"


def server_folder(db_path: Path) -> Path:
    """Where the server's files are kept: beside the database, when the server's user can get
    there."""
    folder = db_path.with_suffix(".pg")
    if os.getuid() != 0 or _reachable(folder.parent):
        return folder
    digest = hashlib.sha256(str(db_path.resolve()).encode()).hexdigest()[:12]
    return Path("/var/tmp") / f"secretariat-bench-pg-{digest}"


def _reachable(folder: Path) -> bool:
    """Whether ``postgres`` can enter ``folder`` (every folder on the way must let it)."""
    check = ["runuser", "-u", "postgres", "--", "test", "-x", str(folder)]
    return subprocess.run(check, capture_output=True, timeout=30).returncode == 0


def run(
    db_path: Path, queries: tuple[str, ...], repeat: int, *, keep: bool = True
) -> dict[str, Any]:
    """``keep``: the server's folder kept for the next run (the bench's ``--db``)."""
    root = server_folder(db_path)
    server = start_server(root, shared_buffers="1GB")
    if server is None:
        return {"skipped": "PostgreSQL is not installed here"}
    try:
        url = server.url(DATABASE)
        loaded = root / "loaded.json"
        if not loaded.exists():
            server.create_database(DATABASE)
            source = open_registry(str(db_path))
            start = time.perf_counter()
            report = migrate_to(source, url, ProgressLine("migrate-to"))
            moved = {"rows": report.rows, "migrate_to_s": round(time.perf_counter() - start, 1)}
            source.dispose()
            loaded.write_text(json.dumps(moved), encoding="utf-8")
        moved = json.loads(loaded.read_text(encoding="utf-8"))
        db = open_registry(url)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        raw = db.engine.raw_connection()
        result = time_searches(db, queries, repeat, partial(_bare, raw))
        raw.close()
        db.dispose()
        return {**moved, **result}
    finally:
        server.stop(remove=not keep)


def _bare(raw: Any, search: str) -> None:
    """The SQL a developer would write over the same GIN index: exact count, page by date."""
    query = tsquery(parse_search(search))
    cur = raw.cursor()
    match = "search_vector @@ CAST(%s AS tsquery)"
    cur.execute(f"SELECT count(*) FROM letter WHERE {match}", (query,))
    cur.fetchall()
    cur.execute(
        "SELECT id, number, reg_date, addressee_text, subject, status FROM letter "
        f"WHERE {match} ORDER BY reg_date DESC, id DESC LIMIT 200",
        (query,),
    )
    cur.fetchall()
    raw.rollback()
