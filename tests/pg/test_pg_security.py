"""What the program forbids, the server forbids (issue 36, rows 2–4): the attacker's repros as a
registrar and an administrator in psql — a number issued twice, the audit rewritten, roles leaking
from one registry to another — on a throw-away PostgreSQL server."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from db.engine import Database
from tests.support.builders import numbered_card
from tests.support.pg_server import PgServer

_users = iter(range(1, 1000))


def _login(pg: PgServer, pg_url: str, role: str) -> tuple[str, str]:
    """A new server login made a member of this registry's ``role`` through the program."""
    from app.services.access.roles import grant

    name = f"{role[:5]}{next(_users)}x"
    owner = create_engine(pg_url)
    with owner.begin() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN"))
    owner.dispose()
    from app.services.safety.opening import open_registry

    db = open_registry(pg_url)
    grant(db, name, role)
    db.dispose()
    return name, pg_url.replace(f"//{pg.user}@", f"//{name}@")


@pytest.fixture
def psql() -> Iterator[list[Engine]]:
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.dispose()


def _refused(engine: Engine, statement: str, match: str = "permission denied") -> None:
    with pytest.raises(DBAPIError, match=match), engine.begin() as conn:
        conn.execute(text(statement))


def test_a_registrar_cannot_issue_a_number_twice(
    pg_db: Database, pg_url: str, pg: PgServer, psql: list[Engine]
) -> None:
    """The repro: register, DELETE the letter, move the counter back, register again — each step
    refused by the server; setval too; a numbered row cannot be renumbered or made up."""
    from app.services.demo import load_demo
    from app.services.registry.letters import register_letter
    from app.services.safety.opening import open_registry

    load_demo(pg_db)
    _name, url = _login(pg, pg_url, "registrar")
    registrar = open_registry(url)
    first = register_letter(registrar, numbered_card(1))
    second = register_letter(registrar, numbered_card(2))
    registrar.dispose()
    sql = create_engine(url)
    psql.append(sql)
    _refused(sql, f"DELETE FROM letter WHERE id = {first.id}")
    _refused(sql, "UPDATE journal_counter SET last_seq = 0")
    _refused(
        sql, "INSERT INTO journal_counter (journal_id, period_key, last_seq) VALUES (1, 'x', 0)"
    )
    _refused(sql, "SELECT setval('letter_id_seq', 1)")
    _refused(sql, f"UPDATE letter SET seq = 99 WHERE id = {second.id}", "не меняются")
    _refused(
        sql,
        f"UPDATE letter SET number = '{first.number}' WHERE id = {second.id}",
        "уже стоит на другой записи",
    )
    _refused(
        sql,
        "INSERT INTO letter (journal_id, period_key, seq, number, reg_date, status, case_index, "
        "department, correspondent, subject, body, closing, addressee_kind, addressee_text, "
        "salutation, reply_to_number) SELECT journal_id, period_key, 99999, 'x/99999', reg_date, "
        "status, '', '', '', '', '', '', 'recipient', '', '', '' FROM letter LIMIT 1",
        "не выдан счетчиком",
    )
    # the counter moves only forward, even through the server's own function
    with sql.begin() as conn:
        journal, key, seq = conn.execute(
            text(f"SELECT journal_id, period_key, seq FROM letter WHERE id = {second.id}")
        ).one()
        back = conn.execute(
            text("SELECT secretariat_next_seq(:j, :k, 1, false)"), {"j": journal, "k": key}
        ).scalar_one()
    assert back == seq
    again = register_letter(pg_db, numbered_card(3))
    with sql.begin() as conn:
        assert (
            conn.execute(text(f"SELECT seq FROM letter WHERE id = {again.id}")).scalar() == seq + 1
        )


