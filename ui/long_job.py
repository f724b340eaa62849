"""Long work with a progress bar and «Отмена»: the journal of a year, printed.

The work runs on a thread of its own and is told nothing but ``progress(done, total)``; the
window stays painted, the bar moves, and «Отмена» (or Esc) makes the next ``progress`` answer
stop, so the work raises :class:`~app.support.progress.Cancelled` before it writes anything.
The window waits for the result (or the error) as for any other command."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QEventLoop, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.support.progress import Progress

T = TypeVar("T")

SHOWN_AFTER_MS = 300  # a job done sooner shows no window


class _Worker(QThread):
    progressed = Signal(int, int)
    done = Signal(object, object)  # result, error

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.work = work
        self.stop = threading.Event()

    def _tick(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.stop.is_set()

    def run(self) -> None:
        try:
            result, error = self.work(self._tick), None
        except Exception as exc:  # raised again on the window's thread
            result, error = None, exc
        self.done.emit(result, error)


def progress_dialog(parent: QWidget | None, title: str, label: str) -> QProgressDialog:
    """The bar and «Отмена», shown when the work has taken ``SHOWN_AFTER_MS``."""
    dialog = QProgressDialog(label, "Отмена", 0, 0, parent)
    dialog.setObjectName("long_job")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOWN_AFTER_MS)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    dialog.setMinimumWidth(420)
    return dialog


def run_long(parent: QWidget | None, title: str, label: str, work: Callable[[Progress], T]) -> T:
    """``work(progress)`` off the window's thread, with a progress dialog; its result, or its
    error raised here (``Cancelled`` when the clerk stopped it)."""
    dialog = progress_dialog(parent, title, label)
    worker = _Worker(work)
    outcome: list[Any] = []
    loop = QEventLoop()

    def progressed(done: int, total: int) -> None:
        if total > 0 and not worker.stop.is_set():
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def stop() -> None:
        worker.stop.set()
        dialog.setLabelText("Остановка…")

    def finished(result: Any, error: Exception | None) -> None:
        outcome[:] = [result, error]
        loop.quit()

    worker.progressed.connect(progressed)
    worker.done.connect(finished)
    dialog.canceled.connect(stop)
    # Esc reaches the dialog as its Cancel shortcut only while its window is the active one;
    # otherwise QDialog's own Esc rejects it — hidden, and the work went on to write its file
    dialog.rejected.connect(stop)
    worker.start()
    if not outcome:
        loop.exec()
    worker.wait()
    # no cycle left between the closures and the Qt objects: all are freed here, on this
    # thread, when this function returns (ui/collector.py)
    worker.progressed.disconnect(progressed)
    worker.done.disconnect(finished)
    dialog.canceled.disconnect(stop)
    dialog.rejected.disconnect(stop)
    dialog.close()
    # the dialog deleted now, not later: a deferred delete posted outside an event loop waits
    # for the next outer loop, and meanwhile the dialog's own timer could show it again over
    # the next long job (one Esc then went to the stale dialog). The finished thread is freed
    # with this function's references (shiboken6.delete of it crashed the interpreter at exit).
    shiboken6.delete(dialog)
    result, error = outcome
    if error is not None:
        raise error
    return result
