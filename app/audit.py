"""Audit records, written inside the transaction of the change they describe."""

from __future__ import annotations

import getpass
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditEvent


@cache
def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry inside some containers
        return "unknown"


def record(
    session: Session, entity: str, entity_id: int | None, action: str, **details: Any
) -> None:
    session.add(
        AuditEvent(
            os_user=os_user(), entity=entity, entity_id=entity_id, action=action, details=details
        )
    )
