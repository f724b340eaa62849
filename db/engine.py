"""Engine and session set-up.

SQLite is the embedded default: WAL, foreign keys on, a busy timeout, ``synchronous=FULL`` (an
issued number must survive a power cut), and write transactions opened with ``BEGIN IMMEDIATE``
so that two clerks never both read a counter before either writes it. Reads open a deferred
transaction and never block writers. Any other SQLAlchemy URL (PostgreSQL) goes through the same
code without these SQLite-only settings.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 15_000
CONNECT_TIMEOUT_S = 10  # PostgreSQL: how long a workstation waits for the server to answer
# A write waits for another clerk's write a step at a time, saying so between steps (the
# window shows «база занята…»), for as long as a long import may hold the lock; then it gives
# up with a message, never half done.
BEGIN_STEP_MS = 250
BEGIN_WAIT_LIMIT_S = 600.0
BusyHook = Callable[[float], None]  # seconds waited so far
_busy_hooks: list[BusyHook] = []


class DatabaseBusyError(Exception):
    """Another connection held the write lock past :data:`BEGIN_WAIT_LIMIT_S`; nothing was
    written."""

    def __init__(self, waited: float) -> None:
        super().__init__(f"database is busy: waited {waited:.0f} s for the write lock")
        self.waited = waited


def add_busy_hook(hook: BusyHook) -> None:
    """``hook(seconds)`` is called as a write waits for the lock (the window's «база
    занята…», the CLI's line)."""
    _busy_hooks.append(hook)


def remove_busy_hook(hook: BusyHook) -> None:
    if hook in _busy_hooks:
        _busy_hooks.remove(hook)


@contextmanager
def on_busy(hook: BusyHook) -> Iterator[None]:
    """``hook`` called while the block runs."""
    add_busy_hook(hook)
    try:
        yield
    finally:
        remove_busy_hook(hook)


def _begin_immediate(dbapi_connection: Any) -> None:
    """``BEGIN IMMEDIATE``, waiting for another writer a step at a time (each step SQLite's own
    busy wait), the hooks told how long it has been, until the limit."""
    started = time.monotonic()
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BEGIN_STEP_MS}")
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                waited = time.monotonic() - started
                if waited >= BEGIN_WAIT_LIMIT_S:
                    raise DatabaseBusyError(waited) from exc
                for hook in list(_busy_hooks):
                    hook(waited)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.close()


def url_for(target: str | Path) -> str:
    """A SQLAlchemy URL for a file path or an URL given by the user."""
    text = str(target)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _install_sqlite_pragmas(engine: Engine, *, unjournaled: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not engine.url.database or engine.url.database == ":memory:":
            cursor.close()
            return
        if unjournaled:  # a file being made, thrown away if anything fails (db/upgrade_copy.py)
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB
            cursor.close()
            return
        if not _is_read_only(engine):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "IMMEDIATE":
            _begin_immediate(conn.connection.dbapi_connection)
        else:
            conn.exec_driver_sql(f"BEGIN {mode}")


def _is_read_only(engine: Engine) -> bool:
    return bool(engine.url.query.get("mode") == "ro")


class ReadOnlyDatabaseError(Exception):
    """A write was attempted on a database opened read-only."""


@dataclass
class Database:
    """One database in use: its engine and the session factories for writing and reading."""

    engine: Engine
    read_engine: Engine
    write_sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def where(self) -> str:
        """What a clerk reads: the file of an embedded registry, else the server's address."""
        path = self.sqlite_path
        return str(path) if path is not None else self.url

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.engine.url.database:
            return None
        return Path(self.engine.url.database.removeprefix("file:"))

    @property
    def read_only(self) -> bool:
        return _is_read_only(self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        if self.read_only:
            raise ReadOnlyDatabaseError(self.url)
        with self.write_sessions.begin() as session:
            yield session

    @contextmanager
    def scratch(self) -> Iterator[Session]:
        """A write session whose work is always rolled back: what a write would make, seen
        and thrown away (the preview of a card not yet registered)."""
        if self.read_only:
            raise ReadOnlyDatabaseError(self.url)
        with self.write_sessions() as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    target: str | Path, *, echo: bool = False, read_only: bool = False, unjournaled: bool = False
) -> Database:
    """Create the engine for a path or URL. Does not touch the schema.

    ``read_only`` (SQLite): the file is opened with ``mode=ro``; :meth:`Database.write` refuses.
    ``unjournaled`` (SQLite): no journal and no syncing, for a new file that is thrown away
    when anything fails before it replaces the registry (``db/upgrade_copy.py``).
    """
    url = make_url(url_for(target))
    if read_only and url.get_backend_name() == "sqlite" and url.database:
        url = url.set(
            database=f"file:{url.database}", query={**url.query, "mode": "ro", "uri": "true"}
        )
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_pragmas(engine, unjournaled=unjournaled)
        reader: Engine = engine.execution_options(sqlite_begin="DEFERRED")
    else:
        # a server out of reach is said in seconds, not after the system's TCP retries
        waits = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT_S}
        engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args=waits)
        reader = engine
    return Database(
        engine=engine,
        read_engine=reader,
        write_sessions=sessionmaker(engine, expire_on_commit=False),
        read_sessions=sessionmaker(reader, expire_on_commit=False),
    )
