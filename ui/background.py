"""Run slow work off the UI thread and call back on it (success or failure).

Worker code never touches widgets: it returns a value, and the callbacks run on the UI thread.
A newer request under the same key makes the older one's result stale; it is dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.support.crash import clerk_message
from app.support.errors import READ_ONLY_MESSAGE
from db.engine import ReadOnlyDatabaseError


class _Relay(QObject):
    finished = Signal(object, object)  # result, error


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            result, error = self.work(), None
        except Exception as exc:  # delivered to the UI thread, shown there
            result, error = None, exc
        # RuntimeError: the widget that asked was closed meanwhile; nobody wants the result
        with contextlib.suppress(RuntimeError):
            self.relay.finished.emit(result, error)


class Background(QObject):
    """One per widget: ``run(key, work, on_done, on_error)``; only the newest per key is kept."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation: dict[str, int] = {}
        self._relays: set[_Relay] = set()
        self.pool = QThreadPool.globalInstance()

    def run(
        self,
        key: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        generation = self._generation.get(key, 0) + 1
        self._generation[key] = generation
        # the relay has no parent: it lives until its job has reported, even when the widget that
        # asked is closed meanwhile (a relay deleted with the widget while the worker thread was
        # emitting on it crashed the process); a late result is dropped below instead
        relay = _Relay()
        self._relays.add(relay)

        def finished(result: Any, error: Exception | None) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if not shiboken6.isValid(self):
                return  # the widget that asked is gone
            if self._generation.get(key) != generation:
                return  # a newer request superseded this one
            if error is None:
                on_done(result)
            elif on_error is not None:
                on_error(error)
            else:
                raise error

        relay.finished.connect(finished)
        self.pool.start(_Job(work, relay))

    def is_busy(self) -> bool:
        return bool(self._relays)

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)


def message_of(error: Exception) -> str:
    if isinstance(error, ReadOnlyDatabaseError):
        return READ_ONLY_MESSAGE
    message = clerk_message(error)
    return sentence(message) if message else f"Ошибка: {error}"


def sentence(text: str) -> str:
    """A message as the window shows it: from a capital letter."""
    return text[:1].upper() + text[1:]
