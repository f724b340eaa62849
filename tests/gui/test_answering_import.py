"""The window's thread handles its events while the database layer is imported at start-up
(ui/answering_import.py): a timer fires during a slow import, and an import's error comes back
to the caller."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from ui.answering_import import import_answering


def _module(folder: Path, name: str, body: str, monkeypatch: pytest.MonkeyPatch) -> str:
    (folder / f"{name}.py").write_text(body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


def test_events_are_handled_while_a_slow_module_imports(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _module(tmp_path, "slow_layer", "import time\ntime.sleep(0.6)\nVALUE = 7\n", monkeypatch)
    fired: list[float] = []
    start = time.monotonic()
    QTimer.singleShot(50, lambda: fired.append(time.monotonic() - start))
    import_answering([name])
    took = time.monotonic() - start
    assert sys.modules[name].VALUE == 7
    assert fired and fired[0] < took - 0.2  # the timer ran while the import was still going


def test_an_import_error_reaches_the_caller(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _module(tmp_path, "broken_layer", "raise ImportError('нет модуля')\n", monkeypatch)
    with pytest.raises(ImportError, match="нет модуля"):
        import_answering([name])


def test_a_window_closed_while_the_layer_imports_ends_the_start(
    qtbot: QtBot, demo_db: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk may close the window while it still paints only its first page: the start ends
    there (exit 0) instead of opening the registry behind a closed window."""
    from PySide6.QtWidgets import QApplication

    import ui.answering_import
    from ui import application
    from ui.main_window import MainWindow

    def closed_meanwhile(names: list[str]) -> None:
        import_answering(names)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.close()

    monkeypatch.setattr(ui.answering_import, "import_answering", closed_meanwhile)
    opened: list[str] = []
    monkeypatch.setattr(
        "app.services.safety.opening.open_registry", lambda *a, **k: opened.append("opened")
    )
    path = demo_db.sqlite_path  # type: ignore[attr-defined]
    assert application.run(str(path)) == 0
    assert opened == []
