"""The audit chain's hash of one event (the rule the program writes with, the migration that
chains an existing registry, and ``audit verify`` all use): SHA-256 over the event's place,
time, user, subject, action, details and the previous event's hash, as canonical JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the «previous hash» of the first event


def canonical(details: Any) -> Any:
    """Details as the database gives them back (JSON: tuples are lists, keys are text)."""
    return json.loads(json.dumps(details, ensure_ascii=False, default=str))


def event_hash(
    prev: str,
    seq: int,
    at: dt.datetime,
    os_user: str,
    entity: str,
    entity_id: int | None,
    action: str,
    details: Any,
) -> str:
    payload = json.dumps(
        [
            seq,
            at.replace(tzinfo=None).isoformat(timespec="microseconds"),
            os_user,
            entity,
            entity_id,
            action,
            canonical(details),
            prev,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()
