"""What the registry and the directory share for searching at scale: the words the trigram
index answers, the FTS5 phrase of those words, and a count that stops past a cap."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

FTS_MIN_WORD = 3  # the trigram index answers words of three characters and more


def indexed_words(words: list[str]) -> list[str]:
    """The words (already folded) that the trigram index can look up."""
    return [w for w in words if len(w) >= FTS_MIN_WORD]


def fts_phrase(words: list[str]) -> str:
    """An FTS5 query requiring every word, each quoted (no operator or syntax reaches FTS5)."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def capped_count(session: Session, ids: Select[Any], cap: int) -> int:
    """How many rows ``ids`` selects, counting no further than ``cap + 1`` («more than cap»)."""
    some = ids.limit(cap + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(some)) or 0)
