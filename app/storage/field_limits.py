"""A card's text fields checked against the columns that store them: the length a column holds
comes from the model, the rules of characters and length from :mod:`app.rules.field_rules`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String

from app.rules.field_rules import FIELD_LABELS, MAX_TEXT, text_problem


def column_limit(model: type, name: str) -> int | None:
    """The length the model's column holds; :data:`MAX_TEXT` for unbounded text; None when
    the model has no such text column."""
    table = getattr(model, "__table__", None)
    if table is None or name not in table.c:
        return None
    column_type = table.c[name].type
    if isinstance(column_type, String) and column_type.length:
        return int(column_type.length)
    return MAX_TEXT if isinstance(column_type, String) else None


def problems_of(
    data: Any,
    model: type,
    *,
    multiline: Iterable[str] = (),
    labels: dict[str, str] | None = None,
    extra_limits: dict[str, int] | None = None,
) -> list[str]:
    """Problems of every text field of the dataclass ``data`` that its model stores (or that
    ``extra_limits`` bounds): characters and length, named in Russian."""
    names = labels or {}
    many = set(multiline)
    found: list[str] = []
    for f in dataclasses.fields(data):
        value = getattr(data, f.name)
        if not isinstance(value, str):
            continue
        limit = (extra_limits or {}).get(f.name) or column_limit(model, f.name)
        if limit is None:
            continue
        label = names.get(f.name) or FIELD_LABELS.get(f.name) or f.name
        problem = text_problem(value, label, limit=limit, multiline=f.name in many)
        if problem:
            found.append(problem)
    return found
