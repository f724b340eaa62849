"""Which registry a workstation opens, and where that was named: the first of ``--db``,
``SECRETARIAT_DB``, the connection chosen in the program («Файл → Подключение к базе…», the
user's settings), ``SECRETARIAT_DB=`` in the system-wide ``/etc/secretariat/secretariat.conf``,
the user's embedded registry (docs/install.md, 2.5)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

from app.support.paths import DATABASE_ENV, default_database, system_config_path, system_setting
from app.support.settings import chosen_database


class DatabaseSource(Enum):
    """Where the database a workstation opens was named; the value is said to the clerk."""

    COMMAND_LINE = "ключ --db"
    ENVIRONMENT = "переменная окружения SECRETARIAT_DB"
    CHOSEN = "выбрано в программе («Файл → Подключение к базе»)"
    SYSTEM = "файл {path}"
    DEFAULT = "встроенная база пользователя"


@dataclass(frozen=True)
class DatabaseChoice:
    target: str
    source: DatabaseSource

    @property
    def told(self) -> str:
        """The source in the clerk's words."""
        return self.source.value.format(path=system_config_path())


def database_choice(cli_value: str | None = None) -> DatabaseChoice:
    """The database to open and where it was named (the module's docstring gives the order)."""
    if cli_value:
        return DatabaseChoice(cli_value, DatabaseSource.COMMAND_LINE)
    env = os.environ.get(DATABASE_ENV, "").strip()
    if env:
        return DatabaseChoice(env, DatabaseSource.ENVIRONMENT)
    chosen = chosen_database()
    if chosen:
        return DatabaseChoice(chosen, DatabaseSource.CHOSEN)
    system = system_setting(DATABASE_ENV)
    if system:
        return DatabaseChoice(system, DatabaseSource.SYSTEM)
    return DatabaseChoice(str(default_database()), DatabaseSource.DEFAULT)


def database_target(cli_value: str | None = None) -> str:
    """The database to open (:func:`database_choice`)."""
    return database_choice(cli_value).target
