"""The command line: ``secretariat COMMAND``. No Qt is imported here.

Exit codes: 0 success, 1 a check found problems or an internal error, 2 bad input (one Russian
line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

from app.cli.argparse_ru import install as russian_argparse
from app.cli.csv_output import csv_out
from app.cli.letter_args import add_letter_ref, bounded, letter_id_of
from app.rules.states import LetterStatus
from app.support.crash import clerk_message
from app.support.errors import READ_ONLY_MESSAGE, UserError
from app.support.text import parse_date_ru
from app.version import __version__
from db.engine import ReadOnlyDatabaseError, on_busy

PROG = "secretariat"
GuiRunner = Callable[[str | None], int]


DB_HELP = (
    "файл базы данных или адрес postgresql+psycopg://… "
    "(по умолчанию SECRETARIAT_DB или база в папке данных пользователя)"
)


class _Parser(argparse.ArgumentParser):
    """Every command's parser: errors as one Russian line, and ``--db`` taken after the
    command as well as before it (``secretariat demo --db X`` as ``secretariat --db X demo``)."""

    def __init__(self, *args: Any, top: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not top:
            # SUPPRESS: not given here, the value given before the command stays
            self.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: неверные аргументы: {one_line(message)} (справка: {PROG} --help)\n")


def _date(value: str) -> dt.date:
    """A date as a clerk types it (05.12.2026) or as ISO (2026-12-05)."""
    try:
        return parse_date_ru(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"«{value}» — не дата (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    russian_argparse()
    parser = _Parser(
        prog=PROG,
        description="Секретариат: реестр исходящих писем, адресаты, письма на бланке.",
        epilog="Без команды открывается окно программы.",
        top=True,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__}",
        help="показать версию программы и выйти",
    )
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("gui", help="открыть окно программы (по умолчанию)")
    p.add_argument("registry", nargs="?", default=None, metavar="FILE.db",
                   help="файл реестра (как --db): так его открывает двойной щелчок")  # fmt: skip

    p = sub.add_parser("setup", help="загрузить организацию, сотрудников и журналы из JSON")
    p.add_argument("file", type=Path, metavar="FILE.json")
    p.set_defaults(handler=_cmd_setup)

    p = sub.add_parser(
        "identity",
        help="копия ли база другого реестра; new — сделать ее отдельным реестром, moved — "
        "отметить, что это тот же реестр, перенесенный",
    )
    p.add_argument("action", nargs="?", choices=["new", "moved"])
    p.set_defaults(handler=_cmd_identity)

    p = sub.add_parser("check", help="проверить целостность и версию базы данных")
    p.set_defaults(handler=_cmd_check)

    p = sub.add_parser("demo", help="заполнить пустую базу демонстрационными данными")
    p.add_argument(
        "--mixed-mailing",
        action="store_true",
        help="и письмо 1961/5 с рассылкой по МЭДО, e-mail и почтой",
    )
    p.set_defaults(handler=_cmd_demo)

    _add_letters(sub)
    _add_journal(sub)
    from app.cli.reports import add_reports

    add_reports(sub, _Parser, _date, _open)
    from app.cli.incoming import add_incoming

    add_incoming(sub, _Parser, _date, _open)
    from app.cli.arrivals import add_arrivals

    add_arrivals(sub, _Parser, _date, _open)
    from app.cli.execution import add_control

    add_control(sub, _Parser, _date, _open)
    from app.cli.cases import add_cases

    add_cases(sub, _Parser, _date, _open)
    from app.cli.dispatch import add_dispatch

    add_dispatch(sub, _Parser, _date, _open)
    from app.cli.maintenance import add_maintenance

    add_maintenance(sub, _date, _open)
    from app.cli.server import add_server_commands
    from app.cli.users import add_user_commands

    add_user_commands(sub, _Parser, _open)
    add_server_commands(sub, _Parser)
    return parser


def _add_letters(sub: Any) -> None:
    letters = sub.add_parser("letters", help="письма реестра")
    lsub = letters.add_subparsers(
        dest="letters_command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    from app.cli.letter_files import add_file_commands

    add_file_commands(lsub, _open)
    p = lsub.add_parser("list", help="список писем")
    p.add_argument("--search", default="", help="поиск по номеру, заголовку, адресату и тексту")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE")
    p.add_argument("--journal", metavar="CODE")
    p.add_argument("--status", choices=[s.value for s in LetterStatus])
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--limit", type=bounded(1, 1_000_000), default=1000)
    p.set_defaults(handler=_cmd_letters_list)

    p = lsub.add_parser("register", help="зарегистрировать письмо по карточке JSON")
    p.add_argument("card", type=Path, metavar="CARD.json")
    p.add_argument(
        "--document",
        type=Path,
        metavar="LETTER.pdf",
        help="письмо, подготовленное в другой системе: номер и дата ставятся на него",
    )
    p.add_argument(
        "--preview",
        type=Path,
        metavar="OUT.pdf",
        help="только записать документ с номером, который он получит, — не регистрировать",
    )
    p.set_defaults(handler=_cmd_letters_register)

    p = lsub.add_parser(
        "from-docx", help="карточка письма из черновика Word (ничего не регистрирует)"
    )
    p.add_argument("draft", type=Path, metavar="DRAFT.docx")
    p.add_argument("--journal", metavar="CODE", help="журнал карточки (по умолчанию первый)")
    p.add_argument("--out", type=Path, metavar="CARD.json", help="куда записать карточку")
    p.set_defaults(handler=_cmd_letters_from_docx)

    p = lsub.add_parser("reserve", help="зарезервировать номер")
    p.add_argument("--journal", required=True, metavar="CODE")
    p.add_argument("--date", type=_date, metavar="DATE")
    p.add_argument("--case", default="", help="индекс дела, если он есть в шаблоне номера")
    p.add_argument("--note", default="", help="для чего резерв")
    p.set_defaults(handler=_cmd_letters_reserve)

    for name, help_text in (
        ("annul", "аннулировать письмо (номер остается в журнале с отметкой)"),
        ("cancel", "отменить резерв номера"),
    ):
        p = lsub.add_parser(name, help=help_text)
        add_letter_ref(p)
        p.add_argument("--reason", required=name == "annul", default="")
        p.set_defaults(handler=_cmd_letters_annul if name == "annul" else _cmd_letters_cancel)

    p = lsub.add_parser("show", help="карточка письма")
    add_letter_ref(p)
    p.add_argument("--json", action="store_true", help="в формате карточки для register")
    p.set_defaults(handler=_cmd_letters_show)

    p = lsub.add_parser("export", help="письмо на бланке в PDF или DOCX; персональные копии")
    add_letter_ref(p)
    p.add_argument("--format", choices=("pdf", "docx"), help="по умолчанию по расширению --out")
    p.add_argument("--out", type=Path, required=True, metavar="PATH", help="файл или папка")
    p.add_argument("--per-recipient", action="store_true", help="отдельная копия каждому адресату")
    p.add_argument("--merge", action="store_true", help="копии одним файлом PDF")
    p.set_defaults(handler=_cmd_letters_export)

    p = lsub.add_parser("report-form", help="отчетная форма письма в XLSX для заполнения")
    add_letter_ref(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    p.set_defaults(handler=_cmd_letters_report_form)


def _add_journal(sub: Any) -> None:
    journal = sub.add_parser("journal", help="журнал регистрации")
    jsub = journal.add_subparsers(
        dest="journal_command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    p = jsub.add_parser("gaps", help="номера без зарегистрированного письма и причины")
    p.add_argument("--journal", metavar="CODE")
    p.add_argument("--out", type=Path, metavar="FILE.xlsx|FILE.pdf", help="записать список в файл")
    p.set_defaults(handler=_cmd_journal_gaps)

    p = jsub.add_parser("export", help="журнал за период в XLSX или PDF")
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("--journal", metavar="CODE")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.pdf")
    p.set_defaults(handler=_cmd_journal_export)

    p = jsub.add_parser("import", help="перенести журнал из Excel (XLSX/CSV) с его номерами")
    p.add_argument("file", type=Path, metavar="FILE.xlsx|FILE.csv")
    p.add_argument("--journal", required=True, metavar="CODE")
    p.add_argument("--dry-run", action="store_true", help="только показать, что будет загружено")
    p.set_defaults(handler=_cmd_journal_import)

    _add_recipient_commands(sub)


def _add_recipient_commands(sub: Any) -> None:
    recipients = sub.add_parser("recipients", help="справочник адресатов")
    rsub = recipients.add_subparsers(
        dest="recipients_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    p = rsub.add_parser("import", help="загрузить адресатов из CSV или XLSX")
    p.add_argument("file", type=Path, metavar="FILE.csv|FILE.xlsx")
    p.add_argument("--dry-run", action="store_true", help="только показать, что изменится")
    p.add_argument(
        "--skip-rejected",
        action="store_true",
        help="загрузить принятые строки, пропустив ошибочные",
    )
    p.set_defaults(handler=_cmd_recipients_import)
    p = rsub.add_parser("export", help="выгрузить справочник в CSV или XLSX")
    p.add_argument("file", type=Path, metavar="FILE.csv|FILE.xlsx")
    p.set_defaults(handler=_cmd_recipients_export)
    p = rsub.add_parser("list", help="список адресатов")
    p.add_argument("--search", default="", metavar="TEXT")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=_cmd_recipients_list)
    p = rsub.add_parser("show", help="карточка адресата")
    p.add_argument("code", metavar="CODE")
    p.set_defaults(handler=_cmd_recipients_show)

    lists = sub.add_parser("lists", help="списки рассылки")
    lsub = lists.add_subparsers(
        dest="lists_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    p = lsub.add_parser("list", help="все списки рассылки")
    p.set_defaults(handler=_cmd_lists_list)
    p = lsub.add_parser("show", help="участники списка по порядку")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(handler=_cmd_lists_show)
    p = lsub.add_parser("export", help="выгрузить список в CSV или XLSX")
    p.add_argument("name", metavar="NAME")
    p.add_argument("file", type=Path, metavar="FILE.csv|FILE.xlsx")
    p.set_defaults(handler=_cmd_lists_export)


def _open(args: argparse.Namespace) -> Any:
    from app.cli.progress_line import index_progress
    from app.services.safety.identity import copy_of, renew_identity
    from app.services.safety.opening import open_registry

    db = open_registry(args.db, progress=index_progress())
    copy = copy_of(db)
    if copy is None or args.command in ("identity", "backup"):  # backup refuses by itself
        return db
    if args.command == "setup":  # set up as a registry of its own
        renew_identity(db)
        print(f"База {copy.here} — копия реестра {copy.home}: ей дана новая идентичность")
        return db
    print(f"secretariat: {copy.line}", file=sys.stderr)
    return db


def _cmd_identity(args: argparse.Namespace) -> int:
    from app.services.safety.identity import confirm_moved, copy_of, renew_identity

    db = _open(args)
    if args.action == "new":
        print(f"Реестру дана новая идентичность: {renew_identity(db)}")
        return 0
    if args.action == "moved":
        confirm_moved(db)
        print("Отмечено: это тот же реестр, перенесенный сюда")
        return 0
    copy = copy_of(db)
    print(copy.line if copy is not None else "База — не копия другого реестра")
    return 0


def _cmd_setup(args: argparse.Namespace) -> int:
    from app.services.organization.setup import apply_setup, parse_setup, read_json_file

    setup = parse_setup(read_json_file(args.file))  # validate before the database is touched
    db = _open(args)
    result = apply_setup(db, setup)
    print(
        f"Настройка загружена: организация — {'да' if result.organization else 'нет'}, "
        f"сотрудников — {result.staff}, журналов — {result.journals}"
    )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from app.services.safety.maintenance import check_database

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
    from app.support import clock

    result = load_demo(_open(args), mixed_mailing=args.mixed_mailing, today=clock.today())
    print(
        f"Демонстрационные данные загружены: адресатов — {result.recipients}, "
        f"писем — {result.letters}, входящих — {result.incoming}"
    )
    return 0


def _cmd_letters_list(args: argparse.Namespace) -> int:
    from app.services.registry.letter_list import LetterQuery, list_letters
    from app.services.registry.letters import STATUS_LABELS

    query = LetterQuery(
        search=args.search,
        date_from=args.date_from,
        date_to=args.date_to,
        journal=args.journal,
        status=args.status,
    )
    rows = list_letters(_open(args), query, limit=args.limit)
    if args.format == "json":
        data = [asdict(r) for r in rows]
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif args.format == "csv":
        csv_out(
            ["number", "date", "status", "addressee", "subject"],
            ([r.number, r.reg_date.isoformat(), r.status, r.addressee, r.subject] for r in rows),
        )
    else:
        for r in rows:
            status = "" if r.status == LetterStatus.REGISTERED else f" [{STATUS_LABELS[r.status]}]"
            print(f"{r.number}\t{r.reg_date:%d.%m.%Y}\t{r.addressee[:60]}\t{r.subject}{status}")
        print(f"Всего: {len(rows)}")
    return 0


def _cmd_letters_register(args: argparse.Namespace) -> int:
    from app.services.registry.letter_cards import card_from_json
    from app.services.registry.letters import register_letter, similar_today
    from app.support.json_input import read_json_file

    card = card_from_json(read_json_file(args.card), Path(args.card).parent)
    db = _open(args)
    if args.preview is not None:
        return _preview_document(db, card, args)
    twins = [] if card.number else similar_today(db, card)
    if twins:
        print(
            f"{PROG}: внимание: сегодня уже зарегистрировано письмо с тем же заголовком и "
            f"адресатом: {', '.join(twins)}",
            file=sys.stderr,
        )
    if args.document is not None:
        from app.services.registry.letter_files import register_with_document

        registered, place = register_with_document(db, card, args.document)
        print(registered.number)
        print(f"{PROG}: номер и дата поставлены {place}", file=sys.stderr)
        return 0
    print(register_letter(db, card).number)
    return 0


def _preview_document(db: Any, card: Any, args: argparse.Namespace) -> int:
    """``--preview OUT.pdf``: the document stamped as it would be now; nothing registered."""
    from app.services.registry.letter_files import preview_document
    from app.support.atomic import write_atomically

    if args.document is None:
        raise UserError("--preview показывает документ, подготовленный в другой системе: "
                        "укажите его ключом --document")  # fmt: skip
    stamped = preview_document(db, card, args.document)
    write_atomically(args.preview, lambda tmp: tmp.write_bytes(stamped.pdf))
    print(f"{PROG}: номер и дата будут поставлены {stamped.place}", file=sys.stderr)
    print(f"Просмотр записан: {args.preview} (письмо не зарегистрировано, номер не выдан)")
    return 0


def _cmd_letters_from_docx(args: argparse.Namespace) -> int:
    """The card JSON on stdout (or in --out); what was recognised, and what not, on stderr."""
    from app.services.registry.draft_import import card_from_draft
    from app.services.registry.letter_cards import letter_card_json
    from app.support.atomic import write_atomically

    result = card_from_draft(_open(args), args.draft, args.journal)
    text = json.dumps(letter_card_json(result.card), ensure_ascii=False, indent=2) + "\n"
    for line in result.report():
        print(f"{PROG}: {line}", file=sys.stderr)
    if args.out is None:
        print(text, end="")
        return 0

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomically(args.out, write)
    print(f"Карточка записана: {args.out}")
    return 0


def _cmd_letters_reserve(args: argparse.Namespace) -> int:
    from app.services.registry.letters import reserve_number

    reg = reserve_number(_open(args), args.journal, date=args.date, case=args.case, note=args.note)
    print(reg.number)
    return 0


def _cmd_letters_annul(args: argparse.Namespace) -> int:
    from app.services.registry.letters import annul_letter

    db = _open(args)
    number = annul_letter(db, letter_id_of(db, args), args.reason)
    print(f"Письмо № {number} аннулировано")
    return 0


def _cmd_letters_cancel(args: argparse.Namespace) -> int:
    from app.services.registry.letters import cancel_reservation

    db = _open(args)
    number = cancel_reservation(db, letter_id_of(db, args), args.reason)
    print(f"Резерв номера {number} отменен")
    return 0


def _cmd_letters_show(args: argparse.Namespace) -> int:
    from app.services.registry.letter_cards import show_letter
    from app.services.registry.letters import STATUS_LABELS

    card = show_letter(_open(args), args.number, year=args.year, journal=args.journal)
    if args.json:
        print(json.dumps(card, ensure_ascii=False, indent=2))
        return 0
    reg = card["registration"]
    print(f"№ {reg['number']} от {dt.date.fromisoformat(card['date']):%d.%m.%Y}")
    print(f"Журнал: {card['journal']}; состояние: {STATUS_LABELS[reg['status']].lower()}")
    if reg["annul_reason"]:
        print(f"Причина: {reg['annul_reason']}")
    for item in reg["addressees_as_printed"] or [{"lines": "", "delivery": ""}]:
        if item["lines"]:
            print("Адресат: " + item["lines"].replace("\n", " / ") + f" ({item['delivery']})")
    print(f"Заголовок: {card['subject']}")
    print(f"Подписал: {card['signatory'] or '—'}; исполнитель: {card['executor'] or '—'}")
    if reg["filed"]:
        print(reg["filed"])
    return 0


def _cmd_journal_gaps(args: argparse.Namespace) -> int:
    from app.services.journal.gaps import export_gaps, journal_gaps

    if args.out is not None:
        print(f"Список записан: {export_gaps(_open(args), args.out, journal=args.journal)}")
        return 0
    gaps = journal_gaps(_open(args), journal=args.journal)
    for gap in gaps:
        note = f": {gap.note}" if gap.note else ""
        print(f"{gap.journal}\t{gap.period}\t{gap.label}\t{gap.reason}{note}")
    print(f"Номеров без зарегистрированного письма: {sum(gap.size for gap in gaps)}")
    return 0


def _cmd_letters_export(args: argparse.Namespace) -> int:
    from app.services.output.letter_export import export_letter

    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "docx"):
        if args.per_recipient and not args.merge:
            fmt = "pdf"
        else:
            raise UserError("Укажите --format pdf или docx (или расширение файла в --out)")
    db = _open(args)
    letter_id = letter_id_of(db, args)
    written = export_letter(
        db, letter_id, fmt, args.out, per_recipient=args.per_recipient, merge=args.merge
    )
    if len(written) == 1:
        print(f"Письмо записано: {written[0]}")
    else:
        print(f"Персональных копий записано: {len(written)} в {written[0].parent}")
    return 0


def _cmd_letters_report_form(args: argparse.Namespace) -> int:
    from app.services.output.letter_export import export_report_form

    db = _open(args)
    out = export_report_form(db, letter_id_of(db, args), args.out)
    print(f"Отчетная форма записана: {out}")
    return 0


def _cmd_journal_export(args: argparse.Namespace) -> int:
    from app.services.journal.printouts import export_journal

    out = export_journal(_open(args), args.date_from, args.date_to, args.out, journal=args.journal)
    print(f"Журнал записан: {out}")
    return 0


def _cmd_journal_import(args: argparse.Namespace) -> int:
    from app.services.journal.excel_import import apply_import, preview_import

    db = _open(args)
    preview = preview_import(db, args.file, args.journal)
    print(f"К загрузке: {len(preview.accepted)} строк; отклонено: {len(preview.rejected)}")
    for line, reason in preview.rejected:
        print(f"  строка {line}: отклонена — {reason}")
    for line, reason in preview.warnings:
        print(f"  строка {line}: {reason}")
    if preview.accepted and not preview.rejected:
        print("Нумерация продолжится: " + "; ".join(c.label for c in preview.numbering))
    if preview.rejected:
        raise UserError(
            f"{args.file}: есть отклоненные строки ({len(preview.rejected)}); ничего не загружено"
        )
    if args.dry_run:
        return 0
    print(f"Загружено писем: {apply_import(db, preview)}")
    return 0


def _cmd_recipients_import(args: argparse.Namespace) -> int:
    from app.services.directory.recipient_io import apply_import, plan_import

    db = _open(args)
    plan = plan_import(db, args.file)
    print(f"{args.file}: {plan.summary}")
    if plan.ignored_columns:
        print(f"  пропущены столбцы: {', '.join(plan.ignored_columns)}")
    for row in plan.rows:
        if row.action == "update":
            print(f"  строка {row.line}: обновить {row.label} ({', '.join(row.changes)})")
    for line, reason in plan.rejected:
        print(f"  строка {line}: отклонена — {reason}")
    if plan.new_lists:
        print(f"  новые списки рассылки: {'; '.join(plan.new_lists)}")
    if plan.rejected and not args.skip_rejected:
        raise UserError(
            f"{args.file}: есть отклоненные строки ({len(plan.rejected)}); ничего не загружено "
            "(--skip-rejected загрузит остальные)"
        )
    if args.dry_run:
        return 0
    print(f"Загружено: {apply_import(db, plan).summary}")
    return 0


def _cmd_recipients_export(args: argparse.Namespace) -> int:
    from app.services.directory.recipient_io import export_recipients

    count = export_recipients(_open(args), args.file)
    print(f"Выгружено адресатов: {count} → {args.file}")
    return 0


def _cmd_recipients_list(args: argparse.Namespace) -> int:
    from app.services.directory.recipients import list_recipients

    rows = list_recipients(_open(args), args.search, limit=None)
    if args.format == "json":
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
    elif args.format == "csv":
        csv_out(
            ["code", "organization", "official", "addressee", "delivery", "lists"],
            (
                [r.code, r.organization, r.official, r.addressee_lines, r.delivery, r.lists]
                for r in rows
            ),
        )
    else:
        for r in rows:
            print(f"{r.code}\t{r.addressee_lines.replace(chr(10), ' / ')}\t{r.delivery}")
        print(f"Всего: {len(rows)}")
    return 0


def _cmd_recipients_show(args: argparse.Namespace) -> int:
    from app.services.directory.recipients import get_recipient

    detail = get_recipient(_open(args), args.code)
    d = detail.data
    person = " ".join(p for p in (d.last_name, d.first_name, d.middle_name) if p)
    for label, value in (
        ("Код", d.code),
        ("Организация", d.organization),
        ("Должность", d.position.replace("\n", " ")),
        ("Должностное лицо", person),
        (
            "Пол",
            _gender_label(d.gender, d.last_name, d.first_name, d.middle_name) if person else "",
        ),
        ("Способ доставки", d.delivery),
        ("Электронная почта", d.email),
        ("МЭДО", d.medo_id),
        ("Адрес МЭДО", d.medo_address),
        ("Адрес", " ".join(p for p in (d.postcode, d.address) if p)),
        ("Телефон", d.phone),
        ("Списки рассылки", "; ".join(d.lists)),
    ):
        if value:
            print(f"{label}: {value}")
    edited = " (изменено вручную)" if detail.addressee_edited else ""
    print(f"Адресат{edited}:")
    for line in (d.addressee_lines or "").splitlines():
        print(f"    {line}")
    edited = " (изменено вручную)" if detail.salutation_edited else ""
    print(f"Обращение{edited}: {d.salutation}")
    for item in detail.history:
        print(f"Ранее: {item}")
    print(f"Писем этому адресату: {detail.letters}")
    return 0


def _gender_label(gender: str, last: str, first: str, middle: str) -> str:
    from app.rules.declension import gender_from_names
    from app.services.directory.recipients import GENDER_LABELS

    if gender:
        return GENDER_LABELS[gender]
    return f"{GENDER_LABELS[gender_from_names(last, first, middle)]} (по имени и отчеству)"


def _cmd_lists_list(args: argparse.Namespace) -> int:
    from app.services.directory.distribution_lists import list_lists

    for item in list_lists(_open(args)):
        print(f"{item.name}\t{item.size}")
    return 0


def _cmd_lists_show(args: argparse.Namespace) -> int:
    from app.services.directory.distribution_lists import list_members

    members = list_members(_open(args), args.name)
    print(args.name)
    for n, m in enumerate(members, start=1):
        print(f"{n}.\t{m.addressee}\t{m.effective_delivery}\t{m.code}")
    print(f"Всего: {len(members)}")
    return 0


def _cmd_lists_export(args: argparse.Namespace) -> int:
    from app.services.directory.recipient_io import export_recipients

    count = export_recipients(_open(args), args.file, list_name=args.name)
    print(f"Выгружено участников списка: {count} → {args.file}")
    return 0


def _report_crash() -> None:
    from app.support.crash import write_crash_log

    log = write_crash_log(*sys.exc_info())
    where = f"; подробности в {log}" if log else ""
    print(f"{PROG}: внутренняя ошибка программы{where}", file=sys.stderr)


def _undecodable(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def one_line(message: str) -> str:
    """A message on one line, whatever the clerk's values in it hold."""
    return " ".join(message.split()).encode("utf-8", "backslashreplace").decode("utf-8")


