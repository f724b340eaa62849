"""Entry point of ``secretariat``: CLI commands without Qt, the window when no command is given."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from app.cli import main as cli_main


def _run_gui(db_target: str | None) -> int:
    from ui.application import run  # Qt is imported only when the window is wanted

    return run(db_target)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, run_gui=_run_gui)


if __name__ == "__main__":
    sys.exit(main())
