"""Entry point of ``secretariat``: CLI commands without Qt, the window when no command is given.

The window's own start does not build the command line's parser: that imports the database
layer, and the window paints its frame before it (``ui.application``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

NOT_THE_WINDOW = object()  # arguments for the command line


def window_target(argv: Sequence[str]) -> object:
    """The ``--db`` the window is asked to open (None: the default registry) when ``argv`` only
    asks for the window; otherwise :data:`NOT_THE_WINDOW`."""
    rest = list(argv)
    if rest[:1] == ["gui"]:
        rest = rest[1:]
        if len(rest) == 1 and rest[0] and not rest[0].startswith("-"):
            return rest[0]  # «gui FILE.db»: the menu entry's double click on a registry
    if not rest:
        return None
    if len(rest) == 2 and rest[0] == "--db" and rest[1] and not rest[1].startswith("-"):
        return rest[1]
    if len(rest) == 1 and rest[0].startswith("--db=") and len(rest[0]) > len("--db="):
        return rest[0][len("--db=") :]
    return NOT_THE_WINDOW


def _run_gui(db_target: str | None) -> int:
    from ui.application import run  # Qt is imported only when the window is wanted

    return run(db_target)


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    target = window_target(given)
    if target is not NOT_THE_WINDOW and all(arg.isprintable() for arg in given):
        return _run_gui(target if isinstance(target, str) else None)
    from app.cli import main as cli_main

    return cli_main(given, run_gui=_run_gui)


if __name__ == "__main__":
    sys.exit(main())
