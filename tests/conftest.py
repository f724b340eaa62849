"""Every test runs on its own temporary database and settings, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from app.services.registry.letters import LetterCard
    from db.engine import Database
    from tests.pg_server import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SECRETARIAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SECRETARIAT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SECRETARIAT_DB", str(tmp_path / "registry.db"))
    return tmp_path


@pytest.fixture(autouse=True)
def questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No question box ever waits for a person in a test: each is recorded and answered «Да»
    (a test that needs another answer patches ``QMessageBox.question`` itself)."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object, **_k: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "registry.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    from app.services.safety.opening import open_registry

    database = open_registry(str(db_path))
    yield database
    database.dispose()


# The demo registry is built once per session (and per program date, which its records carry)
# and copied for each test: building it takes a second, copying the file a hundredth of that.
_DEMO_TEMPLATES: dict[tuple[bool, str], Path] = {}


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-templates")


def demo_copy(folder: Path, target: Path, *, mixed_mailing: bool = False) -> Path:
    """A fresh demo registry at ``target``: a copy of the session's template, with an identity
    of its own (as if ``secretariat demo`` had made it there)."""
    import shutil
    import sqlite3
    import uuid

    from app.services.demo import load_demo
    from app.services.safety.opening import open_registry

    key = (mixed_mailing, os.environ.get("SECRETARIAT_TODAY", ""))
    if key not in _DEMO_TEMPLATES:
        path = folder / f"demo-{len(_DEMO_TEMPLATES)}.db"
        database = open_registry(str(path))
        load_demo(database, mixed_mailing=mixed_mailing)
        database.dispose()
        with sqlite3.connect(path) as con:  # everything into the main file, nothing in -wal
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _DEMO_TEMPLATES[key] = path
    shutil.copyfile(_DEMO_TEMPLATES[key], target)
    con = sqlite3.connect(target)
    with con:
        con.execute("UPDATE database_identity SET id = ?, home = ''", (str(uuid.uuid4()),))
    con.close()
    return target


def _open(path: Path) -> Iterator[Database]:
    from app.services.safety.opening import open_registry

    database = open_registry(str(path))
    yield database
    database.dispose()


@pytest.fixture
def demo_db(db_path: Path, demo_templates: Path) -> Iterator[Database]:
    yield from _open(demo_copy(demo_templates, db_path))


@pytest.fixture
def mailing_db(db_path: Path, demo_templates: Path) -> Iterator[Database]:
    """The demo registry with letter 1961/5: МЭДО, e-mail and two copies by post."""
    yield from _open(demo_copy(demo_templates, db_path, mixed_mailing=True))


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """The OS keyring replaced by a dict for the test: (service, account) → password."""
    import keyring
    from keyring.backend import KeyringBackend

    saved: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            return saved.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            saved[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            saved.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    yield saved
    keyring.set_keyring(previous)


def make_card(**fields: object) -> LetterCard:
    """A letter card to the Kamchatka governor in journal ИСХ; ``fields`` override the defaults."""
    from app.services.registry.letters import Addressee, LetterCard

    base: dict[str, object] = {
        "journal": "ИСХ",
        "subject": "О поддержке Конкурса «Лидер качества»",
        "addressee": Addressee(recipient="kamchatka-governor"),
        "case": "5",
        "signatory": "protasov",
        "body": "Просим поддержать проведение Конкурса.",
    }
    base.update(fields)
    return LetterCard(**base)  # type: ignore[arg-type]  # the fields given are the test's choice


# PostgreSQL: a throw-away server per test module (tests/pg_server.py)
@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    from tests.pg_server import start_server

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


_counter = iter(range(1, 1000))


@pytest.fixture
def pg_url(pg: PgServer) -> str:
    return pg.create_database(f"registry{next(_counter)}")


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    from app.services.safety.opening import open_registry

    db = open_registry(pg_url)
    yield db
    db.dispose()
