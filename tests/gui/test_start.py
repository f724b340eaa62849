"""The program's start: the window asked for without the command line's parser, its frame
painted before the registry is opened, then the first page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from db.engine import Database
from tests.support.places import ROOT
from ui.launcher import NOT_THE_WINDOW, window_target


def test_the_window_is_asked_for_without_the_command_line() -> None:
    assert window_target([]) is None and window_target(["gui"]) is None
    assert window_target(["--db", "reg.db"]) == "reg.db" == window_target(["gui", "--db=reg.db"])
    for argv in (["letters", "list"], ["--db"], ["--db", "--help"], ["--db="], ["--version"],
                 ["gui", "--help"], ["--db", "a.db", "letters"]):  # fmt: skip
        assert window_target(argv) is NOT_THE_WINDOW, argv


def test_the_frame_is_painted_then_the_first_page(demo_db: Database, tmp_path: Path) -> None:
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
    fields = dict(part.split("=") for part in lines[1].split()[1:])
    assert lines[1].startswith("ready ") and int(fields["rows"]) > 0, out.stdout
