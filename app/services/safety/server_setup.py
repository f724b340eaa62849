"""A shared server in one command: ``secretariat server init`` makes a PostgreSQL database the
registry (its schema, its roles, the workstations' users granted), ``server check`` says what a
workstation connecting with a URL sees — the server, the schema, its user's role and rights, the
round trip."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.services.access.roles import (
    LABELS,
    check_user,
    current_role,
    grant_in,
    missing_users,
    require,
)
from app.support.errors import UserError, database_reason
from db.engine import Database

USER_PLACEHOLDER = "ПОЛЬЗОВАТЕЛЬ"
ROUND_TRIPS = 5
NO_ACCESS = "?"  # the schema's revision, when the user may not read it


@dataclass(frozen=True)
class ServerInit:
    database: str
    revision: str
    granted: list[tuple[str, str]]  # (user, role)
    workstation_url: str


def _postgresql(url: str) -> str:
    if not url.startswith("postgresql"):
        raise UserError(
            f"{url}: общая база — на сервере PostgreSQL (адрес postgresql+psycopg://…); "
            "встроенной базе SQLite сервер не нужен"
        )
    return url


def workstation_url(url: str) -> str:
    """The line the workstations use: the administrator's address without their name and
    password, ``ПОЛЬЗОВАТЕЛЬ`` where each workstation's own login goes."""
    from sqlalchemy.engine import make_url

    marker = "workstationuser"
    shown = make_url(url).set(username=marker, password=None)
    return shown.render_as_string(hide_password=False).replace(marker, USER_PLACEHOLDER, 1)


def init_server(
    url: str, *, registrars: list[str], readers: list[str], admins: list[str] | None = None
) -> ServerInit:
    """The registry's schema and roles in the database of ``url`` (opened as its owner or a
    superuser), and the users granted their roles in one transaction. Every user is checked
    first: a name the server has no login for stops the command before anything is written."""
    from app.services.safety.opening import open_registry
    from db.schema import HEAD_REVISION

    _postgresql(url)
    wanted = [(u, "registrar") for u in registrars] + [(u, "reader") for u in readers]
    wanted += [(u, "admin") for u in admins or []]
    users = [check_user(u) for u, _ in wanted]
    twice = sorted({u for u in users if users.count(u) > 1})
    if twice:
        raise UserError(f"Пользователь назван дважды: {', '.join(twice)} — у каждого одна роль")
    probe = open_registry(url, migrate=False)
    try:
        with probe.read() as session:
            missing = missing_users(session, users)
    finally:
        probe.dispose()
    if missing:
        creates = "; ".join(f"CREATE ROLE {u} LOGIN PASSWORD '…'" for u in missing)
        raise UserError(
            f"На сервере нет пользователей: {', '.join(missing)} — их создает администратор "
            f"сервера ({creates}); ничего не изменено"
        )
    db = open_registry(url)  # the schema made or brought up, the registry's roles with it
    try:
        require(db, "admin", "настраивать общую базу")
        with db.write() as session:
            for user, role in wanted:
                grant_in(session, user, role)
            database = str(session.scalar(text("SELECT current_database()")))
    finally:
        db.dispose()
    return ServerInit(database, HEAD_REVISION, wanted, workstation_url(url))


@dataclass(frozen=True)
class ServerCheck:
    server_version: str
    database: str
    user: str
    role: str  # reader | registrar | admin, or "" (no role in this registry)
    revision: str | None  # the database's schema; None: not a registry yet
    program_revision: str
    can_read: bool
    can_register: bool
    can_set_up: bool
    connect_ms: float
    round_trip_ms: float
    schema_visible: bool = True  # False: the user may not read the registry's tables at all
    problems: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not self.problems


def check_server(url: str) -> ServerCheck:
    """What a workstation connecting with ``url`` sees; nothing is written."""
    from app.services.safety.opening import open_registry
    from db.schema import HEAD_REVISION, NoAccessError, current_revision

    _postgresql(url)
    started = time.perf_counter()
    db = open_registry(url, migrate=False)
    try:
        try:
            with db.read() as session:
                session.execute(text("SELECT 1"))
        except OperationalError as exc:  # no server there, a wrong password, no such database
            raise UserError(
                f"{db.url}: не удалось подключиться к серверу — {database_reason(exc)}"
            ) from None
        connect_ms = (time.perf_counter() - started) * 1000
        trips = []
        with db.read() as session:
            for _ in range(ROUND_TRIPS):
                start = time.perf_counter()
                session.execute(text("SELECT 1"))
                trips.append((time.perf_counter() - start) * 1000)
            facts = session.execute(
                text("SELECT current_setting('server_version'), current_database(), current_user")
            ).one()
        try:
            revision: str | None = current_revision(db)
        except NoAccessError:  # no role: the registry's own tables are closed to this user
            revision = NO_ACCESS
        return _checked(db, facts, revision, HEAD_REVISION, connect_ms, trips)
    finally:
        db.dispose()


def _checked(
    db: Database,
    facts: tuple[str, str, str],
    revision: str | None,
    head: str,
    connect_ms: float,
    trips: list[float],
) -> ServerCheck:
    problems: list[str] = []
    role, rights, visible = "", (False, False, False), True
    no_role = "у пользователя нет роли в этой базе (выдает администратор: secretariat users grant)"
    if revision is None:
        problems.append("в базе нет реестра: его создает secretariat server init")
    elif revision == NO_ACCESS:
        problems.append(no_role)
        revision, visible = None, False
    else:
        try:
            role = current_role(db)
        except UserError as exc:
            problems.append(str(exc))
        rights = _rights(db)
        if not role:
            problems.append(no_role)
        if revision < head:
            problems.append(
                f"схема базы {revision} старше программы ({head}): ее обновит запуск "
                "программы владельцем базы"
            )
        elif revision > head:
            problems.append(f"схема базы {revision} новее программы ({head}): обновите программу")
    return ServerCheck(
        server_version=facts[0],
        database=facts[1],
        user=facts[2],
        role=role,
        revision=revision,
        program_revision=head,
        can_read=rights[0],
        can_register=rights[1],
        can_set_up=rights[2],
        connect_ms=round(connect_ms, 1),
        round_trip_ms=round(statistics.median(trips), 2),
        schema_visible=visible,
        problems=problems,
    )


def _rights(db: Database) -> tuple[bool, bool, bool]:
    """What the server itself allows this user: read the letters, register one (the number's
    function), change the set-up (the journals)."""
    with db.read() as session:
        row = session.execute(
            text(
                "SELECT has_table_privilege(current_user, 'letter', 'SELECT'),"
                " has_table_privilege(current_user, 'letter', 'INSERT'),"
                " has_table_privilege(current_user, 'journal', 'UPDATE')"
            )
        ).one()
    return bool(row[0]), bool(row[1]), bool(row[2])


def role_label(role: str) -> str:
    return LABELS.get(role, "нет роли")
