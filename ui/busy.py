"""«База занята…»: a write waiting for another workstation's write is said in the status bar.

``db.engine`` calls its busy hook between short waits for the write lock, from whichever thread
writes. On the window's thread the message is shown at once and painted (user input is held
back meanwhile, so the clerk cannot start a second write inside the first); from a worker thread
it travels as a queued signal.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, Signal
from PySide6.QtWidgets import QStatusBar

from db.engine import add_busy_hook, remove_busy_hook

SHOWN_MS = 3_000  # the message stays a little after the last wait


def busy_text(waited: float) -> str:
    return f"База занята другим рабочим местом — ожидание записи, {int(waited)} с…"


class BusyNotice(QObject):
    waiting = Signal(float)

    def __init__(self, status: QStatusBar) -> None:
        super().__init__(status)
        self.status = status
        self.waiting.connect(self._show)
        add_busy_hook(self._hook)
        self.destroyed.connect(lambda *_: remove_busy_hook(self._hook))

    def _hook(self, waited: float) -> None:
        try:
            self.waiting.emit(waited)  # direct on the window's thread, queued from a worker
        except RuntimeError:  # the window is gone: this notice with it
            remove_busy_hook(self._hook)
            return
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def _show(self, waited: float) -> None:
        self.status.showMessage(busy_text(waited), SHOWN_MS)
