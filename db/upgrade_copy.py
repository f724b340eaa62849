"""Upgrading an embedded registry by copying it into a new file instead of changing it in place.

Migration 0016 drops the folded copy of every letter's text and the trigram index. In place,
SQLite rewrites every row of a million letters through its write-ahead log and then copies the
log back: 12 minutes for the schema alone, a log as large as the file, and a file that stays
13 GB until compacted (measured, bench/README.md). Instead, a new file gets the current schema
from the migrations, every row is copied into it by SQL (``INSERT … SELECT`` from the attached
old file, the columns both have), ``finish`` fills what the program computes (the word index),
the row counts are compared, and the new file replaces the old one by an atomic rename.

The new file is written without a journal: until the rename, the registry is the old file,
untouched (a write lock on it keeps other programs from changing it meanwhile); a failure or a
crash leaves at most a ``.upgrade`` file that the next attempt removes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Column

from db.engine import Database, open_database
from db.models import Base
from db.schema import BUILT_BY_TARGET, FILLED_BY_MIGRATIONS, SchemaError


class CopyUpgradeError(SchemaError):
    """The copy failed or did not match the old file; the old file stays the registry."""


def upgrade_by_copy(
    path: Path, upgrade: Callable[[Database], None], finish: Callable[[Database], object]
) -> None:
    """Replace the registry at ``path`` by a copy at the current schema (``upgrade`` makes the
    schema of the empty new file; ``finish`` completes the new file before it replaces the old)."""
    try:
        _upgrade_by_copy(path, upgrade, finish)
    except (sqlite3.Error, OSError) as exc:
        raise CopyUpgradeError(f"копия базы не создана ({exc}); база осталась прежней") from exc


def _upgrade_by_copy(
    path: Path, upgrade: Callable[[Database], None], finish: Callable[[Database], object]
) -> None:
    new = path.with_name(path.name + ".upgrade")
    _remove(new)
    old = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        old.execute("BEGIN IMMEDIATE")  # nobody writes to the old file while it is copied
        target = open_database(new, unjournaled=True)
        try:
            upgrade(target)
            _copy_rows(target, path)
            finish(target)
            _compare(target, path)
        finally:
            target.dispose()
        with open(new, "rb+") as written:
            os.fsync(written.fileno())
        old.execute("ROLLBACK")
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        old.close()
        _remove(new)
        raise
    old.close()
    os.replace(new, path)
    for suffix in ("-wal", "-shm"):  # the old file's, emptied by the checkpoint above
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _sync_folder(path.parent)


def _copy_rows(target: Database, old_path: Path) -> None:
    with target.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")  # rows come in table order, checked after
        raw.execute("ATTACH DATABASE ? AS old", (str(old_path),))
        try:
            raw.execute("BEGIN")
            for table in Base.metadata.sorted_tables:
                name = table.name
                if name in BUILT_BY_TARGET:
                    continue
                theirs = {row[1] for row in raw.execute(f'PRAGMA old.table_info("{name}")')}
                if not theirs:
                    continue  # a table newer than the old file: it starts empty
                ours = [c.name for c in table.columns]
                missing = {(name, c.name) for c in table.columns if c.name not in theirs} - {
                    (name, c.name) for c in table.columns if _given(c)
                }
                if missing:
                    raise CopyUpgradeError(f"в старой базе нет столбцов {sorted(missing)}")
                columns = ", ".join(f'"{c}"' for c in ours if c in theirs)
                if name in FILLED_BY_MIGRATIONS:
                    raw.execute(f'DELETE FROM main."{name}"')
                raw.execute(
                    f'INSERT INTO main."{name}" ({columns}) SELECT {columns} FROM old."{name}"'
                )
            raw.execute("COMMIT")
            broken = raw.execute("PRAGMA main.foreign_key_check").fetchall()
            if broken:
                raise CopyUpgradeError(f"ссылки между таблицами нарушены: {broken[:3]}")
        finally:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raw.execute("DETACH DATABASE old")
            raw.execute("PRAGMA foreign_keys = ON")


def _given(column: Column[Any]) -> bool:
    """A column newer than the old file that its rows may lack: NULL or the schema's default."""
    return column.nullable is True or column.server_default is not None


def _compare(target: Database, old_path: Path) -> None:
    """Every table of the old file has as many rows in the new one."""
    old = sqlite3.connect(f"file:{old_path}?mode=ro", uri=True)
    try:
        with target.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            for table in Base.metadata.sorted_tables:
                if table.name in BUILT_BY_TARGET:
                    continue
                query = f'SELECT count(*) FROM "{table.name}"'
                if not old.execute(f'PRAGMA table_info("{table.name}")').fetchall():
                    continue  # newer than the old file
                before = old.execute(query).fetchone()[0]
                after = raw.execute(query).fetchone()[0]
                if before != after:
                    raise CopyUpgradeError(f"{table.name}: {before} строк, в копии {after}")
    finally:
        old.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
