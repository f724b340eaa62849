"""Search by word forms, on SQLite and on a real PostgreSQL server: the same letters and
recipients, the same searches, the same answers (issue: «мероприятие» finds «мероприятиях»).

Each search is checked against letters written for it, with a letter that must *not* match
beside the one that must, so that a search matching everything fails too.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.directory.recipients import (
    RecipientData,
    count_recipients,
    list_recipients,
    recipient_choices,
    save_recipient,
)
from app.services.registry.letter_list import LetterQuery, count_letters, list_letters
from app.services.registry.letters import (
    Addressee,
    LetterCard,
    find_letter_in,
    register_letter,
    update_letter,
)
from app.services.safety.opening import open_registry
from app.services.search.search_index import wanted_of
from db.engine import Database
from db.models import Letter
from tests.support.builders import a_recipient
from tests.support.registries import module_registry, own_registry

LETTERS = {  # key: (heading, addressee, text)
    "events": (
        "О проведённых мероприятиях Недели качества",
        "Губернатору Калужской области В.В. Шапше",
        "Направляем Вам отчет о мероприятиях. Ссылка на письмо № 1893/5 от 28.10.2025.",
    ),
    "apart": (
        "О мероприятиях, которые будут проведены позднее",
        "Руководителю управления Е.В. Ченцовой",
        "Просим представить сведения до 01.12.2025; исх. 77-РСК.",
    ),
    "other": (
        "О поддержке конкурса",
        "Министру промышленности Курской области А.А. Иванову",
        "Информация о программе; номер 1894/6 от 29.10.2025.",
    ),
}


def _three_letters(db: Database) -> Database:
    """The demo's set-up and the three letters above, in an empty registry."""
    from app.services.demo import load_demo

    load_demo(db)
    for subject, addressee, body in LETTERS.values():
        card = LetterCard(
            journal="РСК",
            subject=subject,
            addressee=Addressee(text=addressee),
            date=dt.date(2025, 11, 3),
            body=body,
            signatory="protasov",
        )
        register_letter(db, card)
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The three letters in a registry of the test's own: for the tests that write."""
    yield from own_registry(request, tmp_path, _three_letters)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The same registry built once per module, for the tests that only search it."""
    yield from module_registry(request, tmp_path_factory, _three_letters)


def found(db: Database, search: str) -> set[str]:
    """Which of the three letters a search finds (by heading)."""
    rows = list_letters(db, LetterQuery(search=search))
    keys = {subject: key for key, (subject, _a, _b) in LETTERS.items()}
    return {keys[r.subject] for r in rows if r.subject in keys}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        # nouns, adjectives, participles, verbs in other forms than the letter has them
        ("мероприятие", {"events", "apart"}),
        ("проведенное мероприятие", {"events", "apart"}),
        ("направляют отчёты", {"events"}),
        ("недели качества", {"events"}),
        ("калужская", {"events"}),
        ("поддержку конкурсов", {"other"}),
        # a phrase in quotes: the words adjacent, in any form
        ('"проведенное мероприятие"', {"events"}),
        ("«проведенное мероприятие»", {"events"}),
        ('"мероприятия проведенные"', set()),
        # case and ё do not matter
        ("ОТЧЁТА", {"events"}),
        ("о ПРОВЕДЕННЫХ", {"events", "apart"}),
        # surnames across cases
        ("Шапша", {"events"}),
        ("Ченцова", {"apart"}),
        ("Иванов", {"other"}),
        # numbers, codes and dates as typed; a number's start while typing
        ("1893/5", {"events"}),
        ("1893/6", set()),
        ("28.10.2025", {"events"}),
        ("-РСК", {"events", "apart", "other"}),  # their numbers are «…-РСК»
        ("77-рск", {"apart"}),
        ("189", {"events", "other"}),
        ("1893/", {"events"}),
        # the last word unfinished
        ("губерна", {"events"}),
        ("мероприя", {"events", "apart"}),
        # no such word; nothing but punctuation; the FTS5 and tsquery syntax is only text
        ("ёлка", set()),
        ("///", set()),
        ('"', set()),
        ("мероприятие OR NEAR(* AND) & | ! :*", set()),
    ],
)
def test_word_forms(shared: Database, search: str, expected: set[str]) -> None:
    assert found(shared, search) == expected, search
    assert count_letters(shared, LetterQuery(search=search), cap=1_000) >= len(expected)


def test_short_search_is_the_number_start(shared: Database) -> None:
    rows = list_letters(shared, LetterQuery(search="2"))
    assert rows and all(r.number.startswith("2") for r in rows)


def test_edits_and_new_letters_are_found_at_once(registry: Database) -> None:
    with registry.read() as session:
        letter = session.scalars(select(Letter).where(Letter.subject == LETTERS["other"][0])).one()
        letter_id, version = letter.id, letter.version
    card = LetterCard(
        journal="РСК",
        subject="О ремонте дорог",
        addressee=Addressee(text="Главе города Курска"),
        date=dt.date(2025, 11, 3),
        body="Просим отремонтировать дороги.",
        signatory="protasov",
    )
    update_letter(registry, letter_id, card, version=version)
    assert found(registry, "поддержка конкурса") == set()
    assert [r.subject for r in list_letters(registry, LetterQuery(search="дорога"))] == [
        "О ремонте дорог"
    ]
    assert [r.subject for r in list_letters(registry, LetterQuery(search="курск"))] == [
        "О ремонте дорог"
    ]


def test_an_unfinished_word_is_completed_from_the_known_terms(
    registry: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terms of every indexed letter are kept (a new one's at once), an unfinished word is
    completed from them; a word that begins too many terms is left to the index's prefix
    search, with the same answers."""
    from app.storage import word_index
    from db.models import SearchTerm

    card = LetterCard(
        journal="РСК",
        subject="Об экспертизе проекта",
        addressee=Addressee(text="Главе города Курска"),
        date=dt.date(2025, 11, 3),
        body="Текст.",
        signatory="protasov",
    )
    register_letter(registry, card)
    with registry.read() as session:
        terms = set(session.scalars(select(SearchTerm.term).where(SearchTerm.name == "letter")))
        completed = word_index.completed(
            session, word_index.LETTERS, wanted_of("проведенных мероприя")
        )
    assert {"экспертиза", "мероприятие", "губернатор", "1893", "шапша"} <= terms
    assert completed[-1].completions == ("мероприятие",)
    assert [r.subject for r in list_letters(registry, LetterQuery(search="эксперти"))] == [
        "Об экспертизе проекта"
    ]
    assert found(registry, "проведенных мероприя") == {"events", "apart"}
    monkeypatch.setattr(word_index, "MAX_COMPLETIONS", 0)
    assert found(registry, "губерна") == {"events"}
    assert [r.subject for r in list_letters(registry, LetterQuery(search="эксперти"))] == [
        "Об экспертизе проекта"
    ]


