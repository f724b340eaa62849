"""Driving the real window as a clerk does: show it, let it settle, type, pick, paste, save."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from db.engine import Database
from tests.support.places import FIXTURES
from ui.dialogs.letter_dialog import LetterDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.main_window import MainWindow
from ui.widgets.body_editor import BodyEditor


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every tab has shown the result of its background refresh."""
    tabs = (window.registry_tab, window.incoming_tab, window.recipients_tab, window.reports_tab,
            window.execution_tab)  # fmt: skip
    qtbot.waitUntil(
        lambda: window.started and not any(t.background.is_busy() for t in tabs), timeout=5000
    )


def type_text(widget: QWidget, text: str) -> None:
    """Type character by character; qtbot.keyClicks aborts on Cyrillic (see docs/pitfalls.md)."""
    for char in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier
        )


def shown_window(qtbot: QtBot, db: Database) -> MainWindow:
    """The main window on ``db``, exposed, with every tab's first refresh done."""
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    return win


def save_settings(dialog: SettingsDialog, qtbot: QtBot) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def pick_recipient(dialog: LetterDialog, typed: str) -> None:
    dialog.recipient_edit.setFocus()
    type_text(dialog.recipient_edit, typed)
    labels = list(dialog._choices)
    assert labels, f"nothing found for {typed!r}"
    dialog.recipient_edit.completer().activated.emit(labels[0])  # the clerk picks the first line


def select_letter(window: MainWindow, number: str) -> None:
    tab = window.registry_tab
    for r in range(tab.model.rowCount()):
        if tab.model.row_at(r).number == number:
            tab.table.selectRow(r)
            return
    raise AssertionError(number)


# what Word 2016 puts on the clipboard (CF_HTML: a header, then the fragment between markers)
WORD = (FIXTURES / "clipboard" / "word.html").read_text(encoding="utf-8")


def paste(editor: BodyEditor, *, html: str = "", text: str = "") -> None:
    """Ctrl+V with the given clipboard, through the clipboard and the key, as a clerk does."""
    mime = QMimeData()
    if html:
        mime.setHtml(html)
    if text:
        mime.setText(text)
    QApplication.clipboard().setMimeData(mime)
    editor.edit.setFocus()
    QTest.keyClick(editor.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
