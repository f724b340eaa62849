"""Opening the registry database: the one place that turns storage faults into clerk messages."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import ArgumentError

from app.storage.hooks import open_store
from app.storage.word_index import Progress, build, needs_building
from app.support.connection import database_target
from app.support.errors import UnusableDatabaseError, UserError
from app.support.output_guard import guard_registry
from app.support.paths import default_database, expanded
from db.engine import Database
from db.schema import (
    HEAD_REVISION,
    ForeignDatabaseError,
    NoAccessError,
    NotADatabaseError,
    SchemaError,
    SchemaTooNewError,
    ensure_schema,
    schema_state,
)


def _check_sqlite_path(path: Path, *, is_default: bool) -> None:
    if path.is_dir():
        raise UserError(f"{path}: это папка, а не файл базы данных")
    if not path.parent.exists():
        if not is_default:
            raise UserError(f"{path}: папка {path.parent} не существует")
        path.parent.mkdir(parents=True, exist_ok=True)


READ_ONLY_ENV = "SECRETARIAT_READ_ONLY"  # "1": open for reading only (an auditor's copy)


def _must_read_only(path: Path, requested: bool) -> bool:
    """Read-only when asked, or when this user may not write the file or its folder (SQLite
    needs the folder for its ``-wal`` and ``-shm`` files)."""
    if requested or os.environ.get(READ_ONLY_ENV, "") == "1":
        return True
    if not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _engine_for(target: str, read_only: bool) -> Database:
    """The engine; a driver not installed or an address not understood in one line."""
    try:
        return open_store(target, read_only=read_only)
    except ModuleNotFoundError as exc:  # postgresql+psycopg:// without the driver installed
        raise UserError(
            f"Для адреса базы {target.split('://')[0]}:// нужен драйвер «{exc.name}», он не "
            "установлен; для PostgreSQL: pip install -e .[postgresql] (адрес "
            "postgresql+psycopg://…)"
        ) from None
    except ArgumentError:  # a URL SQLAlchemy does not know
        raise UserError(
            f"Адрес базы данных «{target}» не распознан: ожидается путь к файлу или "
            "postgresql+psycopg://пользователь@сервер/база"
        ) from None


def open_registry(
    cli_value: str | None = None,
    *,
    migrate: bool = True,
    read_only: bool = False,
    progress: Progress | None = None,
) -> Database:
    """Open the database given by ``--db``/``SECRETARIAT_DB``/default and bring its schema up,
    then its word index (built after a migration with ``progress``, see app/storage/word_index.py).

    A database that cannot be written is opened read-only (``Database.read_only``); it must
    then already be at the program's schema, since it cannot be migrated."""
    target = database_target(cli_value)
    if "://" not in target:
        path = expanded(target)
        _check_sqlite_path(path, is_default=path == default_database())
        read_only = _must_read_only(path, read_only)
        if read_only and not path.exists():
            raise UserError(f"{path}: файл базы данных не найден")
    else:
        read_only = False
    db = _engine_for(target, read_only)
    if db.sqlite_path is not None:
        guard_registry(db.sqlite_path)  # no export may be written over it
    if not migrate:
        return db
    try:
        if db.read_only:
            _refuse_behind(db, target)
            return db
        db = _upgrade(db, target, progress)
        if needs_building(db) and build(db, progress):
            _compact(db, progress)
    except SchemaTooNewError as exc:
        db.dispose()
        raise _unusable(
            target,
            f"База данных {db.url} создана более новой версией программы "
            f"(схема {exc.revision}); обновите программу",
        ) from exc
    except NoAccessError as exc:
        db.dispose()
        raise UserError(
            f"{db.url}: недостаточно прав в базе данных — у пользователя нет роли в ней; права "
            "выдает администратор (secretariat users grant ПОЛЬЗОВАТЕЛЬ reader|registrar|admin)"
        ) from exc
    except NotADatabaseError as exc:
        db.dispose()
        raise _unusable(
            target, f"{target}: файл не является базой данных или поврежден ({exc})"
        ) from exc
    except ForeignDatabaseError as exc:
        db.dispose()
        raise _unusable(
            target, f"{target}: это база данных другой программы (таблицы: {exc})"
        ) from exc
    except SchemaError as exc:
        db.dispose()
        raise UserError(f"{target}: не удалось обновить базу данных: {exc}") from exc
    return db


COPY_UPGRADE_FROM = "0015"  # SQLite registries before the word index (0016) are copied over


def _upgrade(db: Database, target: str, progress: Progress | None) -> Database:
    """The schema brought up to the program's (announced when an older one is migrated); an
    embedded registry from before the word index is upgraded by copy. The database in use."""
    before = schema_state(db).current
    if before is not None and before < HEAD_REVISION:
        if progress is not None:
            progress(f"обновление схемы базы {before} → {HEAD_REVISION}", 0, 0)
        if db.is_sqlite and before <= COPY_UPGRADE_FROM:
            db = _upgrade_by_copy(db, target, before, progress)
    ensure_schema(db)
    return db


def _upgrade_by_copy(db: Database, target: str, before: str, progress: Progress | None) -> Database:
    """Bring a registry from before the word index to the current schema by copying it into a
    new file that replaces it (db/upgrade_copy.py): the old trigram index and the folded copy of
    every text stay behind, and the word index is built in the new file on the way."""
    from db.schema import upgrade
    from db.upgrade_copy import upgrade_by_copy

    path = db.sqlite_path
    assert path is not None
    if before != COPY_UPGRADE_FROM:
        upgrade(db, COPY_UPGRADE_FROM)  # the earlier steps in place: small schema changes
    db.dispose()
    if progress is not None:
        progress("копирование писем и справочников в файл новой версии", 0, 0)
    upgrade_by_copy(path, upgrade, lambda new: build(new, progress))
    return open_store(target)


def _compact(db: Database, progress: Progress | None) -> None:
    """After the index was built from scratch: the file without the pages the update freed."""
    from app.services.safety.maintenance import compact_if_mostly_free

    compact_if_mostly_free(db, lambda: progress and progress("сжатие файла базы", 0, 0))


def _refuse_behind(db: Database, target: str) -> None:
    """A read-only database must be current already: it can be neither migrated nor indexed."""
    state = schema_state(db)
    problem = ""
    if not state.is_current:
        problem = f"ее схема {state.current or 'пуста'} (нужна {state.head}); обновить ее нельзя"
    elif needs_building(db):
        problem = "ее поисковый указатель не достроен; откройте ее один раз с правом записи"
    if problem:
        db.dispose()
        raise UserError(f"{target}: база открыта только для чтения, а {problem}")


def _unusable(target: str, message: str) -> UnusableDatabaseError:
    """The error for a database that cannot be used, naming the latest backup when there is one."""
    if "://" in target:
        return UnusableDatabaseError(message)
    from app.services.safety.backup import latest_backup
    from app.support.settings import backup_folder

    path = expanded(target).resolve()
    latest = latest_backup(backup_folder(path), path)
    if latest is not None:
        message += (
            f"; последняя резервная копия — {latest.taken:%d.%m.%Y %H:%M} "
            "(восстановить: secretariat restore --latest)"
        )
    return UnusableDatabaseError(message, path, latest.path if latest else None)