def test_the_known_terms_are_filled_from_an_index_built_before_them(registry: Database) -> None:
    """Migration 0017 takes the terms of the index as it stands (FTS5's vocabulary, or
    PostgreSQL's ``ts_stat``): a registry indexed before it completes words at once."""

    from db.models import SearchTerm
    from db.schema import downgrade

    url = registry.engine.url
    downgrade(registry, "0016")
    registry.dispose()
    db = open_registry(url.render_as_string(hide_password=False))
    try:
        with db.read() as session:
            terms = set(session.scalars(select(SearchTerm.term)))
        assert {"мероприятие", "губернатор", "шапша", "1893"} <= terms
        assert found(db, "губерна") == {"events"}
    finally:
        db.dispose()


def test_recipients_by_word_forms(registry: Database) -> None:
    a_recipient(registry, "kaluga")
    save_recipient(
        registry,
        RecipientData(
            code="chentsova", organization="Росстандарт", last_name="Ченцова", first_name="Елена"
        ),
    )
    for search, code in (
        ("Шапше", "kaluga"),
        ("шапша владислав", "kaluga"),
        ("губернатору калужской", "kaluga"),
        ("Ченцовой", "chentsova"),
        ("ЧЕНЦОВА", "chentsova"),
        ("ченц", "chentsova"),
        ("Солодов", "kamchatka-governor"),  # printed «В.В. Солодову», not in the dictionary
        ("солодова", "kamchatka-governor"),
    ):
        assert code in {r.code for r in list_recipients(registry, search)}, search
        assert code in {c.code for c in recipient_choices(registry, search)}, search
    assert count_recipients(registry, "Шапше Ченцовой") == 0


def test_sqlite_index_holds_each_letter_once(tmp_path: Path) -> None:
    """After edits, the contentless index has one entry per letter, and FTS5 finds it whole."""
    from app.services.demo import load_demo

    path = tmp_path / "once.db"
    db = open_registry(str(path))
    load_demo(db)
    with db.read() as session:
        letter_id = find_letter_in(session, "1893/5").id
    for i in range(3):
        with db.read() as session:
            version = find_letter_in(session, "1893/5").version
        card = LetterCard(
            journal="ИСХ",
            subject=f"О проверке склада {i}",
            addressee=Addressee(text="Губернатору"),
            body="Текст.",
            signatory="protasov",
            case="5",
        )
        update_letter(db, letter_id, card, version=version, reason="опечатка")
    db.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO letter_words(letter_words) VALUES ('integrity-check')")
        letters = conn.execute("SELECT count(*) FROM letter").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM letter_words_docsize").fetchone() == (letters,)
    db = open_registry(str(path))
    assert [r.subject for r in list_letters(db, LetterQuery(search="склад"))] == [
        "О проверке склада 2"
    ]
    db.dispose()


