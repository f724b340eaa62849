"""The program's start: the window asked for without the command line's parser, its frame
painted before the registry is opened, then the first page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from db.engine import Database
from tests.support.places import ROOT
from ui.launcher import NOT_THE_WINDOW, window_target


def test_the_window_is_asked_for_without_the_command_line() -> None:
    assert window_target([]) is None and window_target(["gui"]) is None
    assert window_target(["--db", "reg.db"]) == "reg.db" == window_target(["gui", "--db=reg.db"])
    assert (
        window_target(["gui", "/home/me/secretariat.db"]) == "/home/me/secretariat.db"
    )  # .desktop
    for argv in (["letters", "list"], ["--db"], ["--db", "--help"], ["--db="], ["--version"],
                 ["gui", "--help"], ["--db", "a.db", "letters"], ["reg.db"],
                 ["gui", "a.db", "b.db"]):  # fmt: skip
        assert window_target(argv) is NOT_THE_WINDOW, argv


def test_the_frame_is_painted_then_the_first_page(demo_db: Database, tmp_path: Path) -> None:
    """A real start: the frame, then the registry's first page read with plain sqlite3 and
    painted in it, then the window built with its registry showing the same page."""
    path = demo_db.sqlite_path
    assert path is not None
    demo_db.dispose()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SECRETARIAT_STARTUP_PROBE="1",
        SECRETARIAT_CONFIG_DIR=str(tmp_path / "config"),
    )
    out = subprocess.run(
        [sys.executable, "-m", "ui.launcher", "--db", str(path)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    lines = out.stdout.splitlines()
    assert out.returncode == 0, out.stderr
    assert lines[0] == "frame", out.stdout
    assert lines[1] == "page rows=3", out.stdout  # read without the ORM, painted in the frame
    fields = dict(part.split("=") for part in lines[2].split()[1:])
    assert lines[2].startswith("ready ") and int(fields["rows"]) == 3, out.stdout


def test_the_window_takes_over_the_page_painted_at_start(qtbot: QtBot, demo_db: Database) -> None:
    """The rows painted in the frame are in the registry's tab as soon as it is built; what is
    painted is the registry's own columns, and the tab's refresh brings the same rows."""
    from app.services.registry.first_page import read_first_page
    from tests.gui.driving import settle
    from ui.first_page_view import FirstPageView
    from ui.main_window import MainWindow

    assert demo_db.sqlite_path is not None
    page = read_first_page(demo_db.sqlite_path, limit=200, cap=1000)
    assert page is not None
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_first_page(page)
    window.show()
    painted = window.centralWidget()
    assert isinstance(painted, FirstPageView)
    model = painted.model
    shown = [[model.data(model.index(r, c)) for c in range(3)] for r in range(model.rowCount())]
    assert ["1893/5", "", "28.10.2025"] in shown
    assert [row[0] for row in shown] == [row.number for row in page.rows]
    window.build(demo_db)
    tab = window.registry_tab
    assert [tab.model.row_at(r) for r in range(tab.model.rowCount())] == page.rows
    settle(qtbot, window)
    assert [tab.model.row_at(r) for r in range(tab.model.rowCount())] == page.rows
    assert tab.count_label.text() == f"Писем: {len(page.rows)}"


def test_cycles_are_collected_on_the_windows_thread(qtbot: QtBot) -> None:
    """The program switches the automatic collector off and collects on the window's thread,
    on a timer (a widget freed by a collection in a background search crashed the process)."""
    import gc
    import weakref

    import shiboken6
    from PySide6.QtCore import QObject

    from ui.collector import EVERY_MS, FULL_EVERY, MainThreadCollector

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    owner = QObject()
    collector = MainThreadCollector(owner)
    collector.timer.stop()  # ticked by hand here
    assert not gc.isenabled() and collector.timer.interval() == EVERY_MS
    garbage = Cycle()
    gone = weakref.ref(garbage)
    del garbage
    assert gone() is not None  # nothing collects it by itself…
    collector.ticks = FULL_EVERY - 1
    collector.collect()  # …until the window's timer does
    assert gone() is None
    shiboken6.delete(owner)
