"""The registry's search at scale: newest matches first without sorting every match, and a
count that stops at a cap. Checked against the plain answer (every match sorted by date)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from app.rules.search_terms import Wanted, parse_search
from app.services.directory import recipients
from app.services.directory.recipients import (
    RecipientData,
    count_recipients,
    get_recipient,
    list_recipients,
    save_recipient,
)
from app.services.registry import letter_list
from app.services.registry.letter_list import LetterQuery, count_letters, list_letters
from app.services.registry.letters import register_letter
from app.services.safety.opening import open_registry
from app.storage import word_index
from app.storage.word_index import RECIPIENTS
from db.engine import Database
from db.models import Letter, Recipient
from tests.support.builders import make_card
from tests.support.registries import demo_copy, profile_in


@pytest.fixture(scope="module")
def shuffled_db(
    demo_templates: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The demo with 40 letters «о проверке» and 20 others; several registered early but dated
    late. Built once: the tests here only search it."""
    folder = tmp_path_factory.mktemp("shuffled")
    with profile_in(folder):
        db = open_registry(str(demo_copy(demo_templates, folder / "registry.db")))
        _shuffle(db)
    yield db
    db.dispose()


def _shuffle(demo_db: Database) -> None:
    rng = random.Random(5)
    for i in range(60):
        subject = f"О проверке склада {i}" if i % 3 else f"О поставке {i}"
        register_letter(demo_db, make_card(subject=subject, date=dt.date(2025, 1, 1)))
    with demo_db.write() as session:
        for letter in session.query(Letter).filter(Letter.subject.like("О п%")):
            day = dt.date(2025, 1, 1) + dt.timedelta(days=letter.id % 50)
            if rng.random() < 0.15:  # a date corrected later, out of registration order
                day = dt.date(2025, 12, rng.randint(1, 28))
            session.execute(update(Letter).where(Letter.id == letter.id).values(reg_date=day))


def _plain(db: Database, query: LetterQuery, offset: int, limit: int) -> list[int]:
    """Every match sorted by date: the answer the shortcut must give."""
    saved = letter_list._uses_newest_first
    letter_list._uses_newest_first = lambda db, query: False
    try:
        return [r.id for r in list_letters(db, query, offset=offset, limit=limit)]
    finally:
        letter_list._uses_newest_first = saved


@pytest.mark.parametrize("chunk", [1, 3, 7, 400])
@pytest.mark.parametrize("search", ["проверке", "склада 1", "проверке ы", "поставке", "нет такого"])
def test_newest_first_equals_sorting_every_match(
    shuffled_db: Database, monkeypatch: pytest.MonkeyPatch, chunk: int, search: str
) -> None:
    monkeypatch.setattr(letter_list, "SCAN_CHUNK", chunk)
    query = LetterQuery(search=search)
    for offset, limit in ((0, 5), (5, 5), (0, 200), (30, 10)):
        assert [r.id for r in list_letters(shuffled_db, query, offset=offset, limit=limit)] == (
            _plain(shuffled_db, query, offset, limit)
        ), (search, offset, limit)


def test_filters_apply_to_the_shortcut(
    shuffled_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letter_list, "SCAN_CHUNK", 4)
    query = LetterQuery(
        search="проверке", date_from=dt.date(2025, 1, 10), date_to=dt.date(2025, 1, 30)
    )
    got = [r.id for r in list_letters(shuffled_db, query, limit=6)]
    assert got == _plain(shuffled_db, query, 0, 6)
    rows = list_letters(shuffled_db, query, limit=200)
    assert rows and all(dt.date(2025, 1, 10) <= r.reg_date <= dt.date(2025, 1, 30) for r in rows)
    monkeypatch.setattr(word_index, "COUNT_CHUNK", 3)
    exact = count_letters(shuffled_db, query)
    assert count_letters(shuffled_db, query, cap=1000) == len(rows) == exact
    assert count_letters(shuffled_db, query, cap=2) == 3


def test_too_many_out_of_order_falls_back(
    shuffled_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letter_list, "SCAN_CHUNK", 2)
    monkeypatch.setattr(letter_list, "OUT_OF_ORDER_LIMIT", 0)
    query = LetterQuery(search="проверке")
    assert [r.id for r in list_letters(shuffled_db, query, limit=5)] == _plain(
        shuffled_db, query, 0, 5
    )


def test_count_stops_at_the_cap(shuffled_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_index, "COUNT_CHUNK", 4)
    query = LetterQuery(search="проверке")
    assert count_letters(shuffled_db, query) == 40
    assert count_letters(shuffled_db, query, cap=10) == 11  # «более 10»
    assert count_letters(shuffled_db, query, cap=40) == 40
    assert count_letters(shuffled_db, LetterQuery(), cap=10) == 11


