"""Where the program keeps its files; the only module that knows.

Environment variables override every location, so tests and portable installs never touch the
user's real profile: ``SECRETARIAT_DB`` (database path or URL), ``SECRETARIAT_DATA_DIR`` and
``SECRETARIAT_CONFIG_DIR``.

The system-wide ``/etc/secretariat/secretariat.conf`` the package installs is read here
(:func:`system_setting`); which database a workstation opens is ``app.support.connection``'s.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "secretariat"
DB_FILE_NAME = "secretariat.db"
DATABASE_ENV = "SECRETARIAT_DB"
SYSTEM_CONFIG = Path("/etc/secretariat/secretariat.conf")
SYSTEM_CONFIG_ENV = "SECRETARIAT_SYSTEM_CONFIG"  # another system file (tests; a portable install)
SYSTEM_CONFIG_LIMIT = 64 * 1024  # an administrator's file of a few lines; more is not read


def expanded(path: str | Path) -> Path:
    """A path as typed, «~» and «~user» expanded; a home folder that cannot be found (an
    unknown «~user») is one Russian line, not a crash."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        from app.support.errors import UserError

        raise UserError(f"{path}: домашняя папка «{str(path).split('/')[0]}» не найдена") from None


def _dir_from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return expanded(value) if value else None


def data_dir() -> Path:
    override = _dir_from_env("SECRETARIAT_DATA_DIR")
    if override is not None:
        return override
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    override = _dir_from_env("SECRETARIAT_CONFIG_DIR")
    if override is not None:
        return override
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return data_dir() / DB_FILE_NAME


def system_config_path() -> Path:
    override = os.environ.get(SYSTEM_CONFIG_ENV, "").strip()
    return Path(override) if override else SYSTEM_CONFIG


def system_setting(name: str) -> str | None:
    """``NAME=value`` from the system-wide file (``#`` comments, optional quotes); None when the
    file, or the line, is not there or cannot be read."""
    try:
        with system_config_path().open("rb") as handle:
            text = handle.read(SYSTEM_CONFIG_LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return None
    found = None
    for line in text.splitlines():
        key, sign, value = line.strip().partition("=")
        if sign and key.strip() == name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            found = value.strip() or None  # the last line wins, as in a shell
    return found


_CHECKOUT = Path(__file__).resolve().parents[2]  # app/support/paths.py → the folder of app/


def source_root() -> Path:
    """The folder holding ``resources/`` (and the packages), from source or from a bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return _CHECKOUT


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, wherever the program runs from."""
    return source_root().joinpath("resources", *parts)


def bundle_data() -> list[tuple[str, str]]:
    """(source, destination) folders a frozen bundle must carry as files, for ``build.spec``.

    ``resources/`` is found again through :func:`resource_path`; the migration scripts through
    ``db.schema.MIGRATIONS_DIR``, which sits beside the (frozen) ``db`` package.
    """
    return [
        (str(_CHECKOUT / "resources"), "resources"),
        (str(_CHECKOUT / "db" / "migrations"), "db/migrations"),
    ]