def test_an_administrator_cannot_delete_or_rewrite_either(
    pg_db: Database, pg_url: str, pg: PgServer, psql: list[Engine]
) -> None:
    """An administrator of the registry (not the database's owner) changes the set-up, but numbered
    rows and the audit are out of reach: no delete, no truncate, no maintenance switch, no key."""
    from app.services.demo import load_demo
    from app.services.registry.letters import register_letter

    load_demo(pg_db)
    registered = register_letter(pg_db, numbered_card(1))
    _name, url = _login(pg, pg_url, "admin")
    sql = create_engine(url)
    psql.append(sql)
    with sql.begin() as conn:
        conn.execute(text("UPDATE journal SET name = name"))  # the set-up is theirs
    _refused(sql, f"DELETE FROM letter WHERE id = {registered.id}")
    _refused(sql, "TRUNCATE letter CASCADE")
    _refused(sql, "SELECT * FROM audit_key")
    _refused(sql, "UPDATE audit_chain SET seq = seq - 1")
    _refused(sql, "INSERT INTO audit_event (entity, action, details) VALUES ('x', 'y', '{}')")
    with pytest.raises(DBAPIError), sql.begin() as conn:
        conn.execute(text("SET LOCAL secretariat.audit_maintenance = 'on'"))
        conn.execute(text("DELETE FROM audit_event WHERE chain_seq = 1"))
    _refused(
        sql,
        "SELECT secretariat_audit_link('\\x00'::bytea, '\\x00'::bytea, 1, '', now()::timestamp, "
        "'', '', 1, '', '{}'::jsonb)",
    )


def test_the_server_chains_the_audit_with_the_owners_key(
    pg_db: Database, pg_url: str, pg: PgServer
) -> None:
    """Every event is linked by an HMAC-SHA-256 under the owner's key (checked here with Python's
    own hmac); the database user is the server's, not what the client says; a chain rebuilt by
    someone without the key — re-hashed with the public rule — is found."""
    from app.services.access.audit_log import verify_audit
    from app.services.demo import load_demo
    from app.services.registry.letters import register_letter
    from db.audit_hash import event_hash

    load_demo(pg_db)
    register_letter(pg_db, numbered_card(1))
    owner = create_engine(pg_url)
    try:
        with owner.begin() as conn:
            ipad, opad = conn.execute(text("SELECT ipad, opad FROM audit_key")).one()
            keyed_from = conn.execute(text("SELECT keyed_from FROM audit_chain")).scalar_one()
            rows = conn.execute(
                text(
                    "SELECT chain_seq, prev_hash, hash, details::jsonb::text, "
                    "jsonb_build_array(chain_seq, to_char(at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), "
                    "os_user, entity, entity_id, action, details::jsonb, prev_hash)::text "
                    "FROM audit_event ORDER BY chain_seq"
                )
            ).all()
        assert keyed_from == 1 and rows
        key = bytes(b ^ 0x36 for b in bytes(ipad))[:32]
        assert bytes(opad) == bytes(b ^ 0x5C for b in key.ljust(64, b"\0"))
        for _seq, _prev, digest, details, payload in rows:
            assert hmac.new(key, payload.encode(), hashlib.sha256).hexdigest() == digest
            assert json.loads(details)["db_user"] == pg.user
        # rebuilt without the key: the public rule of the SQLite chain does not pass here
        with owner.begin() as conn:
            conn.execute(text("SET LOCAL secretariat.audit_maintenance = 'on'"))
            event = conn.execute(
                text("SELECT id, at, os_user, entity, entity_id, action, details, prev_hash "
                     "FROM audit_event WHERE chain_seq = 2")
            ).one()  # fmt: skip
            forged = event_hash(event.prev_hash, 2, event.at, "psql", event.entity,
                                event.entity_id, event.action, event.details)  # fmt: skip
            conn.execute(
                text("UPDATE audit_event SET os_user = 'psql', hash = :h WHERE id = :i"),
                {"h": forged, "i": event.id},
            )
    finally:
        owner.dispose()
    report = verify_audit(pg_db)
    assert "событие № 2 " in report.problem and "изменено после записи" in report.problem


def test_roles_belong_to_one_registry(pg: PgServer, psql: list[Engine]) -> None:
    """Admin in registry A is nothing in registry B on the same server; the grant is an event in
    A's audit."""
    from app.services.access.audit_log import verify_audit
    from app.services.access.roles import current_role
    from app.services.safety.opening import open_registry
    from app.support.errors import UserError

    url_a = pg.create_database(f"regsec_a{next(_users)}")
    url_b = pg.create_database(f"regsec_b{next(_users)}")
    a, b = open_registry(url_a), open_registry(url_b)
    try:
        name, as_a = _login(pg, url_a, "admin")
        as_b = url_b.replace(f"//{pg.user}@", f"//{name}@")
        mine = open_registry(as_a)
        assert current_role(mine) == "admin"
        mine.dispose()
        with pytest.raises(UserError, match="у пользователя нет роли в ней"):
            open_registry(as_b)
        sql = create_engine(as_b)
        psql.append(sql)
        _refused(sql, "SELECT count(*) FROM letter")
        with a.read() as session:
            granted = session.execute(
                text(
                    "SELECT details::jsonb ->> 'name' FROM audit_event "
                    "WHERE action = 'role_granted'"
                )
            ).scalars()
            assert list(granted) == [name]
        assert verify_audit(a).whole
    finally:
        a.dispose()
        b.dispose()


