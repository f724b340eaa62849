"""The audit as a hash chain that reveals tampering: an event changed, removed, or written
around the program is named by ``audit verify`` (exit 1); the database itself refuses to change
or remove an event unless the documented maintenance switch is on; an existing registry's past is
chained at the upgrade, with «начало проверяемой цепочки»."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.cli import main
from app.services.safety.audit_log import verify_audit
from db.engine import Database


def _sql(db_path: Path, *statements: str) -> None:
    with sqlite3.connect(db_path) as conn:
        for statement in statements:
            conn.execute(statement)


def _maintenance(db_path: Path, statement: str) -> None:
    """The owner's documented switch: a row in audit_maintenance for the length of the change."""
    _sql(
        db_path,
        "INSERT INTO audit_maintenance (reason) VALUES ('проверка')",
        statement,
        "DELETE FROM audit_maintenance",
    )


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
            _sql(db_path, statement)
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
    _maintenance(db_path, statement)
    report = verify_audit(demo_db)
    assert not report.whole and found in report.problem
    assert main(["--db", str(db_path), "audit", "verify"]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith("цепочка нарушена: ") and found in out


def test_an_event_written_around_the_program_is_named(demo_db: Database, db_path: Path) -> None:
    _sql(
        db_path,
        "INSERT INTO audit_event (at, os_user, entity, entity_id, action, details) "
        "VALUES ('2025-12-01 10:00:00', 'psql', 'letter', 1, 'annulled', '{}')",
    )
    report = verify_audit(demo_db)
    assert "записано в обход программы" in report.problem and "letter annulled" in report.problem


def test_events_of_a_rolled_back_transaction_leave_no_trace(demo_db: Database) -> None:
    from app import audit

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
    from alembic import command

    from app.registry import open_registry
    from app.services.demo import load_demo
    from app.services.safety.audit_log import AuditQuery, list_audit
    from db.engine import open_database
    from db.schema import _alembic_config, upgrade

    old = open_database(str(db_path))
    upgrade(old)
    load_demo(old)
    with old.engine.connect() as conn:  # back to a registry of the release before the chain
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        command.downgrade(_alembic_config(conn), "0013")
        conn.commit()
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


def test_the_audit_window_shows_the_chain(qtbot: QtBot, demo_db: Database, db_path: Path) -> None:
    from ui.dialogs.audit_dialog import AuditDialog

    dialog = AuditDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.chain_label.text().startswith("Цепочка цела: "), timeout=5000)
    _maintenance(db_path, "UPDATE audit_event SET action = 'x' WHERE chain_seq = 2")
    dialog.verify_button.click()
    assert "событие № 2" in dialog.chain_label.text()
    assert dialog.chain_label.text().startswith("Цепочка нарушена: ")
    dialog.reject()
