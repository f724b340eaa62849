"""The word index and the audit chain attached to one database's sessions when it is opened —
not to every session of the process by an import's side effect. Every database the program
opens goes through :func:`open_store` (``tests/test_architecture.py`` checks that nothing else
calls ``db.engine.open_database``)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.storage import audit, word_index
from db.engine import Database, open_database

# (event, listener) in the order they are attached: the index written at each flush, the audit
# chain just before the commit, both forgotten when the transaction rolls back
LISTENERS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("before_flush", word_index.before_flush),
    ("after_flush", word_index.after_flush),
    ("after_rollback", word_index.forget_after_rollback),
    ("before_commit", audit.chain_before_commit),
    ("after_rollback", audit.forget_after_rollback),
)


# the session factories with the hooks on: kept here, not asked of SQLAlchemy's registry, which
# keys its targets by id() and so may take a new factory for a collected one of the same id
_ATTACHED: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def attach(db: Database) -> Database:
    """The hooks on the sessions of ``db`` (both factories: nothing written escapes them);
    attaching twice changes nothing."""
    for sessions in (db.write_sessions, db.read_sessions):
        if sessions in _ATTACHED:
            continue
        for name, listener in LISTENERS:
            event.listen(sessions, name, listener)
        _ATTACHED.add(sessions)
    return db


def open_store(target: str, *, read_only: bool = False) -> Database:
    """The database at ``target`` (a file or a server's URL) with the hooks attached."""
    return attach(open_database(target, read_only=read_only))
