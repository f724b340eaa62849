"""Execution control at scale: executors' tasks on the generated incoming letters (30 % of them
given to executors, most done — some late — the last year's partly open), then the control view's
first page and the discipline report for a year, each beside the floor a plain SQL query of the
same rows costs in the same run."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.timing import stats, timed

TASK = "bench"  # the generated tasks' text: generated once, found again next time


def generate_tasks(db_path: Path, share: float = 0.3) -> tuple[int, float]:
    """Tasks for ``share`` of the generated incoming letters that have none; how many there
    are, and the seconds it took."""
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    have = conn.execute("SELECT count(*) FROM incoming_assignment WHERE task = ?", (TASK,))
    if have.fetchone()[0]:
        count = conn.execute(
            "SELECT count(*) FROM incoming_assignment WHERE task = ?", (TASK,)
        ).fetchone()[0]
        conn.close()
        return int(count), 0.0
    staff = [row[0] for row in conn.execute("SELECT id FROM staff")]
    last = conn.execute("SELECT max(reg_date) FROM incoming_letter").fetchone()[0]
    last_year = dt.date.fromisoformat(last) - dt.timedelta(days=365)
    rng = random.Random(41)
    rows = []
    for letter, reg in conn.execute(
        "SELECT id, reg_date FROM incoming_letter WHERE created_by = 'bench' AND id NOT IN "
        "(SELECT incoming_id FROM incoming_assignment)"
    ):
        if rng.random() >= share:
            continue
        day = dt.date.fromisoformat(reg)
        due = day + dt.timedelta(days=rng.randint(5, 30))
        if day >= last_year and rng.random() < 0.3:
            done = None
        elif rng.random() < 0.8:
            done = due - dt.timedelta(days=rng.randint(0, 4))
        else:
            done = due + dt.timedelta(days=rng.randint(1, 15))
        rows.append((letter, rng.choice(staff), due.isoformat(), due.isoformat(),
                     done.isoformat() if done else None))  # fmt: skip
    conn.executemany(
        "INSERT INTO incoming_assignment (incoming_id, position, executor_id, responsible, task, "
        "due_date, first_due, done_date, done_note, assigned_at) "
        f"VALUES (?, 0, ?, 1, '{TASK}', ?, ?, ?, '', '2026-01-01 00:00:00')",
        rows,
    )
    conn.commit()
    conn.close()
    return len(rows), round(time.perf_counter() - start, 1)


def run(db_path: Path, repeat: int) -> dict[str, Any]:
    from app.services.execution.control_view import INCOMING, ControlQuery, control_items
    from app.services.execution.discipline_report import discipline_rows
    from app.services.safety.opening import open_registry

    tasks, generated = generate_tasks(db_path)
    conn = sqlite3.connect(db_path)
    # the generated tasks' last year (the demo's own few come later)
    last = dt.date.fromisoformat(conn.execute(
        "SELECT max(due_date) FROM incoming_assignment WHERE task = ?", (TASK,)
    ).fetchone()[0])  # fmt: skip
    year = (last - dt.timedelta(days=365), last)
    db = open_registry(str(db_path))
    today = last - dt.timedelta(days=20)
    first_page = ControlQuery(kinds=(INCOMING,), today=today)
    overdue = ControlQuery(show="overdue", kinds=(INCOMING,), today=today)

    def sql_first_page() -> None:
        conn.execute(
            "SELECT a.id, a.due_date, l.number FROM incoming_assignment a JOIN incoming_letter l "
            "ON l.id = a.incoming_id WHERE a.done_date IS NULL AND a.due_date IS NOT NULL "
            "ORDER BY a.due_date LIMIT 100"
        ).fetchall()

    def sql_year() -> None:
        conn.execute(
            "SELECT executor_id, count(*), sum(done_date <= due_date), sum(done_date > due_date),"
            " sum(done_date IS NULL) FROM incoming_assignment WHERE due_date BETWEEN ? AND ? "
            "GROUP BY executor_id",
            (year[0].isoformat(), year[1].isoformat()),
        ).fetchall()

    in_year = conn.execute(
        "SELECT count(*) FROM incoming_assignment WHERE due_date BETWEEN ? AND ?",
        (year[0].isoformat(), year[1].isoformat()),
    ).fetchone()[0]
    result = {
        "tasks": tasks,
        "tasks_in_year": in_year,
        "generate_s": generated,
        "open": len(control_items(db, first_page)),
        "first_page": stats(timed(lambda: control_items(db, first_page, limit=100), repeat)),
        "first_page_sql": stats(timed(sql_first_page, repeat)),
        "overdue": stats(timed(lambda: control_items(db, overdue, limit=100), repeat)),
        "year_report": stats(timed(lambda: discipline_rows(db, *year, today=today), repeat)),
        "year_report_sql": stats(timed(sql_year, repeat)),
    }
    db.dispose()
    conn.close()
    return result