def _has(terms: list[str], wanted: list[Wanted]) -> bool:
    """What the index must answer, read directly off a row's terms: every wanted phrase there,
    adjacent (its last word, when typed, as the start of a term)."""

    def at(i: int, phrase: tuple[str, ...], prefix: bool) -> bool:
        window = terms[i : i + len(phrase)]
        if len(window) < len(phrase) or window[:-1] != list(phrase[:-1]):
            return False
        return window[-1].startswith(phrase[-1]) if prefix else window[-1] == phrase[-1]

    return all(
        any(at(i, p, prefix) for p, prefix in w.alternatives() for i in range(len(terms)))
        for w in wanted
    )


def _directory(db: Database) -> None:
    for i in range(30):
        region = "Курской области" if i % 2 else "Тверской области"
        save_recipient(
            db,
            RecipientData(code=f"r{i:02d}", organization=f"Министерство образования {region}"),
        )


@pytest.mark.parametrize("cap", [3, 1_000])
@pytest.mark.parametrize("search", ["курской", "образования тверской", "r1", "о курской", "нет"])
def test_recipient_search_same_by_index_or_scan(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, cap: int, search: str
) -> None:
    """A rare word is answered from the word index, a common one by the ordered scan; the rows
    are those a plain reading of every recipient's terms gives."""
    _directory(demo_db)
    monkeypatch.setattr(recipients, "RECIPIENT_COUNT_CAP", cap)
    got = [r.code for r in list_recipients(demo_db, search)]
    wanted = parse_search(search)
    with demo_db.read() as session:
        rows = session.query(Recipient).filter(Recipient.active.is_(True)).all()
        plain = sorted(
            (r for r in rows if _has(RECIPIENTS.terms_of(r), wanted)),
            key=lambda r: (r.organization, r.last_name, r.id),
        )
    assert got == [r.code for r in plain]
    assert count_recipients(demo_db, search) == len(plain)
    assert count_recipients(demo_db, search, cap=2) == min(len(plain), 3)


def test_recipient_index_follows_edits(demo_db: Database) -> None:
    _directory(demo_db)
    detail = get_recipient(demo_db, "r01")
    assert count_recipients(demo_db, "энской") == 0
    save_recipient(
        demo_db,
        RecipientData(
            id=detail.id, code="r01", organization="Министерство образования Энской области"
        ),
    )
    assert [r.code for r in list_recipients(demo_db, "энской")] == ["r01"]
    assert "r01" not in [r.code for r in list_recipients(demo_db, "курской")]


def test_a_search_that_finds_nothing_reads_no_letter(shuffled_db: Database) -> None:
    """The page of a search the word index answers with nothing reads no letter (an empty
    ``IN`` made SQLite read every letter: 0.9 s at a million): the database's own count of the
    steps it took stays that of a handful of rows, not of the registry's letters."""
    from sqlalchemy import event

    steps = [0]

    def count(*_args: object) -> int:
        steps[0] += 1
        return 0

    def connected(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.set_progress_handler(count, 1)  # type: ignore[attr-defined]

    shuffled_db.engine.dispose()
    event.listen(shuffled_db.engine, "connect", connected)
    try:
        list_letters(shuffled_db, LetterQuery(search="губа"))  # statements compiled
        steps[0] = 0
        assert list_letters(shuffled_db, LetterQuery(search="губа")) == []
        nothing = steps[0]
        letters = count_letters(shuffled_db, LetterQuery())
    finally:
        event.remove(shuffled_db.engine, "connect", connected)
        shuffled_db.engine.dispose()
    # 128 steps here, where the empty IN took 828 for these 63 letters (13 a letter)
    assert nothing < 4 * letters, (nothing, letters)


def test_a_page_of_ids_is_read_by_the_key(shuffled_db: Database) -> None:
    """``one_of`` as SQLite plans it: the rows looked up by their key, never the table read
    (rendered «IN (…) = 1», no index served it: 15 ms → 1.4 s a search at a million)."""
    from sqlalchemy import event, select

    from db.sql import one_of

    sent: list[tuple[str, object]] = []

    def seen(_c: object, _cur: object, statement: str, params: object, *_rest: object) -> None:
        sent.append((statement, params))

    event.listen(shuffled_db.engine, "before_cursor_execute", seen)
    try:
        with shuffled_db.engine.connect() as conn:
            for ids in ([1, 2, 3], [5]):
                conn.execute(select(Letter.reg_date).where(one_of(Letter.id, ids))).all()
    finally:
        event.remove(shuffled_db.engine, "before_cursor_execute", seen)
    raw = shuffled_db.engine.raw_connection()
    try:
        for statement, params in sent:
            plan = [str(r[-1]) for r in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params)]
            assert any("PRIMARY KEY" in step for step in plan), (statement, plan)
            assert not any(step.startswith("SCAN letter") for step in plan), (statement, plan)
    finally:
        raw.close()
