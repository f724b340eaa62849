"""A registry file touched from outside the program: raw SQL as a maintainer would run it, a
lock held by another workstation, a file copy and its identity."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from db import engine
from db.engine import Database


def maintenance(db_path: Path, statement: str) -> None:
    """The owner's documented switch: a row in audit_maintenance for the length of the change."""
    run_sql(
        db_path,
        "INSERT INTO audit_maintenance (reason) VALUES ('проверка')",
        statement,
        "DELETE FROM audit_maintenance",
    )


@contextmanager
def held_lock(path: Path, *, released_on_wait: bool = True) -> Iterator[Holder]:
    holder = Holder(path)
    hook = holder.release_when_waited if released_on_wait else holder.waits.append
    engine.add_busy_hook(hook)
    try:
        yield holder
    finally:
        engine.remove_busy_hook(hook)
        if holder.other.in_transaction:
            holder.other.commit()
        holder.other.close()


def identity_of(path: Path) -> tuple[str, str]:
    with sqlite3.connect(path) as con:
        row = con.execute("SELECT id, home FROM database_identity").fetchone()
    return str(row[0]), str(row[1])


def file_copy(db: Database, db_path: Path, target: Path) -> Path:
    """What a clerk does in a file manager: the registry's file copied elsewhere (page by page,
    with what the -wal holds, as a copy of a closed registry would be)."""
    from app.services.safety.identity import copy_of

    assert copy_of(db) is None  # the home is noted at the first open
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(db_path), sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target


def run_sql(db_path: Path, *statements: str) -> None:
    with sqlite3.connect(db_path) as conn:
        for statement in statements:
            conn.execute(statement)


class Holder:
    """Another workstation's write transaction holding the lock until released — by the
    waiting side itself once it has said it waits, so the test never races a clock."""

    def __init__(self, path: Path) -> None:
        self.other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.other.execute("BEGIN IMMEDIATE")
        self.waits: list[float] = []

    def release_when_waited(self, waited: float) -> None:
        self.waits.append(waited)
        if self.other.in_transaction:
            self.other.commit()
