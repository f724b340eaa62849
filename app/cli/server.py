"""``secretariat server init | check``: a shared PostgreSQL registry set up in one command, and
what a workstation connecting to it sees."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

URL_HELP = "адрес базы: postgresql+psycopg://ПОЛЬЗОВАТЕЛЬ@СЕРВЕР/БАЗА"


def add_server_commands(sub: Any, parser_class: Any) -> None:
    server = sub.add_parser("server", help="общая база на сервере PostgreSQL (администратор)")
    ssub = server.add_subparsers(
        dest="server_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    p = ssub.add_parser(
        "init",
        help="сделать базу PostgreSQL реестром: схема, роли, права пользователей рабочих мест",
    )
    p.add_argument("url", metavar="URL", help=URL_HELP + " (владелец базы или суперпользователь)")
    p.add_argument("--registrars", nargs="+", default=[], metavar="USER",
                   help="пользователи сервера с ролью «регистратор»")  # fmt: skip
    p.add_argument("--readers", nargs="+", default=[], metavar="USER",
                   help="пользователи сервера с ролью «чтение»")  # fmt: skip
    p.add_argument("--admins", nargs="+", default=[], metavar="USER",
                   help="пользователи сервера с ролью «администратор»")  # fmt: skip
    p.set_defaults(handler=_cmd_init)
    p = ssub.add_parser(
        "check", help="что видит рабочее место: сервер, схема, роль, права, задержка"
    )
    p.add_argument(
        "url", metavar="URL", nargs="?", default=None,
        help=URL_HELP + " (по умолчанию — база этого рабочего места: --db, SECRETARIAT_DB, "
        "выбор в программе, /etc/secretariat/secretariat.conf)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_check)


def _cmd_init(args: argparse.Namespace) -> int:
    from app.services.access.roles import LABELS
    from app.services.safety.server_setup import init_server

    done = init_server(
        args.url, registrars=args.registrars, readers=args.readers, admins=args.admins
    )
    print(f"База «{done.database}» — реестр программы (схема {done.revision}).")
    for user, role in done.granted:
        print(f"  {user}: роль «{LABELS[role]}»")
    if not done.granted:
        print("  Роли не выданы: secretariat users grant ПОЛЬЗОВАТЕЛЬ reader|registrar|admin")
    print("Строка подключения рабочих мест (ПОЛЬЗОВАТЕЛЬ — вход каждого рабочего места):")
    print(f"  SECRETARIAT_DB={done.workstation_url}")
    return 0


def _workstation_server(args: argparse.Namespace) -> str:
    """The URL asked for, else the server this workstation is set to open."""
    if args.url:
        return str(args.url)
    from app.support.connection import database_choice
    from app.support.errors import UserError

    choice = database_choice(args.db)
    if "://" not in choice.target:
        raise UserError(
            f"Рабочее место открывает встроенную базу {choice.target} ({choice.told}); "
            "укажите адрес сервера: secretariat server check URL"
        )
    if not args.json:
        print(f"Адрес: {choice.target} ({choice.told})")
    return choice.target


def _cmd_check(args: argparse.Namespace) -> int:
    from app.services.safety.server_setup import check_server, role_label

    seen = check_server(_workstation_server(args))
    if args.json:
        print(json.dumps({**asdict(seen), "usable": seen.usable}, ensure_ascii=False))
        return 0 if seen.usable else 1
    yes = {True: "да", False: "нет"}
    print(f"Сервер: PostgreSQL {seen.server_version}, база «{seen.database}»")
    registry = seen.revision is not None or not seen.schema_visible
    print(f"Пользователь: {seen.user}, роль: {role_label(seen.role) if registry else '—'}")
    schema = seen.revision or ("не видна этому пользователю" if registry else "нет реестра")
    print(f"Схема базы: {schema}, программы: {seen.program_revision}")
    print(
        f"Права на сервере: чтение — {yes[seen.can_read]}, регистрация — "
        f"{yes[seen.can_register]}, настройка — {yes[seen.can_set_up]}"
    )
    print(
        f"Подключение: {seen.connect_ms:.0f} мс, обмен с сервером: {seen.round_trip_ms:.1f} мс "
        "(медиана 5 запросов)"
    )
    for problem in seen.problems:
        print(f"Не готово: {problem}")
    if seen.usable:
        print("Рабочее место может работать с этой базой")
    return 0 if seen.usable else 1
