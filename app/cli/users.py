"""``users grant | revoke | list``: who may do what on a shared registry (PostgreSQL)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_user_commands(sub: Any, parser_class: Any, open_db: Any) -> None:
    from app.services.access.roles import ROLES

    users = sub.add_parser("users", help="роли пользователей общей базы PostgreSQL (администратор)")
    usub = users.add_subparsers(
        dest="users_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    p = usub.add_parser("grant", help="дать пользователю базы роль: reader, registrar или admin")
    p.add_argument("user", metavar="DBUSER", help="пользователь PostgreSQL (вход рабочего места)")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(handler=_cmd_grant, open_db=open_db)
    p = usub.add_parser("revoke", help="отозвать у пользователя базы все роли")
    p.add_argument("user", metavar="DBUSER")
    p.set_defaults(handler=_cmd_revoke, open_db=open_db)
    p = usub.add_parser("list", help="пользователи базы и их роли")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_list, open_db=open_db)


def _cmd_grant(args: argparse.Namespace) -> int:
    from app.services.access.roles import LABELS, grant

    grant(args.open_db(args), args.user, args.role)
    print(f"{args.user}: роль «{LABELS[args.role]}»")
    return 0


def _cmd_revoke(args: argparse.Namespace) -> int:
    from app.services.access.roles import revoke

    revoke(args.open_db(args), args.user)
    print(f"{args.user}: роли отозваны")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from app.services.access.roles import LABELS, list_users

    users = list_users(args.open_db(args))
    if args.json:
        print(json.dumps([{"user": u.name, "role": u.role, "login": u.login} for u in users]))
        return 0
    for u in users:
        note = "" if u.login else " (без входа)"
        print(f"{u.name}\t{u.role}\t{LABELS[u.role]}{note}")
    if not users:
        print("Ролей не выдано: работает только владелец базы")
    return 0
