"""Audit records, written inside the transaction of the change they describe."""

from __future__ import annotations

import datetime as dt
import getpass
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from app.storage.audit_chain import PENDING, chain_pending


@cache
def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry inside some containers
        return "unknown"


def record(
    session: Session, entity: str, entity_id: int | None, action: str, **details: Any
) -> None:
    bind = session.get_bind()
    user = getattr(bind, "url", None) and bind.url.username  # type: ignore[union-attr]
    if bind.dialect.name != "sqlite" and user:
        details.setdefault("db_user", user)  # who, on a shared server
    # written at the end of the chain just before the transaction commits
    # (app/storage/audit_chain.py)
    session.info.setdefault(PENDING, []).append(
        {
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "os_user": os_user(),
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "details": details,
        }
    )


def chain_before_commit(session: Session) -> None:
    chain_pending(session)


def forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def changes_of(
    obj: Any, *, skip: tuple[str, ...] = ("version", "search_vector")
) -> dict[str, list[str]]:
    """Column attributes of ``obj`` changed since it was loaded (call before the flush):
    ``{name: [old, new]}`` as text, for the audit record."""
    from sqlalchemy import inspect as sa_inspect

    state = sa_inspect(obj)
    found: dict[str, list[str]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in skip:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new or (old is None and new in ("", None)):
            continue
        found[attr.key] = ["" if old is None else str(old), "" if new is None else str(new)]
    return found
