"""The audit as a hash chain: each event carries a SHA-256 over its content and the previous
event's hash, so an event changed, removed or slipped in afterwards is found by walking the chain.

The chain is made at commit, not at ``audit.record``: the transaction's events wait in the
session and are written just before it commits, after the chain's head row is locked (``SELECT …
FOR UPDATE``; SQLite's write transactions are serialized already). The lock is held only for the
last instant of the transaction, so concurrent writers queue for a moment instead of forking the
chain or failing; their events get consecutive places in commit order.

What it does not do: someone who can write the database and recomputes every hash after a change
is not caught by the chain alone — `audit verify` prints the head's hash so it can be noted
outside the database (a paper journal, a message) and compared later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.audit_hash import GENESIS, event_hash
from db.models import AuditChain, AuditEvent

PENDING = "audit_pending"  # session.info key: the events waiting for the commit


def hash_of(event: AuditEvent, prev: str) -> str:
    assert event.chain_seq is not None
    return event_hash(
        prev,
        event.chain_seq,
        event.at,
        event.os_user,
        event.entity,
        event.entity_id,
        event.action,
        event.details,
    )


def head_in(session: Session, *, lock: bool) -> AuditChain:
    """The chain's head (its last place and hash), locked for this transaction when asked."""
    stmt = select(AuditChain).where(AuditChain.id == 1)
    if lock:
        stmt = stmt.with_for_update()
    head = session.scalars(stmt.execution_options(populate_existing=True)).first()
    if head is None:  # a database made before the head existed in the schema's first rows
        head = AuditChain(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def chain_pending(session: Session) -> None:
    """Write the transaction's waiting events at the end of the chain (called before commit)."""
    pending: list[dict[str, Any]] = session.info.pop(PENDING, [])
    if not pending:
        return
    session.flush()  # the transaction's own changes first: the head lock is taken last
    head = head_in(session, lock=True)
    seq, prev = head.seq, head.hash
    for item in pending:
        seq += 1
        event = AuditEvent(chain_seq=seq, prev_hash=prev, **item)
        event.hash = prev = hash_of(event, prev)
        session.add(event)
    head.seq, head.hash = seq, prev
    session.flush()


@dataclass(frozen=True)
class ChainReport:
    events: int  # in the chain
    head: str  # the last hash, to note outside the database
    problem: str  # "" when the chain is whole
    event_id: int | None = None  # the first event found wrong

    @property
    def whole(self) -> bool:
        return not self.problem

    @property
    def line(self) -> str:
        if self.whole:
            return f"цепочка цела: {self.events} событий; последний хеш {self.head}"
        return f"цепочка нарушена: {self.problem}"


def _name(event: AuditEvent) -> str:
    when = event.at.replace(tzinfo=dt.UTC).astimezone().strftime("%d.%m.%Y %H:%M:%S")
    return f"событие № {event.chain_seq} (id {event.id}, {when}, {event.entity} {event.action})"


@contextmanager
def _chained(session: Session) -> Iterator[Iterator[AuditEvent]]:
    """The chained events in order, a batch at a time (a server-side cursor on PostgreSQL,
    closed even when the walk stops at the first wrong event)."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.chain_seq.is_not(None))
        .order_by(AuditEvent.chain_seq)
        .execution_options(yield_per=2000)
    )
    result = session.scalars(stmt)
    try:
        yield iter(result)
    finally:
        result.close()


def verify_in(session: Session) -> ChainReport:
    """Walk the chain from its start: the first event changed, removed or put in out of order."""
    with _chained(session) as events:
        return _walk(session, events)


def _walk(session: Session, events: Iterator[AuditEvent]) -> ChainReport:
    prev, expected, count = GENESIS, 1, 0
    for event in events:
        assert event.chain_seq is not None
        if event.chain_seq != expected:
            return ChainReport(
                count,
                prev,
                f"после события № {expected - 1} нет события № {expected} — оно удалено "
                f"(следующее в базе — {_name(event)})",
                event.id,
            )
        if event.prev_hash != prev:
            return ChainReport(
                count, prev, f"{_name(event)} вставлено не по порядку: ссылка на предыдущее "
                "событие не совпадает", event.id,
            )  # fmt: skip
        if hash_of(event, prev) != event.hash:
            return ChainReport(count, prev, f"{_name(event)} изменено после записи", event.id)
        prev, expected, count = event.hash, expected + 1, count + 1
    head = head_in(session, lock=False)
    if (head.seq, head.hash) != (count, prev):
        return ChainReport(
            count,
            prev,
            f"цепочка обрывается на событии № {count}, а записано {head.seq}: последние "
            "события удалены",
        )
    foreign = session.scalars(
        select(AuditEvent).where(AuditEvent.chain_seq.is_(None)).order_by(AuditEvent.id).limit(1)
    ).first()
    if foreign is not None:
        return ChainReport(
            count,
            prev,
            f"событие id {foreign.id} ({foreign.entity} {foreign.action}) записано в обход "
            "программы: его нет в цепочке",
            foreign.id,
        )
    return ChainReport(count, prev, "")
