"""``secretariat backup | restore | migrate-to | audit``: keeping the registry safe."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.letter_args import bounded
from app.support.errors import UserError
from app.support.paths import expanded


def add_maintenance(sub: Any, date: Any, open_db: Any) -> None:
    p = sub.add_parser("backup", help="создать резервную копию базы (или --list: список копий)")
    p.add_argument(
        "--to", type=Path, metavar="FOLDER", help="папка копий (по умолчанию из настроек)"
    )
    p.add_argument("--list", action="store_true", help="только показать копии в папке")
    p.set_defaults(handler=_cmd_backup, open_db=open_db)

    p = sub.add_parser("restore", help="восстановить базу из резервной копии")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("file", nargs="?", type=Path, metavar="FILE.db")
    where.add_argument("--latest", action="store_true", help="из самой новой копии в папке")
    p.add_argument("--from-folder", type=Path, metavar="FOLDER", help="папка копий для --latest")
    p.add_argument(
        "--continue-after",
        action="append",
        default=[],
        metavar="JOURNAL=N",
        help="последний выданный номер журнала, когда текущая база не читается",
    )
    p.add_argument(
        "--force", action="store_true", help="восстановить копию другой базы на место этой"
    )
    p.set_defaults(handler=_cmd_restore)

    p = sub.add_parser(
        "bring-back",
        help="вернуть письма, которых нет после восстановления, из прежней (отложенной) базы",
    )
    p.add_argument("aside", type=Path, metavar="FILE", help="файл «…до-восстановления-…»")
    p.add_argument("--number", action="append", default=[], metavar="NUMBER")
    p.add_argument("--list", action="store_true", help="только показать недостающие письма")
    p.set_defaults(handler=_cmd_bring_back, open_db=open_db)

    p = sub.add_parser(
        "migrate-to", help="перенести базу SQLite в пустую базу PostgreSQL и сверить"
    )
    p.add_argument("url", metavar="postgresql+psycopg://…")
    p.set_defaults(handler=_cmd_migrate_to, open_db=open_db)

    p = sub.add_parser(
        "audit",
        help="журнал изменений: кто, когда, что (только чтение); audit verify — проверить "
        "цепочку; audit head — отметка ее конца для хранения вне базы",
    )
    p.add_argument(
        "verify",
        nargs="?",
        choices=["verify", "head"],
        help="verify — пройти цепочку хешей: 0 — цела, 1 — названо первое измененное или "
        "удаленное событие; head — напечатать (или записать в --out) число событий и хеш",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="head: записать отметку цепочки в файл")
    p.add_argument(
        "--against",
        type=Path,
        metavar="FILE",
        help="verify: сверить с отметкой (audit head --out) или с резервной копией базы",
    )
    p.add_argument("--entity", metavar="KIND", help="letter, recipient, journal, control, …")
    p.add_argument("--user", metavar="NAME")
    p.add_argument("--search", metavar="TEXT", help="текст в описании изменения")
    p.add_argument("--from", dest="date_from", type=date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=date, metavar="DATE")
    p.add_argument("--limit", type=bounded(1, 1_000_000), default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_audit, open_db=open_db)


def _folder(db: Any, given: Path | None) -> Path:
    from app.services.safety.backup import database_file
    from app.support.settings import backup_folder

    return backup_folder(database_file(db), given)


def _cmd_backup(args: argparse.Namespace) -> int:
    from app.services.safety.backup import Owner, create_backup, database_file, list_backups

    db = args.open_db(args)
    folder = _folder(db, args.to)
    if args.list:
        backups = list_backups(folder, Owner.of(database_file(db)))
        db.dispose()
        for b in backups:
            print(f"{b.path}\t{b.taken:%d.%m.%Y %H:%M:%S}\t{b.kind_label}\t{b.size} байт")
        print(f"Копий в {folder}: {len(backups)}")
        return 0
    from app.services.safety.audit_anchor import read_head

    info = create_backup(db, folder)
    db.dispose()
    print(f"Резервная копия создана: {info.path} ({info.size} байт)")
    # the copy carries the chain: it is an anchor for «audit verify --against COPY»
    print(f"В копии {read_head(info.path).line}")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from app.services.safety.backup import latest_backup, restore_backup
    from app.services.safety.restore_guard import missing_lines, parse_continue_after
    from app.support.connection import database_target
    from app.support.settings import backup_folder

    target = database_target(args.db)
    if "://" in target:
        raise UserError("восстановление из копии — только для встроенной базы SQLite")
    database = expanded(target).resolve()
    if args.latest:
        # the database may be unreadable: the folder is found without opening it
        folder = backup_folder(database, args.from_folder)
        latest = latest_backup(folder, database)
        if latest is None:
            raise UserError(f"В папке {folder} нет резервных копий")
        source = latest.path
    else:
        source = expanded(args.file).resolve()
    continue_after = parse_continue_after(args.continue_after)
    result = restore_backup(database, source, continue_after=continue_after, force=args.force)
    print(f"База восстановлена из {result.restored_from} (схема {result.revision})")
    if result.kept_aside:
        print(f"Прежняя база сохранена: {result.kept_aside}")
    for r in result.raised:
        print(
            f"Нумерация {r.journal} за {r.period} продолжится после № {r.after} "
            f"(в копии было {r.before})"
        )
    if result.missing:
        print(f"Писем нет в копии: {len(result.missing)}")
        for line in missing_lines(result.missing):
            print(f"  {line}")
        print(f"Вернуть их: secretariat bring-back '{result.kept_aside}'")
    return 0


def _cmd_bring_back(args: argparse.Namespace) -> int:
    from app.services.safety.backup import database_file
    from app.services.safety.bring_back import bring_back
    from app.services.safety.restore_guard import missing_letters, missing_lines

    db = args.open_db(args)
    aside = expanded(args.aside)
    if args.list:
        if not aside.is_file():
            raise UserError(f"{aside}: файл не найден")
        missing = missing_letters(aside, database_file(db))
        for line in missing_lines(missing):
            print(line)
        print(f"Писем нет в базе: {len(missing)}")
        return 0
    back = bring_back(db, aside, args.number or None)
    for item in back:
        print(f"Возвращено: {item.line}")
    print(f"Писем возвращено: {len(back)}")
    return 0


def _cmd_migrate_to(args: argparse.Namespace) -> int:
    from app.cli.progress_line import index_progress
    from app.services.safety.migrate import migrate_to

    report = migrate_to(args.open_db(args), args.url, index_progress())
    for table, count in report.counts.items():
        print(f"{table}\t{count}")
    print(f"Перенесено в {report.target}: таблиц {len(report.counts)}, строк {report.rows}")
    print("Счетчики номеров и последовательности сверены: OK")
    return 0


def _audit_head(args: argparse.Namespace) -> int:
    from app.services.safety.audit_anchor import audit_head, write_head

    head = audit_head(args.open_db(args))
    if args.out is not None:
        print(f"Отметка записана: {write_head(head, args.out)}")
    print(head.line)
    return 0


def _audit_against(args: argparse.Namespace) -> int:
    from app.services.safety.audit_anchor import read_head, verify_against

    anchor = read_head(args.against)
    check = verify_against(args.open_db(args), anchor)
    print(check.line)
    return 0 if check.whole else 1


def _cmd_audit(args: argparse.Namespace) -> int:
    from app.services.access.audit_log import AuditQuery, list_audit, verify_audit

    if args.out is not None and args.verify != "head":
        raise UserError("--out — только для audit head")
    if args.against is not None and args.verify != "verify":
        raise UserError("--against — только для audit verify")
    if args.verify == "head":
        return _audit_head(args)
    if args.verify:
        if args.against is not None:
            return _audit_against(args)
        report = verify_audit(args.open_db(args))
        print(report.line)
        return 0 if report.whole else 1

    query = AuditQuery(
        entity=args.entity or "",
        user=args.user or "",
        search=args.search or "",
        date_from=args.date_from,
        date_to=args.date_to,
    )
    rows = list_audit(args.open_db(args), query, limit=args.limit)
    if args.json:
        data = [
            {
                "at": r.at.isoformat(sep=" "),
                "user": r.user,
                "entity": r.entity,
                "entity_id": r.entity_id,
                "action": r.action,
                "details": r.details,
            }
            for r in rows
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    for r in rows:
        print(f"{r.at:%d.%m.%Y %H:%M:%S}\t{r.user}\t{r.what}\t{r.summary}")
    print(f"Событий: {len(rows)}")
    return 0
