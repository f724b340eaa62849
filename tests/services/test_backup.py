"""Backups: online copies that hold everything committed, rotation, a checked restore that keeps
the current database aside, a full disk that leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import errno
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.services.registry.letter_list import list_letters
from app.services.registry.letters import Addressee, LetterCard, register_letter
from app.services.safety import backup
from app.services.safety.backup import (
    BackupInfo,
    automatic_backup,
    create_backup,
    list_backups,
    restore_backup,
    to_keep,
)
from app.services.safety.opening import open_registry
from app.support.errors import UserError
from db.engine import Database


def _numbers(path: Path) -> set[str]:
    db = open_registry(str(path))
    try:
        return {r.number for r in list_letters(db, limit=10**6)}
    finally:
        db.dispose()


def _register(db: object, subject: str) -> str:
    card = LetterCard(
        journal="РСК",
        subject=subject,
        addressee=Addressee(text="Губернатору"),
        body="Текст.",
        signatory="protasov",
    )
    return register_letter(db, card).number  # type: ignore[arg-type]


def test_online_copy_holds_every_committed_letter(
    demo_db: object, db_path: Path, tmp_path: Path
) -> None:
    number = _register(demo_db, "О резервном копировании")
    # the letter sits in the -wal file now: a file copy of registry.db alone would lose it
    assert Path(f"{db_path}-wal").stat().st_size > 0
    info = create_backup(demo_db, tmp_path / "copies")  # type: ignore[arg-type]
    assert info.kind == "manual" and info.path.name.startswith("registry-")
    con = sqlite3.connect(info.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one whole file
    con.close()
    assert number in _numbers(info.path)
    assert not list((tmp_path / "copies").glob(".*.tmp"))


def test_full_disk_during_backup_leaves_no_file(
    demo_db: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_source: Path, target: Path) -> None:
        target.write_bytes(b"half a copy")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_copy_online", full)
    folder = tmp_path / "copies"
    with pytest.raises(UserError, match=r"на диске нет места.*база данных не изменена"):
        create_backup(demo_db, folder)  # type: ignore[arg-type]
    assert list(folder.iterdir()) == []
    assert _register(demo_db, "После ошибки")  # the database works on


def _info(when: dt.datetime, kind: str = "exit") -> BackupInfo:
    return BackupInfo(Path(f"r-{when:%Y%m%d-%H%M%S}-{kind}.db"), when, kind, 1)


def test_rotation_keeps_seven_days_four_weeks_and_every_manual_copy() -> None:
    start = dt.datetime(2026, 1, 1, 9, 0)
    copies = [_info(start + dt.timedelta(days=d, hours=h)) for d in range(60) for h in (0, 8)]
    manual = _info(start + dt.timedelta(days=3), "manual")
    keep = to_keep([*copies, manual])
    kept = sorted(b.taken for b in copies if b.path in keep)
    last = start + dt.timedelta(days=59, hours=8)
    # the newest of each of the last 7 days (the evening copy) …
    days = [last - dt.timedelta(days=d) for d in range(7)]
    assert set(days) <= set(kept)
    # … and the newest of each of the last 4 weeks: at most 7 + 3 older ones
    assert len(kept) <= 7 + 3 and len({k.isocalendar()[:2] for k in kept}) == 4
    assert manual.path in keep


def test_a_copy_never_replaces_another_of_the_same_name(demo_db: Database, tmp_path: Path) -> None:
    """Two copies named for the same second (two registries' files of one name in a shared
    folder, or two quick presses): the second moves a second on; nothing is overwritten."""
    folder = tmp_path / "copies"
    when = dt.datetime(2026, 11, 21, 9, 0, 0)
    first = create_backup(demo_db, folder, when=when)
    second = create_backup(demo_db, folder, when=when)
    assert first.path != second.path and first.path.exists() and second.path.exists()
    assert second.taken == when + dt.timedelta(seconds=1)
    assert not list(folder.glob(".*.tmp"))


def test_daily_copy_only_once_a_day(demo_db: object, tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    morning = dt.datetime(2026, 11, 21, 9, 0)
    assert automatic_backup(demo_db, folder, "daily", when=morning) is not None  # type: ignore[arg-type]
    assert automatic_backup(demo_db, folder, "daily", when=morning.replace(hour=15)) is None  # type: ignore[arg-type]
    assert automatic_backup(demo_db, folder, "exit", when=morning.replace(hour=18)) is not None  # type: ignore[arg-type]
    # rotation: of the same day only the newest automatic copy stays
    assert [b.kind for b in list_backups(folder)] == ["exit"]


def test_restore_checks_the_copy_and_keeps_the_current_database(
    demo_db: object, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    before = _numbers(db_path)
    info = create_backup(demo_db, folder)  # type: ignore[arg-type]
    later = _register(demo_db, "Зарегистрировано после копии")
    demo_db.dispose()  # type: ignore[attr-defined]

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError, match="не является базой данных или поврежден"):
        restore_backup(db_path, bad)
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(UserError, match="не база данных программы"):
        restore_backup(db_path, foreign)
    newer = tmp_path / "newer.db"
    newer.write_bytes(info.path.read_bytes())
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="более новой версией"):
        restore_backup(db_path, newer)
    assert later in _numbers(db_path)  # refused copies changed nothing

    someone = open_registry(str(db_path))  # another window still has it open
    assert _numbers(db_path)  # a connection is in the pool now
    with someone.read() as session:
        session.connection()
        with pytest.raises(UserError, match="база открыта в другом окне"):
            restore_backup(db_path, info.path)
    someone.dispose()
    result = restore_backup(db_path, info.path)
    assert _numbers(db_path) == before
    assert result.kept_aside is not None and later in _numbers(result.kept_aside)


def test_cli_backup_list_and_restore_latest(
    demo_db: object, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "copies"
    demo_db.dispose()  # type: ignore[attr-defined]
    assert main(["--db", str(db_path), "backup", "--to", str(folder)]) == 0
    assert "Резервная копия создана" in capsys.readouterr().out
    assert main(["--db", str(db_path), "backup", "--to", str(folder), "--list"]) == 0
    assert "Копий в" in capsys.readouterr().out
    db_path.write_bytes(b"garbage" * 1000)  # the registry is damaged
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    assert main(["--db", str(db_path), "check"]) == 2
    assert "поврежден" in capsys.readouterr().err
    restore = ["--db", str(db_path), "restore", "--latest", "--from-folder", str(folder)]
    assert main(restore) == 2  # what the damaged file had issued is unknown: asked for
    assert "--continue-after ИСХ=N --continue-after РСК=N" in capsys.readouterr().err
    assert main([*restore, "--continue-after", "ИСХ=1900", "--continue-after", "РСК=2200"]) == 0
    out = capsys.readouterr().out
    assert "База восстановлена" in out and "Прежняя база сохранена" in out
    assert main(["--db", str(db_path), "check"]) == 0
    assert main(["--db", str(db_path), "restore", str(tmp_path / "nothing.db")]) == 2
    assert "файл не найден" in capsys.readouterr().err


def test_a_letters_files_come_back_with_the_copy(
    demo_db: object, db_path: Path, tmp_path: Path
) -> None:
    """A scan attached before the copy is read back intact after the restore (its pieces and
    checksum came with it); one attached after the copy is gone with the rest of that day."""
    import os

    from app.services.files.stored_files import CHUNK
    from app.services.registry.letter_files import attach_file, letter_files, save_letter_file
    from app.services.registry.letters import letter_id_by_number

    letter = letter_id_by_number(demo_db, "710/5")  # type: ignore[arg-type]
    scan = tmp_path / "скан.bin"
    scan.write_bytes(os.urandom(2 * CHUNK + 7))
    attach_file(demo_db, letter, scan, kind="scan")  # type: ignore[arg-type]
    info = create_backup(demo_db, tmp_path / "copies")  # type: ignore[arg-type]
    attach_file(demo_db, letter, scan, kind="attachment")  # type: ignore[arg-type]
    demo_db.dispose()  # type: ignore[attr-defined]
    restore_backup(db_path, info.path)
    db = open_registry(str(db_path))
    try:
        assert [(f.name, f.kind) for f in letter_files(db, letter)] == [("скан.bin", "scan")]
        back = save_letter_file(db, letter, "скан.bin", tmp_path / "back.bin")
        assert back.read_bytes() == scan.read_bytes()
    finally:
        db.dispose()
