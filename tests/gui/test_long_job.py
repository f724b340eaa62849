"""Long work with a progress bar and «Отмена»: the journal printed from the window, and stopped
with the keyboard before anything is written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog
from pytestqt.qtbot import QtBot

from app.support.progress import Cancelled, Progress
from db.engine import Database
from tests.gui.driving import shown_window
from ui.file_dialogs import SavedNotice
from ui.long_job import run_long


def slow(progress: Progress) -> int:
    """Work that runs until it is stopped (or 20 s): 1 ms a step."""
    for step in range(20_000):
        if not progress(step, 20_000):
            raise Cancelled("Остановлено")
        time.sleep(0.001)
    return 20_000


def test_escape_stops_the_work(qtbot: QtBot) -> None:
    seen: list[tuple[str, int]] = []

    def press_escape() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QProgressDialog):  # not shown yet: look again
            QTimer.singleShot(50, press_escape)
            return
        seen.append((dialog.windowTitle(), dialog.value()))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(50, press_escape)
    started = time.monotonic()
    with pytest.raises(Cancelled, match="Остановлено"):
        run_long(None, "Печать журнала", "Журнал записывается…", slow)
    assert time.monotonic() - started < 10
    assert seen and seen[0][0] == "Печать журнала" and seen[0][1] > 0  # the bar had moved


def test_esc_outside_the_active_window_stops_the_work_too(qtbot: QtBot) -> None:
    """Esc is the dialog's Cancel shortcut only while its window is the active one; otherwise
    QDialog's own Esc rejects (hides) it. That too stops the work: a busy CI machine once had
    the window hidden and the journal written all the same."""

    def reject_when_shown() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QProgressDialog) and dialog.isVisible():
            dialog.reject()  # what QDialog.keyPressEvent does with Esc
        else:
            QTimer.singleShot(50, reject_when_shown)

    QTimer.singleShot(50, reject_when_shown)
    started = time.monotonic()
    with pytest.raises(Cancelled, match="Остановлено"):
        run_long(None, "Печать журнала", "Журнал записывается…", slow)
    assert time.monotonic() - started < 10


def test_the_result_comes_back(qtbot: QtBot) -> None:
    def quick(progress: Progress) -> str:
        progress(1, 2)
        return "готово"

    assert run_long(None, "Работа", "Идет работа…", quick) == "готово"
    with pytest.raises(ValueError):
        run_long(None, "Работа", "Идет работа…", lambda _p: int("x"))


def test_the_journal_printed_from_the_window(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.journal_print_dialog import JournalPrintDialog

    window = shown_window(qtbot, demo_db)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "журнал.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr(
        JournalPrintDialog, "exec", lambda _self: JournalPrintDialog.DialogCode.Accepted
    )
    told: list[tuple[int, int]] = []
    from app.services.journal import printouts

    real = printouts.export_journal

    def watched(*args: Any, progress: Progress, **kwargs: Any) -> Path:
        def tell(done: int, total: int) -> bool:
            told.append((done, total))
            return progress(done, total)

        return real(*args, progress=tell, **kwargs)

    monkeypatch.setattr(printouts, "export_journal", watched)
    window.journal_desk.export_journal()
    assert "Журнал регистрации исходящих документов" in PdfReader(target).pages[0].extract_text()
    assert told[-1] == (1000, 1000)
    notice = window.findChild(SavedNotice)
    assert notice is not None and notice.label.text() == "Журнал записан: журнал.pdf"

    # stopped from the keyboard: nothing written, said in the status bar, not as an error
    target.unlink()

    def press_escape() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QProgressDialog):
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            QTimer.singleShot(20, press_escape)

    def stalled(*args: Any, progress: Progress, **kwargs: Any) -> Path:
        slow(progress)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(printouts, "export_journal", stalled)
    QTimer.singleShot(20, press_escape)
    window.journal_desk.export_journal()
    assert not list(target.parent.iterdir())  # not even a temporary file
    assert window.statusBar().currentMessage() == "Остановлено"
