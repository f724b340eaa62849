"""The registry listing: one page of letters at a time, filtered and sorted in SQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, false, func, select
from sqlalchemy.orm import Session, aliased

from app.rules.search_terms import Wanted
from app.rules.states import DONE_STATES
from app.services.registry.letter_rows import COUNT_CAP, LetterRow, letter_rows
from app.services.search.search_index import (
    capped_count,
    newest_first,
    search_session,
    wanted_of,
)
from app.storage.word_index import LETTERS, count_capped, matches, surely_many
from db.engine import Database
from db.models import (
    Journal,
    Letter,
    LetterAddressee,
    LetterFile,
    ReportControl,
    ReportRequest,
    Staff,
)
from db.sql import counts_by, one_of

SORT_KEYS = ("date", "number", "addressee", "subject", "status")


@dataclass
class LetterQuery:
    search: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    journal: str | None = None
    status: str | None = None
    sort: str = "date"  # one of SORT_KEYS
    descending: bool = True


SCAN_CHUNK = 400  # index matches examined per step when the newest are wanted first
OUT_OF_ORDER_LIMIT = 2_000  # letters dated later than their registration order allows


NUMBER_START_CHARS = 2  # a search this short matches the start of numbers, not words
# PostgreSQL: a word the server's statistics put in this many letters or more is common: a page
# in date order finds its matches among the newest (ten times the count's cap: the statistics
# are a sample)
COMMON_WORD_ROWS = 10 * COUNT_CAP


def _wanted(query: LetterQuery) -> list[Wanted]:
    return wanted_of(query.search)


def only_number_start(query: LetterQuery) -> bool:
    """The search is too short for words: it matches the beginning of numbers only."""
    return 0 < len(query.search.strip()) <= NUMBER_START_CHARS


def _by_words(query: LetterQuery) -> bool:
    """A search answered by the word index."""
    return len(query.search.strip()) > NUMBER_START_CHARS


def _number_start(search: str, *, by_number: bool = True) -> ColumnElement[bool]:
    """Only one or two characters typed: letters whose number begins with them (no index finds
    two letters inside a text, and a scan of a large registry takes seconds). ``by_number``: as
    a range of the number index; otherwise in a form no index serves, so that a page in date
    order walks the date index and stops after a page instead of sorting every match."""
    prefix = search.strip().upper()
    if not by_number:
        return func.substr(Letter.number, 1, len(prefix)) == prefix
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(Letter.number >= prefix, Letter.number < upper)


def _search(
    query: LetterQuery, session: Session, *, indexed: bool = True, by_number: bool = True
) -> list[ColumnElement[bool]]:
    """Every word (in any of its forms) and every quoted phrase must be in the letter: its
    number, heading, addressee or text; the last word may be unfinished (app/rules/search_terms.py).

    ``indexed`` false: the caller has already taken the ids from the index (SQLite). A search
    of one or two characters matches the number's start.
    """
    if only_number_start(query):
        return [_number_start(query.search, by_number=by_number)]
    if not _by_words(query):
        return []
    wanted = _wanted(query)
    if not wanted:
        return [false()]  # only punctuation: nothing to look for
    sqlite = session.get_bind().dialect.name == "sqlite"
    return [matches(session, LETTERS, wanted)] if indexed or not sqlite else []


def _filters(
    query: LetterQuery, session: Session, *, indexed: bool = True, by_number: bool = True
) -> list[ColumnElement[bool]]:
    conditions = _search(query, session, indexed=indexed, by_number=by_number)
    if query.date_from:
        conditions.append(Letter.reg_date >= query.date_from)
    if query.date_to:
        conditions.append(Letter.reg_date <= query.date_to)
    if query.journal:
        journal_id = select(Journal.id).where(Journal.code == query.journal).scalar_subquery()
        conditions.append(Letter.journal_id == journal_id)  # the (journal, period, seq) index
    if query.status:
        conditions.append(Letter.status == query.status)
    return conditions


def _order(query: LetterQuery) -> list[ColumnElement[object]]:
    columns: dict[str, list[ColumnElement[object]]] = {
        "date": [Letter.reg_date, Letter.id],  # type: ignore[list-item]
        "number": [Letter.journal_id, Letter.period_key, Letter.seq],  # type: ignore[list-item]
        "addressee": [Letter.addressee_text, Letter.id],  # type: ignore[list-item]
        "subject": [Letter.subject, Letter.id],  # type: ignore[list-item]
        "status": [Letter.status, Letter.reg_date, Letter.id],  # type: ignore[list-item]
    }
    chosen = columns.get(query.sort, columns["date"])
    return [c.desc() if query.descending else c.asc() for c in chosen]


def count_letters(db: Database, query: LetterQuery | None = None, *, cap: int | None = None) -> int:
    """How many letters match; with ``cap``, counting stops at ``cap + 1`` («more than cap»)."""
    query = query or LetterQuery()
    with search_session(db) as session:
        if cap is not None and _uses_index_chunks(db, query):
            return _count_indexed(session, query, cap)
        conditions = _filters(query, session)
        where = and_(True, *conditions)
        if cap is not None:
            return capped_count(session, select(Letter.id).where(where), cap)
        return int(session.scalar(select(func.count(Letter.id)).where(where)) or 0)


def _uses_index_chunks(db: Database, query: LetterQuery) -> bool:
    """SQLite, and a search the word index answers: matches are read from it by id, a chunk
    at a time, instead of collecting every match first."""
    return db.is_sqlite and _by_words(query) and bool(_wanted(query))


def _count_indexed(session: Session, query: LetterQuery, cap: int) -> int:
    rest = _filters(query, session, indexed=False)
    return count_capped(session, LETTERS, _wanted(query), cap, rest)


def _newest_ids(session: Session, query: LetterQuery, need: int) -> list[int] | None:
    """Ids of the ``need`` newest matching letters, newest first (see :func:`newest_first`)."""
    rest = _filters(query, session, indexed=False)
    return newest_first(
        session,
        LETTERS,
        _wanted(query),
        rest,
        need,
        chunk=SCAN_CHUNK,
        out_of_order_limit=OUT_OF_ORDER_LIMIT,
    )


def _sparse_number_start(session: Session, query: LetterQuery) -> bool:
    """A search by the number's start that matches at most :data:`COUNT_CAP` letters."""
    if not only_number_start(query):
        return False
    ids = select(Letter.id).where(_number_start(query.search))
    return capped_count(session, ids, COUNT_CAP) <= COUNT_CAP


