"""Small pieces of SQL the services share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session


def one_of(column: Any, values: Sequence[int]) -> ColumnElement[bool]:
    """``column IN (values)`` as one list parameter: a list of literals is coerced value by
    value each time the statement is built (1.6 ms for the 400 ids of a page of search
    results, against 0.07), and keeps the statement from the compiled cache."""
    return column.in_(bindparam(None, list(values), expanding=True))


def counts_by(session: Session, column: Any, ids: Sequence[int]) -> dict[int, int]:
    """How many rows hold each of ``ids`` in ``column`` (a letter's files, a control's rows);
    ids with none are absent."""
    if not ids:
        return {}
    stmt = select(column, func.count()).where(one_of(column, ids)).group_by(column)
    return {int(key): int(n) for key, n in session.execute(stmt)}