def test_members_of_the_server_wide_roles_move_to_the_registrys_own(pg: PgServer) -> None:
    """A registry made before migration 0019: whoever had the server-wide role keeps it in this
    registry only; the server-wide role keeps no right here; the move is in the audit."""
    from app.services.access.audit_log import verify_audit
    from app.services.access.roles import current_role
    from app.services.safety.opening import open_registry
    from app.storage.hooks import open_store
    from db import schema

    url = pg.create_database(f"regsec_old{next(_users)}")
    old = open_store(url)
    schema.upgrade(old, "0018")
    old.dispose()
    name = f"olduser{next(_users)}"
    owner = create_engine(url)
    try:
        with owner.begin() as conn:
            conn.execute(text(f"CREATE ROLE {name} LOGIN"))
            conn.execute(text(f"GRANT secretariat_registrar TO {name}"))
        db = open_registry(url)  # migrates to the head
        db.dispose()
        with owner.begin() as conn:
            kept = conn.execute(
                text("SELECT has_table_privilege('secretariat_registrar', 'letter', 'INSERT')")
            ).scalar_one()
            assert kept is False
            moved = conn.execute(
                text("SELECT details::jsonb -> 'members' ->> 'registrar' FROM audit_event "
                     "WHERE action = 'roles_per_registry'")
            ).scalar_one()  # fmt: skip
            assert name in moved
    finally:
        owner.dispose()
    as_user = url.replace(f"//{pg.user}@", f"//{name}@")
    mine = open_registry(as_user)
    try:
        assert current_role(mine) == "registrar"
        assert verify_audit(mine).whole
    finally:
        mine.dispose()


def test_cases_on_the_server(
    pg_db: Database, pg_url: str, pg: PgServer, psql: list[Engine], tmp_path: Path
) -> None:
    """Issue 42 on a shared registry: a registrar files, closes and makes a destruction act
    through the program; in psql the act cannot be changed or deleted, a case in it keeps its
    row and its mark; a reader changes nothing."""
    import datetime as dt

    from app.services.cases.filing import case_contents, close_case, file_incoming
    from app.services.cases.year_end import make_destruction_act
    from app.services.demo import load_demo
    from app.services.links.replies import incoming_id_by_number
    from app.services.safety.opening import open_registry

    load_demo(pg_db)
    _name, url = _login(pg, pg_url, "registrar")
    registrar = open_registry(url)
    try:
        file_incoming(registrar, incoming_id_by_number(registrar, "3-вх"), "5")
        closed = close_case(registrar, "5", 2025)
        assert closed.date_from is not None and closed.documents == 3
        number, count, _path = make_destruction_act(
            registrar, dt.date(2030, 1, 1), tmp_path / "act.xlsx"
        )
        assert (number, count) == (1, 4)
        _case, documents = case_contents(registrar, "7", 2024)
        assert [d.number for d in documents] == ["2174-РСК"]
    finally:
        registrar.dispose()
    sql = create_engine(url)
    psql.append(sql)
    _refused(sql, "UPDATE destruction_act SET number = 2")
    _refused(sql, "DELETE FROM destruction_act")
    _refused(sql, "UPDATE case_file SET act_id = NULL WHERE act_id IS NOT NULL", "не меняется")
    _refused(sql, "DELETE FROM case_file WHERE act_id IS NOT NULL", "не удаляется")
    _refused(sql, "UPDATE case_file SET retention = 'forever'", "check constraint")
    _reader, reader_url = _login(pg, pg_url, "reader")
    reader = create_engine(reader_url)
    psql.append(reader)
    _refused(reader, "UPDATE case_file SET title = 'x'")
    _refused(reader, "UPDATE letter SET case_id = NULL")
