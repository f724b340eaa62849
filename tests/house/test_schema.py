"""Migrations, engine settings, and refusal of databases this program must not open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.services.safety.opening import open_registry
from app.support.errors import UserError
from db.engine import Database
from db.models import Base
from db.schema import (
    HEAD_REVISION,
    UNMODELLED_PREFIXES,
    known_revisions,
    schema_state,
    script_head,
)


def test_head_constant_matches_the_migration_scripts() -> None:
    assert script_head() == HEAD_REVISION
    assert known_revisions()[-1] == HEAD_REVISION


def test_empty_database_is_migrated_to_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert schema_state(db).current == HEAD_REVISION


def test_migrations_match_the_models(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def include_name(name: str | None, type_: str, _parent: object) -> bool:
        return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_PREFIXES))

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_pragmas(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000


def test_reopening_a_current_database_does_not_load_alembic(db_path: Path) -> None:
    import subprocess
    import sys

    open_registry(str(db_path)).dispose()
    code = (
        "import sys; from app.services.safety.opening import open_registry;"
        f" open_registry({str(db_path)!r});"
        " print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_database_of_a_newer_program_is_refused(db_path: Path) -> None:
    open_registry(str(db_path)).dispose()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(UserError, match="более новой версией программы"):
        open_registry(str(db_path))
    with sqlite3.connect(db_path) as conn:  # and it was left as it was
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"This is a letter, not a database." * 100)
    with pytest.raises(UserError, match="не является базой данных"):
        open_registry(str(path))


def test_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(UserError, match="другой программы"):
        open_registry(str(path))


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="не существует"):
        open_registry(str(tmp_path / "no" / "such.db"))


def test_foreign_keys_back_on_after_migration(db: Database) -> None:
    # the migration turns them off on its connection; the pool must not hand that one out so
    with db.write() as session:
        assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_upgrade_from_0001_indexes_existing_letters(db_path: Path) -> None:

    from app.services.demo import load_demo
    from app.services.registry.letter_list import LetterQuery, count_letters
    from app.storage.hooks import open_store
    from db.schema import downgrade, upgrade

    old = open_store(str(db_path))
    upgrade(old)
    load_demo(old)
    downgrade(old, "0001")  # back to a registry written by the first release
    assert schema_state(old).current == "0001"
    old.dispose()
    db = open_registry(str(db_path))
    assert schema_state(db).current == HEAD_REVISION
    assert count_letters(db, LetterQuery(search="губернатору")) == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM letter_words_docsize").fetchone() == (3,)


def test_state_checks_follow_the_state_families() -> None:
    """The values migration 0011 allows in each state column are the family's in
    app/rules/states.py."""
    import importlib

    from app.rules.states import ControlState, CopyState, DeliveryState, LetterStatus

    checks = importlib.import_module("db.migrations.versions.0011_state_checks")
    families = {
        ("letter", "status"): LetterStatus,
        ("letter", "delivery_state"): DeliveryState,
        ("letter_addressee", "dispatch_state"): CopyState,
        ("dispatch_event", "state"): CopyState,
        ("report_control", "state"): ControlState,
    }
    assert {(t, c): set(v) for t, c, v in checks.CHECKS} == {
        key: {m.value for m in family} for key, family in families.items()
    }
