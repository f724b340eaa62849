"""The keyboard is the fast path (issue 38): Tab leaves the letter's text, the journal print
asks for the journal and the period — driven by key events only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMenu, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from db.engine import Database


def when_open(qtbot: QtBot, kind: type[QDialog], act: Callable[[Any], None]) -> None:
    """Once a modal dialog of ``kind`` is open: made the active window, ``act`` on it, and
    closed if ``act`` left it open (a failed step never leaves a dialog waiting)."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(50, attempt)  # not open yet
            return
        try:
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, attempt)


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

    from tests.gui.driving import shown_window
    from ui.dialogs.journal_print_dialog import JournalPrintDialog

    window = shown_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    out = tmp_path / "журнал.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "PDF (*.pdf)"))
    seen: list[str] = []

    def fill(dialog: JournalPrintDialog) -> None:
        combo = dialog.journal_combo
        assert QApplication.focusWidget() is combo
        while "входящие" not in combo.currentText():  # the incoming journal, by the keyboard
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        seen.append(combo.currentText())
        qtbot.keyClick(combo, Qt.Key.Key_Tab)  # to «С»
        start = QApplication.focusWidget()
        qtbot.keyClicks(start, "01012020")
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    when_open(qtbot, JournalPrintDialog, fill)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert seen and out.is_file()
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Журнал регистрации входящих документов" in " ".join(text.split())
    assert "с 01.01.2020" in " ".join(text.split())


def test_every_menu_item_has_a_letter_of_its_own(qtbot: QtBot, demo_db: Database) -> None:
    from tests.gui.driving import shown_window
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


