"""The audit as a hash chain that reveals tampering: an event changed, removed, or written
around the program is named by ``audit verify`` (exit 1); the database itself refuses to change
or remove an event unless the documented maintenance switch is on; an existing registry's past is
chained at the upgrade, with «начало проверяемой цепочки»."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.services.access.audit_log import verify_audit
from db.engine import Database
from tests.support.registry_files import maintenance, run_sql


def test_a_new_registry_chains_every_event(demo_db: Database) -> None:
    report = verify_audit(demo_db)
    assert report.whole and report.events > 100
    assert report.line.startswith(f"цепочка цела: {report.events} событий; последний хеш ")


def test_the_database_refuses_to_change_or_remove_an_event(
    demo_db: Database, db_path: Path
) -> None:
    for statement in (
        "UPDATE audit_event SET os_user = 'кто-то' WHERE chain_seq = 5",
        "DELETE FROM audit_event WHERE chain_seq = 5",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="только дополняется"):
            run_sql(db_path, statement)
    assert verify_audit(demo_db).whole


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        (
            'UPDATE audit_event SET details = \'{"number": "999/5"}\' WHERE chain_seq = 7',
            "событие № 7 (id 7, ",
        ),
        ("DELETE FROM audit_event WHERE chain_seq = 7", "нет события № 7 — оно удалено"),
        (
            "DELETE FROM audit_event WHERE chain_seq = (SELECT max(chain_seq) FROM audit_event)",
            "последние события удалены",
        ),
    ],
)
def test_an_event_changed_or_removed_by_the_owner_is_named(
    demo_db: Database,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    statement: str,
    found: str,
) -> None:
    maintenance(db_path, statement)
    report = verify_audit(demo_db)
    assert not report.whole and found in report.problem
    assert main(["--db", str(db_path), "audit", "verify"]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith("цепочка нарушена: ") and found in out


def test_an_event_written_around_the_program_is_named(demo_db: Database, db_path: Path) -> None:
    run_sql(
        db_path,
        "INSERT INTO audit_event (at, os_user, entity, entity_id, action, details) "
        "VALUES ('2025-12-01 10:00:00', 'psql', 'letter', 1, 'annulled', '{}')",
    )
    report = verify_audit(demo_db)
    assert "записано в обход программы" in report.problem and "letter annulled" in report.problem


def test_events_of_a_rolled_back_transaction_leave_no_trace(demo_db: Database) -> None:
    from app.storage import audit

    before = verify_audit(demo_db).events
    with pytest.raises(RuntimeError), demo_db.write() as session:
        audit.record(session, "letter", 1, "edited", number="710/5")
        raise RuntimeError("the change failed")
    with demo_db.write() as session:
        audit.record(session, "letter", 1, "edited", number="710/5")
    report = verify_audit(demo_db)
    assert report.whole and report.events == before + 1


def test_cli_audit_verify(
    demo_db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("цепочка цела: ")
    assert main(["--db", str(db_path), "audit", "--limit", "1"]) == 0  # the listing as before
    assert capsys.readouterr().out.strip()


def test_an_existing_registry_is_chained_at_the_upgrade(db_path: Path) -> None:

    from app.services.access.audit_log import AuditQuery, list_audit
    from app.services.demo import load_demo
    from app.services.safety.opening import open_registry
    from app.storage.hooks import open_store
    from db.schema import downgrade, upgrade

    old = open_store(str(db_path))
    upgrade(old)
    load_demo(old)
    downgrade(old, "0013")  # back to a registry of the release before the chain
    old.dispose()
    with sqlite3.connect(db_path) as conn:
        events = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    db = open_registry(str(db_path))
    try:
        report = verify_audit(db)
        assert report.whole and report.events == events + 1
        [started] = list_audit(db, AuditQuery(entity="audit"))
        assert started.what == "Журнал изменений: начало проверяемой цепочки"
        assert started.details["events"] == events
    finally:
        db.dispose()


def _rehash_all(db_path: Path) -> None:
    """What someone with the file does after a change: every hash computed again by the public
    rule, the head moved — the chain checks again."""
    import datetime as dt
    import json

    from db.audit_hash import GENESIS, event_hash

    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO audit_maintenance (reason) VALUES ('перестройка')")
        rows = conn.execute(
            "SELECT id, chain_seq, at, os_user, entity, entity_id, action, details "
            "FROM audit_event WHERE chain_seq IS NOT NULL ORDER BY chain_seq"
        ).fetchall()
        prev = GENESIS
        for event_id, seq, at, user, entity, entity_id, action, details in rows:
            at_time = dt.datetime.fromisoformat(at)
            digest = event_hash(prev, seq, at_time, user, entity, entity_id, action,
                                json.loads(details))  # fmt: skip
            conn.execute(
                "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?",
                (prev, digest, event_id),
            )
            prev = digest
        conn.execute("UPDATE audit_chain SET seq = ?, hash = ?", (len(rows), prev))
        conn.execute("DELETE FROM audit_maintenance")


def test_an_anchor_outside_the_registry_finds_a_rebuilt_or_cut_chain(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``audit head --out`` and ``audit verify --against`` (a head file or a backup copy): a tail
    cut with the head moved, or an event changed and every hash recomputed, passes ``audit
    verify`` but not the anchor, which names the first event that differs or is missing."""
    db = ["--db", str(db_path)]
    anchor = tmp_path / "отметка.json"
    assert main([*db, "audit", "head", "--out", str(anchor)]) == 0
    said = capsys.readouterr().out
    events = verify_audit(demo_db).events
    assert f"журнал изменений: {events} событий; последний хеш " in said
    assert main([*db, "backup", "--to", str(tmp_path / "копии")]) == 0
    backup = next((tmp_path / "копии").glob("*.db"))
    capsys.readouterr()
    for against in (anchor, backup):
        assert main([*db, "audit", "verify", "--against", str(against)]) == 0
        assert "совпадает с отметкой" in capsys.readouterr().out

    # an event changed, every hash recomputed: the chain checks, the anchor does not
    maintenance(db_path, "UPDATE audit_event SET os_user = 'чужой' WHERE chain_seq = 7")
    _rehash_all(db_path)
    assert verify_audit(demo_db).whole
    for against in (anchor, backup):
        assert main([*db, "audit", "verify", "--against", str(against)]) == 1
        assert "цепочка перестроена: событие № 7 не совпадает" in capsys.readouterr().out


