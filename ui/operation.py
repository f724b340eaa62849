"""One command's write as every command does it: a refusal (``UserError``) becomes the window's
message and nothing refreshes; otherwise the views of what changed refresh (the hub says it once,
from a :class:`~app.rules.changes.Changed` value) and the status bar says what was done. Slow
work goes through :mod:`ui.background`; this is for the write a click asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from app.rules.changes import Changed
from app.support.errors import UserError
from app.support.progress import Cancelled

if TYPE_CHECKING:
    from ui.desks import Window

T = TypeVar("T")

SAID_FOR_MS = 15_000  # how long the status bar keeps «done»


def attempt(
    window: Window,
    work: Callable[[], T],
    *,
    changed: Changed = Changed.NOTHING,
    said: Callable[[T], str] | None = None,
) -> T | None:
    """``work()``, and then the refresh and the word; ``None`` when it was refused (or
    stopped by the clerk: that is said in the status bar, not as an error)."""
    try:
        result = work()
    except Cancelled as exc:  # the clerk stopped it: said, not shown as an error
        window.statusBar().showMessage(str(exc), SAID_FOR_MS)
        return None
    except UserError as exc:
        window.show_error(str(exc))
        return None
    window.hub.announce(changed)
    if said is not None:
        window.statusBar().showMessage(said(result), SAID_FOR_MS)
    return result