def _type(widget: QWidget, text: str) -> None:
    """Typed as a keyboard types it: a key press and release per character (QTest's own
    typing knows only ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def _tab_to(qtbot: QtBot, found: Callable[[QWidget], bool], limit: int = 40) -> QWidget:
    for _ in range(limit):
        widget = QApplication.focusWidget()
        assert widget is not None
        if found(widget):
            return widget
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    raise AssertionError("not reached by Tab")


def test_an_outgoing_letter_from_the_directory_by_keys_only(
    qtbot: QtBot, demo_db: Database
) -> None:
    """Ctrl+N, the addressee found in the directory and picked with ↓ and Enter, the heading
    and the text typed, Tab between them, Ctrl+Enter registers: no mouse event."""
    from sqlalchemy import select

    from db.models import Letter
    from tests.gui.driving import shown_window
    from ui.dialogs.letter_dialog import LetterDialog

    window = shown_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    done: list[str] = []

    def fill(dialog: LetterDialog) -> None:
        search = _tab_to(qtbot, lambda w: w.objectName() == "recipient_search")
        _type(search, "Камчат")
        popup = dialog.recipient_picker.completer.popup()
        qtbot.waitUntil(lambda: popup is not None and popup.isVisible(), timeout=10_000)
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.recipient_list.count() == 1)
        subject = _tab_to(qtbot, lambda w: w is dialog.subject_edit)
        _type(subject, "О проверке с клавиатуры")
        qtbot.keyClick(subject, Qt.Key.Key_Tab)
        body = QApplication.focusWidget()
        assert isinstance(body, QTextEdit)
        _type(body, "Текст письма.")
        if dialog.signatory_combo.currentData() is None:
            combo = _tab_to(qtbot, lambda w: w is dialog.signatory_combo)
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier)  # fmt: skip
        done.append("sent")

    when_open(qtbot, LetterDialog, fill)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert done == ["sent"]
    with demo_db.read() as session:
        letter = session.scalars(
            select(Letter).where(Letter.subject == "О проверке с клавиатуры")
        ).one()
        assert letter.status == "registered" and "Текст письма." in letter.body
        assert "Камчат" in letter.addressee_text


def test_find_a_letter_and_open_its_card_by_keys_only(qtbot: QtBot, demo_db: Database) -> None:
    """Ctrl+F, the number typed, Tab to the list, Enter opens the card, Escape closes it."""
    from tests.gui.driving import shown_window
    from ui.dialogs.letter_dialog import LetterDialog

    window = shown_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab = window.registry_tab
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is tab.search_edit
    _type(tab.search_edit, "1893/5")
    qtbot.waitUntil(lambda: tab.table.model().rowCount() == 1, timeout=10_000)
    table = _tab_to(qtbot, lambda w: w is tab.table)  # its current row: the one found
    opened: list[str] = []

    def look(card: LetterDialog) -> None:
        opened.append(card.number_label.text())
        qtbot.keyClick(card, Qt.Key.Key_Escape)

    when_open(qtbot, LetterDialog, look)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened and "1893/5" in opened[0]


def test_ctrl_and_a_digit_opens_a_tab_at_its_search(qtbot: QtBot, demo_db: Database) -> None:
    from tests.gui.driving import shown_window

    window = shown_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for digit, tab in ((Qt.Key.Key_2, window.incoming_tab), (Qt.Key.Key_3, window.recipients_tab),
                       (Qt.Key.Key_1, window.registry_tab)):  # fmt: skip
        qtbot.keyClick(window, digit, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentWidget() is tab
        assert QApplication.focusWidget() is tab.search_edit
    assert window.tabs.tabToolTip(1) == "Входящие (Ctrl+2)"


def test_an_incoming_letter_registered_and_assigned_by_keys_only(
    qtbot: QtBot, demo_db: Database
) -> None:
    """Ctrl+I: the sender from the directory, their number and date, the heading, Enter; then
    Ctrl+2 to «Входящие» (its search), the number, Tab and Enter to the card, Tab to
    «Резолюция…», Space, the author chosen with ↓, Tab to the first executor's term, «+5», Enter —
    no mouse event."""
    from sqlalchemy import select

    from db.models import IncomingAssignment, IncomingLetter
    from tests.gui.driving import shown_window
    from ui.dialogs.incoming_dialogs import IncomingCardDialog, IncomingDialog
    from ui.dialogs.resolution_dialogs import ResolutionDialog

    window = shown_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def register(dialog: IncomingDialog) -> None:
        sender = _tab_to(qtbot, lambda w: w is dialog.sender_edit)
        _type(sender, "Камчат")
        popup = dialog.sender_picker.completer.popup()
        qtbot.waitUntil(lambda: popup is not None and popup.isVisible(), timeout=10_000)
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        _type(_tab_to(qtbot, lambda w: w is dialog.sender_number_edit), "01-12/345")
        _type(_tab_to(qtbot, lambda w: w is dialog.sender_date_edit), "01.12.2025")
        subject = _tab_to(qtbot, lambda w: w is dialog.subject_edit)
        _type(subject, "О запросе сведений с клавиатуры")
        qtbot.keyClick(subject, Qt.Key.Key_Return)

    when_open(qtbot, IncomingDialog, register)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    with demo_db.read() as session:
        row = session.scalars(
            select(IncomingLetter).where(
                IncomingLetter.subject == "О запросе сведений с клавиатуры"
            )
        ).one()
        number, incoming_id = row.number, row.id
    assert row.sender_number == "01-12/345"

    tab = window.incoming_tab
    window.activateWindow()  # back from the dialog (the offscreen platform does not do it)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # «Входящие»
    assert window.tabs.currentWidget() is tab
    assert QApplication.focusWidget() is tab.search_edit
    _type(tab.search_edit, number)
    # the search's answer, not the list shown before it (the search runs in the background)
    qtbot.waitUntil(
        lambda: tab.model.rowCount() >= 1 and int(tab.model.row_at(0).id) == incoming_id,
        timeout=10_000,
    )
    table = _tab_to(qtbot, lambda w: w is tab.table)
    assigned: list[str] = []

    def assign(dialog: ResolutionDialog) -> None:
        author = _tab_to(qtbot, lambda w: w is dialog.author_combo)
        qtbot.keyClick(author, Qt.Key.Key_Down)  # the first of the staff
        term = _tab_to(qtbot, lambda w: w is dialog.table.cellWidget(0, 1))
        _type(term, "+5")
        assigned.append(dialog.rows()[0][0])
        qtbot.keyClick(term, Qt.Key.Key_Return)

    def card(dialog: IncomingCardDialog) -> None:
        assert dialog.incoming_id == incoming_id
        button = _tab_to(qtbot, lambda w: w is dialog.assign_button)
        when_open(qtbot, ResolutionDialog, assign)
        qtbot.keyClick(button, Qt.Key.Key_Space)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    when_open(qtbot, IncomingCardDialog, card)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert assigned and assigned[0]
    with demo_db.read() as session:
        tasks = session.scalars(
            select(IncomingAssignment).where(IncomingAssignment.incoming_id == incoming_id)
        ).all()
        assert len(tasks) == 1
