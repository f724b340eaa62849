"""The command line: ``secretariat COMMAND``. No Qt is imported here.

Exit codes: 0 success, 1 a check found problems or an internal error, 2 bad input (one Russian
line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

from app.errors import UserError
from app.version import __version__

PROG = "secretariat"
GuiRunner = Callable[[str | None], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: неверные аргументы: {message} (справка: {PROG} --help)\n")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{value}» не дата ГГГГ-ММ-ДД") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Секретариат: реестр исходящих писем, адресаты, письма на бланке.",
        epilog="Без команды открывается окно программы.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="файл базы данных или адрес postgresql+psycopg://… "
        "(по умолчанию SECRETARIAT_DB или база в папке данных пользователя)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser("gui", help="открыть окно программы (по умолчанию)")

    p = sub.add_parser("setup", help="загрузить организацию, сотрудников и журналы из JSON")
    p.add_argument("file", type=Path, metavar="FILE.json")
    p.set_defaults(handler=_cmd_setup)

    p = sub.add_parser("check", help="проверить целостность и версию базы данных")
    p.set_defaults(handler=_cmd_check)

    p = sub.add_parser("demo", help="заполнить пустую базу демонстрационными данными")
    p.set_defaults(handler=_cmd_demo)

    letters = sub.add_parser("letters", help="письма реестра")
    lsub = letters.add_subparsers(
        dest="letters_command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    p = lsub.add_parser("list", help="список писем")
    p.add_argument("--search", default="", help="поиск по номеру, заголовку, адресату и тексту")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE")
    p.add_argument("--journal", metavar="CODE")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(handler=_cmd_letters_list)
    return parser


def _open(args: argparse.Namespace) -> Any:
    from app.registry import open_registry

    return open_registry(args.db)


def _cmd_setup(args: argparse.Namespace) -> int:
    from app.services.setup import apply_setup, parse_setup, read_json_file

    setup = parse_setup(read_json_file(args.file))  # validate before the database is touched
    db = _open(args)
    result = apply_setup(db, setup)
    print(
        f"Настройка загружена: организация — {'да' if result.organization else 'нет'}, "
        f"сотрудников — {result.staff}, журналов — {result.journals}"
    )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from app.services.maintenance import check_database

    report = check_database(_open(args))
    print(f"База данных: {report.database}")
    print(f"Версия схемы: {report.schema}")
    if report.ok:
        print("OK")
        return 0
    for problem in report.problems:
        print(f"ОШИБКА: {problem}")
    return 1


def _cmd_demo(args: argparse.Namespace) -> int:
    from app.services.demo import load_demo

    result = load_demo(_open(args))
    print(
        f"Демонстрационные данные загружены: адресатов — {result.recipients}, "
        f"писем — {result.letters}"
    )
    return 0


def _cmd_letters_list(args: argparse.Namespace) -> int:
    from app.services.letter_list import LetterQuery, list_letters
    from app.services.letters import STATUS_LABELS

    query = LetterQuery(
        search=args.search, date_from=args.date_from, date_to=args.date_to, journal=args.journal
    )
    rows = list_letters(_open(args), query, limit=args.limit)
    if args.format == "json":
        data = [asdict(r) for r in rows]
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, delimiter=";")
        writer.writerow(["number", "date", "status", "addressee", "subject"])
        for r in rows:
            writer.writerow([r.number, r.reg_date.isoformat(), r.status, r.addressee, r.subject])
    else:
        for r in rows:
            status = "" if r.status == "registered" else f" [{STATUS_LABELS[r.status]}]"
            print(f"{r.number}\t{r.reg_date:%d.%m.%Y}\t{r.addressee[:60]}\t{r.subject}{status}")
        print(f"Всего: {len(rows)}")
    return 0


def _report_crash() -> None:
    from app.paths import data_dir

    log = data_dir() / "crash.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()} {__version__}\n")
            fh.write(traceback.format_exc())
        where = f"; подробности в {log}"
    except OSError:
        where = ""
    print(f"{PROG}: внутренняя ошибка программы{where}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, *, run_gui: GuiRunner | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in (None, "gui"):
            if run_gui is None:
                raise UserError("окно программы недоступно в этом режиме запуска")
            return run_gui(args.db)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except UserError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        _report_crash()
        return 1
