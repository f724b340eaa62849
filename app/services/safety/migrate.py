"""``secretariat migrate-to URL``: move an embedded SQLite registry onto a PostgreSQL server.

The target must be empty (no tables, or this program's schema with no rows). Its schema is made
by the same migrations; the rows are copied table by table in foreign-key order in one
transaction, the id sequences are set past the copied ids, and then every table's row count,
every journal counter and the highest letter id are compared. Any difference, or any error,
rolls the copy back: the target is left with no rows, the source is only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from app.storage import word_index
from app.storage.hooks import open_store
from app.support.errors import UserError, database_reason
from db.engine import Database
from db.models import Base, JournalCounter
from db.schema import (
    BUILT_BY_TARGET,
    FILLED_BY_MIGRATIONS,
    SchemaError,
    ensure_schema,
    schema_state,
)

BATCH = 2_000


@dataclass
class MigrationReport:
    target: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]


def _counts(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in _tables()}


def _counters(conn: Connection) -> list[tuple[object, ...]]:
    table = JournalCounter.__table__
    rows = conn.execute(select(table).order_by(table.c.id))
    return [tuple(r) for r in rows]


def migrate_to(
    source: Database, url: str, progress: word_index.Progress | None = None
) -> MigrationReport:
    if not source.is_sqlite:
        raise UserError("Переносить можно только встроенную базу SQLite")
    if not url.startswith(("postgresql", "postgres")):
        raise UserError(f"{url}: нужен адрес вида postgresql+psycopg://пользователь@сервер/база")
    try:
        target = open_store(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise UserError(f"Адрес базы не понят: {exc}") from exc
    report = MigrationReport(target=target.url)
    try:
        _prepare(target)
        with source.read_engine.connect() as src, target.engine.begin() as dst:
            for table in _tables():
                if table.name in BUILT_BY_TARGET:
                    continue
                if table.name in FILLED_BY_MIGRATIONS:
                    dst.execute(table.delete())
                report.counts[table.name] = _copy(src, dst, table)
                if "id" in table.c and isinstance(table.c.id.type, Integer):
                    dst.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
            _verify(src, dst)
            src.rollback()
    except SQLAlchemyError as exc:
        target.dispose()
        raise UserError(
            f"Перенос не выполнен, в {target.url} ничего не записано: {database_reason(exc)}"
        ) from exc
    except BaseException:
        target.dispose()
        raise
    try:
        word_index.build(target, progress)
    except SQLAlchemyError as exc:
        raise UserError(
            f"Письма перенесены, но поисковый указатель не построен ({database_reason(exc)}); "
            "он будет построен при первом открытии базы"
        ) from exc
    else:
        _analyze(target)
    finally:
        target.dispose()
    return report


def _analyze(target: Database) -> None:
    """The server's statistics of the tables just filled: without them the planner guessed
    (a search's page read every match and sorted them, a report's progress scanned every
    addressee) until autovacuum came round — minutes after a move of a large registry."""
    try:
        with target.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    except SQLAlchemyError:
        pass  # autovacuum gathers them later; the move itself is done


def _prepare(target: Database) -> None:
    try:
        state = schema_state(target)
    except SchemaError as exc:
        raise UserError(f"{target.url}: база не пуста — в ней таблицы другой программы") from exc
    except SQLAlchemyError as exc:
        raise UserError(f"{target.url}: не удалось подключиться ({exc})") from exc
    if state.current is not None:
        if not state.is_current:
            raise UserError(f"{target.url}: в базе другая версия схемы ({state.current})")
        with target.engine.connect() as conn:
            filled = {
                name: n
                for name, n in _counts(conn).items()
                if n and name not in FILLED_BY_MIGRATIONS + BUILT_BY_TARGET
            }
        if filled:
            raise UserError(
                f"{target.url}: база не пуста ({', '.join(sorted(filled)[:5])}); "
                "перенос делается только в пустую базу"
            )
    ensure_schema(target)


def _copy(src: Connection, dst: Connection, table: Table) -> int:
    order = list(table.primary_key.columns)
    result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    copied = 0
    for part in result.partitions(BATCH):
        dst.execute(table.insert(), [dict(row._mapping) for row in part])
        copied += len(part)
    return copied


def _verify(src: Connection, dst: Connection) -> None:
    source, target = _counts(src), _counts(dst)
    copied = [n for n in source if n not in BUILT_BY_TARGET]
    wrong = [f"{n}: {source[n]} → {target.get(n)}" for n in copied if source[n] != target.get(n)]
    if wrong:
        raise UserError("Перенос не сошелся по числу строк: " + "; ".join(wrong))
    if _counters(src) != _counters(dst):
        raise UserError("Перенос не сошелся по счетчикам номеров журналов")
