"""What the registry and the directory share for searching at scale: a search read as words
and phrases (bounded), a read transaction with a time limit, a count that stops past a cap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.errors import UserError
from app.search_terms import Wanted, parse_search
from app.text import normalize
from db.engine import Database

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
