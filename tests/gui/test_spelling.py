"""The red wavy underline in the letter's body and heading, and the menu that fixes the word."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from db.engine import Database
from ui.dialogs.letter_dialog import LetterDialog
from ui.widgets.spelling import add_spelling_actions


def _underlined(document_edit: object, word: str) -> bool:
    from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

    assert isinstance(document_edit, QTextEdit | QPlainTextEdit)
    block = document_edit.document().firstBlock()
    while block.isValid():
        start = block.text().find(word)
        if start >= 0:
            for fmt in block.layout().formats():
                if fmt.start <= start < fmt.start + fmt.length:
                    style = fmt.format.underlineStyle()
                    return style == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
            return False
        block = block.next()
    return False


def test_underline_in_body_and_heading_and_the_menu_fixes_the_word(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = LetterDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.subject_edit.setText("О проведени конкурса")
    dialog.body_edit.setPlainText("Просим прадставить сведения.")
    edit = dialog.body_edit.edit
    assert _underlined(edit, "прадставить") and not _underlined(edit, "сведения")
    assert _underlined(dialog.subject_edit, "проведени")
    cursor = edit.textCursor()
    cursor.setPosition(9)  # inside «прадставить»
    pos = edit.cursorRect(cursor).center()
    menu = QMenu()
    actions = add_spelling_actions(edit, menu, QPoint(pos.x(), pos.y()), edit.highlighter)
    labels = [a.text() for a in actions]
    assert "представить" in labels and labels[-1] == "Добавить в словарь"
    actions[labels.index("представить")].trigger()
    assert dialog.body_edit.toPlainText() == "Просим представить сведения."
    edit.moveCursor(QTextCursor.MoveOperation.End)
    html = edit.toHtml()
    assert "wave" not in html and "underline" not in html  # the mark never reaches the letter
