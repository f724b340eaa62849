"""A file copy of a registry is known as a copy (issue 36, row 5): registry B started as a file
copy of A no longer shares A's identity once decided — the window asks at once, the CLI says so
and refuses a backup until ``identity new|moved`` (or ``setup``) decides — so a shared backup
folder never restores B's copy into A."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.cli import main
from app.services.safety.opening import open_registry
from db.engine import Database
from tests.conftest import DATA


def _identity(path: Path) -> tuple[str, str]:
    with sqlite3.connect(path) as con:
        row = con.execute("SELECT id, home FROM database_identity").fetchone()
    return str(row[0]), str(row[1])


def _file_copy(db: Database, db_path: Path, target: Path) -> Path:
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


def test_a_file_copy_is_a_copy_until_decided(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.services.safety.identity import copy_of

    assert copy_of(demo_db) is None
    assert _identity(db_path)[1] == str(db_path.resolve())
    shared = tmp_path / "общие копии"
    a = ["--db", str(db_path)]
    assert main([*a, "backup", "--to", str(shared)]) == 0
    copy = _file_copy(demo_db, db_path, tmp_path / "другой" / db_path.name)
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
    assert _identity(copy)[0] != _identity(db_path)[0]
    assert _identity(copy)[1] == str(copy.resolve())
    capsys.readouterr()
    assert main([*b, "letters", "list"]) == 0
    assert "копия реестра" not in capsys.readouterr().err
    assert main([*b, "backup", "--to", str(shared)]) == 0
    # A's latest from the shared folder is A's own copy, not B's newer one
    b_copy = max(shared.glob("*.db"), key=lambda p: p.stat().st_mtime)
    assert _identity(b_copy)[0] == _identity(copy)[0]
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
    identity = _identity(db_path)[0]
    demo_db.dispose()
    moved = tmp_path / "перенесено" / "реестр.db"
    moved.parent.mkdir()
    shutil.move(db_path, moved)
    capsys.readouterr()
    assert main(["--db", str(moved), "letters", "list"]) == 0
    assert "копия" not in capsys.readouterr().err
    assert _identity(moved) == (identity, str(moved.resolve()))

    db = open_registry(str(moved))
    copy = _file_copy(db, moved, tmp_path / "новый" / "реестр.db")
    db.dispose()
    assert main(["--db", str(copy), "setup", str(DATA / "setup-example.json")]) == 0
    assert "ей дана новая идентичность" in capsys.readouterr().out
    assert _identity(copy)[0] != identity and _identity(moved)[0] == identity


@pytest.mark.parametrize(("button", "renewed"), [("Отдельный реестр", True), ("перенесен", False)])
def test_the_window_asks_at_once(
    qtbot: QtBot, demo_db: Database, db_path: Path, tmp_path: Path, button: str, renewed: bool
) -> None:
    from ui.copy_question import settle_copy

    identity = _identity(db_path)[0]
    copy = _file_copy(demo_db, db_path, tmp_path / "копия" / db_path.name)
    db = open_registry(str(copy))
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        target = next(b for b in box.buttons() if button in b.text().replace("&", ""))
        target.click()

    QTimer.singleShot(0, click)
    try:
        settle_copy(None, db, "Секретариат")
        assert seen and "копия реестра" in seen[0]
        assert (_identity(copy)[0] != identity) is renewed
        assert _identity(copy)[1] == str(copy.resolve())
        assert settle_copy(None, db, "Секретариат") == ""  # decided: asked once
    finally:
        db.dispose()
