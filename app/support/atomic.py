"""Exports go through :func:`app.support.files.replace_atomically`; OS errors become clerk
messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.support.errors import UserError
from app.support.files import replace_atomically
from app.support.output_guard import refuse_protected


def check_writable(path: Path) -> None:
    """What :func:`write_atomically` refuses before it writes, for a caller that records
    something first: the registry and the program's own files, a folder that is not there."""
    refuse_protected(path)
    if not path.parent.is_dir():
        raise UserError(f"{path}: папка {path.parent} не существует")


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path``; raise UserError on OS errors.
    The registry, its parts, its backups and the program's own files are refused first."""
    path = Path(path)
    check_writable(path)
    try:
        return replace_atomically(path, write)
    except OSError as exc:
        raise UserError(f"{path}: не удалось записать файл ({exc.strerror or exc})") from exc


def move_in(
    staged: list[Path], staging: Path, folder: Path, then: Callable[[], None] | None = None
) -> list[Path]:
    """Move files written under ``staging`` to the same places under ``folder``, then call
    ``then`` (e.g. the database record); if anything fails, the files moved are taken out again."""
    for path in staged:
        refuse_protected(folder / path.relative_to(staging))
    moved: list[Path] = []
    try:
        for path in staged:
            target = folder / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
            moved.append(target)
        if then is not None:
            then()
    except OSError as exc:
        for path in moved:
            path.unlink(missing_ok=True)
        raise UserError(f"{folder}: не удалось записать файлы ({exc.strerror or exc})") from exc
    except BaseException:
        for path in moved:
            path.unlink(missing_ok=True)
        raise
    return moved
