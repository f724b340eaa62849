"""Execution control from the command line: ``incoming resolve / progress / extend`` (and ``done
--executor``) on a letter, and ``secretariat control …`` over everything with a term."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.cli.letter_args import bounded, incoming_id_of


def add_task_commands(numbered: Any, date: Any) -> None:
    """``incoming resolve``, ``progress`` and ``extend``; ``numbered(name, help)`` makes a
    command that names a letter by our number."""
    p = numbered("resolve", "резолюция: автор, текст, исполнители, у каждого свой срок")
    p.add_argument("--author", required=True, metavar="CODE", help="автор резолюции (сотрудник)")
    p.add_argument("--text", default="", metavar="TEXT", help="текст резолюции")
    p.add_argument(
        "--executor",
        action="append",
        required=True,
        metavar="CODE[:DATE]",
        help="исполнитель и его срок: КОД, КОД:20.12.2026 или КОД:+10 (рабочих дней)",
    )
    p.add_argument("--responsible", metavar="CODE", help="ответственный (по умолчанию первый)")
    p.add_argument("--parent", type=bounded(1, 2**31 - 1), metavar="ID",
                   help="резолюция, которую исполняет эта (подчиненная резолюция)")  # fmt: skip
    p.add_argument(
        "--date", type=date, metavar="DATE", help="дата резолюции (по умолчанию сегодня)"
    )
    p.add_argument("--no-control", action="store_true", help="без отметки «Контроль»")
    p.set_defaults(handler=_cmd_resolve)

    p = numbered("progress", "ход исполнения: отметка исполнителя, файл")
    p.add_argument("--executor", required=True, metavar="CODE")
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--file", type=Path, metavar="FILE")
    p.set_defaults(handler=_cmd_progress)

    p = numbered("resolution-sheet", "лист резолюции для подписи (PDF)")
    p.add_argument("--resolution", type=bounded(1, 2**31 - 1), metavar="ID",
                   help="какая резолюция (по умолчанию последняя)")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    p.set_defaults(handler=_cmd_sheet)

    p = numbered("off-control", "снять резолюцию с контроля — автором резолюции")
    p.add_argument("--resolution", type=bounded(1, 2**31 - 1), required=True, metavar="ID")
    p.add_argument("--by", required=True, metavar="CODE", help="автор резолюции")
    p.set_defaults(handler=_cmd_off_control)

    p = numbered("extend", "новый срок исполнителю — только автором резолюции, с причиной")
    p.add_argument("--executor", required=True, metavar="CODE")
    p.add_argument("--due", type=date, required=True, metavar="DATE")
    p.add_argument("--by", required=True, metavar="CODE", help="автор резолюции")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=_cmd_extend)


def add_control(sub: Any, parser_class: type, date: Any, open_db: Any) -> None:
    control = sub.add_parser(
        "control", help="контроль исполнения: поручения по входящим и отчеты по нашим письмам"
    )
    csub = control.add_subparsers(
        dest="control_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    control.set_defaults(open_db=open_db)

    p = csub.add_parser("list", help="все, у чего есть срок, ближайший первым")
    p.add_argument("--executor", metavar="CODE")
    p.add_argument("--author", metavar="CODE", help="автор резолюции или подписант письма")
    p.add_argument("--department", metavar="NAME")
    p.add_argument("--due-within", type=bounded(0, 3660), metavar="DAYS",
                   help="срок в ближайшие N дней (и просроченные)")  # fmt: skip
    p.add_argument("--overdue", action="store_true", help="только просроченные")
    p.add_argument("--done-late", action="store_true", help="исполненные с нарушением срока")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=_cmd_list)

    p = csub.add_parser(
        "remind", help="напоминания исполнителям: срок в ближайшие 3 дня или прошел"
    )
    p.add_argument(
        "--send", action="store_true", help="отправить исполнителям по e-mail (сервер из настроек)"
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="папка для списка к печати (PDF)")
    p.set_defaults(handler=_cmd_remind)

    p = csub.add_parser(
        "discipline", help="сводка по исполнительской дисциплине за период (поручения по входящим)"
    )
    p.add_argument("--from", dest="date_from", type=date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=date, required=True, metavar="DATE")
    p.add_argument("--by", choices=("executor", "department"), default="executor")
    p.add_argument("--out", type=Path, metavar="FILE.xlsx|FILE.pdf")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_discipline)


def _cmd_resolve(args: argparse.Namespace) -> int:
    from app.rules.executor_terms import parse_executor_term
    from app.services.incoming.resolutions import ResolutionData, resolve_incoming

    terms = [parse_executor_term(text) for text in args.executor]
    db = args.open_db(args)
    data = ResolutionData(
        terms, text=args.text, author=args.author, responsible=args.responsible,
        parent=args.parent, on_control=not args.no_control, day=args.date,
    )  # fmt: skip
    done = resolve_incoming(db, incoming_id_of(db, args), data)
    for warning in done.warnings:
        print(f"secretariat: внимание: {warning}", file=sys.stderr)
    print(f"{done.resolution_id}\tВходящее № {done.number}: резолюция записана")
    return 0


def _cmd_sheet(args: argparse.Namespace) -> int:
    from app.services.incoming.resolutions import export_resolution_sheet

    db = args.open_db(args)
    written = export_resolution_sheet(
        db, incoming_id_of(db, args), args.out, resolution_id=args.resolution
    )
    print(f"Лист резолюции: {written}")
    return 0


def _cmd_off_control(args: argparse.Namespace) -> int:
    from app.services.incoming.resolutions import take_off_control

    db = args.open_db(args)
    number = take_off_control(db, incoming_id_of(db, args), args.resolution, by=args.by)
    print(f"Входящее № {number}: резолюция {args.resolution} снята с контроля")
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    from app.services.incoming.tasks import add_progress

    db = args.open_db(args)
    number = add_progress(db, incoming_id_of(db, args), args.executor, args.note, file=args.file)
    print(f"Входящее № {number}: отметка о ходе исполнения записана")
    return 0


def _cmd_extend(args: argparse.Namespace) -> int:
    from app.services.incoming.tasks import extend_term
    from app.support.text import date_ru

    db = args.open_db(args)
    warnings = extend_term(
        db, incoming_id_of(db, args), args.executor, args.due, by=args.by, reason=args.reason
    )
    for warning in warnings:
        print(f"secretariat: внимание: {warning}", file=sys.stderr)
    print(f"Входящее № {args.number}: срок {args.executor} — {date_ru(args.due)}")
    return 0


def done_part(args: argparse.Namespace, db: Any) -> int:
    """``incoming done NUMBER --executor КОД``: one executor's part."""
    from app.services.incoming.tasks import complete_task

    done = complete_task(
        db, incoming_id_of(db, args), args.executor, reply=args.reply, reply_year=args.reply_year,
        note=args.note,
    )  # fmt: skip
    tail = "; все исполнители отчитались — письмо исполнено" if done.letter_done else ""
    print(f"Входящее № {done.number}: {args.executor} — исполнено{tail}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from app.cli.csv_output import csv_out
    from app.services.execution.control_view import KIND_LABELS, ControlQuery, control_items
    from app.support import clock
    from app.support.text import date_ru

    today = clock.today()
    show = "overdue" if args.overdue else "done_late" if args.done_late else "open"
    query = ControlQuery(
        executor=args.executor, author=args.author, department=args.department,
        due_within=args.due_within, show=show, today=today,
    )  # fmt: skip
    items = control_items(args.open_db(args), query)
    if args.format == "json":
        print(json.dumps([i.as_json(today) for i in items], ensure_ascii=False, indent=2))
        return 0
    rows = [
        [KIND_LABELS[i.kind], i.number, date_ru(i.reg_date), i.counterpart[:60], i.subject[:80],
         i.executor_name, i.author_name, date_ru(i.due), i.state(today)]
        for i in items
    ]  # fmt: skip
    if args.format == "csv":
        header = ["Вид", "Номер", "Дата", "Корреспондент", "Заголовок", "Исполнитель", "Автор",
                  "Срок", "Состояние"]  # fmt: skip
        csv_out(header, rows)
        return 0
    for row in rows:
        print("\t".join(row))
    print(f"Всего: {len(items)}")
    return 0


def _cmd_remind(args: argparse.Namespace) -> int:
    from app.services.execution.reminders import due_reminders, send_reminders, write_reminder_list
    from app.support import clock
    from app.support.errors import UserError
    from app.support.text import date_ru

    db = args.open_db(args)
    if args.out is not None:
        print(f"Список: {write_reminder_list(db, args.out)}")
    if args.send:
        done = send_reminders(db)
        for line in done.sent:
            print(f"отправлено\t{line}")
        for line in done.not_sent:
            print(f"не отправлено\t{line}")
        if done.already:
            print(f"Уже напомнено сегодня: {done.already}")
        print(f"Писем отправлено: {len(done.sent)}")
        if done.not_sent and not done.sent:
            raise UserError("Ни одно напоминание не отправлено: " + "; ".join(done.not_sent))
        return 0
    if args.out is None:
        today = clock.today()
        reminders, already = due_reminders(db)
        for r in reminders:
            for i in r.items:
                print(f"{r.name}\t{i.number}\t{i.subject[:70]}\t{date_ru(i.due)}\t"
                      f"{i.state(today)}")  # fmt: skip
        if already:
            print(f"Уже напомнено сегодня: {already}")
    return 0


def _cmd_discipline(args: argparse.Namespace) -> int:
    from app.services.execution.discipline_report import discipline_rows, export_discipline

    db = args.open_db(args)
    if args.out is not None:
        written = export_discipline(db, args.date_from, args.date_to, args.out, by=args.by)
        print(f"Сводка: {written}")
    rows = discipline_rows(db, args.date_from, args.date_to, by=args.by)
    if args.json:
        print(json.dumps([r.as_json() for r in rows if r.executor], ensure_ascii=False,
                         indent=2))  # fmt: skip
    elif args.out is None:
        for r in rows:
            print(f"{r.name}\t{r.assigned}\t{r.on_time}\t{r.late}\t{r.avg_days_late}\t"
                  f"{r.outstanding}\t{r.overdue}")  # fmt: skip
    return 0