def main(argv: Sequence[str] | None = None, *, run_gui: GuiRunner | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if any(_undecodable(arg) for arg in given):  # bytes not in UTF-8 (surrogate-escaped)
        print(f"{PROG}: неверные аргументы: символы не в кодировке UTF-8", file=sys.stderr)
        return 2
    args = build_parser().parse_args(given)
    said_busy = False

    def busy(_waited: float) -> None:  # once: the command waits for another workstation
        nonlocal said_busy
        if not said_busy:
            print(f"{PROG}: база занята другим рабочим местом, ожидание…", file=sys.stderr)
            said_busy = True

    try:
        if args.command in (None, "gui"):
            if run_gui is None:
                raise UserError("окно программы недоступно в этом режиме запуска")
            return run_gui(getattr(args, "registry", None) or args.db)
        handler: Callable[[argparse.Namespace], int] = args.handler
        with on_busy(busy):
            return handler(args)
    except UserError as exc:
        print(f"{PROG}: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except ReadOnlyDatabaseError:
        print(f"{PROG}: {READ_ONLY_MESSAGE}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `secretariat lists show … | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a refused file, a damaged database, a full disk — or a bug
        message = clerk_message(exc)
        if message is None:
            _report_crash()
            return 1
        print(f"{PROG}: {one_line(message)}", file=sys.stderr)
        return 2
