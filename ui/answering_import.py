"""Modules imported on a thread of their own while the window keeps painting.

At start-up, after the first page is painted, the database layer is imported (SQLAlchemy, the
models, the storage hooks: 0.5–0.7 s here). Imported on the window's thread, the window neither
repainted nor moved for that long, and a desktop may call such a window «not responding». Here
the import runs on a worker thread and the window's thread handles its events meanwhile —
painting, moving, resizing; the clerk's keys and clicks wait in the queue until the window is
built (``ExcludeUserInputEvents``), so none is lost and none reaches a half-built window.

Only modules without Qt objects made at import are imported so (the database layer): a
``QPixmap`` or ``QIcon`` belongs to the window's thread.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence

ANSWER_EVERY_MS = 10


def import_answering(names: Sequence[str]) -> None:
    """Import ``names`` on a worker thread while this (the window's) thread handles its events;
    an import's error is raised here, as a plain import would raise it."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    failures: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            for name in names:
                importlib.import_module(name)
        except BaseException as exc:  # handed to the window's thread
            failures.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, name="start-up imports", daemon=True).start()
    flags = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents
    while not done.wait(ANSWER_EVERY_MS / 1000):
        QApplication.processEvents(flags, ANSWER_EVERY_MS)
    if failures:
        raise failures[0]
