"""The progress line of a long task in the terminal: on one line rewritten in place when stderr
is a terminal, a line per tenth otherwise (a log stays short)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    def __init__(self, title: str, stream: TextIO | None = None) -> None:
        self.title = title
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self.shown: tuple[str, int] | None = None  # (what, tenth or percent) last written

    def __call__(self, what: str, done: int, total: int) -> None:
        """``total`` 0: a step whose length is not known (a line of its own)."""
        if total <= 0:
            self.stream.write(f"{self.title}: {what}…\n")
            self.stream.flush()
            return
        percent = done * 100 // total
        step = percent if self.tty else percent // 10 * 10
        if self.shown == (what, step):
            return
        self.shown = (what, step)
        elapsed = time.monotonic() - self.started
        line = f"{self.title}: {what} {_n(done)} из {_n(total)} ({percent} %), {elapsed:.0f} с"
        if self.tty:
            end = "\n" if done >= total else ""
            self.stream.write("\r" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _n(value: int) -> str:
    """1 000 000: thousands apart by a non-breaking space, as Russian text writes them."""
    return f"{value:,}".replace(",", "\u00a0")


def index_progress() -> ProgressLine:
    """The line shown while the word index is built (after an update of the program)."""
    return ProgressLine("Построение поискового указателя")
