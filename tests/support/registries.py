"""Registries for tests: the per-test profile, and registries a module's tests share where
they only read (built once, on SQLite or on the module's PostgreSQL server)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import pytest

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from db.engine import Database
    from tests.support.pg_server import PgServer


def point_profile(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The program's data, settings and registry in ``folder``, never the user's."""
    monkeypatch.setenv("SECRETARIAT_DATA_DIR", str(folder / "data"))
    monkeypatch.setenv("SECRETARIAT_CONFIG_DIR", str(folder / "config"))
    monkeypatch.setenv("SECRETARIAT_DB", str(folder / "registry.db"))


@contextmanager
def profile_in(folder: Path) -> Iterator[None]:
    """The program's data, settings and registry in ``folder`` for the block: a fixture shared
    by a module builds inside it (the per-test profile is not set up yet when it runs)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_profile(monkeypatch, folder)
        yield


def own_registry(
    request: pytest.FixtureRequest, folder: Path, build: Callable[[Database], object]
) -> Iterator[Database]:
    """For a fixture: a registry of the test's own on the backend of ``request.param`` (sqlite or
    postgresql), made by ``build``; disposed after the test."""
    db = open_backend(request, request.param, folder)
    build(db)
    yield db
    db.dispose()


def module_registry(
    request: pytest.FixtureRequest,
    factory: pytest.TempPathFactory,
    build: Callable[[Database], object],
) -> Iterator[Database]:
    """For a module-scoped fixture: the same, built once for the tests of a module that only
    read it (inside :func:`profile_in`, as the per-test profile is not set up yet)."""
    folder = factory.mktemp("shared")
    with profile_in(folder):
        db = open_backend(request, request.param, folder)
        build(db)
    yield db
    db.dispose()


def open_backend(request: pytest.FixtureRequest, backend: str, folder: Path) -> Database:
    """An empty registry on ``backend``: a SQLite file in ``folder``, or a new database on the
    module's PostgreSQL server."""
    from app.services.safety.opening import open_registry

    if backend == "sqlite":
        templates = request.getfixturevalue("demo_templates")
        return open_registry(str(empty_copy(templates, folder / "registry.db")))
    return open_registry(new_pg_database(request.getfixturevalue("pg")))


_counter = iter(range(1, 1000))


def new_pg_database(pg: PgServer) -> str:
    """The URL of a new empty database on the server."""
    return pg.create_database(f"registry{next(_counter)}")


# The demo registry is built once per session (and per program date, which its records carry)
# and copied for each test: building it takes a second, copying the file a hundredth of that.
# An empty registry is kept the same way: its migrations take half a second.
_TEMPLATES: dict[tuple[str, str], Path] = {}


def demo_copy(folder: Path, target: Path, *, mixed_mailing: bool = False) -> Path:
    """A fresh demo registry at ``target``: a copy of the session's template, with an identity
    of its own (as if ``secretariat demo`` had made it there)."""
    return _copy(folder, target, "mailing" if mixed_mailing else "demo")


def empty_copy(folder: Path, target: Path) -> Path:
    """A fresh empty registry at ``target`` (migrated, nothing set up), copied as the demo is."""
    return _copy(folder, target, "empty")


def _copy(folder: Path, target: Path, kind: str) -> Path:
    import shutil
    import sqlite3
    import uuid

    from app.services.demo import load_demo
    from app.services.safety.opening import open_registry

    key = (kind, os.environ.get("SECRETARIAT_TODAY", ""))
    if key not in _TEMPLATES:
        path = folder / f"{kind}-{len(_TEMPLATES)}.db"
        database = open_registry(str(path))
        if kind != "empty":
            load_demo(database, mixed_mailing=kind == "mailing")
        database.dispose()
        with sqlite3.connect(path) as con:  # everything into the main file, nothing in -wal
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATES[key] = path
    shutil.copyfile(_TEMPLATES[key], target)
    con = sqlite3.connect(target)
    with con:
        con.execute("UPDATE database_identity SET id = ?, home = ''", (str(uuid.uuid4()),))
    con.close()
    return target


# what the ``fresh`` fixture gives: ``with fresh() as db`` — a registry for one example
Fresh: TypeAlias = "Callable[..., AbstractContextManager[Database]]"
