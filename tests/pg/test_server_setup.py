"""A shared server in one command (issue 44): ``server init`` makes an empty PostgreSQL database
the registry and grants the workstations' users; a registrar and a reader then open it with
their rights; ``server check`` says what each of them sees. On a throw-away server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.support.errors import damaged_database_message
from tests.support.builders import numbered_card
from tests.support.cli import assert_user_error, run
from tests.support.pg_server import PgServer


def _logins(pg_url: str, *names: str) -> None:
    owner = create_engine(pg_url)
    with owner.begin() as conn:
        for name in names:
            conn.execute(text(f"CREATE ROLE {name} LOGIN"))
    owner.dispose()


def _tables(pg_url: str) -> set[str]:
    owner = create_engine(pg_url)
    with owner.connect() as conn:
        names = conn.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).all()
    owner.dispose()
    return set(names)


def test_one_command_makes_the_registry_for_a_registrar_and_a_reader(
    pg: PgServer, pg_url: str, tmp_path: Path
) -> None:
    from app.services.access.roles import current_role, list_users
    from app.services.registry.letters import register_letter
    from app.services.safety.opening import open_registry

    _logins(pg_url, "srv_reg", "srv_read", "srv_none")
    empty = run("server", "check", pg_url)
    assert empty.returncode == 1 and "Не готово: в базе нет реестра" in empty.stdout
    # a user the server has no login for: refused before anything is written
    missing = run("server", "init", pg_url, "--registrars", "srv_reg", "--readers", "nobody_x")
    assert_user_error(missing, "нет пользователей: nobody_x")
    assert _tables(pg_url) == set()
    twice = run("server", "init", pg_url, "--registrars", "srv_reg", "--readers", "srv_reg")
    assert_user_error(twice, "назван дважды: srv_reg")

    done = run("server", "init", pg_url, "--registrars", "srv_reg", "--readers", "srv_read")
    assert done.returncode == 0, done.stderr
    assert "srv_reg: роль «регистратор»" in done.stdout
    assert "srv_read: роль «чтение»" in done.stdout
    database = make_url(pg_url).database
    line = f"SECRETARIAT_DB=postgresql+psycopg://ПОЛЬЗОВАТЕЛЬ@/{database}?host="
    assert line in done.stdout
    said = done.stdout.split("SECRETARIAT_DB=")[1].strip()
    assert make_url(said.replace("ПОЛЬЗОВАТЕЛЬ", "srv_reg")) == make_url(
        pg_url.replace(f"//{pg.user}@", "//srv_reg@")
    )  # the line given to the workstations reaches this database
    assert "alembic_version" in _tables(pg_url)

    as_registrar = pg_url.replace(f"//{pg.user}@", "//srv_reg@")
    as_reader = pg_url.replace(f"//{pg.user}@", "//srv_read@")
    registrar = open_registry(as_registrar)
    assert current_role(registrar) == "registrar"
    from app.services.demo import load_demo

    owner = open_registry(pg_url)
    load_demo(owner)  # journals and staff: the administrator's set-up
    assert {(u.name, u.role) for u in list_users(owner)} == {
        ("srv_reg", "registrar"), ("srv_read", "reader"),
    }  # fmt: skip
    owner.dispose()
    registered = register_letter(registrar, numbered_card(1))
    registrar.dispose()
    reader = open_registry(as_reader)
    assert current_role(reader) == "reader"
    with pytest.raises(DBAPIError, match="permission denied") as refused:
        register_letter(reader, numbered_card(2))  # the server refuses, not only the window
    assert "недостаточно прав в базе данных" in str(damaged_database_message(refused.value))
    reader.dispose()

    seen = run("server", "check", as_registrar)
    assert seen.returncode == 0, seen.stderr
    assert "Пользователь: srv_reg, роль: регистратор" in seen.stdout
    assert "чтение — да, регистрация — да, настройка — нет" in seen.stdout
    assert "Рабочее место может работать с этой базой" in seen.stdout
    read = json.loads(run("server", "check", as_reader, "--json").stdout)
    assert (read["role"], read["can_read"], read["can_register"]) == ("reader", True, False)
    assert read["usable"] and read["round_trip_ms"] > 0 and read["revision"]
    nobody = run("server", "check", pg_url.replace(f"//{pg.user}@", "//srv_none@"))
    assert nobody.returncode == 1
    assert "Не готово: у пользователя нет роли в этой базе" in nobody.stdout
    assert registered.number  # the registrar's letter stands

    # the workstation's line in /etc/secretariat/secretariat.conf: «server check» with no address
    conf = tmp_path / "secretariat.conf"
    conf.write_text(f"SECRETARIAT_DB={as_registrar}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SECRETARIAT_DB"}
    workstation = run("server", "check", env=env | {"SECRETARIAT_SYSTEM_CONFIG": str(conf)})
    assert workstation.returncode == 0, workstation.stderr
    assert f"Адрес: {as_registrar} (файл {conf})" in workstation.stdout
    assert "Пользователь: srv_reg, роль: регистратор" in workstation.stdout


def test_a_file_is_not_a_server(tmp_path: object) -> None:
    assert_user_error(run("server", "init", "registry.db"), "на сервере PostgreSQL")
    assert_user_error(run("server", "check", "registry.db"), "на сервере PostgreSQL")