def test_index_is_built_again_when_the_terms_change(tmp_path: Path) -> None:
    """A registry indexed under other terms (an older dictionary) is indexed again on opening,
    with progress; what was written before is found, nothing twice."""
    from app.services.demo import load_demo

    path = tmp_path / "rebuilt.db"
    db = open_registry(str(path))
    load_demo(db)
    db.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE search_index_state SET terms_version = 'older'")
        conn.execute("INSERT INTO letter_words(letter_words) VALUES ('delete-all')")
    seen: list[tuple[str, int, int]] = []
    db = open_registry(
        str(path), progress=lambda what, done, total: seen.append((what, done, total))
    )
    assert ("писем", 3, 3) in seen and any(what == "адресатов" for what, _d, _t in seen)
    assert count_letters(db, LetterQuery(search="недели качества")) == 2
    db.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM letter_words_docsize").fetchone() == (3,)


def test_cli_prints_the_progress_of_a_build(tmp_path: Path) -> None:
    from tests.support.cli import run

    path = tmp_path / "cli.db"
    assert run("demo", db=path).returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE search_index_state SET terms_version = 'older'")
    result = run("letters", "list", "--search", "мероприятием", db=path)
    assert result.returncode == 0, result.stderr
    assert "Построение поискового указателя: писем 3 из 3 (100 %)" in result.stderr
    assert "1893/5" in result.stdout


def test_a_rebuild_after_an_update_compacts_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update drops the old index: the file is rewritten without the freed pages."""
    from app.services.demo import load_demo
    from app.services.safety import maintenance

    monkeypatch.setattr(maintenance, "COMPACT_FREE_BYTES", 0)
    path = tmp_path / "compact.db"
    db = open_registry(str(path))
    load_demo(db)
    db.dispose()
    with sqlite3.connect(path) as conn:  # pages an old index held, free now
        conn.execute("CREATE TABLE old_index (x BLOB)")
        conn.executemany("INSERT INTO old_index VALUES (zeroblob(4000))", [()] * 2_000)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE old_index")
        conn.execute("UPDATE search_index_state SET terms_version = ''")
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] > 1_000
    seen: list[tuple[str, int, int]] = []
    db = open_registry(str(path), progress=lambda *step: seen.append(step))
    db.dispose()
    assert ("сжатие файла базы", 0, 0) in seen
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    seen.clear()
    open_registry(str(path), progress=lambda *step: seen.append(step)).dispose()
    assert seen == []  # built and compact: nothing to do on the next start


def test_an_embedded_registry_is_upgraded_by_copy(tmp_path: Path) -> None:
    """A registry of the version before the word index: copied into a new file at the current
    schema (identity, audit chain, files, numbers kept), its word index built on the way, the
    old file replaced; nothing of the old index or of the copy is left behind."""

    from app.services.access.audit_log import verify_audit
    from app.services.demo import load_demo
    from app.services.registry.letters import register_letter
    from db.schema import HEAD_REVISION, downgrade, schema_state
    from tests.support.builders import make_card

    path = tmp_path / "before.db"
    db = open_registry(str(path))
    load_demo(db)
    number = register_letter(db, make_card(subject="О проведённых совещаниях")).number
    events = verify_audit(db).events
    with db.engine.connect() as conn:
        identity = conn.exec_driver_sql("SELECT id FROM database_identity").scalar()
    downgrade(db, "0015")
    db.dispose()
    with sqlite3.connect(path) as conn:
        assert "search_norm" in {r[1] for r in conn.execute("PRAGMA table_info(letter)")}
    steps: list[tuple[str, int, int]] = []
    db = open_registry(str(path), progress=lambda *step: steps.append(step))
    try:
        assert schema_state(db).current == HEAD_REVISION
        assert steps[0] == (f"обновление схемы базы 0015 → {HEAD_REVISION}", 0, 0)
        assert ("копирование писем и справочников в файл новой версии", 0, 0) in steps
        assert ("писем", 4, 4) in steps
        assert [r.number for r in list_letters(db, LetterQuery(search="совещание"))] == [number]
        assert verify_audit(db).whole and verify_audit(db).events == events
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT id FROM database_identity").scalar() == identity
        following = register_letter(db, make_card()).number  # numbering goes on
        assert int(following.split("/")[0]) == int(number.split("/")[0]) + 1
    finally:
        db.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("before")) == [
        "before.db"
    ]
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "letter_fts" not in names and "letter_words" in names
        assert "search_norm" not in {r[1] for r in conn.execute("PRAGMA table_info(letter)")}
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_failed_copy_leaves_the_registry_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    from app.services.demo import load_demo
    from app.support.errors import UserError
    from db import upgrade_copy
    from db.schema import downgrade, schema_state

    path = tmp_path / "kept.db"
    db = open_registry(str(path))
    load_demo(db)
    downgrade(db, "0015")
    db.dispose()
    before = path.read_bytes()

    def broken(target: Database, old_path: Path) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(upgrade_copy, "_compare", broken)
    with pytest.raises(UserError, match="база осталась прежней"):
        open_registry(str(path))
    assert path.read_bytes() == before
    assert not (tmp_path / "kept.db.upgrade").exists()
    monkeypatch.undo()
    db = open_registry(str(path))
    assert schema_state(db).current != "0015"
    assert count_letters(db, LetterQuery(search="мероприятие")) == 2
    db.dispose()
