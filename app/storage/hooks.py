"""The word index and the audit chain attached to one database's sessions when it is opened —
not to every session of the process by an import's side effect. Every database the program
opens goes through :func:`open_store` (``tests/test_architecture.py`` checks that nothing else
calls ``db.engine.open_database``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event

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


def attach(db: Database) -> Database:
    """The hooks on the sessions of ``db`` (both factories: nothing written escapes them);
    attaching twice changes nothing."""
    for sessions in (db.write_sessions, db.read_sessions):
        for name, listener in LISTENERS:
            if not event.contains(sessions, name, listener):
                event.listen(sessions, name, listener)
    return db


def open_store(target: str, *, read_only: bool = False) -> Database:
    """The database at ``target`` (a file or a server's URL) with the hooks attached."""
    return attach(open_database(target, read_only=read_only))
