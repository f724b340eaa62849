"""Spell checking in a text field: a red wavy underline under a misspelled word, suggestions and
«Добавить в словарь» at the top of the field's context menu (app.rules.spelling does the checking).

The underline is the highlighter's, not the text's: it never reaches the letter (toHtml() and
the body blocks do not see it)."""

from __future__ import annotations

import functools

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit

from app.rules.spelling import Speller, speller


class SpellHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, checker: Speller | None = None) -> None:
        super().__init__(document)
        self.checker = checker or speller()
        self.mark = QTextCharFormat()
        self.mark.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self.mark.setUnderlineColor(QColor("#d0021b"))

    def highlightBlock(self, text: str) -> None:
        for start, length in self.checker.misspelled(text):
            self.setFormat(start, length, self.mark)


def spelling_menu(
    edit: QTextEdit | QPlainTextEdit, event: QContextMenuEvent, highlighter: SpellHighlighter
) -> QMenu:
    """The field's own context menu with the spelling of the word under the pointer on top."""
    menu = edit.createStandardContextMenu(event.pos())
    add_spelling_actions(edit, menu, event.pos(), highlighter)
    return menu


def add_spelling_actions(
    edit: QTextEdit | QPlainTextEdit, menu: QMenu, pos: QPoint, highlighter: SpellHighlighter
) -> list[QAction]:
    checker = highlighter.checker
    cursor = edit.cursorForPosition(pos)
    cursor.select(QTextCursor.SelectionType.WordUnderCursor)
    word = cursor.selectedText()
    if not word or checker.correct(word):
        return []
    first = menu.actions()[0] if menu.actions() else None
    added: list[QAction] = []
    for suggestion in checker.suggest(word) or []:
        action = QAction(suggestion, menu)
        font = action.font()
        font.setBold(True)
        action.setFont(font)
        action.triggered.connect(functools.partial(_replace, edit, QTextCursor(cursor), suggestion))
        added.append(action)
    if not added:
        none = QAction("Нет вариантов", menu)
        none.setEnabled(False)
        added.append(none)
    learn = QAction("Добавить в словарь", menu)
    learn.triggered.connect(functools.partial(_learn, highlighter, word))
    added.append(learn)
    for action in added:
        menu.insertAction(first, action)  # type: ignore[arg-type]
    if first is not None:
        menu.insertSeparator(first)
    return added


def _learn(highlighter: SpellHighlighter, word: str) -> None:
    highlighter.checker.add(word)
    highlighter.rehighlight()


def _replace(edit: QTextEdit | QPlainTextEdit, cursor: QTextCursor, word: str) -> None:
    cursor.beginEditBlock()
    cursor.insertText(word)
    cursor.endEditBlock()
    edit.setTextCursor(cursor)
    edit.setFocus(Qt.FocusReason.OtherFocusReason)
