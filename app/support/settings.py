"""Per-user settings (window geometry, last tab, recent choices) in one JSON file.

Written to a temporary file and renamed, so a crash never leaves half a settings file; a damaged
file is ignored rather than stopping the program.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from app.support.files import replace_atomically
from app.support.paths import config_dir, expanded

SETTINGS_FILE = "settings.json"

BACKUP_DIR_ENV = "SECRETARIAT_BACKUP_DIR"
BACKUP_DIR_SETTING = "backup/folder"
CA_FOLDER_SETTING = "signature/ca_folder"  # this workstation's certification authorities
DATABASE_SETTING = "connection/database"  # the registry this workstation opens, as chosen


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / SETTINGS_FILE
        self._values: dict[str, Any] = {}
        self.load()

    def load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self._values = data if isinstance(data, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._values[key] = value

    def save(self) -> None:
        text = json.dumps(self._values, ensure_ascii=False, indent=2)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(self.path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def chosen_database() -> str | None:
    """The database chosen in «Файл → Подключение к базе», if any (app.support.paths)."""
    saved = Settings().get(DATABASE_SETTING)
    return saved.strip() if isinstance(saved, str) and saved.strip() else None


def choose_database(target: str | None) -> None:
    """Remember the database this workstation opens; None forgets the choice."""
    settings = Settings()
    settings.set(DATABASE_SETTING, target or None)
    settings.save()


def ca_folder() -> Path | None:
    """The folder of the certification authorities' certificates Settings name, if any."""
    saved = Settings().get(CA_FOLDER_SETTING)
    return Path(saved) if isinstance(saved, str) and saved else None


def backup_folder(database: Path, given: str | Path | None = None) -> Path:
    """Where copies go: the folder given (``--to``), the one chosen in the program (settings),
    ``SECRETARIAT_BACKUP_DIR``, else ``backups`` beside the database file."""
    configured = given or Settings().get(BACKUP_DIR_SETTING)
    if configured:
        return expanded(configured).absolute()  # «--to backups»: in the current folder
    env = os.environ.get(BACKUP_DIR_ENV, "").strip()
    if env:
        return expanded(env).absolute()
    return database.absolute().parent / "backups"
