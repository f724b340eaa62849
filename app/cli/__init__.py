"""The command line: ``secretariat COMMAND`` (no Qt). ``main`` is the entry point."""

from app.cli.main import main

__all__ = ["main"]
