"""Backups of the embedded database: online copies, rotation, a checked restore.

A copy is taken with SQLite's online backup API while the registry stays open (a file copy of a
WAL database loses what sits in ``-wal``), written to a temporary file, checked with
``integrity_check`` and only then renamed into place — a full disk leaves no half copy.
Automatic copies (at start once a day, at exit) are rotated: the newest of each of the last 7
days and of each of the last 4 weeks are kept; copies the clerk made by hand are never deleted.
A restore checks the copy first and keeps the current database aside, never deletes it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from app.services.safety.identity import copy_of, database_identity
from app.services.safety.restore_guard import (
    MissingLetter,
    NumbersUnknownError,
    RaisedCounter,
    carry_counters,
    conflicting_numbers,
    last_numbers,
    missing_letters,
    read_issued,
)
from app.support import clock
from app.support.errors import UserError
from db.engine import Database
from db.schema import HEAD_REVISION

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KINDS = {"manual": "вручную", "daily": "ежедневная", "exit": "при выходе"}
AUTOMATIC = ("daily", "exit")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<kind>manual|daily|exit)\.db$")
STALE_AFTER = dt.timedelta(minutes=30)
_REVISION = re.compile(r"^[0-9]{4}$")
_PAGES_PER_STEP = 4096  # ≈16 MB between steps: other clerks' writes are not held up long


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken: dt.datetime
    kind: str
    size: int
    stem: str = ""  # the database file's name the copy was taken of

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    kept_aside: Path | None
    revision: str
    raised: list[RaisedCounter] = field(default_factory=list)  # counters moved up
    missing: list[MissingLetter] = field(default_factory=list)  # letters only the aside has


def database_file(db: Database) -> Path:
    """The file of the embedded database; a clear message for a server database."""
    path = db.sqlite_path
    if path is None:
        raise UserError(
            "Резервные копии программа делает только для встроенной базы SQLite; базу на "
            "сервере PostgreSQL копирует администратор (pg_dump), см. README"
        )
    return path


@dataclass(frozen=True)
class Owner:
    """Which registry copies must belong to: its identity (when readable) and file name."""

    identity: str | None
    stem: str

    @classmethod
    def of(cls, database: Path) -> Owner:
        return cls(database_identity(database), database.stem)

    def owns(self, copy: BackupInfo) -> bool:
        """By identity where both have one; a copy older than identities, or a database that
        cannot be read, by the database file's name in the copy's name."""
        theirs = database_identity(copy.path) if self.identity else None
        if self.identity and theirs:
            return theirs == self.identity
        return copy.stem == self.stem


class ForeignCopyError(UserError):
    """The copy was taken of another registry."""


def is_foreign_copy(database: Path, backup: Path) -> bool:
    mine, theirs = database_identity(database), database_identity(backup)
    return bool(mine and theirs and mine != theirs)


def _io_message(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    if "full" in text.lower() or "No space" in text:
        return "на диске нет места"
    return text


def create_backup(
    db: Database, folder: Path, kind: str = "manual", *, when: dt.datetime | None = None
) -> BackupInfo:
    """An online copy of the open database in ``folder``; the database itself is not touched."""
    source = database_file(db)
    copy = copy_of(db)
    if copy is not None:  # its copies would pass for the other registry's
        raise UserError(f"Резервная копия не создана: {copy.line}")
    taken = (when or dt.datetime.now()).replace(microsecond=0)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{folder}: не удалось создать папку ({_io_message(exc)})") from exc
    target = folder / f"{source.stem}-{taken:%Y%m%d-%H%M%S}-{kind}.db"
    # unique per process and call: two copies in the same second never share it
    tmp = folder / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        _copy_online(source, tmp)
        _check_file(tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        target, taken = _place(tmp, folder, source.stem, taken, kind)
    except (OSError, sqlite3.Error) as exc:
        raise UserError(
            f"Резервная копия не создана: {target} ({_io_message(exc)}); база данных не изменена"
        ) from exc
    except UserError as exc:
        raise UserError(f"Резервная копия не создана: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return BackupInfo(target, taken, kind, target.stat().st_size)


def _place(
    tmp: Path, folder: Path, stem: str, taken: dt.datetime, kind: str
) -> tuple[Path, dt.datetime]:
    """Give the finished copy its name without replacing any file: a copy of the same name
    (another registry's file of the same name in a shared folder, in the same second) moves
    this one a second on."""
    for _ in range(120):
        target = folder / f"{stem}-{taken:%Y%m%d-%H%M%S}-{kind}.db"
        try:
            os.link(tmp, target)  # fails when the name is taken: nothing is overwritten
            return target, taken
        except FileExistsError:
            taken += dt.timedelta(seconds=1)
        except OSError:  # no hard links here (FAT, some network shares)
            if target.exists():
                taken += dt.timedelta(seconds=1)
                continue
            os.replace(tmp, target)
            return target, taken
    raise OSError(f"в папке {folder} заняты имена копий на две минуты вперед")


def _remove_stale_temporaries(folder: Path) -> None:
    """A copy killed half-way leaves its hidden temporary file; one untouched for
    :data:`STALE_AFTER` is no copy in progress (a running copy writes it all the time)."""
    now = dt.datetime.now().timestamp()
    for path in folder.glob(".*.tmp"):
        try:
            if now - path.stat().st_mtime > STALE_AFTER.total_seconds():
                path.unlink()
        except OSError:
            continue


def _copy_online(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=_PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def _check_file(path: Path) -> str:
    """The schema revision of a whole database file of this program; UserError otherwise."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"{path}: файл не открывается ({exc})") from exc
    try:
        integrity = [row[0] for row in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            raise UserError(f"{path}: файл поврежден ({'; '.join(integrity[:3])})")
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables or "letter" not in tables:
            raise UserError(f"{path}: это не база данных программы «Секретариат»")
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path}: файл не является базой данных или поврежден ({exc})") from exc
    finally:
        con.close()
    revision = str(row[0]) if row else ""
    if not revision:
        raise UserError(f"{path}: в копии нет версии схемы")
    if not _REVISION.match(revision):  # compared as numbers: «0006z» is no revision
        raise UserError(f"{path}: неизвестная версия схемы «{revision[:20]}»")
    if int(revision) > int(HEAD_REVISION):
        raise UserError(
            f"{path}: копия сделана более новой версией программы (схема {revision}, "
            f"эта программа знает до {HEAD_REVISION}); обновите программу"
        )
    return revision


def check_backup(path: Path) -> str:
    """Check a copy before it is restored; returns its schema revision."""
    if not path.is_file():
        raise UserError(f"{path}: файл не найден")
    return _check_file(path)


def list_backups(folder: Path, owner: Owner | None = None) -> list[BackupInfo]:
    """Copies in ``folder``, newest first (files of other names are left alone); with
    ``owner``, only the copies of that registry."""
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        try:
            taken = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
        except ValueError:
            continue  # a name that only looks like a copy's
        info = BackupInfo(path, taken, match["kind"], path.stat().st_size, match["stem"])
        if owner is None or owner.owns(info):
            found.append(info)
    found.sort(key=lambda info: info.taken, reverse=True)
    return found


def to_keep(backups: list[BackupInfo]) -> set[Path]:
    """Automatic copies kept by rotation: the newest of each of the last 7 days that have one
    and of each of the last 4 ISO weeks that have one; every manual copy."""
    keep = {b.path for b in backups if b.kind not in AUTOMATIC}
    automatic = sorted(
        (b for b in backups if b.kind in AUTOMATIC), key=lambda b: b.taken, reverse=True
    )
    for period, limit in (
        (lambda b: b.taken.date(), KEEP_DAILY),
        (lambda b: b.taken.isocalendar()[:2], KEEP_WEEKLY),
    ):
        seen: list[object] = []
        for b in automatic:
            key = period(b)
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            keep.add(b.path)
    return keep


def rotate(folder: Path, owner: Owner) -> list[Path]:
    """Delete the automatic copies of this registry rotation no longer keeps; returns them.
    Copies of other registries in the same folder are never touched."""
    _remove_stale_temporaries(folder)
    backups = list_backups(folder, owner)
    keep = to_keep(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
            except OSError:
                continue  # a copy that cannot be deleted now is tried again next time
            removed.append(b.path)
    return removed


def automatic_backup(
    db: Database, folder: Path, kind: str, *, when: dt.datetime | None = None
) -> BackupInfo | None:
    """The daily copy (only when none was made today) or the copy at exit; then rotation."""
    if db.sqlite_path is None:
        return None
    when = when or dt.datetime.now()
    owner = Owner.of(db.sqlite_path)
    if kind == "daily" and any(
        b.kind in AUTOMATIC and b.taken.date() == when.date() for b in list_backups(folder, owner)
    ):
        return None
    info = create_backup(db, folder, kind, when=when)
    rotate(folder, owner)
    return info


def restore_backup(
    database: Path,
    backup: Path,
    *,
    stamp: dt.datetime | None = None,
    continue_after: dict[str, int] | None = None,
    force: bool = False,
) -> RestoreResult:
    """Replace the (closed) database file by a checked copy; the current file is kept aside.

    The caller closes every connection first. The aside file (with its ``-wal``/``-shm``) is
    named ``<name>.до-восстановления-<time>``; if the copy cannot be put in place, it goes back.
    Before the copy is put in place, its counters are moved up to what the current database
    issued; when the current file cannot be read, ``continue_after`` (journal code → last
    number issued) must say it, else :class:`NumbersUnknownError`. The result lists the letters
    the copy lacks (see ``restore_guard.bring_back``). A copy of another registry (another
    identity) is refused unless ``force``.
    """
    revision = check_backup(backup)
    conflicts = conflicting_numbers(database, backup) if database.exists() and not force else []
    if conflicts:
        shown = "; ".join(f"№ {c.number}: в базе {c.here}, в копии {c.there}" for c in conflicts)
        raise ForeignCopyError(
            f"{backup.name}: под теми же номерами в копии другие письма ({shown}) — это копия "
            f"другой базы, не {database.name}; заменить ею эту базу можно только явно "
            "(--force); ничего не изменено"
        )
    if not force and is_foreign_copy(database, backup):
        raise ForeignCopyError(
            f"{backup.name}: это копия другой базы данных, не {database.name}; заменить ею "
            "эту базу можно только явно (--force); ничего не изменено"
        )
    if _in_use(database):
        raise UserError(
            f"{database}: база открыта в другом окне или другой программой; закройте ее и "
            "повторите восстановление (ничего не изменено)"
        )
    issued = read_issued(database) if database.exists() else None
    if database.exists() and issued is None and not continue_after:
        in_copy = read_issued(backup)
        codes = last_numbers(in_copy, clock.today()) if in_copy else {}
        example = " ".join(f"--continue-after {c}=N" for c in codes) or "--continue-after КОД=N"
        raise NumbersUnknownError(
            f"{database}: текущая база не читается, и номера, выданные после копии, неизвестны; "
            f"укажите последний выданный номер каждого журнала ({example}); ничего не изменено",
            codes,
        )
    stamp = (stamp or dt.datetime.now()).replace(microsecond=0)
    aside = database.with_name(f"{database.name}.до-восстановления-{stamp:%Y%m%d-%H%M%S}")
    tmp = database.with_name(f".{database.name}.restore.tmp")
    moved: list[tuple[Path, Path]] = []
    try:
        _copy_file(backup, tmp)
        try:
            raised = carry_counters(tmp, issued, continue_after or {}, clock.today())
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{backup}: счетчики номеров в копии не обновить ({exc})") from exc
        for suffix in ("", "-wal", "-shm"):
            current = Path(f"{database}{suffix}")
            if current.exists():
                target = Path(f"{aside}{suffix}")
                os.replace(current, target)
                moved.append((target, current))
        os.replace(tmp, database)
    except OSError as exc:
        for target, current in reversed(moved):
            os.replace(target, current)
        raise UserError(
            f"Восстановление не выполнено ({_io_message(exc)}); база данных не изменена"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    kept = aside if moved else None
    missing = missing_letters(aside, database) if kept and issued is not None else []
    return RestoreResult(backup, kept, revision, raised, missing)


def _in_use(database: Path) -> bool:
    """Whether another connection has the database open: leaving WAL mode needs it alone."""
    if not database.exists():
        return False
    try:
        con = sqlite3.connect(database, timeout=0.5)
    except sqlite3.Error:
        return False
    try:
        con.execute("PRAGMA journal_mode = DELETE").fetchall()
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False  # damaged: nobody can be working in it
    finally:
        con.close()
    return False


def _copy_file(source: Path, target: Path) -> None:
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


def latest_backup(folder: Path, database: Path) -> BackupInfo | None:
    """The newest copy of this registry (its identity, or its file name when unreadable)."""
    backups = list_backups(folder, Owner.of(database))
    return backups[0] if backups else None
