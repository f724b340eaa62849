"""The word index of letters (outgoing and incoming) and recipients: kept in step with every
write, built after a migration (or a change of terms) with progress, and asked by the registry
and the directory.

The index holds the terms of :mod:`app.rules.search_terms` (lemmas), computed here in Python for
both databases, so SQLite and PostgreSQL give the same answers:

- SQLite: contentless FTS5 tables ``letter_words`` and ``recipient_words`` (the index only, no
  copy of the text; rowid = the row's id). A contentless table forgets a row only when told its
  old terms: they are computed again from the row as stored, before the change is written.
- PostgreSQL: the ``search_vector`` column (``tsvector``) with a GIN index.

Every ORM write of a letter or a recipient is indexed by the session hooks below, in the same
transaction; bulk inserts (the Excel journal) call :func:`index_inserted`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextClause,
    and_,
    cast,
    column,
    delete,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from app.rules.letter_body import plain_text
from app.rules.search_terms import Wanted, fts5_query, terms_version, text_terms, tsquery, tsvector
from db.engine import Database
from db.models import IncomingLetter, Letter, Recipient, SearchIndexState, SearchTerm

BUILD_BATCH = 2_000  # rows per transaction while building: a crash loses at most one batch
# an unfinished word beginning more terms than this is left to the index's own prefix search
MAX_COMPLETIONS = 64
_PENDING = "word_index_pending"
_COMPLETIONS = "word_index_completions"


@dataclass(frozen=True)
class Indexed:
    """One kind of indexed row: its table, the fields its text is made of, and how."""

    name: str  # the table, and the row of ``search_index_state``
    model: type[Letter] | type[Recipient] | type[IncomingLetter]
    fields: tuple[str, ...]
    document: Callable[[Mapping[str, Any]], list[str]]
    label: str  # what the progress line calls them

    @property
    def fts(self) -> str:
        return f"{self.name}_words"

    def terms_of(self, obj: Any) -> list[str]:
        return self.document({f: getattr(obj, f) for f in self.fields})

    def columns(self) -> list[Any]:
        """The id and the fields, as selected by :meth:`row_terms`."""
        return [self.model.id, *(getattr(self.model, f) for f in self.fields)]

    def row_terms(self, row: Any) -> tuple[int, list[str]]:
        """The id and the terms of a row selected with :meth:`columns`."""
        return int(row[0]), self.document(dict(zip(self.fields, row[1:], strict=True)))


def _letter_terms(v: Mapping[str, Any]) -> list[str]:
    body = plain_text(v.get("body") or "")
    return text_terms(
        v.get("number") or "", v.get("subject") or "", v.get("addressee_text") or "", body
    )


_RECIPIENT_FIELDS = (
    "code",
    "organization",
    "position",
    "last_name",
    "first_name",
    "middle_name",
    "addressee_lines",
    "email",
    "medo_id",
    "medo_address",
)


def _recipient_terms(v: Mapping[str, Any]) -> list[str]:
    """The fields' words in order (the name's parts in the order a full name prints them)."""
    return text_terms(*(v.get(f) or "" for f in _RECIPIENT_FIELDS))


LETTERS = Indexed(
    "letter", Letter, ("number", "subject", "addressee_text", "body"), _letter_terms, "писем"
)
RECIPIENTS = Indexed("recipient", Recipient, _RECIPIENT_FIELDS, _recipient_terms, "адресатов")
_INCOMING_FIELDS = ("number", "sender_text", "sender_number", "subject", "note")


def _incoming_terms(v: Mapping[str, Any]) -> list[str]:
    return text_terms(*(v.get(f) or "" for f in _INCOMING_FIELDS))


INCOMING = Indexed("incoming_letter", IncomingLetter, _INCOMING_FIELDS, _incoming_terms, "входящих")
INDEXED: tuple[Indexed, ...] = (RECIPIENTS, LETTERS, INCOMING)
_BY_MODEL: dict[type, Indexed] = {spec.model: spec for spec in INDEXED}


# --- asking -----------------------------------------------------------------------------------


def completed(session: Session, spec: Indexed, wanted: list[Wanted]) -> list[Wanted]:
    """The search with its unfinished last word spelled out as the indexed terms it begins
    (at most :data:`MAX_COMPLETIONS`; more are left to the index's prefix search). Asked once
    per session and word."""
    last = wanted[-1] if wanted else None
    if last is None or not last.typed or last.completions is not None:
        return wanted
    cache: dict[tuple[str, str], tuple[str, ...] | None] = session.info.setdefault(_COMPLETIONS, {})
    key = (spec.name, last.typed)
    if key not in cache:
        start = last.typed
        beyond = start[:-1] + chr(ord(start[-1]) + 1)  # the first string not beginning so
        terms = session.scalars(
            select(SearchTerm.term)
            .where(SearchTerm.name == spec.name, SearchTerm.term >= start, SearchTerm.term < beyond)
            .order_by(SearchTerm.term)
            .limit(MAX_COMPLETIONS + 1)
        ).all()
        cache[key] = tuple(terms) if len(terms) <= MAX_COMPLETIONS else None
    if cache[key] is None:
        return wanted
    return [*wanted[:-1], replace(last, completions=cache[key])]


def matches(
    session: Session, spec: Indexed, wanted: list[Wanted], *, walk: bool = False
) -> ColumnElement[bool]:
    """The rows whose terms hold everything ``wanted`` asks for. ``walk`` (SQLite): the rows
    are to be walked in another index's order, each checked against the matches (``+0`` keeps
    SQLite from fetching every match by id and sorting them instead)."""
    wanted = completed(session, spec, wanted)
    if _sqlite(session):
        ids = text(f"SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH :q")
        rowid = column("rowid", Integer)
        key = spec.model.id + 0 if walk else spec.model.id
        return key.in_(ids.bindparams(q=fts5_query(wanted)).columns(rowid))
    return spec.model.search_vector.op("@@")(cast(tsquery(wanted), TSQUERY))


COMMON_TTL_S = 600.0  # the server's statistics of the index, read again after this long
_COMMON: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}


def _common_terms(session: Session, spec: Indexed) -> dict[str, float]:
    """PostgreSQL: the index's most common terms with the rows each is estimated to be in, from
    the statistics ``ANALYZE`` keeps (``pg_stats.most_common_elems``); read once a few minutes
    per process, not per search."""
    key = (session.get_bind().engine.url.render_as_string(hide_password=True), spec.name)
    now = time.monotonic()
    cached = _COMMON.get(key)
    if cached is not None and now - cached[0] < COMMON_TTL_S:
        return cached[1]
    row = session.execute(
        text(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            "(SELECT reltuples FROM pg_class WHERE oid = to_regclass(:table)) "
            "FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = :table "
            "AND s.attname = 'search_vector'"
        ),
        {"table": spec.name},
    ).first()
    common: dict[str, float] = {}
    if row is not None and row[0] and row[1] and row[2]:
        rows = max(float(row[2]), 0.0)
        common = {term: float(freq) * rows for term, freq in zip(row[0], row[1], strict=False)}
    _COMMON[key] = (now, common)
    return common


def surely_many(session: Session, spec: Indexed, wanted: list[Wanted], at_least: int) -> bool:
    """PostgreSQL: whether the server's statistics show that a search of one word matches at
    least ``at_least`` rows — a word of the index's most common terms. Then a page in date order
    finds its rows among the newest at once, and nothing needs to be counted first. Said only
    where the statistics bound the count from below: one word (a phrase, or several words, may
    hold common terms and match few rows); unknown or rarer words are not said to be many."""
    wanted = completed(session, spec, wanted)
    if len(wanted) != 1 or _sqlite(session):
        return False
    common = _common_terms(session, spec)
    # a prefix ('губерн':*) matches the term itself, so the term's count bounds it from below
    single = [terms[0] for terms, _prefix in wanted[0].alternatives() if len(terms) == 1]
    return max((common.get(term, 0.0) for term in single), default=0.0) >= at_least


def newest_ids(
    session: Session, spec: Indexed, wanted: list[Wanted], below: int, n: int
) -> list[int]:
    """SQLite: up to ``n`` ids of matching rows below ``below``, highest (newest) first."""
    query = fts5_query(completed(session, spec, wanted))
    return list(session.scalars(_newest(spec), {"q": query, "below": below, "n": n}))


def _newest(spec: Indexed) -> TextClause:
    """Up to ``:n`` ids matching ``:q`` below ``:below``, highest first (SQLite)."""
    return text(
        f"SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH :q AND rowid < :below "
        "ORDER BY rowid DESC LIMIT :n"
    )


COUNT_CHUNK = 2_000


def count_capped(
    session: Session,
    spec: Indexed,
    wanted: list[Wanted],
    cap: int,
    conditions: Sequence[ColumnElement[bool]] = (),
) -> int:
    """SQLite: how many matching rows meet ``conditions``, up to ``cap + 1`` («more than cap»),
    read from the index a chunk at a time (each chunk counted in SQL): ``id IN (MATCH …)``
    would collect every match of a common word before counting (0.1–0.4 s at a million)."""
    chunk = _newest(spec).columns(column("rowid", Integer)).subquery("chunk")
    stmt = select(func.count(), func.min(chunk.c.rowid), func.count())
    if conditions:  # the chunk's rows that meet them counted beside it
        meeting = and_(spec.model.id == chunk.c.rowid, *conditions)
        stmt = select(func.count(), func.min(chunk.c.rowid), func.count(spec.model.id))
        stmt = stmt.select_from(chunk.outerjoin(spec.model, meeting))
    query = fts5_query(completed(session, spec, wanted))
    total, below = 0, 2**62
    while total <= cap:
        params = {"q": query, "below": below, "n": COUNT_CHUNK}
        read, lowest, meet = session.execute(stmt, params).one()
        total += int(meet)
        if read < COUNT_CHUNK:
            break
        below = int(lowest)
    return min(total, cap + 1)


def among(session: Session, spec: Indexed, wanted: list[Wanted], ids: list[int]) -> set[int]:
    """SQLite: which of a few ``ids`` match, each looked up by its rowid (``id IN (MATCH …)``
    would make SQLite read every match of a common word first: 330 ms at a million letters)."""
    stmt = text(f"SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH :q AND rowid = :id")
    query = fts5_query(completed(session, spec, wanted))
    return {i for i in ids if session.scalar(stmt, {"q": query, "id": i}) is not None}


# --- writing ----------------------------------------------------------------------------------


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _write(
    session: Session, spec: Indexed, rows: list[tuple[int, list[str]]], *, vectors: bool = True
) -> None:
    """Index these rows (their ids and terms), not indexed before, and keep their terms in
    ``search_term``. ``vectors`` false: PostgreSQL rows whose vector the flush has written."""
    if not rows:
        return
    terms = sorted({t for _, ts in rows for t in ts})
    if _sqlite(session):
        stmt = text(f"INSERT INTO {spec.fts} (rowid, terms) VALUES (:id, :terms)")
        session.execute(stmt, [{"id": i, "terms": " ".join(t)} for i, t in rows])
        known = "INSERT OR IGNORE INTO search_term (name, term) VALUES (:name, :term)"
        if terms:
            session.execute(text(known), [{"name": spec.name, "term": t} for t in terms])
        return
    if vectors:
        stmt = text(f"UPDATE {spec.name} SET search_vector = CAST(:v AS tsvector) WHERE id = :id")
        session.execute(stmt, [{"id": i, "v": tsvector(t)} for i, t in rows])
    known = (
        "INSERT INTO search_term (name, term) SELECT :name, unnest(CAST(:terms AS text[])) "
        "ON CONFLICT DO NOTHING"
    )  # in one order everywhere: two writers adding the same terms do not deadlock
    session.execute(text(known), {"name": spec.name, "terms": terms})


def _forget(session: Session, spec: Indexed, ids: list[int]) -> None:
    """SQLite: take these rows out of the index, by the terms of their text as stored now."""
    stored = session.execute(select(*spec.columns()).where(spec.model.id.in_(ids))).all()
    forget = f"INSERT INTO {spec.fts} ({spec.fts}, rowid, terms) VALUES ('delete', :id, :terms)"
    params = [{"id": i, "terms": " ".join(t)} for i, t in map(spec.row_terms, stored)]
    if params:
        session.execute(text(forget), params)


def index_deleted(session: Session, spec: Indexed, ids: list[int]) -> None:
    """Take rows that a bulk DELETE is about to remove out of the index (the session hooks do
    not see a bulk DELETE). SQLite only: on PostgreSQL the index is the row's own column."""
    if _sqlite(session):
        for start in range(0, len(ids), 500):
            _forget(session, spec, ids[start : start + 500])


