"""``secretariat incoming …``: incoming correspondence from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.cli.execution import add_task_commands, done_part
from app.cli.letter_args import YEAR, bounded, incoming_id_of


def add_incoming(sub: Any, parser_class: type, date: Any, open_db: Any) -> None:
    """Register the ``incoming`` commands; ``date`` parses a date, ``open_db(args)`` opens
    the database."""
    incoming = sub.add_parser("incoming", help="входящие письма")
    isub = incoming.add_subparsers(
        dest="incoming_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    incoming.set_defaults(open_db=open_db)

    p = isub.add_parser("register", help="зарегистрировать входящее по карточке JSON")
    p.add_argument("card", type=Path, metavar="CARD.json")
    p.add_argument(
        "--again",
        action="store_true",
        help="зарегистрировать, даже если это письмо уже зарегистрировано",
    )
    p.set_defaults(handler=_cmd_register)

    def numbered(name: str, help_text: str) -> Any:
        p = isub.add_parser(name, help=help_text)
        p.add_argument("number", metavar="NUMBER", help="наш входящий номер")
        p.add_argument("--year", type=YEAR, help="год регистрации, если номер повторяется")
        p.add_argument("--journal", metavar="CODE", help="журнал, если номер повторяется")
        return p

    p = isub.add_parser("import-medo", help="зарегистрировать входящие из пакетов МЭДО")
    p.add_argument("folder", type=Path, metavar="DIR", help="папка пакета или папка пакетов")
    p.add_argument("--journal", metavar="CODE", help="журнал входящих (если их несколько)")
    p.add_argument(
        "--notify-to",
        type=Path,
        metavar="DIR",
        help="исходящая папка клиента МЭДО: туда — уведомления отправителям о регистрации",
    )
    p.set_defaults(handler=_cmd_import_medo)

    p = isub.add_parser("import-eml", help="зарегистрировать входящее из письма e-mail (.eml)")
    p.add_argument("file", type=Path, metavar="FILE.eml")
    p.add_argument("--journal", metavar="CODE", help="журнал входящих (если их несколько)")
    p.add_argument("--number", default="", metavar="NUM", help="исходящий номер отправителя")
    p.add_argument("--date", type=date, metavar="DATE", help="дата письма отправителя")
    p.add_argument("--again", action="store_true", help="даже если письмо уже зарегистрировано")
    p.set_defaults(handler=_cmd_import_eml)

    p = numbered("show", "карточка входящего")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_show)

    p = numbered("stamp", "документ входящего с отметкой о поступлении (копия в PDF)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    p.set_defaults(handler=_cmd_stamp)

    p = isub.add_parser("label", help="отметки о поступлении этикетками для бумажных подлинников")
    p.add_argument("numbers", nargs="+", metavar="NUMBER", help="наши входящие номера")
    p.add_argument("--year", type=YEAR, help="год регистрации, если номер повторяется")
    p.add_argument("--journal", metavar="CODE", help="журнал, если номер повторяется")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    p.add_argument(
        "--size",
        choices=("58x40", "A4-24"),
        default="58x40",
        help="58x40 — этикетка 58×40 мм на страницу; A4-24 — лист A4 на 24 этикетки",
    )
    p.set_defaults(handler=_cmd_label)

    p = isub.add_parser("list", help="журнал входящих, новые первыми")
    p.add_argument("--search", default="", help="слова в любой форме, номера, отправитель")
    p.add_argument("--from", dest="date_from", type=date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=date, metavar="DATE")
    p.add_argument("--journal", metavar="CODE")
    p.add_argument("--on-control", action="store_true", help="только на контроле")
    p.add_argument("--overdue", action="store_true", help="только просроченные")
    p.add_argument("--executor", metavar="CODE", help="только порученные сотруднику")
    p.add_argument("--limit", type=bounded(1, 1_000_000), default=200)
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=_cmd_list)

    p = numbered("assign", "поручить исполнение: исполнители, срок, текст поручения")
    p.add_argument("--executor", action="append", required=True, metavar="CODE")
    p.add_argument("--responsible", metavar="CODE", help="ответственный (по умолчанию первый)")
    p.add_argument("--due", type=date, metavar="DATE", help="срок исполнения")
    p.add_argument("--task", default="", metavar="TEXT")
    p.add_argument(
        "--notify-to",
        type=Path,
        metavar="DIR",
        help="исходящая папка клиента МЭДО: туда — уведомление отправителю о назначении "
        "исполнителя (без параметра — если так задано в настройках, в папку из настроек)",
    )
    p.set_defaults(handler=_cmd_assign)

    p = numbered("edit", "исправить карточку входящего (номер и дата поступления остаются)")
    p.add_argument("card", type=Path, metavar="CARD.json")
    p.set_defaults(handler=_cmd_edit)

    p = numbered("attach", "добавить файлы к входящему (скан, пришедший позже)")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.set_defaults(handler=_cmd_attach)

    p = numbered("annul", "аннулировать регистрацию (номер остается в журнале с отметкой)")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=_cmd_annul)

    add_task_commands(numbered, date)

    p = numbered("done", "исполнено: ответ нашим письмом или отметка; снять с контроля")
    p.add_argument(
        "--executor",
        metavar="CODE",
        help="исполнена часть этого исполнителя (без — письмо в целом)",
    )
    p.add_argument("--reply", metavar="OUTGOING", help="номер нашего письма-ответа")
    p.add_argument("--reply-year", type=YEAR, metavar="YEAR")
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--case", default="", metavar="INDEX", help="подшить в дело с этим индексом")
    p.set_defaults(handler=_cmd_done)

    p = numbered("file", "подшить в дело номенклатуры («В дело № …»)")
    p.add_argument("--case", required=True, metavar="INDEX", help="индекс дела")
    p.add_argument("--case-year", type=YEAR, metavar="YEAR",
                   help="год номенклатуры (по умолчанию год исполнения)")  # fmt: skip
    p.set_defaults(handler=_cmd_file)


def _cmd_register(args: argparse.Namespace) -> int:
    from app.services.incoming.cards import card_from_json
    from app.services.incoming.registration import DuplicateIncoming, register_incoming
    from app.support.json_input import read_json_file

    card = card_from_json(read_json_file(args.card), args.card.parent)
    db = args.open_db(args)
    try:
        registered = register_incoming(db, card, again=args.again)
    except DuplicateIncoming as exc:
        return _refused_twice(exc)
    print(registered.number)
    if registered.report:
        print(f"secretariat: {registered.report}", file=sys.stderr)
    return 0


def _refused_twice(exc: Exception) -> int:
    """A letter registered before: one line naming our earlier number, exit code 2."""
    said = str(exc).removesuffix(" Зарегистрировать его еще раз?").rstrip(".")
    print(f"secretariat: {said}; чтобы зарегистрировать еще раз, добавьте --again", file=sys.stderr)
    return 2


def _cmd_import_medo(args: argparse.Namespace) -> int:
    from app.services.incoming.medo_import import import_medo

    done = import_medo(
        args.open_db(args), args.folder, journal=args.journal, notify_to=args.notify_to
    )
    for item in done:
        if item.registered is None:
            print(f"{item.folder.name}: пропущен — {item.note}")
        else:
            print(f"{item.registered.number}\t{item.folder.name}\t{item.note}")
    new = sum(1 for item in done if item.registered is not None)
    print(f"Зарегистрировано: {new}, пропущено: {len(done) - new}")
    return 0


def _cmd_import_eml(args: argparse.Namespace) -> int:
    from app.services.incoming.eml_import import import_eml
    from app.services.incoming.registration import DuplicateIncoming

    try:
        done = import_eml(
            args.open_db(args),
            args.file,
            journal=args.journal,
            sender_number=args.number,
            sender_date=args.date,
            again=args.again,
        )
    except DuplicateIncoming as exc:
        return _refused_twice(exc)
    print(done.registered.number)
    print(f"secretariat: {done.note}", file=sys.stderr)
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from app.services.incoming.detail import card_lines, incoming_detail

    db = args.open_db(args)
    detail = incoming_detail(db, incoming_id_of(db, args))
    if args.json:
        print(json.dumps(detail.as_json(), ensure_ascii=False, indent=2))
        return 0
    for line in card_lines(detail):
        print(line)
    return 0


def _cmd_stamp(args: argparse.Namespace) -> int:
    from app.services.incoming.marks import export_stamped

    db = args.open_db(args)
    path, place = export_stamped(db, incoming_id_of(db, args), args.out)
    print(f"{path}\tотметка — {place}")
    return 0


def _cmd_label(args: argparse.Namespace) -> int:
    from app.services.incoming.marks import export_labels
    from app.services.links.replies import incoming_id_by_number

    db = args.open_db(args)
    ids = [
        incoming_id_by_number(db, number, year=args.year, journal=args.journal)
        for number in args.numbers
    ]
    print(export_labels(db, ids, args.out, args.size))
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from app.cli.csv_output import csv_out
    from app.rules.states import Execution, LetterStatus
    from app.services.incoming.listing import IncomingQuery, list_incoming

    query = IncomingQuery(
        search=args.search,
        date_from=args.date_from,
        date_to=args.date_to,
        journal=args.journal,
        on_control=args.on_control,
        overdue=args.overdue,
        executor=args.executor,
    )
    rows = list_incoming(args.open_db(args), query, limit=max(1, min(args.limit, 100_000)))
    if args.format == "json":
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2, default=str))
    elif args.format == "csv":
        csv_out(
            ["number", "date", "sender", "sender_number", "sender_date", "subject", "execution",
             "executor", "due"],
            ([r.number, r.reg_date.isoformat(), r.sender, r.sender_number,
              r.sender_date.isoformat() if r.sender_date else "", r.subject, r.execution,
              r.executor, r.due.isoformat() if r.due else ""] for r in rows),
        )  # fmt: skip
    else:
        for r in rows:
            state = Execution(r.execution).label if r.execution != Execution.NONE else ""
            if r.status == LetterStatus.ANNULLED:
                state = "Аннулировано"
            if r.overdue:
                state += ", просрочено"
            tail = f"\tсрок {r.due:%d.%m.%Y}" if r.due else ""
            tail += f"\t[{state}]" if state else ""
            print(f"{r.number}\t{r.reg_date:%d.%m.%Y}\t{r.sender[:50]}\t{r.subject}{tail}")
        print(f"Всего: {len(rows)}")
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    from app.services.incoming.medo_notify import check_notify_folder, tell_assigned
    from app.services.incoming.resolutions import assign_incoming

    db = args.open_db(args)
    letter_id = incoming_id_of(db, args)
    if args.notify_to is not None:
        check_notify_folder(db, args.notify_to)
    assigned = assign_incoming(
        db,
        letter_id,
        args.executor,
        due=args.due,
        task=args.task,
        responsible=args.responsible,
    )
    for warning in assigned.warnings:
        print(f"secretariat: внимание: {warning}", file=sys.stderr)
    print(f"Входящее № {assigned.number}: поручено")
    written, said = tell_assigned(db, letter_id, args.notify_to, asked=args.notify_to is not None)
    if said and written:
        print(said)
    elif said:
        print(f"secretariat: внимание: {said}", file=sys.stderr)
    return 0


def _cmd_edit(args: argparse.Namespace) -> int:
    from app.services.incoming.cards import card_from_json
    from app.services.incoming.registration import update_incoming
    from app.support.json_input import read_json_file

    data = read_json_file(args.card)
    if isinstance(data, dict):
        data.setdefault("journal", "-")  # the letter's own journal is kept
    card = card_from_json(data, args.card.parent)
    db = args.open_db(args)
    update_incoming(db, incoming_id_of(db, args), card)
    print(f"Входящее № {args.number}: исправлено")
    return 0


def _cmd_attach(args: argparse.Namespace) -> int:
    from app.services.incoming.registration import attach_to_incoming

    db = args.open_db(args)
    for name in attach_to_incoming(db, incoming_id_of(db, args), args.files):
        print(name)
    return 0


def _cmd_annul(args: argparse.Namespace) -> int:
    from app.services.incoming.registration import annul_incoming

    db = args.open_db(args)
    annul_incoming(db, incoming_id_of(db, args), args.reason)
    print(f"Входящее № {args.number}: аннулировано")
    return 0


def _cmd_done(args: argparse.Namespace) -> int:
    from app.services.incoming.registration import complete_incoming

    db = args.open_db(args)
    if args.executor:
        return done_part(args, db)
    label = complete_incoming(
        db,
        incoming_id_of(db, args),
        reply=args.reply,
        reply_year=args.reply_year,
        note=args.note,
        case=args.case,
    )
    filed = f"; в дело № {args.case.strip()}" if args.case.strip() else ""
    print(f"Входящее № {args.number}: {label.lower()}{filed}")
    return 0


def _cmd_file(args: argparse.Namespace) -> int:
    from app.services.cases.filing import file_incoming

    db = args.open_db(args)
    case = file_incoming(db, incoming_id_of(db, args), args.case, year=args.case_year)
    print(f"Входящее № {args.number}: в дело {case.named}")
    return 0
