"""Long work that tells how far it is and can be stopped: the journal of a year, a mailing.

The work calls ``progress(done, total)`` now and then; the caller (a progress bar with «Отмена»)
answers False to stop it, and the work raises :class:`Cancelled` before anything is written."""

from __future__ import annotations

from collections.abc import Callable

from app.support.errors import UserError

Progress = Callable[[int, int], bool]  # (done, total) → False to stop


class Cancelled(UserError):
    """The clerk stopped the work; nothing was written."""

    def __init__(self, message: str = "Отменено; файл не записан") -> None:
        super().__init__(message)


def check_progress(progress: Progress, done: int, total: int) -> None:
    """Tell ``progress`` how far the work is; :class:`Cancelled` when it answers stop."""
    if not progress(done, total):
        raise Cancelled()


SCALE = 1000  # the whole of a job of several parts


def part(progress: Progress | None, start: int, end: int) -> Progress | None:
    """One part of a longer job: its own (done, total) told as ``start``…``end`` of
    :data:`SCALE` (reading the rows, then breaking them into lines, then drawing the pages)."""
    if progress is None:
        return None
    whole = progress

    def told(done: int, total: int) -> bool:
        share = min(done, total) / total if total > 0 else 0.0
        return whole(start + round((end - start) * share), SCALE)

    return told
