"""The keyboard is the fast path (issue 38): Tab leaves the letter's text, the journal print
asks for the journal and the period — driven by key events only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QTextEdit
from pytestqt.qtbot import QtBot

from db.engine import Database


def test_tab_and_shift_tab_leave_the_body_editor(qtbot: QtBot, demo_db: Database) -> None:
    from ui.dialogs.letter_dialog import LetterDialog

    dialog = LetterDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    text = dialog.body_edit.findChild(QTextEdit)
    assert text is not None
    text.setFocus()
    qtbot.keyClicks(text, "Text")
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not text
    assert text.toPlainText() == "Text"  # no tab character typed in
    text.setFocus()
    qtbot.keyClick(text, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.subject_edit
    text.setFocus()
    qtbot.keyClick(text, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert text.toPlainText() == "Text"  # Ctrl+Tab inserts nothing


def test_the_journal_print_asks_for_the_journal_and_the_period(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    from tests.test_gui import shown_window
    from ui.dialogs.journal_print_dialog import JournalPrintDialog

    window = shown_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    out = tmp_path / "журнал.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "PDF (*.pdf)"))
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, JournalPrintDialog):
            QTimer.singleShot(50, answer)  # not open yet
            return
        try:
            fill(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    def fill(dialog: JournalPrintDialog) -> None:
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        combo = dialog.journal_combo
        assert QApplication.focusWidget() is combo
        while "входящие" not in combo.currentText():  # the incoming journal, by the keyboard
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        seen.append(combo.currentText())
        qtbot.keyClick(combo, Qt.Key.Key_Tab)  # to «С»
        start = QApplication.focusWidget()
        qtbot.keyClicks(start, "01012020")
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert seen and out.is_file()
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Журнал регистрации входящих документов" in " ".join(text.split())
    assert "с 01.01.2020" in " ".join(text.split())


def test_every_menu_item_has_a_letter_of_its_own(qtbot: QtBot, demo_db: Database) -> None:
    from tests.test_gui import shown_window
    from ui.mnemonics import with_mnemonics

    assert with_mnemonics(["Создать", "Сохранить", "&Выход", "Сервис"]) == [
        "&Создать",
        "С&охранить",
        "&Выход",
        "С&ервис",
    ]
    window = shown_window(qtbot, demo_db)
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        assert isinstance(menu, QMenu) and "&" in menu_action.text()
        letters = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "&" in text, text
            letters.append(text[text.index("&") + 1].lower())
        assert len(letters) == len(set(letters)), menu_action.text()
