"""Opening the registry database: the one place that turns storage faults into clerk messages."""

from __future__ import annotations

from pathlib import Path

from app.errors import UserError
from app.paths import database_target, default_database
from db.engine import Database, open_database
from db.schema import (
    ForeignDatabaseError,
    NotADatabaseError,
    SchemaError,
    SchemaTooNewError,
    ensure_schema,
)


def _check_sqlite_path(path: Path, *, is_default: bool) -> None:
    if path.is_dir():
        raise UserError(f"{path}: это папка, а не файл базы данных")
    if not path.parent.exists():
        if not is_default:
            raise UserError(f"{path}: папка {path.parent} не существует")
        path.parent.mkdir(parents=True, exist_ok=True)


def open_registry(cli_value: str | None = None, *, migrate: bool = True) -> Database:
    """Open the database given by ``--db``/``SECRETARIAT_DB``/default and bring its schema up."""
    target = database_target(cli_value)
    if "://" not in target:
        path = Path(target).expanduser()
        _check_sqlite_path(path, is_default=path == default_database())
    db = open_database(target)
    if not migrate:
        return db
    try:
        ensure_schema(db)
    except SchemaTooNewError as exc:
        db.dispose()
        raise UserError(
            f"База данных {db.url} создана более новой версией программы "
            f"(схема {exc.revision}); обновите программу"
        ) from exc
    except NotADatabaseError as exc:
        db.dispose()
        raise UserError(f"{target}: файл не является базой данных или поврежден ({exc})") from exc
    except ForeignDatabaseError as exc:
        db.dispose()
        raise UserError(f"{target}: это база данных другой программы (таблицы: {exc})") from exc
    except SchemaError as exc:
        db.dispose()
        raise UserError(f"{target}: не удалось обновить базу данных: {exc}") from exc
    return db
