"""The window on a real PostgreSQL server disables what the signed-in role cannot do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from db.engine import Database
from tests.support.pg_server import PgServer


def test_roles_are_enforced_by_the_server(
    pg_db: Database, pg_url: str, pg: PgServer, qtbot: QtBot
) -> None:
    """A reader cannot write, through the program or psql; a registrar registers but cannot
    change journals or touch the audit; the owner (an administrator) grants and revokes."""
    import json

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    from tests.support.cli import run

    def main(argv: list[str]) -> int:  # the command in a process of its own, as on a workstation
        done = run(*argv, process=True)
        said.append((done.stdout, done.stderr))
        return done.returncode

    said: list[tuple[str, str]] = []
    from app.services.access.roles import current_role
    from app.services.demo import load_demo
    from app.services.organization.profile import list_journals, save_journal
    from app.services.registry.letter_list import LetterQuery, count_letters
    from app.services.safety.opening import open_registry
    from app.support.errors import UserError
    from tests.gui.driving import shown_window

    load_demo(pg_db)
    n = next(_users)
    reader_name, registrar_name = f"anna{n}", f"boris{n}"
    owner = create_engine(pg_url)
    with owner.begin() as conn:
        for name in (reader_name, registrar_name):
            conn.execute(text(f"CREATE ROLE {name} LOGIN"))
    db = ["--db", pg_url]
    assert main([*db, "users", "grant", reader_name, "reader"]) == 0
    assert main([*db, "users", "grant", registrar_name, "registrar"]) == 0
    assert main([*db, "users", "list", "--json"]) == 0
    listed = {u["user"]: u["role"] for u in json.loads(said[-1][0])}
    assert listed == {reader_name: "reader", registrar_name: "registrar"}
    as_reader = pg_url.replace(f"//{pg.user}@", f"//{reader_name}@")
    as_registrar = pg_url.replace(f"//{pg.user}@", f"//{registrar_name}@")

    reader = open_registry(as_reader)
    try:
        assert current_role(reader) == "reader"
        assert count_letters(reader, LetterQuery()) == 3  # reads
        window = shown_window(qtbot, reader)  # the window disables what the role cannot do
        assert window.read_only_banner.isVisible()
        assert "ваша роль — «чтение»" in window.read_only_banner.text()
        assert not window.new_letter_action.isEnabled()
        assert window.new_letter_action.toolTip() == (
            "Нужна роль «регистратор»; ваша роль — «чтение»"
        )
        window.close()
    finally:
        QThreadPool.globalInstance().waitForDone(30_000)  # nothing reads the registry still
        reader.dispose()
    assert main(["--db", as_reader, "letters", "reserve", "--journal", "РСК"]) == 2
    refused = said[-1][1].strip()
    assert "недостаточно прав в базе данных: нет права на function secretariat_next_seq" in refused
    assert len(refused.splitlines()) == 1
    psql = create_engine(as_reader)
    try:
        with pytest.raises(DBAPIError, match="permission denied"), psql.begin() as conn:
            conn.execute(text("UPDATE letter SET subject = 'x'"))
    finally:
        psql.dispose()

    assert main(["--db", as_registrar, "letters", "reserve", "--journal", "РСК"]) == 0
    registrar = open_registry(as_registrar)
    try:
        assert current_role(registrar) == "registrar"
        journal = list_journals(registrar)[0]
        journal.name = "Другое имя"
        with pytest.raises(UserError, match="может только администратор; у вас роль «регистратор»"):
            save_journal(registrar, journal)
        window = shown_window(qtbot, registrar)
        assert window.new_letter_action.isEnabled() and not window.read_only_banner.isVisible()
        assert not window.settings_action.isEnabled()
        assert window.settings_action.toolTip().startswith("Нужна роль «администратор»")
        window.close()
    finally:
        QThreadPool.globalInstance().waitForDone(30_000)
        registrar.dispose()
    assert main(["--db", as_registrar, "users", "grant", reader_name, "admin"]) == 2
    assert "может только администратор" in said[-1][1]
    psql = create_engine(as_registrar)
    try:
        for statement in (
            "UPDATE journal SET name = 'x'",
            "UPDATE audit_event SET os_user = 'x'",
            "DELETE FROM audit_event",
        ):
            with pytest.raises(DBAPIError, match="permission denied"), psql.begin() as conn:
                conn.execute(text(statement))
    finally:
        psql.dispose()

    assert main([*db, "users", "revoke", reader_name]) == 0
    assert main(["--db", as_reader, "letters", "list"]) == 2
    assert "недостаточно прав в базе данных" in said[-1][1]
    owner.dispose()
    from app.services.access.audit_log import verify_audit

    assert verify_audit(pg_db).whole


_users = iter(range(1, 1000))
