"""The window's safety features, driven through real widgets: read-only databases, backups and
restore, the audit viewer, and an unusable database at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services.demo import load_demo
from app.services.directory.recipients import get_recipient, list_recipients, save_recipient
from app.services.registry.letter_list import list_letters
from app.services.registry.letters import Addressee, LetterCard, register_letter
from app.services.safety.backup import create_backup, list_backups
from app.services.safety.opening import open_registry
from app.support.errors import UnusableDatabaseError
from tests.gui.driving import shown_window
from tests.gui.qt_items import item
from tests.support.places import ROOT
from ui.dialogs.audit_dialog import AuditDialog
from ui.dialogs.backup_dialog import BackupDialog
from ui.read_only import WRITES
from ui.restore_flow import LastNumbersDialog


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda _p, _t, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    return shown


def _register(db: object, subject: str) -> str:
    card = LetterCard(
        journal="РСК",
        subject=subject,
        addressee=Addressee(text="Губернатору"),
        body="Текст.",
        signatory="protasov",
    )
    return register_letter(db, card).number  # type: ignore[arg-type]


def test_read_only_database_shows_a_banner_and_locks_every_write(
    db_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, boxes: list[str]
) -> None:
    seed = open_registry(str(db_path))
    load_demo(seed)
    seed.dispose()
    monkeypatch.setenv("SECRETARIAT_READ_ONLY", "1")
    db = open_registry(str(db_path))
    assert db.read_only
    window = shown_window(qtbot, db)
    assert window.read_only_banner.isVisible()
    assert "только для чтения" in window.read_only_banner.text()
    assert not window.new_letter_action.isEnabled()
    assert not window.registry_tab.new_button.isEnabled()
    assert not window.recipients_tab.editor.save_button.isEnabled()
    # a selection would normally enable «Аннулировать»; it stays off
    window.registry_tab.table.selectRow(0)
    assert window.registry_tab.model.rowCount() > 0
    assert not window.registry_tab.annul_action.isEnabled()
    marked = [a for a in window.findChildren(type(window.new_letter_action)) if a.property(WRITES)]
    assert marked and not any(a.isEnabled() for a in marked)
    # reading works: the registry lists the demo letters
    assert {"1893/5"} <= {r.number for r in list_letters(db)}


def test_cli_write_on_read_only_database_is_one_line(db_path: Path, tmp_path: Path) -> None:
    seed = open_registry(str(db_path))
    load_demo(seed)
    seed.dispose()
    card = tmp_path / "card.json"
    card.write_text(
        '{"journal": "РСК", "subject": "О проверке", "addressee": {"text": "Губернатору"}, '
        '"body": "Текст.", "signatory": "protasov"}',
        encoding="utf-8",
    )
    env = {"SECRETARIAT_DB": str(db_path), "SECRETARIAT_READ_ONLY": "1", "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "app", "letters", "register", str(card)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.strip() == (
        "secretariat: База данных открыта только для чтения: изменения недоступны"
    )
    listed = subprocess.run(
        [sys.executable, "-m", "app", "letters", "list"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert listed.returncode == 0 and "1893/5" in listed.stdout


def test_backup_dialog_creates_and_restores(
    demo_db: object, db_path: Path, qtbot: QtBot, tmp_path: Path, boxes: list[str]
) -> None:
    window = shown_window(qtbot, demo_db)  # type: ignore[arg-type]
    window.settings.set("backup/folder", str(tmp_path / "copies"))
    dialog = BackupDialog(window.db, window.settings, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    dialog.create_button.click()
    assert dialog.table.rowCount() == 1
    assert "Копия создана" in dialog.status.text()
    later = _register(window.db, "После копии")
    dialog.table.selectRow(0)
    dialog.restore_button.click()  # confirmed (question → Yes)
    assert dialog.chosen == list_backups(tmp_path / "copies")[0].path
    window.house_desk.restore_from(dialog.chosen)  # «Вернуть эти письма…?» → Yes
    assert window.reopen_requested
    assert any(later in text and "Вернуть" not in text for text in boxes)
    db = open_registry(str(db_path))
    assert later in {r.number for r in list_letters(db, limit=10**6)}  # brought back
    next_one = _register(db, "Новое после восстановления")
    assert int(next_one.split("-")[0]) == int(later.split("-")[0]) + 1
    db.dispose()
    assert list(db_path.parent.glob("registry.db.до-восстановления-*"))


def test_audit_viewer_shows_old_and_new_and_filters(demo_db: object, qtbot: QtBot) -> None:
    code = list_recipients(demo_db, "")[0].code  # type: ignore[arg-type]
    data = get_recipient(demo_db, code).data  # type: ignore[arg-type]
    old_phone = data.phone
    data.phone = "+7 (495) 765 43 21"
    save_recipient(demo_db, data)  # type: ignore[arg-type]
    dialog = AuditDialog(demo_db, None)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() > 1
    dialog.search_edit.setText("765 43 21")
    dialog.refresh()
    assert dialog.table.rowCount() == 1
    assert item(dialog.table, 0, 2).text() == "Адресат: сохранено"
    detail = item(dialog.table, 0, 3).text()
    assert f"телефон: «{old_phone}» → «+7 (495) 765 43 21»" in detail
    assert dialog.table.editTriggers() == dialog.table.EditTrigger.NoEditTriggers
    dialog.entity_combo.setCurrentIndex(dialog.entity_combo.findData("letter"))
    assert dialog.table.rowCount() == 0  # the search and the kind together


def test_unusable_database_at_start_offers_the_latest_backup(
    demo_db: object, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    from ui.application import _offer_latest_backup

    monkeypatch.setenv("SECRETARIAT_BACKUP_DIR", str(tmp_path / "copies"))
    create_backup(demo_db, tmp_path / "copies")  # type: ignore[arg-type]
    demo_db.dispose()  # type: ignore[attr-defined]
    db_path.write_bytes(b"\0garbage" * 4096)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(UnusableDatabaseError) as caught:
        open_registry(str(db_path))
    assert "последняя резервная копия" in str(caught.value)
    asked: list[dict[str, int]] = []

    def answer(dialog: LastNumbersDialog) -> int:
        asked.append(dialog.numbers())
        dialog.spins["РСК"].setValue(2200)
        return 1

    monkeypatch.setattr(LastNumbersDialog, "exec", answer)
    assert _offer_latest_backup(caught.value, "Секретариат")
    assert asked and set(asked[0]) == {"ВХ", "ИСХ", "РСК"}  # the copy's journals, asked for
    db = open_registry(str(db_path))
    assert "1893/5" in {r.number for r in list_letters(db)}
    assert _register(db, "После восстановления") == "2201-РСК"
    db.dispose()