def index_inserted(
    session: Session, spec: Indexed, rows: list[tuple[int, Mapping[str, Any]]]
) -> None:
    """Index rows written by a bulk INSERT (which the session hooks do not see)."""
    _write(session, spec, [(i, spec.document(values)) for i, values in rows])


def _changed(obj: Any, spec: Indexed) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in spec.fields)


def before_flush(session: Session, _context: Any, _instances: Any) -> None:
    session.info.pop(_PENDING, None)
    fresh: list[tuple[Indexed, Any]] = []
    stale: dict[Indexed, list[int]] = {}
    for obj in session.new:
        spec = _BY_MODEL.get(type(obj))
        if spec is not None:
            fresh.append((spec, obj))
    for obj in session.dirty:
        spec = _BY_MODEL.get(type(obj))
        if spec is not None and _changed(obj, spec):
            fresh.append((spec, obj))
            stale.setdefault(spec, []).append(obj.id)
    for obj in session.deleted:
        spec = _BY_MODEL.get(type(obj))
        if spec is not None:
            stale.setdefault(spec, []).append(obj.id)
    if not fresh and not stale:
        return
    pending = [(spec, obj, spec.terms_of(obj)) for spec, obj in fresh]
    if _sqlite(session):
        for spec, ids in stale.items():
            _forget(session, spec, ids)
    else:
        for _spec, obj, terms in pending:
            obj.search_vector = tsvector(terms)
    session.info[_PENDING] = pending


