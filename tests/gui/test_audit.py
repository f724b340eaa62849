"""The audit window shows the chain and where it was broken (rules: services/test_audit_chain)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from db.engine import Database
from tests.support.registry_files import maintenance


def test_the_audit_window_shows_the_chain(qtbot: QtBot, demo_db: Database, db_path: Path) -> None:
    from ui.dialogs.audit_dialog import AuditDialog

    dialog = AuditDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.chain_label.text().startswith("Цепочка цела: "), timeout=5000)
    maintenance(db_path, "UPDATE audit_event SET action = 'x' WHERE chain_seq = 2")
    dialog.verify_button.click()
    assert "событие № 2" in dialog.chain_label.text()
    assert dialog.chain_label.text().startswith("Цепочка нарушена: ")
    dialog.reject()
