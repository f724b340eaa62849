"""No output path may be the registry: every file the program writes for a clerk (an export, a
saved file, a dispatch folder, a preview) is checked here first.

Refused: the open database file, its ``-wal``/``-shm`` (and ``-journal``), anything in its
backups folder, and the program's own files (its code and resources). A path is compared as
written, as its folder resolves (``./reg.db``, ``../x/reg.db``, a symlinked folder) and as the
file it points to (a symlink, a hard link): all three name the registry the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.support.errors import UserError
from app.support.paths import source_root

_SIDE_FILES = ("-wal", "-shm", "-journal")
_registries: list[Path] = []  # the embedded databases open in this process


def guard_registry(database: Path) -> None:
    """The registry opened in this process: from now on no output may be it or its parts."""
    path = _canonical(database)
    if path not in _registries:
        _registries.append(path)


def _canonical(path: Path) -> Path:
    """The path with its folder resolved (the file itself may not exist yet)."""
    path = Path(os.path.expanduser(str(path)))
    try:
        return path.parent.resolve() / path.name
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _program_folders() -> list[Path]:
    root = source_root()
    return [root / name for name in ("app", "ui", "db", "resources")]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_protected(target: Path) -> None:
    """UserError naming what ``target`` is, when it is the registry, a part of it, its backup
    or the program's own file; nothing happens otherwise."""
    path = _canonical(target)
    shown = str(target)
    for registry in _registries:
        parts = {registry, *(registry.with_name(registry.name + s) for s in _SIDE_FILES)}
        if path in parts or any(_same_file(path, p) for p in parts):
            raise UserError(
                f"{shown}: это файл базы данных (реестр); записать в него нельзя — выберите "
                "другое имя файла (ничего не записано)"
            )
        folder = _backups_of(registry)
        if folder is not None and (path.parent == folder or folder in path.parents):
            raise UserError(
                f"{shown}: это папка резервных копий реестра; выгрузку в нее не записать — "
                "выберите другую папку (ничего не записано)"
            )
    for folder in _program_folders():
        if folder in path.parents:
            raise UserError(
                f"{shown}: это папка файлов самой программы; выберите другую папку "
                "(ничего не записано)"
            )


def _backups_of(registry: Path) -> Path | None:
    from app.support.settings import backup_folder

    try:
        return _canonical(backup_folder(registry) / "x").parent
    except (OSError, UserError):
        return None
