"""What the program does with an error it did not expect: the traceback goes to ``crash.log``
in the data folder, the clerk is told in one Russian sentence (CLI and window alike)."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path
from types import TracebackType

from app.support.errors import UserError, damaged_database_message, os_error_message


def write_crash_log(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> Path | None:
    """Append the traceback to ``crash.log``; its path, or None when it cannot be written."""
    from app.support.paths import data_dir
    from app.version import __version__

    log = data_dir() / "crash.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()} {__version__}\n")
            fh.write("".join(traceback.format_exception(kind, error, trace)))
    except OSError:
        return None
    return log


def clerk_message(error: BaseException) -> str | None:
    """The message for an error that is no bug of the program, or None for a bug: the
    clerk's own mistake, a refusal of the file system (naming the file), a damaged database or
    a full disk. As the CLI prints it after «secretariat:»; the window starts it with a capital."""
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, OSError):
        return os_error_message(error)
    return damaged_database_message(error)
