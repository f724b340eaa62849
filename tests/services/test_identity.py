"""A file copy of a registry is known as a copy (issue 36, row 5): registry B started as a file
copy of A no longer shares A's identity once decided — the window asks at once, the CLI says so
and refuses a backup until ``identity new|moved`` (or ``setup``) decides — so a shared backup
folder never restores B's copy into A."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.services.safety.opening import open_registry
from db.engine import Database
from tests.support.places import DATA
from tests.support.registry_files import file_copy, identity_of


def test_a_file_copy_is_a_copy_until_decided(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.services.safety.identity import copy_of

    assert copy_of(demo_db) is None
    assert identity_of(db_path)[1] == str(db_path.resolve())
    shared = tmp_path / "общие копии"
    a = ["--db", str(db_path)]
    assert main([*a, "backup", "--to", str(shared)]) == 0
    copy = file_copy(demo_db, db_path, tmp_path / "другой" / db_path.name)
    b = ["--db", str(copy)]
    capsys.readouterr()

    assert main([*b, "identity"]) == 0
    assert f"копия реестра {db_path.resolve()}" in capsys.readouterr().out
    assert main([*b, "backup", "--to", str(shared)]) == 2
    err = capsys.readouterr().err.strip()
    assert "Резервная копия не создана" in err and "secretariat identity new" in err
    assert len(err.splitlines()) == 1
    assert main([*b, "letters", "list"]) == 0  # work goes on, with the notice
    assert "копия реестра" in capsys.readouterr().err

    assert main([*b, "identity", "new"]) == 0
    assert identity_of(copy)[0] != identity_of(db_path)[0]
    assert identity_of(copy)[1] == str(copy.resolve())
    capsys.readouterr()
    assert main([*b, "letters", "list"]) == 0
    assert "копия реестра" not in capsys.readouterr().err
    assert main([*b, "backup", "--to", str(shared)]) == 0
    # A's latest from the shared folder is A's own copy, not B's newer one
    b_copy = max(shared.glob("*.db"), key=lambda p: p.stat().st_mtime)
    assert identity_of(b_copy)[0] == identity_of(copy)[0]
    demo_db.dispose()
    capsys.readouterr()
    assert main([*a, "backup", "--list", "--to", str(shared)]) == 0
    listed = capsys.readouterr().out
    assert listed.strip().endswith(": 1") and str(b_copy) not in listed  # A's own only
    with sqlite3.connect(db_path) as con:
        renewed = con.execute(
            "SELECT count(*) FROM audit_event WHERE action = 'identity_renewed'"
        ).fetchone()[0]
    assert renewed == 0
    with sqlite3.connect(copy) as con:
        renewed = con.execute(
            "SELECT count(*) FROM audit_event WHERE action = 'identity_renewed'"
        ).fetchone()[0]
    assert renewed == 1


def test_a_moved_registry_keeps_its_identity_and_setup_renews_a_copy(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    identity = identity_of(db_path)[0]
    demo_db.dispose()
    moved = tmp_path / "перенесено" / "реестр.db"
    moved.parent.mkdir()
    shutil.move(db_path, moved)
    capsys.readouterr()
    assert main(["--db", str(moved), "letters", "list"]) == 0
    assert "копия" not in capsys.readouterr().err
    assert identity_of(moved) == (identity, str(moved.resolve()))

    db = open_registry(str(moved))
    copy = file_copy(db, moved, tmp_path / "новый" / "реестр.db")
    db.dispose()
    assert main(["--db", str(copy), "setup", str(DATA / "setup-example.json")]) == 0
    assert "ей дана новая идентичность" in capsys.readouterr().out
    assert identity_of(copy)[0] != identity and identity_of(moved)[0] == identity
