"""The audit as a hash chain: each event carries a SHA-256 over its content and the previous
event's hash, so an event changed, removed or slipped in afterwards is found by walking the chain.

The chain is made at commit, not at ``audit.record``: the transaction's events wait in the
session and are written just before it commits, after the chain's head row is locked (``SELECT …
FOR UPDATE``; SQLite's write transactions are serialized already). The lock is held only for the
last instant of the transaction, so concurrent writers queue for a moment instead of forking the
chain or failing; their events get consecutive places in commit order.

On PostgreSQL (migration 0019) the client does not write the audit at all: the events are
handed to ``secretariat_audit_append``, a function the registry's owner owns, which locks the head,
chains them with an HMAC-SHA-256 under a key only the owner can read, and records the database
user itself; registrars and administrators have no right to write the audit's tables. ``audit
verify`` walks the keyed part through ``secretariat_audit_check`` on the server.

What it does not do: whoever holds the key (the database's owner, a superuser) or, on SQLite,
whoever can write the file can rebuild the chain after a change; that is caught only against a
head noted outside the database (``audit head --out``, ``audit verify --against``,
app/services/safety/audit_anchor.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
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
    if session.get_bind().dialect.name == "postgresql":
        _append_on_server(session, pending)
        return
    head = head_in(session, lock=True)
    seq, prev = head.seq, head.hash
    for item in pending:
        seq += 1
        event = AuditEvent(chain_seq=seq, prev_hash=prev, **item)
        event.hash = prev = hash_of(event, prev)
        session.add(event)
    head.seq, head.hash = seq, prev
    session.flush()


def _append_on_server(session: Session, pending: list[dict[str, Any]]) -> None:
    events = [{**item, "at": item["at"].isoformat(timespec="microseconds")} for item in pending]
    payload = json.dumps(events, ensure_ascii=False, default=str)
    session.execute(text("SELECT secretariat_audit_append(CAST(:e AS jsonb))"), {"e": payload})


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
def _chained(session: Session, before: int = 0) -> Iterator[Iterator[AuditEvent]]:
    """The chained events in order, a batch at a time (a server-side cursor on PostgreSQL,
    closed even when the walk stops at the first wrong event); ``before``: only those placed
    before the keyed part."""
    stmt = select(AuditEvent).where(AuditEvent.chain_seq.is_not(None))
    if before:
        stmt = stmt.where(AuditEvent.chain_seq < before)
    stmt = stmt.order_by(AuditEvent.chain_seq).execution_options(yield_per=2000)
    result = session.scalars(stmt)
    try:
        yield iter(result)
    finally:
        result.close()


def verify_in(session: Session) -> ChainReport:
    """Walk the chain from its start: the first event changed, removed or put in out of order
    (the keyed part, on PostgreSQL, walked by the server), then compare its end with the head."""
    head = head_in(session, lock=False)
    keyed_from = head.keyed_from or 0
    with _chained(session, before=keyed_from) as events:
        report = _walk(events)
    if not report.whole:
        return report
    if keyed_from:
        if report.events != keyed_from - 1:
            return ChainReport(
                report.events,
                report.head,
                f"после события № {report.events} нет события № {report.events + 1} — оно удалено",
            )
        report = _walk_on_server(session, keyed_from, report)
        if not report.whole:
            return report
    return _whole_at_head(session, head, report.events, report.head)


def _walk_on_server(session: Session, keyed_from: int, before: ChainReport) -> ChainReport:
    """The keyed links, checked by the server (only it reads the key)."""
    bad, problem, checked, last = session.execute(
        text("SELECT * FROM secretariat_audit_check(:s, :p)"),
        {"s": keyed_from, "p": before.head},
    ).one()
    count = before.events + int(checked)
    if bad is None:
        return ChainReport(count, str(last), "")
    if problem == "missing":
        following = session.scalars(
            select(AuditEvent).where(AuditEvent.chain_seq > bad).order_by(AuditEvent.chain_seq)
        ).first()
        if following is None:  # the tail is gone: the head tells
            return ChainReport(count, str(last), "")
        return _missing(count, str(last), bad, following)
    event = session.scalars(select(AuditEvent).where(AuditEvent.chain_seq == bad)).one()
    if problem == "order":
        return _out_of_order(count, str(last), event)
    return _changed(count, str(last), event)


def _missing(count: int, prev: str, expected: int, following: AuditEvent) -> ChainReport:
    return ChainReport(
        count,
        prev,
        f"после события № {expected - 1} нет события № {expected} — оно удалено "
        f"(следующее в базе — {_name(following)})",
        following.id,
    )


def _out_of_order(count: int, prev: str, event: AuditEvent) -> ChainReport:
    return ChainReport(
        count,
        prev,
        f"{_name(event)} вставлено не по порядку: ссылка на предыдущее событие не совпадает",
        event.id,
    )


def _changed(count: int, prev: str, event: AuditEvent) -> ChainReport:
    return ChainReport(count, prev, f"{_name(event)} изменено после записи", event.id)


def _walk(events: Iterator[AuditEvent]) -> ChainReport:
    prev, expected, count = GENESIS, 1, 0
    for event in events:
        assert event.chain_seq is not None
        if event.chain_seq != expected:
            return _missing(count, prev, expected, event)
        if event.prev_hash != prev:
            return _out_of_order(count, prev, event)
        if hash_of(event, prev) != event.hash:
            return _changed(count, prev, event)
        prev, expected, count = event.hash, expected + 1, count + 1
    return ChainReport(count, prev, "")


def _whole_at_head(session: Session, head: AuditChain, count: int, prev: str) -> ChainReport:
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
