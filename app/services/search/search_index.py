"""What the registry and the directory share for searching at scale: a search read as words
and phrases (bounded), a read transaction with a time limit, a count that stops past a cap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.rules.search_terms import Wanted, parse_search
from app.storage.word_index import Indexed, among, newest_ids
from app.support.errors import UserError
from app.support.text import normalize
from db.engine import Database
from db.sql import one_of

# a search is what a clerk types: bounded, so that no query makes the server hold gigabytes
# (a 20,000-character search over a 10 MB body drove PostgreSQL to 24 GB)
MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 12
SEARCH_TIMEOUT_MS = 15_000  # PostgreSQL: a search that runs longer is cancelled by the server


def search_words(search: str) -> list[str]:
    """The folded words of a search; a clear message when it is longer than a search is."""
    if len(search) > MAX_SEARCH_CHARS:
        raise UserError(f"Запрос поиска длиннее {MAX_SEARCH_CHARS} знаков; сократите его")
    words = normalize(search).split()
    if len(words) > MAX_SEARCH_WORDS:
        raise UserError(f"В запросе поиска больше {MAX_SEARCH_WORDS} слов; сократите его")
    return words


@contextmanager
def search_session(db: Database) -> Iterator[Session]:
    """A read transaction for a search; on PostgreSQL the server cancels it after
    :data:`SEARCH_TIMEOUT_MS`, and the clerk is told to narrow the search."""
    with db.read() as session:
        if not db.is_sqlite:
            session.execute(text(f"SET LOCAL statement_timeout = {SEARCH_TIMEOUT_MS}"))
        try:
            yield session
        except OperationalError as exc:
            if "statement timeout" not in str(exc):
                raise
            raise UserError(
                "Поиск не уложился в отведенное время; уточните запрос или задайте период"
            ) from exc


def wanted_of(search: str) -> list[Wanted]:
    """What a search asks the word index for (after the bounds of :func:`search_words`)."""
    search_words(search)
    return parse_search(search)


def capped_count(session: Session, ids: Select[Any], cap: int) -> int:
    """How many rows ``ids`` selects, counting no further than ``cap + 1`` («more than cap»)."""
    some = ids.limit(cap + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(some)) or 0)


def newest_first(
    session: Session,
    spec: Indexed,
    wanted: list[Wanted],
    rest: list[ColumnElement[bool]],
    need: int,
    *,
    chunk: int,
    out_of_order_limit: int,
) -> list[int] | None:
    """SQLite: ids of the ``need`` newest matching rows (by ``reg_date``, then id), newest
    first, without reading every match; ``rest``: the other filters.

    Matches are taken from the index newest-registered first (ids follow registration), a chunk
    at a time, until ``need`` pass the other filters. A row registered earlier but dated later
    than the oldest of them (a date corrected afterwards) would belong among them too: such
    rows are looked up by the date index and checked one by one. None when there are too many
    of those for this to pay; the caller then sorts every match.
    """
    model = spec.model
    date = model.reg_date  # type: ignore[union-attr]
    found: list[tuple[dt.date, int]] = []
    below = 2**62
    while len(found) < need:
        ids = newest_ids(session, spec, wanted, below, chunk)
        if ids:
            below = ids[-1]
            stmt = select(date, model.id).where(one_of(model.id, ids), *rest)
            found += [(d, i) for d, i in session.execute(stmt)]
        if len(ids) < chunk:  # every match has been seen
            return [i for _, i in sorted(found, reverse=True)[:need]]
    found.sort(reverse=True)
    edge = found[need - 1][0]
    later = list(
        session.scalars(
            select(model.id).where(date > edge, model.id < below).limit(out_of_order_limit + 1)
        )
    )
    if len(later) > out_of_order_limit:
        return None
    if later:
        # a handful of rows: each checked by its own text, not against every match
        later = sorted(among(session, spec, wanted, later))
        stmt = select(date, model.id).where(one_of(model.id, later), *rest)
        found = sorted(found + [(d, i) for d, i in session.execute(stmt)], reverse=True)
    return [i for _, i in found[:need]]
