"""``secretariat cases …``: the nomenclature of cases — imported, listed, copied to the next
year, printed; a case's contents and closing; the year's inventories and the destruction act."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.letter_args import YEAR, bounded


def add_cases(sub: Any, parser_class: type, date: Any, open_db: Any) -> None:
    cases = sub.add_parser("cases", help="номенклатура дел: дела, подшивка, описи, акты")
    csub = cases.add_subparsers(
        dest="cases_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    cases.set_defaults(open_db=open_db)

    p = csub.add_parser("import", help="номенклатура года из XLSX (столбцы формы номенклатуры)")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument("--year", type=YEAR, required=True, metavar="YEAR")
    p.add_argument("--dry-run", action="store_true", help="только проверить, ничего не загружать")
    p.set_defaults(handler=_cmd_import)

    p = csub.add_parser("list", help="дела номенклатуры года")
    p.add_argument("--year", type=YEAR, metavar="YEAR", help="год (по умолчанию текущий)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=_cmd_list)

    p = csub.add_parser("show", help="дело: сведения и документы в нем (внутренняя опись)")
    p.add_argument("index", metavar="INDEX")
    p.add_argument("--year", type=YEAR, metavar="YEAR")
    p.add_argument("--out", type=Path, metavar="FILE", help="внутренняя опись в XLSX, PDF, DOCX")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_show)

    p = csub.add_parser("copy", help="номенклатура следующего года из этого")
    p.add_argument("--from", dest="source", type=YEAR, required=True, metavar="YEAR")
    p.add_argument("--to", dest="target", type=YEAR, required=True, metavar="YEAR")
    p.set_defaults(handler=_cmd_copy)

    p = csub.add_parser("export", help="номенклатура года по форме (XLSX, PDF, DOCX)")
    p.add_argument("--year", type=YEAR, required=True, metavar="YEAR")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.set_defaults(handler=_cmd_export)

    p = csub.add_parser("draft", help="черновик номенклатуры из индексов дел в письмах года")
    p.add_argument("--year", type=YEAR, required=True, metavar="YEAR")
    p.set_defaults(handler=_cmd_draft)

    p = csub.add_parser("close", help="закрыть дело: крайние даты и число листов")
    p.add_argument("index", metavar="INDEX")
    p.add_argument("--year", type=YEAR, required=True, metavar="YEAR")
    p.add_argument("--sheets", type=bounded(1, 100_000), metavar="N",
                   help="листов в деле (по умолчанию — по документам)")  # fmt: skip
    p.set_defaults(handler=_cmd_close)

    p = csub.add_parser("reopen", help="открыть закрытое дело снова")
    p.add_argument("index", metavar="INDEX")
    p.add_argument("--year", type=YEAR, required=True, metavar="YEAR")
    p.set_defaults(handler=_cmd_reopen)

    p = csub.add_parser("inventory", help="опись дел постоянного или временного хранения за год")
    p.add_argument("--year", type=YEAR, required=True, metavar="YEAR")
    p.add_argument("--storage", choices=("permanent", "temporary"), required=True)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.set_defaults(handler=_cmd_inventory)

    p = csub.add_parser(
        "destruction-act", help="акт о выделении к уничтожению дел с истекшим сроком хранения"
    )
    p.add_argument("--as-of", type=date, metavar="DATE", help="на дату (по умолчанию сегодня)")
    p.add_argument("--act", type=bounded(1, 2**31 - 1), metavar="N",
                   help="напечатать снова составленный акт № N")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.set_defaults(handler=_cmd_act)


def _year(args: argparse.Namespace) -> int:
    from app.support import clock

    return int(args.year or clock.today().year)


def _cmd_import(args: argparse.Namespace) -> int:
    from app.services.cases.nomenclature_import import apply_nomenclature, plan_nomenclature
    from app.support.errors import UserError

    db = args.open_db(args)
    plan = plan_nomenclature(db, args.file, args.year)
    for line, reason in plan.rejected:
        print(f"строка {line}: {reason}")
    print(f"Номенклатура {args.year} года: {plan.summary}")
    if plan.rejected:
        raise UserError(f"отклонено строк: {len(plan.rejected)}; ничего не загружено")
    if args.dry_run:
        print("Проверка: ничего не загружено")
        return 0
    added, changed = apply_nomenclature(db, plan)
    print(f"Загружено: дел добавлено {added}, изменено {changed}")
    return 0


def _case_json(case: Any) -> dict[str, Any]:
    return {
        "year": case.year,
        "index": case.index,
        "title": case.title,
        "section": case.section,
        "volumes": case.volumes,
        "retention": case.retention.label,
        "article": case.article,
        "note": case.note,
        "state": case.state,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "date_from": case.date_from.isoformat() if case.date_from else None,
        "date_to": case.date_to.isoformat() if case.date_to else None,
        "sheets": case.sheets or None,
        "documents": case.documents,
    }


def _cmd_list(args: argparse.Namespace) -> int:
    from app.cli.csv_output import csv_out
    from app.services.cases.nomenclature import nomenclature

    year = _year(args)
    book = nomenclature(args.open_db(args), year)
    if args.format == "json":
        print(json.dumps([_case_json(c) for c in book.cases], ensure_ascii=False, indent=2))
        return 0
    rows = [
        [c.index, c.title, c.section, c.volumes, c.period, c.documents, c.state] for c in book.cases
    ]
    if args.format == "csv":
        header = ["Индекс", "Заголовок", "Раздел", "Томов", "Срок хранения", "Документов",
                  "Состояние"]  # fmt: skip
        csv_out(header, rows)
        return 0
    if not book.cases:
        print(f"В номенклатуре {year} года нет дел")
        return 0
    for row in rows:
        print("\t".join(str(v) for v in row))
    print(f"Дел: {len(book.cases)}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from app.services.cases.filing import case_contents, internal_inventory

    case, documents = case_contents(args.open_db(args), args.index, _year(args))
    if args.out is not None:
        from app.exporters.table_file import write_table

        path = write_table(internal_inventory(case, documents), args.out, "внутренняя опись")
        print(f"Внутренняя опись: {path}")
        return 0
    if args.json:
        out = _case_json(case) | {
            "documents": [
                {
                    "kind": d.kind,
                    "number": d.number,
                    "date": d.date.isoformat(),
                    "title": d.title,
                    "correspondent": d.correspondent,
                    "sheets": d.sheets,
                }
                for d in documents
            ]
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"Дело № {case.index} ({case.year}): {case.title}")
    print(f"Срок хранения: {case.period or 'не указан'}; {case.state}")
    if case.closed_on:
        print(
            f"Крайние даты: {case.date_from or '—'} – {case.date_to or '—'}; листов: {case.sheets}"
        )
    for d in documents:
        print(f"{d.kind_label} № {d.number}\t{d.date:%d.%m.%Y}\t{d.title[:80]}\tлистов: {d.sheets}")
    print(f"Документов: {len(documents)}")
    return 0


def _cmd_copy(args: argparse.Namespace) -> int:
    from app.services.cases.nomenclature import copy_year

    added, kept = copy_year(args.open_db(args), args.source, args.target)
    print(f"Номенклатура {args.target} года из {args.source}: добавлено дел {added}, "
          f"уже были {kept}")  # fmt: skip
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from app.services.cases.year_end import export_nomenclature

    print(f"Номенклатура дел: {export_nomenclature(args.open_db(args), args.year, args.out)}")
    return 0


def _cmd_draft(args: argparse.Namespace) -> int:
    from app.services.cases.nomenclature import draft_from_letters

    added = draft_from_letters(args.open_db(args), args.year)
    if not added:
        print(f"В письмах {args.year} года нет индексов дел, которых нет в номенклатуре")
        return 0
    print(f"Черновик номенклатуры {args.year} года: дела {', '.join(added)} — заполните "
          "заголовки и сроки хранения")  # fmt: skip
    return 0


def _cmd_close(args: argparse.Namespace) -> int:
    from app.services.cases.filing import close_case

    case = close_case(args.open_db(args), args.index, args.year, sheets=args.sheets)
    dates = (
        f"{case.date_from:%d.%m.%Y} – {case.date_to:%d.%m.%Y}"
        if case.date_from and case.date_to
        else "документов нет"
    )
    print(f"Дело № {case.index} ({case.year}) закрыто: {dates}; листов: {case.sheets}")
    return 0


def _cmd_reopen(args: argparse.Namespace) -> int:
    from app.services.cases.filing import reopen_case

    case = reopen_case(args.open_db(args), args.index, args.year)
    print(f"Дело № {case.index} ({case.year}) снова открыто")
    return 0


def _cmd_inventory(args: argparse.Namespace) -> int:
    from app.services.cases.year_end import export_inventory

    path = export_inventory(args.open_db(args), args.year, args.storage, args.out)
    print(f"Опись дел: {path}")
    return 0


def _cmd_act(args: argparse.Namespace) -> int:
    from app.services.cases.year_end import export_act, make_destruction_act
    from app.support import clock

    db = args.open_db(args)
    if args.act is not None:
        print(f"Акт № {args.act}: {export_act(db, args.act, args.out)}")
        return 0
    number, count, path = make_destruction_act(db, args.as_of or clock.today(), args.out)
    print(f"Акт № {number} о выделении к уничтожению: дел {count}; {path}")
    return 0
