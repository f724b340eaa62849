"""No output path may be the registry (issue 36, row 1): an export, a saved file, a card or a
journal printout aimed at the database file, its -wal/-shm, its backups folder or a link to it is
refused with one Russian line, exit code 2, and the registry stays byte for byte as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.cli import main
from app.services.safety.maintenance import check_database
from db.engine import Database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _outputs(db_path: Path, tmp_path: Path) -> list[tuple[list[str], Path]]:
    """(the command, where it is told to write) for every kind of clerk output."""

    def link(name: str) -> Path:  # a link with the suffix the command wants, to the registry
        path = tmp_path / name
        path.symlink_to(db_path)
        return path

    (db_path.parent / "backups").mkdir(exist_ok=True)
    return [
        (["letters", "export", "710/5", "--format", "pdf", "--out"], db_path),
        (["letters", "export", "710/5", "--format", "pdf", "--out"], Path(f"{db_path}-wal")),
        (["letters", "export", "710/5", "--format", "pdf", "--out"], Path(db_path.name)),
        (["letters", "export", "710/5", "--format", "pdf", "--out"], link("ссылка.pdf")),
        (["letters", "export", "710/5", "--format", "docx", "--out"],
         db_path.parent / "backups" / "письмо.docx"),
        (["letters", "report-form", "1893/5", "--out"], link("форма.xlsx")),
        (["journal", "export", "--from", "01.01.2025", "--to", "31.12.2025", "--out"],
         link("журнал.pdf")),
        (["recipients", "export"], link("адресаты.csv")),
        (["letters", "export", "1893/5", "--per-recipient", "--out"],
         db_path.parent / "backups" / "копии"),
    ]  # fmt: skip


def test_no_output_may_be_the_registry(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(db_path.parent)
    assert main(["--db", str(db_path), "identity"]) == 0  # the first open notes the file's home
    demo_db.dispose()
    import sqlite3

    with sqlite3.connect(db_path) as con:  # that note into the main file, not left in the -wal
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _digest(db_path)
    for argv, out in _outputs(db_path, tmp_path):
        capsys.readouterr()
        code = main(["--db", str(db_path), *argv, str(out)])
        err = capsys.readouterr().err
        assert code == 2, (argv, out, err)
        assert err.count("\n") == 1 and "ничего не записано" in err, err
        assert "реестр" in err or "резервных копий" in err, err
        assert _digest(db_path) == before, argv
    assert check_database(demo_db).ok


def test_a_stored_file_is_not_saved_over_the_registry(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = tmp_path / "скан.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert main(["--db", str(db_path), "letters", "attach", "710/5", str(scan)]) == 0
    capsys.readouterr()
    argv = ["--db", str(db_path), "letters", "file", "710/5", "скан.pdf", "--out", str(db_path)]
    assert main(argv) == 2
    assert "это файл базы данных (реестр)" in capsys.readouterr().err
    assert check_database(demo_db).ok
    assert main([*argv[:-1], str(tmp_path / "копия.pdf")]) == 0  # elsewhere it is written
