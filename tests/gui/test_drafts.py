"""Drafts: the new-letter form kept as the clerk types, Esc asks to keep it, the registry lists
drafts («Черновики») and opens them, a crash leaves them to be offered at the next start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.rules.letter_body import Table, blocks_of
from app.services.registry.drafts import left_by_a_crash, list_drafts
from app.services.registry.letter_list import LetterQuery, count_letters
from db.engine import Database
from tests.gui.driving import WORD, paste, pick_recipient, shown_window
from ui.dialogs.letter_dialog import LetterDialog


def _filled(qtbot: QtBot, db: Database) -> LetterDialog:
    dialog = LetterDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.case_edit.setText("5")
    pick_recipient(dialog, "губернатор")
    dialog.subject_edit.setText("О представлении сведений")
    paste(dialog.body_edit, html=WORD)
    return dialog


def test_autosave_keeps_the_form_and_registration_removes_the_draft(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = _filled(qtbot, demo_db)
    dialog.keeper.autosave()  # what the timer does every few seconds
    [draft] = list_drafts(demo_db)
    assert draft.subject == "О представлении сведений" and not draft.kept
    assert "Черновик сохранен" in dialog.draft_label.text()
    dialog.keeper.autosave()
    assert len(list_drafts(demo_db)) == 1  # the same draft, not a second one
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert list_drafts(demo_db) == []


def test_esc_asks_and_no_throws_the_draft_away(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch, questions: list[str]
) -> None:
    dialog = _filled(qtbot, demo_db)
    dialog.keeper.autosave()
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Cancel
    )
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # «Отмена»: back to the letter
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and list_drafts(demo_db) == []


def test_registry_lists_drafts_and_opens_one_as_it_was(
    qtbot: QtBot, demo_db: Database, questions: list[str]
) -> None:
    dialog = _filled(qtbot, demo_db)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # «Сохранить черновик?» — «Да»
    assert "Сохранить черновик?" in questions[-1]
    [draft] = list_drafts(demo_db)
    assert draft.kept
    window = shown_window(qtbot, demo_db)
    tab = window.registry_tab
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("draft"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=3000)
    assert tab.model.row_at(0).subject == "О представлении сведений"
    assert "Черновики: 1" in tab.count_label.text()
    tab.table.selectRow(0)
    tab._open_selected()
    opened = window.findChild(LetterDialog)
    assert opened is not None and opened.isVisible()
    assert opened.subject_edit.text() == "О представлении сведений"
    assert opened.recipient_codes() == ["kamchatka-governor"]
    assert any(isinstance(i, Table) for i in blocks_of(opened.body_edit.body()))
    assert opened.number_label.text() == "Будет присвоен номер: 1/5"
    before = count_letters(demo_db, LetterQuery())
    opened.signatory_combo.setCurrentIndex(opened.signatory_combo.findData("protasov"))
    with qtbot.waitSignal(opened.accepted, timeout=3000):
        qtbot.mouseClick(opened.register_button, Qt.MouseButton.LeftButton)
    assert count_letters(demo_db, LetterQuery()) == before + 1
    assert list_drafts(demo_db) == []


def test_a_crash_leaves_the_draft_and_the_next_start_offers_it(
    qtbot: QtBot, demo_db: Database, questions: list[str]
) -> None:
    dialog = _filled(qtbot, demo_db)
    dialog.keeper.autosave()
    dialog.keeper.timer.stop()
    dialog.hide()  # the program dies here: nobody answers «Сохранить черновик?»
    assert [d.subject for d in left_by_a_crash(demo_db)] == ["О представлении сведений"]
    window = shown_window(qtbot, demo_db)
    qtbot.waitUntil(lambda: any("несохраненн" in q for q in questions), timeout=3000)
    opened = [d for d in window.findChildren(LetterDialog) if d.isVisible()]
    assert opened and opened[0].subject_edit.text() == "О представлении сведений"
    assert left_by_a_crash(demo_db) == []  # offered once; it stays among the drafts
    assert len(list_drafts(demo_db)) == 1
