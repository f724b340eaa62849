"""A registry's identity and the file copy that would share it.

Every registry has an identity (migration 0008) that its backups carry, so a shared backup folder
never mixes two registries' copies. A file copy of a registry carries the identity too; since
migration 0019 the identity row also remembers the file it lives in (``home``). Opened from
another place while that file still holds the same identity, the database is a *copy*: the window
asks at once, and the CLI says so, whether it is a registry of its own (a new identity,
``secretariat identity new``; ``setup`` does it too) or the same registry moved
(``secretariat identity moved``). A database whose home is gone was moved: its home follows it.
Until that is decided, no backup is taken of it (its copies would pass for the other's).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.storage import audit
from app.support.errors import UserError
from db.engine import Database
from db.models import DatabaseIdentity


def database_identity(path: Path) -> str | None:
    """The registry identity kept in a database file or copy (migration 0008); None when the
    file cannot be read or predates identities."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT id FROM database_identity").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
    return str(row[0]) if row else None


@dataclass(frozen=True)
class CopyOf:
    """This database is a file copy of the registry at ``home``, which is still there."""

    home: Path
    here: Path

    @property
    def line(self) -> str:
        return (
            f"База {self.here} — копия реестра {self.home}: у них одна идентичность. Если это "
            "отдельный реестр — secretariat identity new; если тот же, перенесенный, — "
            "secretariat identity moved"
        )


def _here(db: Database) -> Path | None:
    if db.sqlite_path is None or db.read_only:
        return None
    return db.sqlite_path.resolve()


def copy_of(db: Database) -> CopyOf | None:
    """Whether the open database is an undecided copy; its home is noted on the first open and
    follows a database that was moved."""
    here = _here(db)
    if here is None:
        return None
    with db.read() as session:
        row = session.scalars(select(DatabaseIdentity)).first()
        if row is None:
            return None
        identity, home = row.id, row.home
    if home == str(here):
        return None
    if home and Path(home) != here and database_identity(Path(home)) == identity:
        return CopyOf(Path(home), here)
    _home_here(db, here, noted=bool(home))  # first open since 0019, or moved
    return None


def _home_here(db: Database, here: Path, *, noted: bool = True) -> None:
    """The identity's home is this file now; a home noted before moves, in the audit."""
    with db.write() as session:
        row = session.scalars(select(DatabaseIdentity)).one()
        before, row.home = row.home, str(here)
        if noted:
            audit.record(session, "registry", None, "moved", before=before, after=str(here))


def renew_identity(db: Database) -> str:
    """Make this copy a registry of its own: a new identity, its home here."""
    here = _here(db)
    if here is None:
        raise UserError(
            "Новая идентичность — только для встроенной базы SQLite, открытой на запись"
        )
    with db.write() as session:
        row = session.scalars(select(DatabaseIdentity)).one()
        before, copied_from = row.id, row.home
        new = str(uuid.uuid4())
        session.delete(row)
        session.flush()
        session.add(DatabaseIdentity(id=new, created_at=row.created_at, home=str(here)))
        audit.record(
            session, "registry", None, "identity_renewed", before=before, after=new,
            copy_of=copied_from,
        )  # fmt: skip
    return new


def confirm_moved(db: Database) -> None:
    """This is the same registry, moved here: its home follows (the old file is a leftover)."""
    here = _here(db)
    if here is None:
        raise UserError("Перенос отмечается только для встроенной базы SQLite, открытой на запись")
    _home_here(db, here)
