"""Schema version: check it cheaply at start, migrate when behind, refuse when ahead.

The current revision is read with one plain query; Alembic (slow to import) is loaded only when
the database is not at :data:`HEAD_REVISION`. A test keeps that constant equal to the head of the
migration scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from db.engine import Database
from db.revision import HEAD_REVISION  # the program's schema, kept apart for the start-up

# tables kept by SQLite itself or by FTS5, not described by the models
UNMODELLED_PREFIXES = (
    "sqlite_",
    "letter_words",
    "recipient_words",
    "incoming_letter_words",
    "letter_fts",
    "recipient_fts",
    "audit_key",  # PostgreSQL only: the audit's key, the owner's alone (migration 0019)
)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Copying a registry into a fresh schema (``migrate-to``, db/upgrade_copy.py): these tables the
# migrations already fill, and the copy replaces their rows by the source's (the registry keeps
# its identity and its audit chain's head) ...
FILLED_BY_MIGRATIONS = ("database_identity", "audit_chain")
# ... and these the copy leaves to the target: its word index is built from the copied rows
BUILT_BY_TARGET = ("search_index_state", "search_term", "registry_role")


class SchemaError(Exception):
    """The database cannot be used by this version of the program."""


class NotADatabaseError(SchemaError):
    """The file is not a database, or is damaged."""


class NoAccessError(SchemaError):
    """A server database this user may not read: no role given (or taken away)."""


class ForeignDatabaseError(SchemaError):
    """A database, but not one of this program."""


class SchemaTooNewError(SchemaError):
    """Written by a newer version of the program."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: an empty database
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def current_revision(db: Database) -> str | None:
    """The revision stored in the database, or None when it has no tables of ours at all."""
    try:
        with db.read_engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if "alembic_version" not in names:
                if {n for n in names if not n.startswith(UNMODELLED_PREFIXES)}:
                    raise ForeignDatabaseError(", ".join(sorted(names)[:5]))
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            conn.rollback()
    except SADatabaseError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # a server user given no role
            raise NoAccessError(str(exc.orig).splitlines()[0]) from exc
        raise NotADatabaseError(str(exc.orig)) from exc
    return None if row is None else str(row[0])


def schema_state(db: Database) -> SchemaState:
    return SchemaState(current=current_revision(db), head=HEAD_REVISION)


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> list[str]:
    """All revisions of the migration scripts, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def script_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    assert head is not None
    return head


def ensure_schema(db: Database) -> SchemaState:
    """Bring the database to the head revision; refuse one written by a newer program."""
    state = schema_state(db)
    if state.is_current:
        return state
    if state.current is not None and state.current not in known_revisions():
        raise SchemaTooNewError(state.current)
    upgrade(db)
    return schema_state(db)


def upgrade(db: Database, revision: str = "head") -> None:
    _migrate(db, "upgrade", revision)


def downgrade(db: Database, revision: str) -> None:
    """Back to an older revision (the tests make registries of older releases so), with the
    same care for cascades as :func:`upgrade`."""
    _migrate(db, "downgrade", revision)


def _migrate(db: Database, direction: str, revision: str) -> None:
    from alembic import command

    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection if db.is_sqlite else None
        if raw is not None:
            # Batch migrations recreate tables; with foreign keys on, ON DELETE CASCADE would
            # silently delete the child rows. The pragma is a no-op inside a transaction, so it is
            # set on the raw connection before Alembic begins one.
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            getattr(command, direction)(_alembic_config(conn), revision)
            if raw is not None:
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise SchemaError(f"foreign_key_check after migration: {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")
