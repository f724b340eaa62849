"""``letters attach | files | file | detach``: the letter's own files from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.letter_args import add_letter_command, letter_of


def add_file_commands(lsub: Any, open_db: Any) -> None:
    """Register the file commands under ``letters``; ``open_db(args)`` opens the database."""
    from app.services.registry.letter_files import ATTACHED_KINDS

    p = add_letter_command(lsub, "attach", "прикрепить файл к письму (скан, приложение, черновик)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--kind", choices=ATTACHED_KINDS, default="attachment")
    p.add_argument("--title", default="", help="название (например, приложения)")
    p.set_defaults(handler=_cmd_attach, open_db=open_db)

    p = add_letter_command(lsub, "files", "файлы письма: имя, вид, размер, SHA-256, страницы")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_files, open_db=open_db)

    p = add_letter_command(
        lsub,
        "file",
        "сохранить файл письма (NAME --out PATH; контрольная сумма проверяется) или подшить "
        "письмо в дело (--case INDEX)",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="имя файла, как в «letters files»")
    p.add_argument("--out", type=Path, metavar="PATH")
    p.add_argument("--case", metavar="INDEX", help="подшить в дело номенклатуры с этим индексом")
    p.set_defaults(handler=_cmd_file, open_db=open_db)

    p = add_letter_command(lsub, "detach", "удалить файл письма (с причиной, в журнал изменений)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=_cmd_detach, open_db=open_db)


def _size(size: int) -> str:
    return f"{size:,}".replace(",", "\u00a0") + " байт"


def _cmd_attach(args: argparse.Namespace) -> int:
    from app.services.registry.letter_files import attach_file

    db, letter_id = letter_of(args)
    row = attach_file(db, letter_id, args.file, kind=args.kind, title=args.title)
    pages = f", страниц: {row.pages}" if row.pages else ""
    print(f"Прикреплен файл «{row.name}»: {_size(row.size)}{pages}, SHA-256 {row.sha256}")
    return 0


def _cmd_files(args: argparse.Namespace) -> int:
    from app.services.registry.letter_files import KINDS, letter_files

    db, letter_id = letter_of(args)
    rows = letter_files(db, letter_id)
    if args.json:
        out = [
            {
                "name": r.name,
                "kind": r.kind,
                "title": r.title,
                "size": r.size,
                "sha256": r.sha256,
                "pages": r.pages or None,
                "added_by": r.added_by,
                "added_at": r.added_at.isoformat(timespec="seconds"),
            }
            for r in rows
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Файлов нет")
    for r in rows:
        pages = f"; страниц: {r.pages}" if r.pages else ""
        title = f" — {r.title}" if r.title else ""
        print(f"{r.name}{title} ({KINDS[r.kind]}; {_size(r.size)}{pages}) SHA-256 {r.sha256}")
    return 0


def _cmd_file(args: argparse.Namespace) -> int:
    from app.support.errors import UserError

    if args.case is not None:
        if args.name or args.out:
            raise UserError("letters file: либо --case INDEX (в дело), либо NAME --out PATH")
        from app.services.cases.filing import file_letter

        db, letter_id = letter_of(args)
        case = file_letter(db, letter_id, args.case)
        print(f"Письмо № {args.number}: в дело {case.named}")
        return 0
    if not args.name or args.out is None:
        raise UserError("letters file: нужно NAME --out PATH (сохранить файл) или --case INDEX")
    from app.services.registry.letter_files import save_letter_file

    db, letter_id = letter_of(args)
    print(f"Записан файл: {save_letter_file(db, letter_id, args.name, args.out)}")
    return 0


def _cmd_detach(args: argparse.Namespace) -> int:
    from app.services.registry.letter_files import detach_file

    db, letter_id = letter_of(args)
    detach_file(db, letter_id, args.name, args.reason)
    print(f"Файл «{args.name}» удален; причина записана в журнал изменений")
    return 0
