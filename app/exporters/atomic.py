"""Exports go through :func:`app.files.replace_atomically`; OS errors become clerk messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.errors import UserError
from app.files import replace_atomically


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path``; raise UserError on OS errors."""
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"{path}: папка {path.parent} не существует")
    try:
        return replace_atomically(path, write)
    except OSError as exc:
        raise UserError(f"{path}: не удалось записать файл ({exc.strerror or exc})") from exc
