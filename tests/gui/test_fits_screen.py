"""Every window fits an office monitor (issue 38): the main window and every dialog of the
program, at 1366×768 and 1280×720 less a 40 px task bar, and at 1920×1080 at 150 % (1280×720
device-independent pixels less the task bar): the window can be made that small, and then every
visible button and input lies inside it or inside a scroll area, and the buttons outside any
scroll area (register, save, cancel) are all in sight.

The dialogs are found in the ``ui`` package itself: a dialog class without a way to open it
here fails the test, so a new dialog is covered as soon as it is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from tests.gui.windows import FACTORIES, dialog_classes

SCREENS = {
    "1366×768": QSize(1366, 768 - 40),
    "1280×720": QSize(1280, 720 - 40),
    "1920×1080 at 150 %": QSize(1280, 720 - 27),
}
INPUTS = (QAbstractButton, QLineEdit, QComboBox, QDateEdit, QSpinBox, QTextEdit, QPlainTextEdit)


def test_every_dialog_has_a_way_to_open_it() -> None:
    missing = sorted(set(dialog_classes()) - set(FACTORIES))
    assert missing == [], "dialogs the size test cannot open: add them to FACTORIES"


def _scrolled(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _outside(window: QWidget) -> list[str]:
    """Visible buttons and inputs not inside the window (nor inside a scroll area of it)."""
    frame = QRect(QPoint(0, 0), window.size())
    out = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisible() or _scrolled(widget):
            continue
        if widget.window() is not window:
            continue
        place = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not frame.contains(place):
            label = widget.text() if isinstance(widget, QAbstractButton) else ""
            out.append(f"{type(widget).__name__} «{label or widget.objectName()}» at {place}")
    return out


def _fits(window: QWidget, screen: QSize) -> list[str]:
    low = window.minimumSizeHint().expandedTo(window.minimumSize())
    problems = []
    if low.width() > screen.width() or low.height() > screen.height():
        problems.append(f"at least {low.width()}×{low.height()}")
    want = window.size().boundedTo(screen)
    window.resize(want)
    QApplication.processEvents()
    return problems + _outside(window)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_dialog_fits_each_screen(
    name: str, qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = FACTORIES[name](demo_db, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    problems = {size: _fits(dialog, screen) for size, screen in SCREENS.items()}
    assert {size: p for size, p in problems.items() if p} == {}


def test_the_main_window_fits_each_screen(qtbot: QtBot, demo_db: Database) -> None:
    from tests.gui.driving import shown_window

    window = shown_window(qtbot, demo_db)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        problems = {size: _fits(window, screen) for size, screen in SCREENS.items()}
        assert {size: p for size, p in problems.items() if p} == {}, window.tabs.tabText(tab)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_no_field_keeps_the_tab_key(
    name: str, qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    """Tab leaves every multi-line field (the letter's text handles Tab itself: it leaves too,
    see test_gui_keyboard), and no frame of a scroll area takes a Tab stop."""
    from PySide6.QtWidgets import QScrollArea

    from ui.widgets.body_editor import BodyTextEdit

    dialog = FACTORIES[name](demo_db, tmp_path)
    qtbot.addWidget(dialog)
    trapping = [
        type(w).__name__ + " " + w.objectName()
        for w in dialog.findChildren(QWidget)
        if isinstance(w, QTextEdit | QPlainTextEdit)
        and not isinstance(w, BodyTextEdit)
        and not w.isReadOnly()
        and not w.tabChangesFocus()
    ]
    assert trapping == []
    no_focus = Qt.FocusPolicy.NoFocus
    framed = [
        w.objectName()
        for w in dialog.findChildren(QScrollArea)
        if w.objectName() == "form_scroll" and w.focusPolicy() != no_focus
    ]
    assert framed == []


def test_sizes_are_remembered_per_screen_size(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dialog's size (as it closed) and a splitter's sizes (a moment after a move) come back
    on a screen of the same size, and not on a smaller one: a size from a big monitor would
    not fit a laptop."""
    from PySide6.QtWidgets import QSplitter

    from ui import fit
    from ui.dialogs.control_dialog import ControlDialog

    def control() -> tuple[ControlDialog, QSplitter]:
        dialog = ControlDialog(demo_db, letter_id_by_number(demo_db, "1893/5"))
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        splitter = dialog.findChild(QSplitter)
        assert splitter is not None
        return dialog, splitter

    monkeypatch.setattr(fit, "available", lambda: QSize(1920, 1040))
    dialog, splitter = control()
    assert dialog.size() == QSize(1200, 780)  # as the dialog asks, the first time
    dialog.resize(1500, 900)
    QApplication.processEvents()
    splitter.setSizes([250, 400])
    splitter.splitterMoved.emit(250, 1)
    wanted = splitter.sizes()
    qtbot.waitUntil(lambda: "splitter/control/1920x1040" in _settings())
    dialog.close()
    again, again_splitter = control()
    assert again.size() == QSize(1500, 900)
    assert again_splitter.sizes() == wanted
    monkeypatch.setattr(fit, "available", lambda: QSize(1366, 728))
    small, small_splitter = control()
    assert small.size() == QSize(1200, 728)  # the dialog's own size, cut to the screen
    assert small_splitter.sizes() != wanted


def _settings() -> dict[str, Any]:
    from app.support.settings import Settings

    return Settings()._values
