"""Every test runs on its own temporary database and settings, never the user's.

This conftest imports no Qt: the rules, services, CLI, formats, PostgreSQL and house tests run
without a display library (``-p no:pytestqt``, as scripts/test.sh runs them) and a test that
pulls Qt in fails here. The Qt fixtures are in ``tests/gui/conftest.py``."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.registries import Fresh, demo_copy, empty_copy, point_profile

if TYPE_CHECKING:
    from db.engine import Database
    from tests.support.imap_server import ImapServer, Mailbox
    from tests.support.pg_server import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

QT_FREE = "PySide6"  # the display library: not imported by a test outside tests/gui


def _qt_loaded(config: pytest.Config) -> bool:
    return config.pluginmanager.has_plugin("pytest-qt")


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # pyproject's pytest-qt settings stay known (--strict-config) in the run without pytest-qt
    if not pluginmanager.has_plugin("pytest-qt"):
        for name in ("qt_api", "qt_log_level_fail"):
            parser.addini(name, "pytest-qt's, unused in a run without it")
        parser.addini("qt_log_ignore", "pytest-qt's, unused in a run without it", type="linelist")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Without pytest-qt (``-p no:pytest-qt``) the GUI tests are left out, not failed."""
    if not _qt_loaded(config) and collection_path == Path(__file__).parent / "gui":
        return True
    return None


@pytest.fixture(autouse=True)
def no_display_library(request: pytest.FixtureRequest) -> Iterator[None]:
    """In the run without pytest-qt, a test that imports Qt fails, naming itself: the rules,
    services and command line work without a display library."""
    if _qt_loaded(request.config) or QT_FREE in sys.modules:
        yield
        return
    yield
    if QT_FREE in sys.modules:
        pytest.fail(f"{request.node.nodeid} imported {QT_FREE} outside tests/gui", pytrace=False)


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    point_profile(monkeypatch, tmp_path)
    return tmp_path


@pytest.fixture
def program_date(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The program's today set to the demo's day (03.12.2025): its certificates are valid then."""
    from tests.support.medo import TODAY

    monkeypatch.setenv("SECRETARIAT_TODAY", TODAY.isoformat())
    return TODAY


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "registry.db"


@pytest.fixture
def db(db_path: Path, demo_templates: Path) -> Iterator[Database]:
    """An empty registry (migrated, nothing set up): a copy of the session's template."""
    yield from _open(empty_copy(demo_templates, db_path))


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-templates")


def _open(path: Path) -> Iterator[Database]:
    from app.services.safety.opening import open_registry

    database = open_registry(str(path))
    yield database
    database.dispose()


@pytest.fixture
def demo_db(db_path: Path, demo_templates: Path) -> Iterator[Database]:
    yield from _open(demo_copy(demo_templates, db_path))


@pytest.fixture
def fresh(demo_templates: Path, tmp_path: Path) -> Fresh:
    """A registry of its own for each example of a property test, so that no example starts from
    what the one before it wrote: ``with fresh() as db`` — the demo; ``fresh(demo=False)`` — an
    empty one; ``fresh(path=…)`` — at that path (where the command line looks), replacing the
    previous example's file."""
    from app.services.safety.opening import open_registry

    count = itertools.count()

    @contextmanager
    def make(*, demo: bool = True, path: Path | None = None) -> Iterator[Database]:
        target = path or tmp_path / f"example-{next(count)}.db"
        for old in (
            target,
            target.with_name(target.name + "-wal"),
            target.with_name(target.name + "-shm"),
        ):
            old.unlink(missing_ok=True)
        copy = demo_copy if demo else empty_copy
        database = open_registry(str(copy(demo_templates, target)))
        try:
            yield database
        finally:
            database.dispose()

    return make


@pytest.fixture
def mailing_db(db_path: Path, demo_templates: Path) -> Iterator[Database]:
    """The demo registry with letter 1961/5: МЭДО, e-mail and two copies by post."""
    yield from _open(demo_copy(demo_templates, db_path, mixed_mailing=True))


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """The OS keyring replaced by a dict for the test: (service, account) → password."""
    import keyring
    from keyring.backend import KeyringBackend

    # the backend in use is asked for first: keyring registers every KeyringBackend subclass
    # and would otherwise choose this one as «the OS keyring» and keep it after the test
    previous = keyring.get_keyring()
    saved: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = -1  # never chosen by keyring on its own, only set here

        def get_password(self, service: str, username: str) -> str | None:
            return saved.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            saved[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            saved.pop((service, username), None)

    keyring.set_keyring(Memory())
    yield saved
    keyring.set_keyring(previous)


# Dovecot: a throw-away IMAP server per worker (tests/support/imap_server.py), a mailbox per test
@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    from tests.support.imap_server import start_server

    server = start_server()
    if server is None:
        if os.environ.get("SECRETARIAT_REQUIRE_IMAP") == "1":
            pytest.fail("Dovecot is not installed, but the test command requires it")
        pytest.skip("Dovecot (dovecot-imapd) is not installed here")
    yield server
    server.stop()


@pytest.fixture
def mailbox(imap_server: ImapServer) -> Mailbox:
    return imap_server.new_mailbox()


# PostgreSQL: a throw-away server per test module (tests/pg_server.py)
@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    from tests.support.pg_server import start_server

    try:
        import psycopg  # noqa: F401
    except ImportError:
        server = None
    else:
        server = start_server()
    if server is None:
        if os.environ.get("SECRETARIAT_REQUIRE_PG") == "1":
            pytest.fail("PostgreSQL or psycopg is not installed, but the test command requires it")
        pytest.skip("PostgreSQL is not installed here")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg: PgServer) -> str:
    from tests.support.registries import new_pg_database

    return new_pg_database(pg)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    from app.services.safety.opening import open_registry

    db = open_registry(pg_url)
    yield db
    db.dispose()
