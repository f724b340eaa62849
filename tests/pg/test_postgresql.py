"""The same code on a real PostgreSQL server: schema, concurrent numbering, Russian search,
conflicts, audit, and ``migrate-to`` from an embedded registry.

The server is Debian's PostgreSQL started in a temporary folder (``tests/pg_server.py``).
Without PostgreSQL installed the tests are skipped, unless ``SECRETARIAT_REQUIRE_PG=1`` (set by
the test command when it could install it) makes a missing server a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.engine import Database
from tests.support.builders import numbered_card
from tests.support.parallel import registered_in_parallel, seqs_of
from tests.support.pg_server import PgServer
from tests.support.places import ROOT

PROCESSES = 8
EACH = 60


def test_schema_and_check_on_postgresql(pg_db: Database) -> None:
    from app.services.safety.maintenance import check_database
    from db.schema import HEAD_REVISION, schema_state

    assert schema_state(pg_db).current == HEAD_REVISION
    assert check_database(pg_db).ok
    with pg_db.engine.connect() as conn:
        indexes = {r[0] for r in conn.exec_driver_sql("SELECT indexname FROM pg_indexes")}
    assert {"ix_letter_search_vector", "ix_recipient_search_vector"} <= indexes
    assert not {"ix_letter_search_trgm", "ix_recipient_search_trgm"} & indexes
    with pg_db.engine.connect() as conn:
        checks: dict[str, str] = dict(
            conn.exec_driver_sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c'"
            ).all()
        )
    assert "'unsigned'" in checks["ck_letter_addressee_dispatch_state"]  # the states, enforced
    assert {"ck_letter_status", "ck_report_control_state", "ck_dispatch_event_state"} <= set(checks)


@pytest.mark.slow
def test_eight_processes_get_consecutive_numbers(pg_db: object, pg_url: str) -> None:
    from app.services.demo import load_demo

    load_demo(pg_db)  # type: ignore[arg-type]
    numbers = registered_in_parallel(pg_url, PROCESSES, EACH)
    assert len(numbers) == len(set(numbers)) == PROCESSES * EACH
    assert seqs_of(numbers) == list(range(1, PROCESSES * EACH + 1))


def test_russian_search_folds_case_and_yo(pg_db: Database) -> None:
    from app.services.demo import load_demo
    from app.services.directory.recipients import list_recipients
    from app.services.registry.letter_list import LetterQuery, list_letters
    from app.services.registry.letters import register_letter

    load_demo(pg_db)
    number = register_letter(pg_db, numbered_card(1, "О ЁЛКЕ на площади")).number
    for query in ("губернатору костромской", "о елке", "ЁЛКЕ"):
        found = [r.number for r in list_letters(pg_db, LetterQuery(search=query))]
        assert number in found, query
    some = list_recipients(pg_db, "")[5]
    word = max(some.organization.split(), key=len)
    matches = list_recipients(pg_db, word.upper().replace("Е", "Ё"))
    assert some.code in {r.code for r in matches}


def test_conflict_and_audit_name_the_database_user(pg_db: object, pg: PgServer) -> None:
    from app.services.access.audit_log import AuditQuery, list_audit
    from app.services.demo import load_demo
    from app.services.directory.recipients import get_recipient, list_recipients, save_recipient
    from app.support.errors import ConflictError

    load_demo(pg_db)  # type: ignore[arg-type]
    code = list_recipients(pg_db, "")[0].code  # type: ignore[arg-type]
    first = get_recipient(pg_db, code).data  # type: ignore[arg-type]
    second = get_recipient(pg_db, code).data  # type: ignore[arg-type]
    first.phone = "+7 (495) 111 22 33"
    save_recipient(pg_db, first)  # type: ignore[arg-type]
    second.email = "someone@example.ru"
    with pytest.raises(ConflictError, match=r"телефон: «.*» → «\+7 \(495\) 111 22 33»"):
        save_recipient(pg_db, second)  # type: ignore[arg-type]
    events = list_audit(pg_db, AuditQuery(entity="recipient"))  # type: ignore[arg-type]
    assert events[0].details["db_user"] == pg.user


def test_migrate_to_copies_everything_and_numbering_goes_on(
    db_path: Path, pg_url: str, tmp_path: Path
) -> None:
    from app.services.demo import load_demo
    from app.services.registry.letters import register_letter
    from app.services.safety.opening import open_registry

    sqlite_db = open_registry(str(db_path))
    load_demo(sqlite_db, mixed_mailing=True)
    last = register_letter(sqlite_db, numbered_card(1)).number
    from app.services.registry.letter_files import attach_file, save_letter_file
    from app.services.registry.letters import letter_id_by_number

    scan = tmp_path / "скан.bin"
    scan.write_bytes(os.urandom(2 * 1024 * 1024 + 17))  # three pieces
    attach_file(sqlite_db, letter_id_by_number(sqlite_db, "710/5"), scan, kind="scan")
    from app.services.access.audit_log import verify_audit

    source_events = verify_audit(sqlite_db).events
    sqlite_db.dispose()
    env = {**os.environ, "SECRETARIAT_DB": str(db_path), "QT_QPA_PLATFORM": "offscreen"}

    def migrate() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "migrate-to", pg_url],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    run = migrate()
    assert run.returncode == 0, run.stderr
    assert "сверены: OK" in run.stdout
    assert "Построение поискового указателя: писем" in run.stderr  # built by the move itself
    again = migrate()
    assert again.returncode == 2 and "база не пуста" in again.stderr
    assert again.stderr.count("\n") == 1  # one line, no traceback

    pg_db = open_registry(pg_url)
    try:
        from app.services.registry.letter_list import LetterQuery, list_letters

        copied = {r.number for r in list_letters(pg_db, LetterQuery(), limit=10**6)}
        assert {"1893/5", "1961/5", last} <= copied
        by_form = list_letters(pg_db, LetterQuery(search="качеством мероприятия"))
        assert "1893/5" in {r.number for r in by_form}
        copy = save_letter_file(
            pg_db, letter_id_by_number(pg_db, "710/5"), "скан.bin", tmp_path / "back.bin"
        )
        assert copy.read_bytes() == scan.read_bytes()  # the pieces came over, in order
        following = register_letter(pg_db, numbered_card(2)).number
        assert int(following.removesuffix("-РСК")) == int(last.removesuffix("-РСК")) + 1
        from app.services.safety.maintenance import check_database

        assert check_database(pg_db).ok
        with pg_db.engine.connect() as conn:  # the move gathered the planner's statistics
            analyzed = conn.exec_driver_sql(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'letter'"
            ).scalar_one()
        assert analyzed is not None
        moved = verify_audit(pg_db)  # the chain came over whole, and goes on on the server
        assert moved.whole, moved.problem
        assert moved.events == source_events + 1  # and the registration after the move
    finally:
        pg_db.dispose()


def test_searches_are_bounded_on_the_server(pg_db: Database) -> None:
    """A search runs under a statement timeout; a search longer than a search is, is refused
    before it reaches the server."""
    from sqlalchemy import text

    from app.services.registry.letter_list import LetterQuery, list_letters
    from app.services.search.search_index import SEARCH_TIMEOUT_MS, search_session
    from app.support.errors import UserError

    with search_session(pg_db) as session:
        shown = session.execute(text("SHOW statement_timeout")).scalar_one()
    assert shown == f"{SEARCH_TIMEOUT_MS // 1000}s"
    with pytest.raises(UserError, match="длиннее 200 знаков"):
        list_letters(pg_db, LetterQuery(search="отчет " * 40))


def test_a_common_word_is_known_from_the_servers_statistics(pg_db: Database) -> None:
    """A one-word search the statistics put in many letters skips the probe for few matches;
    a rare word, a phrase of common words and a word before ANALYZE do not — and the page is
    the same either way."""
    from app.services.demo import load_demo
    from app.services.registry.letter_list import LetterQuery, list_letters
    from app.services.registry.letters import register_letter
    from app.services.search.search_index import search_session, wanted_of
    from app.storage import word_index

    load_demo(pg_db)
    for i in range(120):
        subject = "О квитировании сведений" + (" редкость" if i == 7 else "")
        register_letter(pg_db, numbered_card(i, subject=subject))
    with pg_db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")

    def many(search: str, at_least: int = 100) -> bool:
        with search_session(pg_db) as session:
            return word_index.surely_many(session, word_index.LETTERS, wanted_of(search), at_least)

    assert many("квитированию") and many("квитирование")  # word forms: the lemma is counted
    assert not many("квитированию", at_least=10_000)
    assert not many("редкость") and not many("квитирование сведений") and not many("1893")
    page = [r.number for r in list_letters(pg_db, LetterQuery(search="квитированию"))]
    assert len(page) == 120 and page == sorted(page, key=lambda n: -int(n.split("-")[0]))


def test_two_clerks_filling_one_reservation(pg_db: Database) -> None:
    """Both press «Зарегистрировать» on the same reserved number: one gets it, the other a
    clear message — never a StaleDataError."""
    import threading

    from app.services.demo import load_demo
    from app.services.registry.letters import register_letter, reserve_number
    from app.support.errors import UserError

    load_demo(pg_db)
    for attempt in range(5):
        number = reserve_number(pg_db, "РСК").number
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def fill(
            subject: str,
            number: str = number,
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
            attempt: int = attempt,
        ) -> None:
            card = numbered_card(attempt, subject)
            card.number = number
            card.date = None
            barrier.wait()
            try:
                register_letter(pg_db, card)
                outcomes.append("registered")
            except UserError as exc:
                outcomes.append(f"refused: {exc}")

        threads = [threading.Thread(target=fill, args=(s,)) for s in ("О первом", "О втором")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count("registered") == 1, outcomes
        assert "не зарезервирован" in next(o for o in outcomes if o.startswith("refused"))


def test_migrate_to_of_a_value_too_long_for_the_server_is_one_short_line(
    db_path: Path, pg_url: str
) -> None:
    """A database from before the length rule holds a case index longer than its column:
    PostgreSQL refuses it; the message names the reason in one line, not 22 KB of SQL."""
    from sqlalchemy import text

    from app.services.demo import load_demo
    from app.services.safety.migrate import migrate_to
    from app.services.safety.opening import open_registry
    from app.support.errors import UserError

    sqlite_db = open_registry(str(db_path))
    load_demo(sqlite_db)
    with sqlite_db.write() as session:
        session.execute(text("UPDATE letter SET case_index = :v"), {"v": "5" * 5000})
    with pytest.raises(UserError) as refused:
        migrate_to(sqlite_db, pg_url)
    sqlite_db.dispose()
    message = str(refused.value)
    assert "ничего не записано" in message and "too long" in message
    assert len(message) < 600 and "\n" not in message


def test_letter_files_in_pieces_on_the_server(pg_db: Database, tmp_path: Path) -> None:
    from app.services.demo import load_demo
    from app.services.registry.letter_files import attach_file, detach_file, save_letter_file
    from app.services.registry.letters import register_letter

    load_demo(pg_db)
    letter = register_letter(pg_db, numbered_card(7)).id
    data = tmp_path / "приложение.bin"
    data.write_bytes(os.urandom(1024 * 1024 + 5))
    attach_file(pg_db, letter, data)
    back = save_letter_file(pg_db, letter, "приложение.bin", tmp_path / "back.bin")
    assert back.read_bytes() == data.read_bytes()
    detach_file(pg_db, letter, "приложение.bin", "проверка")


@pytest.mark.slow
def test_the_audit_chain_on_the_server(pg_db: Database, pg_url: str) -> None:
    """Eight writers at once keep one whole chain; the server refuses to change an event even
    to its owner, unless the maintenance switch is set; a change made so is named."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    from app.services.access.audit_log import verify_audit
    from app.services.demo import load_demo

    load_demo(pg_db)
    registered_in_parallel(pg_url, PROCESSES, 10)
    report = verify_audit(pg_db)
    assert report.whole, report.problem
    owner = create_engine(pg_url)
    try:
        for statement in (
            "UPDATE audit_event SET os_user = 'psql' WHERE chain_seq = 3",
            "DELETE FROM audit_event WHERE chain_seq = 3",
            "TRUNCATE audit_event",
        ):
            with pytest.raises(DBAPIError, match="только дополняется"), owner.begin() as conn:
                conn.execute(text(statement))
        with owner.begin() as conn:
            conn.execute(text("SET LOCAL secretariat.audit_maintenance = 'on'"))
            conn.execute(text("UPDATE audit_event SET os_user = 'psql' WHERE chain_seq = 3"))
    finally:
        owner.dispose()
    report = verify_audit(pg_db)
    assert "событие № 3 " in report.problem and "изменено после записи" in report.problem


_users = iter(range(1, 1000))