def _few_word_matches(
    session: Session, query: LetterQuery, where: ColumnElement[bool]
) -> list[int] | None:
    """PostgreSQL, a search by words (``where``: its filters) that at most :data:`COUNT_CAP`
    letters match: their ids, read with the word index; None when more match.

    Asked for a page in date order, the server walks the date index from the newest letter and
    tests each against the words, expecting matches to come often. For a word few letters hold
    that read most of the registry: «1893» took 3.4–7.2 s at a million letters, and with 20
    clerks at once searches ran into the 15-second limit. A page of the few is then ordered
    among them."""
    wanted = _wanted(query)
    if not _by_words(query) or not wanted:
        return None
    # a word the statistics show in many letters: no probe (reading its 1,001 ids cost a common
    # word 25 → 70–80 ms at a million letters)
    if surely_many(session, LETTERS, wanted, COMMON_WORD_ROWS):
        return None
    ids = list(session.scalars(select(Letter.id).where(where).limit(COUNT_CAP + 1)))
    return ids if len(ids) <= COUNT_CAP else None


def _uses_newest_first(db: Database, query: LetterQuery) -> bool:
    """The registry's usual view of a text search: newest first, on the word index."""
    newest = query.sort == "date" and query.descending
    return newest and _uses_index_chunks(db, query)


