"""The word index and the audit chain hang on the database that was opened, not on every
session of the process: a database opened without them indexes and chains nothing, and the
preview's scratch transaction leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.storage import audit
from app.storage.hooks import LISTENERS, attach, open_store
from db.engine import Database, open_database
from db.models import AuditEvent, Recipient, SearchTerm
from db.schema import upgrade


def _add_recipient(db: Database, name: str) -> None:
    with db.write() as session:
        session.add(Recipient(code=name.lower(), organization=name, addressee_lines=name))
        audit.record(session, "recipient", None, "created", organization=name)


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as session:
        terms = session.scalar(select(func.count()).select_from(SearchTerm)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        return terms, events


def test_hooks_belong_to_the_database_opened(tmp_path: Path) -> None:
    bare = open_database(str(tmp_path / "bare.db"))
    upgrade(bare)
    hooked = open_store(str(tmp_path / "hooked.db"))
    upgrade(hooked)
    try:
        assert not any(event.contains(Session, name, fn) for name, fn in LISTENERS)
        _add_recipient(bare, "Минфин")
        _add_recipient(hooked, "Минфин")
        assert _counts(bare) == (0, 0)  # neither indexed nor chained: no hook process-wide
        terms, events = _counts(hooked)
        assert terms > 0 and events == 1
        attach(hooked)  # twice changes nothing
        _add_recipient(hooked, "Минтруд")
        assert _counts(hooked)[1] == 2
    finally:
        bare.dispose()
        hooked.dispose()


def test_a_scratch_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = open_store(str(tmp_path / "r.db"))
    upgrade(db)
    try:
        with db.scratch() as session:
            session.add(Recipient(code="x", organization="Минфин", addressee_lines="Минфин"))
            session.flush()
            assert session.scalar(select(func.count()).select_from(Recipient)) == 1
        assert _counts(db) == (0, 0)
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(Recipient)) == 0
    finally:
        db.dispose()


@pytest.mark.slow
def test_every_database_opened_in_a_long_run_gets_its_hooks() -> None:
    """SQLAlchemy's ``event.contains`` keys targets by id(): a new session factory at the id
    of a collected one looked hooked already, and 24 of 300 databases opened in one process
    went without the index and the chain (found when a test worker's registries stopped
    finding words). Whether a factory is hooked is now kept by the program itself."""
    import gc

    from app.storage import word_index

    unhooked = 0
    for n in range(300):
        db = open_store("sqlite://")
        with db.write_sessions() as session:
            unhooked += word_index.before_flush not in list(session.dispatch.before_flush)
        db.dispose()
        del db
        if n % 20 == 0:
            gc.collect()
    assert unhooked == 0
