"""A database busy with another workstation's write: the clerk waits, is told so, and the write
goes through; past the limit it is one Russian line, nothing written — never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from db import engine
from db.engine import Database
from tests.support.registry_files import held_lock


def test_the_cli_waits_says_so_and_registers(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    with held_lock(db_path):
        assert main(["--db", str(db_path), "letters", "reserve", "--journal", "ИСХ",
                     "--case", "5"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert err == "secretariat: база занята другим рабочим местом, ожидание…\n"
    assert out.strip()  # the number reserved


def test_past_the_limit_nothing_is_written_and_the_clerk_is_told(
    demo_db: Database, db_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from app.services.registry.letter_list import LetterQuery, count_letters

    monkeypatch.setattr(engine, "BEGIN_WAIT_LIMIT_S", 0.6)
    before = count_letters(demo_db, LetterQuery())
    capsys.readouterr()
    with held_lock(db_path, released_on_wait=False):
        code = main(["--db", str(db_path), "letters", "reserve", "--journal", "ИСХ",
                     "--case", "5"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("secretariat: база занята другим рабочим местом дольше 1 мин")
    assert count_letters(demo_db, LetterQuery()) == before
