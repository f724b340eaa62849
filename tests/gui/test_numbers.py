"""The window's side of «a number is issued once»: Settings refuses a journal whose numbers
would repeat in a year, and a copy of another database is restored only after a warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.demo import load_demo
from app.services.organization.profile import list_journals
from app.services.safety.backup import create_backup
from app.services.safety.opening import open_registry
from db.engine import Database
from tests.gui.driving import save_settings, shown_window
from tests.gui.qt_items import item
from ui.dialogs.backup_dialog import BackupDialog
from ui.dialogs.settings_dialog import SettingsDialog


def test_settings_refuse_a_quarter_journal_without_the_quarter_in_its_number(
    demo_db: Database, qtbot: QtBot
) -> None:
    dialog = SettingsDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.journals.new_row()
    row = dialog.journal_table.rowCount() - 1
    for column, text in enumerate(("ВН", "Внутренние", "{seq}-ВН")):
        item(dialog.journal_table, row, column).setText(text)
    period = dialog.journal_table.cellWidget(row, 3)
    assert isinstance(period, QComboBox)
    period.setCurrentIndex(period.findData("quarter"))
    save_settings(dialog, qtbot)
    assert dialog.isVisible()
    assert "повторятся в течение года" in dialog.error_label.text()
    assert "{q}" in dialog.error_label.text()
    assert [j.code for j in list_journals(demo_db)] == ["ВХ", "ИСХ", "РСК"]
    item(dialog.journal_table, row, 2).setText("{q}/{seq}-ВН")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        save_settings(dialog, qtbot)
    assert [j.code for j in list_journals(demo_db)] == ["ВН", "ВХ", "ИСХ", "РСК"]


def test_a_copy_of_another_database_is_restored_only_after_a_warning(
    demo_db: Database, db_path: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = open_registry(str(tmp_path / "other.db"))
    load_demo(other)
    foreign = create_backup(other, tmp_path / "other-copies")
    other.dispose()
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    window = shown_window(qtbot, demo_db)
    dialog = BackupDialog(window.db, window.settings, window)
    qtbot.addWidget(dialog)
    dialog._confirm(foreign.path)
    assert "ДРУГОЙ базы данных" in asked[0] and dialog.foreign
    window.house_desk.restore_from(foreign.path, force=dialog.foreign)
    assert window.reopen_requested


def test_an_unexpected_error_in_the_window_is_told_in_russian(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sqlite3
    import sys

    from sqlalchemy.exc import DatabaseError

    from ui.application import show_unexpected

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))
    damaged = DatabaseError(
        "INSERT …", {}, sqlite3.DatabaseError("database disk image is malformed")
    )
    show_unexpected(DatabaseError, damaged, None)
    assert "Файл базы данных поврежден" in shown[-1] and "restore --latest" in shown[-1]
    try:
        raise RuntimeError("a bug")
    except RuntimeError as exc:
        show_unexpected(RuntimeError, exc, sys.exc_info()[2])
    assert shown[-1].startswith("Внутренняя ошибка программы")
    log = tmp_path / "data" / "crash.log"
    assert str(log) in shown[-1] and "RuntimeError: a bug" in log.read_text(encoding="utf-8")


def test_a_registration_shows_the_number_and_the_next_steps(
    demo_db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:

    from PySide6.QtGui import QGuiApplication

    from app.services.registry.letters import RegisteredLetter, letter_id_by_number
    from ui.dialogs.letter_dialog import LetterDialog

    letter_id = letter_id_by_number(demo_db, "710/5")
    registered = RegisteredLetter(letter_id, "710/5", dt.date(2025, 4, 29), "ИСХ")
    monkeypatch.setattr(LetterDialog, "register_new", classmethod(lambda *a, **k: registered))
    opened: list[int] = []
    monkeypatch.setattr(
        LetterDialog, "open_card", classmethod(lambda cls, db, i, p: opened.append(i))
    )
    window = shown_window(qtbot, demo_db)
    assert window.registered_bar.isHidden()
    window.new_letter()
    bar = window.registered_bar
    assert not bar.isHidden()
    assert "№ 710/5</b> от 29.04.2025" in bar.text.text()
    bar.copy_button.click()
    assert QGuiApplication.clipboard().text() == "710/5"
    assert bar.copy_button.text() == "Номер скопирован"
    bar.buttons["card"].click()
    assert opened == [letter_id]


def test_the_card_asks_why_a_sent_letter_changes_and_shows_the_earlier_text(
    demo_db: Database, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from app.services.dispatch.record import mark
    from app.services.registry.letters import letter_id_by_number
    from ui.dialogs.letter_dialog import LetterDialog
    from ui.dialogs.versions_dialog import VersionsDialog

    letter_id = letter_id_by_number(demo_db, "710/5")
    mark(demo_db, letter_id, [], "sent")
    dialog = LetterDialog(demo_db, letter_id=letter_id)
    qtbot.addWidget(dialog)
    assert dialog.versions_button.isHidden()
    old_body = dialog.body_edit.toPlainText()
    dialog.body_edit.setPlainText(old_body + "\n\nДополнительный абзац.")
    asked: list[str] = []

    def reason(*args: Any) -> tuple[str, bool]:
        asked.append(args[2])
        return "", False  # the clerk cancels: nothing saved

    monkeypatch.setattr(QInputDialog, "getText", reason)
    dialog.register_button.click()
    assert asked and "копий: 1" in asked[0] and not dialog.result()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a: ("Добавлен абзац", True))
    dialog.register_button.click()
    assert dialog.result()

    again = LetterDialog(demo_db, letter_id=letter_id)
    qtbot.addWidget(again)
    assert again.versions_button.text() == "Прежние редакции (1)…"
    assert not again.versions_button.isHidden()
    versions = VersionsDialog(demo_db, letter_id, "710/5")
    qtbot.addWidget(versions)
    shown = versions.text.toPlainText()
    assert "Причина: Добавлен абзац" in shown and "Дополнительный абзац" not in shown
    assert old_body.splitlines()[0] in shown
