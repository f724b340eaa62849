"""The registry's searches timed as the window runs them, beside bare SQL: shared by the SQLite
and the PostgreSQL sections."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from app.services.registry.letter_list import (
    COUNT_CAP,
    LetterQuery,
    count_letters,
    search_letters,
)
from bench.timing import stats, timed


def time_searches(
    db: Any, queries: tuple[str, ...], repeat: int, bare: Callable[[str], None]
) -> dict[str, Any]:
    """Each query as the registry runs it (capped count + first page of 200) and as ``bare``
    SQL over the same index; per query and over all of them."""
    ours, floor = [], []
    per_query = {}
    for q in queries:
        query = LetterQuery(search=q)

        def registry(query: LetterQuery = query) -> None:
            search_letters(db, query, limit=200, cap=COUNT_CAP)  # as the window runs it

        times = timed(registry, repeat)
        raw_times = timed(partial(bare, q), repeat)
        found = count_letters(db, query, cap=COUNT_CAP)
        per_query[q] = {
            "found": f"more than {COUNT_CAP}" if found > COUNT_CAP else found,
            "ours": stats(times),
            "raw_sql": stats(raw_times),
        }
        ours += times
        floor += raw_times
    return {"all": {"ours": stats(ours), "raw_sql": stats(floor)}, "queries": per_query}
