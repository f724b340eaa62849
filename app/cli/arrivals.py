"""``secretariat arrivals …``: what arrived by МЭДО and e-mail, reviewed before registration."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.letter_args import bounded


def add_arrivals(sub: Any, parser_class: type, date: Any, open_db: Any) -> None:
    """Register the ``arrivals`` commands; ``date`` parses a date, ``open_db(args)`` opens
    the database."""
    arrivals = sub.add_parser(
        "arrivals", help="поступившее по МЭДО и e-mail: очередь до регистрации"
    )
    asub = arrivals.add_subparsers(
        dest="arrivals_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    arrivals.set_defaults(open_db=open_db)
    arrival_id = bounded(1, 2**31 - 1)

    p = asub.add_parser(
        "fetch",
        help="прочитать пакеты МЭДО и письма в очередь (ничего не регистрируя); без --medo и "
        "--eml — папку входящих МЭДО и почтовый ящик из настроек",
    )
    p.add_argument(
        "--medo",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="папка входящих пакетов клиента МЭДО (обработанные переносятся в «Принятые»)",
    )
    p.add_argument("--eml", type=Path, nargs="+", default=[], metavar="FILE.eml")
    p.set_defaults(handler=_cmd_fetch)

    p = asub.add_parser(
        "imap-password",
        help="сохранить пароль почтового ящика (IMAP) в хранилище паролей ОС",
    )
    p.set_defaults(handler=_cmd_imap_password)

    p = asub.add_parser("list", help="очередь: ждут регистрации и не читаются")
    p.add_argument("--all", action="store_true", help="и рассмотренные")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_list)

    p = asub.add_parser("show", help="поступление: отправитель, номер, файлы")
    p.add_argument("id", type=arrival_id, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_show)

    p = asub.add_parser("register", help="зарегистрировать поступление")
    p.add_argument("id", type=arrival_id, metavar="ID")
    p.add_argument("--journal", metavar="CODE", help="журнал входящих (если их несколько)")
    p.add_argument(
        "--executor",
        action="append",
        default=[],
        metavar="CODE",
        help="исполнитель (можно несколько; первый — ответственный)",
    )
    p.add_argument("--due", type=date, metavar="DATE", help="срок исполнения")
    p.add_argument("--task", default="", metavar="TEXT", help="текст поручения")
    p.add_argument(
        "--notify-to",
        type=Path,
        metavar="DIR",
        help="исходящая папка клиента МЭДО: туда — уведомление отправителю",
    )
    p.set_defaults(handler=_cmd_register)

    p = asub.add_parser("refuse", help="отклонить поступление с причиной")
    p.add_argument("id", type=arrival_id, metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument(
        "--notify-to",
        type=Path,
        metavar="DIR",
        help="исходящая папка клиента МЭДО: туда — уведомление об отказе",
    )
    p.set_defaults(handler=_cmd_refuse)


def _cmd_fetch(args: argparse.Namespace) -> int:
    from app.services.arrivals.fetch import Fetched, fetch_arrivals, fetch_configured
    from app.support.errors import UserError

    db = args.open_db(args)
    problems: list[str] = []
    done: list[Fetched]
    if args.medo or args.eml:
        done = fetch_arrivals(db, args.medo, args.eml)
    else:
        configured = fetch_configured(db)
        if not configured.sources:
            raise UserError(
                "Укажите, откуда брать: --medo ПАПКА и/или --eml ФАЙЛ… — или папку входящих МЭДО "
                "и почтовый ящик в настройках (файл настройки: exchange.medo_in, exchange.mailbox)"
            )
        done, problems = configured.items, configured.problems
    for item in done:
        print(f"{item.arrival_id}\t{item.state.label}\t{item.source}\t{item.note}")
    new = sum(1 for item in done if item.new)
    print(f"Новых в очереди: {new}, уже были: {len(done) - new}")
    if problems:  # what was read is in the queue; what was not, said, and the exit code is 2
        raise UserError("; ".join(problems))
    return 0


def _cmd_imap_password(args: argparse.Namespace) -> int:
    from app.cli.dispatch import read_password
    from app.services.arrivals.sources import mailbox_settings
    from app.services.organization.mail_servers import store_password
    from app.support.errors import UserError

    server = mailbox_settings(args.open_db(args))
    if server is None:
        raise UserError(
            "Почтовый ящик (IMAP) не указан: Настройки → Обмен (файл настройки: exchange.mailbox)"
        )
    store_password(server, read_password(f"Пароль {server.login} на {server.host}: "))
    print(f"Пароль для {server.login} на {server.host} сохранен в хранилище паролей ОС")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from app.services.arrivals.queue import list_arrivals
    from app.support.text import date_ru

    lines = list_arrivals(args.open_db(args), everything=args.all)
    if args.json:
        print(json.dumps([line.as_json() for line in lines], ensure_ascii=False, indent=2))
        return 0
    for line in lines:
        theirs = line.sender_number + (
            f" от {date_ru(line.sender_date)}" if line.sender_date else ""
        )
        known = f"\tуже зарегистрировано: № {line.registered_as}" if line.registered_as else ""
        note = f"\t{line.note}" if line.note else ""
        print(
            f"{line.id}\t{line.received_at:%d.%m.%Y %H:%M}\t{line.channel}\t{line.state.label}\t"
            f"{line.sender[:50]}\t{theirs}\t{line.subject[:70]}{known}{note}"
        )
    print(f"Всего: {len(lines)}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from app.services.arrivals.queue import arrival_detail
    from app.support.text import date_ru

    detail = arrival_detail(args.open_db(args), args.id)
    line = detail.line
    if args.json:
        out = line.as_json() | {"key": detail.key, "sender_medo_id": detail.sender_medo_id,
                                "sender_address": detail.sender_address, "pages": detail.pages,
                                "files": detail.files}  # fmt: skip
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    when = f"{line.received_at:%d.%m.%Y %H:%M}"
    print(f"Поступление {line.id}: {line.channel}, {when}, {line.state.label}")
    print(
        f"Отправитель: {line.sender}"
        + (f" [МЭДО {detail.sender_medo_id}]" if detail.sender_medo_id else "")
    )
    if line.sender_number or line.sender_date:
        when = f" от {date_ru(line.sender_date)}" if line.sender_date else ""
        print(f"Исходящий отправителя: № {line.sender_number or '—'}{when}")
    print(f"Заголовок: {line.subject or '—'}")
    if line.signature:
        print(line.signature)
    if line.registered_as:
        print(f"Уже зарегистрировано: № {line.registered_as}")
    if line.note:
        print(f"Примечание: {line.note}")
    for name in detail.files:
        print(f"  файл: {name}")
    return 0


def _cmd_register(args: argparse.Namespace) -> int:
    from app.services.arrivals.queue import register_arrival

    db = args.open_db(args)
    done = register_arrival(
        db, args.id, journal=args.journal, executors=args.executor, due=args.due,
        task=args.task, notify_to=_notify_to(args, db),
    )  # fmt: skip
    assert done.registered is not None
    print(f"{done.registered.number}\t{done.note}")
    return 0


def _cmd_refuse(args: argparse.Namespace) -> int:
    from app.services.arrivals.queue import refuse_arrival

    db = args.open_db(args)
    done = refuse_arrival(db, args.id, args.reason, notify_to=_notify_to(args, db))
    print(done.note)
    return 0


def _notify_to(args: argparse.Namespace, db: Any) -> Path | None:
    """``--notify-to``, else the МЭДО outgoing folder the set-up names (exchange.medo_out)."""
    from app.services.arrivals.sources import exchange_folders

    return args.notify_to or exchange_folders(db)[1]
