"""Readable to assistive technology and to the keyboard (issue 38), checked on every dialog
the size test opens (so a new dialog is covered too) and on every tab of the main window:

- every input has a name a screen reader says: its own accessible name or the label it is the
  buddy of (a form row's label) — never the class name or the combo box's current text;
- Tab follows what the eye reads: from the top left, each step goes right along a row or down
  to a later row (or up only into a column to the right); the one step back is the wrap;
- a button's key is said in its tooltip, and the main window's buttons show the keys of the
  menu items they repeat."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from db.engine import Database
from tests.gui.windows import FACTORIES

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView)


def _part_of_another(widget: QWidget) -> bool:
    """The line edit inside a combo or date box, a table's header: named by their owner."""
    parent = widget.parentWidget()
    return isinstance(widget, QHeaderView) or (
        isinstance(widget, QLineEdit) and isinstance(parent, QComboBox | QAbstractSpinBox)
    )


def unnamed(window: QWidget) -> list[str]:
    buddies = {id(label.buddy()) for label in window.findChildren(QLabel) if label.buddy()}
    missing = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or widget.isHidden() or _part_of_another(widget):
            continue
        if isinstance(widget, INPUTS):
            named = bool(widget.accessibleName()) or id(widget) in buddies
        elif isinstance(widget, QAbstractButton) and not widget.objectName().startswith("qt_"):
            face = QAccessible.queryAccessibleInterface(widget)
            named = face is not None and bool(face.text(QAccessible.Text.Name).strip())
        else:
            continue
        if not named:
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def _tab_stops(window: QWidget) -> list[QWidget]:
    stops: list[QWidget] = []
    seen: set[int] = set()
    widget = window.nextInFocusChain()
    while widget is not None and widget is not window and id(widget) not in seen:
        seen.add(id(widget))
        takes_tab = widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
        if (
            takes_tab
            and widget.isVisible()
            and widget.isEnabled()
            and widget.window() is window
            and widget.focusProxy() is None
        ):
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return stops


def _place(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _called(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton) else widget.accessibleName()
    return f"{type(widget).__name__} «{text or widget.objectName()}»"


def out_of_order(window: QWidget) -> list[str]:
    """Steps of Tab that go left along a row, or up without moving to a column to the right."""
    stops = _tab_stops(window)
    if not stops:
        return []
    places = [_place(w, window) for w in stops]
    first = min(range(len(stops)), key=lambda i: (places[i].top(), places[i].left()))
    order = list(range(first, len(stops))) + list(range(first))
    wrong = []
    for a, b in pairwise(order):
        was, now = places[a], places[b]
        same_row = now.top() < was.bottom() and was.top() < now.bottom()
        if (same_row and now.left() < was.left()) or (
            not same_row and now.top() < was.top() and now.left() <= was.right()
        ):
            wrong.append(f"{_called(stops[a])} → {_called(stops[b])}")
    return wrong


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_dialog_is_named_and_tabs_in_reading_order(
    name: str, qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = FACTORIES[name](demo_db, tmp_path)
    qtbot.addWidget(dialog)
    assert unnamed(dialog) == []
    dialog.resize(1366, 2400)  # tall enough that nothing scrolls: the order of the whole form
    dialog.show()
    QApplication.processEvents()
    assert out_of_order(dialog) == []


def test_the_main_window_is_named_and_tabs_in_reading_order(
    qtbot: QtBot, demo_db: Database
) -> None:
    from tests.gui.driving import shown_window

    window = shown_window(qtbot, demo_db)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        assert (unnamed(window), out_of_order(window)) == ([], []), window.tabs.tabText(tab)


def test_a_wrong_order_and_a_missing_name_are_seen(qtbot: QtBot) -> None:
    """The checks themselves can fail: a field reached after the one below it, a field without
    a label, a button whose key is not in its tooltip."""
    from PySide6.QtWidgets import QFormLayout

    window = QWidget()
    qtbot.addWidget(window)
    form = QFormLayout(window)
    first, second, third = QLineEdit(), QLineEdit(), QLineEdit()
    form.addRow("Первое", first)
    form.addRow("Второе", second)
    form.addRow(third)  # no label
    QWidget.setTabOrder(first, third)  # third before second: Tab jumps down, then back up
    window.show()
    QApplication.processEvents()
    assert unnamed(window) == ["QLineEdit ''"]
    assert len(out_of_order(window)) == 1
    button = QPushButton("Печать", window)
    button.setShortcut(QKeySequence("Ctrl+P"))
    assert len(unshown_keys(window)) == 1


def _key_text(key: QKeySequence) -> str:
    return key.toString(QKeySequence.SequenceFormat.NativeText)


def unshown_keys(window: QWidget) -> list[str]:
    """Buttons with a key of their own whose tooltip does not say it."""
    return [
        f"{button.text()} ({_key_text(button.shortcut())}): «{button.toolTip()}»"
        for button in window.findChildren(QAbstractButton)
        if not button.shortcut().isEmpty() and _key_text(button.shortcut()) not in button.toolTip()
    ]


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_a_buttons_key_is_in_its_tooltip(
    name: str, qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = FACTORIES[name](demo_db, tmp_path)
    qtbot.addWidget(dialog)
    assert unshown_keys(dialog) == []


def test_the_frequent_actions_show_their_keys(qtbot: QtBot, demo_db: Database) -> None:
    """A main window button that does what a menu item does shows the item's key; the letter
    card's register and preview show theirs."""
    from tests.gui.driving import shown_window
    from ui.dialogs.letter_dialog import LetterDialog

    def plain(text: str) -> str:
        return text.replace("&", "").rstrip("…").strip()

    window = shown_window(qtbot, demo_db)
    keys = {
        plain(action.text()): _key_text(action.shortcut())
        for menu in window.menuBar().findChildren(QMenu)
        for action in menu.actions()
        if not action.shortcut().isEmpty()
    }
    assert keys["Новое письмо"] == "Ctrl+N" and keys["Печать журнала за период"] == "Ctrl+Shift+P"
    shown = {
        plain(button.text()): button.toolTip()
        for button in window.findChildren(QPushButton)
        if plain(button.text()) in keys
    }
    assert set(shown) >= {"Новое письмо", "Зарегистрировать входящее"}
    assert [text for text, tip in shown.items() if keys[text] not in tip] == []
    dialog = LetterDialog(demo_db)
    qtbot.addWidget(dialog)
    assert "Ctrl+Return" in dialog.register_button.toolTip()
    assert "F3" in dialog.preview_button.toolTip()