def test_an_anchor_finds_the_tail_cut(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(db_path)]
    anchor = tmp_path / "head.json"
    assert main([*db, "audit", "head", "--out", str(anchor)]) == 0
    events = verify_audit(demo_db).events
    maintenance(db_path, f"DELETE FROM audit_event WHERE chain_seq > {events - 3}")
    with sqlite3.connect(db_path) as conn:
        last = conn.execute(
            "SELECT hash FROM audit_event WHERE chain_seq = ?", (events - 3,)
        ).fetchone()[0]
        conn.execute("UPDATE audit_chain SET seq = ?, hash = ?", (events - 3, last))
    capsys.readouterr()
    assert main([*db, "audit", "verify"]) == 0  # the chain alone cannot tell
    capsys.readouterr()
    assert main([*db, "audit", "verify", "--against", str(anchor)]) == 1
    said = capsys.readouterr().out
    assert "последние события удалены" in said and f"события № {events - 2}" in said


@pytest.mark.parametrize(
    "content", [b"{}", b"not json", b'{"format": "secretariat-audit-head/1", "events": "x"}']
)
def test_a_bad_anchor_is_one_line(
    demo_db: Database, db_path: Path, tmp_path: Path, content: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    assert main(["--db", str(db_path), "audit", "verify", "--against", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "это не отметка журнала изменений" in err and len(err.splitlines()) == 1
    assert main(["--db", str(db_path), "audit", "verify", "--against", "/dev/zero"]) == 2
    assert main(["--db", str(db_path), "audit", "head", "--out", str(db_path)]) == 2
    assert main(["--db", str(db_path), "audit", "--out", str(bad)]) == 2