def list_letters(
    db: Database, query: LetterQuery | None = None, *, offset: int = 0, limit: int = 200
) -> list[LetterRow]:
    """One page of the registry, newest first unless the query sorts otherwise."""
    query = query or LetterQuery()
    with search_session(db) as session:
        ids = _newest_ids(session, query, offset + limit) if _uses_newest_first(db, query) else None
        # many numbers begin so: walk the dates and stop at a page; few: the number index
        by_number = ids is None and _sparse_number_start(session, query)
        if ids is not None:
            page = ids[offset : offset + limit]
            return _rows(session, one_of(Letter.id, page), keep=page)
        where = and_(True, *_filters(query, session, by_number=by_number))
        few = None if db.is_sqlite else _few_word_matches(session, query, where)
        if few is not None:
            where = one_of(Letter.id, few)
        return _rows(session, where, order=_order(query), offset=offset, limit=limit)


@dataclass(frozen=True)
class SearchPage:
    """What the registry shows for a search: its first rows and how many match (at most
    ``cap + 1``, «more than cap»)."""

    rows: list[LetterRow]
    count: int


def search_letters(
    db: Database, query: LetterQuery, *, limit: int = 200, cap: int = COUNT_CAP
) -> SearchPage:
    """The first page and the capped count of a search. On a server the count runs at the
    same time as the page, on a connection of its own: each reads its own rows there (a
    common word: 20–50 ms each at a million letters), and the server has the cores for both."""
    if db.is_sqlite:
        return SearchPage(list_letters(db, query, limit=limit), count_letters(db, query, cap=cap))
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(count_letters, db, query, cap=cap)
        rows = list_letters(db, query, limit=limit)
        return SearchPage(rows, counting.result())


_SIGNATORY, _EXECUTOR = aliased(Staff), aliased(Staff)


def _rows(
    session: Session,
    where: ColumnElement[bool],
    *,
    order: list[ColumnElement[object]] | None = None,
    offset: int = 0,
    limit: int | None = None,
    keep: list[int] | None = None,
) -> list[LetterRow]:
    """Table rows read as plain columns in one query (no letter objects: their loading took
    two thirds of a page's 50 ms at a million letters), in ``order`` or in the order of the
    ids ``keep``, with their report progress and files."""
    stmt = (
        select(
            Letter.id,
            Journal.code,
            Letter.number,
            Letter.reg_date,
            Letter.status,
            Letter.addressee_text,
            Letter.subject,
            _SIGNATORY.last_name,
            _SIGNATORY.first_name,
            _SIGNATORY.middle_name,
            _EXECUTOR.last_name,
            _EXECUTOR.first_name,
            _EXECUTOR.middle_name,
            Letter.delivery_state,
            Letter.annul_reason,
        )
        .join(Journal, Journal.id == Letter.journal_id)
        .outerjoin(_SIGNATORY, _SIGNATORY.id == Letter.signatory_id)
        .outerjoin(_EXECUTOR, _EXECUTOR.id == Letter.executor_id)
        .where(where)
    )
    if order:
        stmt = stmt.order_by(*order).offset(offset).limit(limit)
    found = session.execute(stmt).all()
    if keep is not None:
        by_id = {r[0]: r for r in found}
        found = [by_id[i] for i in keep if i in by_id]
    ids = [r[0] for r in found]
    return letter_rows(
        found, _report_progress(session, ids), counts_by(session, LetterFile.letter_id, ids)
    )


def _report_progress(session: Session, ids: list[int]) -> dict[int, tuple[dt.date, int, int]]:
    if not ids:
        return {}
    received = func.sum(case((ReportControl.state.in_(DONE_STATES), 1), else_=0))
    stmt = (
        select(ReportRequest.letter_id, ReportRequest.due_date, received, func.count())
        .join(LetterAddressee, LetterAddressee.letter_id == ReportRequest.letter_id)
        .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
        .where(one_of(ReportRequest.letter_id, ids))
        .group_by(ReportRequest.letter_id, ReportRequest.due_date)
    )
    return {lid: (due, int(got or 0), int(total)) for lid, due, got, total in session.execute(stmt)}
