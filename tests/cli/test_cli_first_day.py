"""The command line as a new clerk types it (issue 35): ``--db`` after the command, dates as
ДД.ММ.ГГГГ, every message of the argument parser in Russian."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main

ENGLISH = (
    "required", "invalid", "unrecognized", "expected", "argument", "usage", "choose",
    "error", "ambiguous", "allowed",
)  # fmt: skip


def test_db_is_taken_after_the_command_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "новая.db"
    assert main(["demo", "--db", str(db)]) == 0
    assert "Демонстрационные данные загружены" in capsys.readouterr().out
    assert main(["letters", "list", "--db", str(db), "--format", "json"]) == 0
    assert "1893/5" in capsys.readouterr().out
    # before the command as it always was; after it, the later one wins
    assert main(["--db", str(tmp_path / "other.db"), "check", "--db", str(db)]) == 0
    assert str(db) in capsys.readouterr().out


def test_dates_as_a_clerk_types_them(
    demo_db: object, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(db_path), "letters", "list", "--format", "csv"]
    assert main([*base, "--from", "01.01.2020", "--to", "31.12.2099"]) == 0
    russian = capsys.readouterr().out
    assert main([*base, "--from", "2020-01-01", "--to", "2099-12-31"]) == 0
    assert capsys.readouterr().out == russian and "1893/5" in russian
    with pytest.raises(SystemExit) as stop:  # the parser's own exit, as a process has it
        main([*base, "--from", "31.02.2026"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "«31.02.2026» — не дата (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["letters", "register"],
        ["letters", "list", "--status", "bad"],
        ["letters", "list", "--limit"],
        ["incoming", "list", "--bogus"],
        ["letters"],
        ["nonsense"],
        ["letters", "show"],
        ["reports", "list", "--show", "x"],
        ["letters", "list", "--limit", "x"],
    ],
)
def test_every_parser_message_is_russian(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("secretariat: неверные аргументы: ") and err.count("\n") == 1
    said = err.lower()
    assert not [word for word in ENGLISH if word in said], err


def test_help_is_russian(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["letters", "list", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("использование: secretariat letters list")
    assert "показать эту справку и выйти" in out and "usage" not in out
