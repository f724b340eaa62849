"""Python's cycle collector run on the window's thread only.

A Qt object must be deleted in the thread it lives in. The collector runs wherever an
allocation happens to cross its threshold — a search in the background, say — and there it may
free the last reference to a closed dialog caught in a cycle (a lambda connected to its own
signal), deleting a widget off the window's thread: the process crashes («Fatal Python error:
Segmentation fault … Garbage-collecting» in a worker thread, seen in CI). So the automatic
collector is switched off, and the window's thread collects on a timer (the young generation
every second, everything every minute): garbage waits a second at most, and is freed where its
widgets live."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

EVERY_MS = 1_000
FULL_EVERY = 60  # ticks between two full collections


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self.ticks = 0
        self.timer = QTimer(self)
        self.timer.setInterval(EVERY_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> None:
        self.ticks += 1
        if self.ticks % FULL_EVERY == 0:
            gc.collect()
        elif self.ticks % 10 == 0:
            gc.collect(1)
        else:
            gc.collect(0)