def after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    vectors = _sqlite(session)  # PostgreSQL: the flush wrote them with the rows
    for spec in INDEXED:
        rows = [(obj.id, t) for s, obj, t in pending if s is spec]
        _write(session, spec, rows, vectors=vectors)


def forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- building ---------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]  # (what, done, total)


def needs_building(db: Database) -> bool:
    """The index is not complete under the program's terms (one cheap query)."""
    version = terms_version()
    with db.read() as session:
        states = {s.name: s for s in session.scalars(select(SearchIndexState))}
    return any(
        (state := states.get(spec.name)) is None
        or state.terms_version != version
        or state.indexed_upto < state.build_end
        for spec in INDEXED
    )


def build(db: Database, progress: Progress | None = None) -> bool:
    """Complete the index: from where it stopped, or from scratch when the terms changed.
    A batch per transaction; programs building at once share the work. True when this call
    built from scratch (after a migration: the old index's pages are now free)."""
    version = terms_version()
    scratch = False
    for spec in INDEXED:
        with db.read() as session:  # for the progress line: how many rows, how many done
            state = session.get(SearchIndexState, spec.name)
            resumed = state is not None and state.terms_version == version
            end = state.build_end if state and resumed else session.scalar(_highest(spec))
            upto = state.indexed_upto if state and resumed else 0
            count = int(session.scalar(_count_upto(spec, end or 0)) or 0)
            done = int(session.scalar(_count_upto(spec, upto)) or 0)
        while True:
            with db.write() as session:
                state = session.get(SearchIndexState, spec.name, with_for_update=True)
                if state is None:
                    state = SearchIndexState(name=spec.name)
                    session.add(state)
                if state.terms_version != version:
                    _start(session, spec, state, version)
                    scratch = True
                rows = session.execute(
                    select(*spec.columns())
                    .where(spec.model.id > state.indexed_upto, spec.model.id <= state.build_end)
                    .order_by(spec.model.id)
                    .limit(BUILD_BATCH)
                ).all()
                if rows:
                    _write(session, spec, [spec.row_terms(r) for r in rows])
                    state.indexed_upto = rows[-1][0]
                    done += len(rows)
                else:
                    state.indexed_upto = state.build_end
            if progress is not None and rows:
                progress(spec.label, min(done, count), count)
            if len(rows) < BUILD_BATCH:
                break
    return scratch


def _start(session: Session, spec: Indexed, state: SearchIndexState, version: str) -> None:
    """A build from scratch: the index emptied, every row there now to be indexed (rows
    written from now on are indexed by the session hooks as they are written)."""
    if _sqlite(session):
        session.execute(text(f"INSERT INTO {spec.fts} ({spec.fts}) VALUES ('delete-all')"))
    session.execute(delete(SearchTerm).where(SearchTerm.name == spec.name))
    state.terms_version, state.indexed_upto = version, 0
    state.build_end = int(session.scalar(_highest(spec)) or 0)


def _highest(spec: Indexed) -> Select[Any]:
    return select(func.max(spec.model.id))


def _count_upto(spec: Indexed, upto: int) -> Select[Any]:
    return select(func.count()).where(spec.model.id <= upto)
