"""Russian spell checking: hunspell with the system's ru_RU dictionary; the red wavy underline in
the body and the heading, suggestions and «Добавить в словарь» in the context menu."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.rules.spelling import Speller, dictionary_dir, user_words_file
from db.engine import Database
from ui.dialogs.letter_dialog import LetterDialog
from ui.widgets.spelling import add_spelling_actions

if dictionary_dir() is None:
    if os.environ.get("SECRETARIAT_REQUIRE_LIBREOFFICE") == "1":  # root: the packages are there
        pytest.fail("the ru_RU hunspell dictionary (hunspell-ru) is required here")
    pytest.skip("no ru_RU hunspell dictionary", allow_module_level=True)


def test_words_forms_abbreviations_and_the_clerks_own_words() -> None:
    speller = Speller()
    assert speller.available and speller.note == ""
    for right in ("мероприятия", "проведённых", "отчета", "социально-экономического", "ГОСТ"):
        assert speller.correct(right), right
    assert not speller.correct("мероприятея")
    assert "мероприятие" in speller.suggest("мероприятея")
    text = "Просим прадставить отчет до 1 декабря (форма ОКУД)."
    assert [text[s : s + n] for s, n in speller.misspelled(text)] == ["прадставить"]
    assert not speller.correct("Роскачество")
    speller.add("Роскачество")
    assert speller.correct("Роскачество")
    assert "Роскачество" in user_words_file().read_text(encoding="utf-8")
    assert Speller().correct("Роскачество")  # kept for the next start


def test_missing_dictionary_turns_the_check_off_with_a_note(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("app.rules.spelling.DICTIONARY_DIRS", ())
    monkeypatch.setenv("SECRETARIAT_DICTIONARY_DIR", str(tmp_path))
    speller = Speller()
    assert not speller.available and "hunspell-ru" in speller.note
    assert speller.correct("мероприятея") and speller.misspelled("мероприятея") == []


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
