"""``secretariat reports …``: the control of reports from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.letter_args import add_letter_command, bounded, letter_of
from app.rules.states import ControlState
from app.support.text import date_ru

TARGET_STATES = {"close": ControlState.CLOSED, "excuse": ControlState.EXCUSED}


def add_reports(sub: Any, parser_class: type, date: Any, open_db: Any) -> None:
    """Register the ``reports`` commands; ``date`` parses a date, ``open_db(args)`` opens the DB."""
    reports = sub.add_parser("reports", help="контроль отчетов по письмам")
    rsub = reports.add_subparsers(
        dest="reports_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    reports.set_defaults(open_db=open_db)

    def letter_command(name: str, help_text: str) -> Any:
        return add_letter_command(rsub, name, help_text)

    p = rsub.add_parser("list", help="письма на контроле, ближайший срок первым")
    p.add_argument("--show", choices=("active", "overdue", "soon", "done", "all"), default="all")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_cmd_list)

    p = letter_command("status", "состояние отчетов по письму: кто представил, кто нет")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_status)

    p = letter_command("receive", "отметить получение отчета от адресата")
    p.add_argument("--recipient", required=True, metavar="CODE", help="код адресата или № п/п")
    p.add_argument("--incoming", required=True, metavar="NUM", help="исходящий номер ответа")
    p.add_argument("--date", type=date, required=True, metavar="DATE", help="дата ответа")
    p.add_argument("--received", type=date, metavar="DATE", help="дата получения (сегодня)")
    p.add_argument("--file", type=Path, action="append", default=[], metavar="FILE")
    p.add_argument("--rows", type=Path, metavar="FILE.xlsx", help="заполненная отчетная форма")
    p.set_defaults(handler=_cmd_receive)

    p = letter_command("extend", "продлить срок для письма или одного адресата")
    p.add_argument("--recipient", metavar="CODE")
    p.add_argument("--due", type=date, required=True, metavar="DATE", help="новый срок")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=_cmd_extend)

    p = letter_command("remind", "зарегистрировать письмо-напоминание не представившим отчет")
    p.add_argument("--recipient", action="append", metavar="CODE", help="только этим адресатам")
    p.add_argument("--due", type=date, metavar="DATE", help="новый срок в напоминании")
    p.set_defaults(handler=_cmd_remind)

    for name, help_text in (
        ("close", "снять с контроля письмо или адресата"),
        ("excuse", "отчет от адресата не требуется"),
        ("reopen", "вернуть адресата на контроль (отменить отметку)"),
    ):
        p = letter_command(name, help_text)
        p.add_argument("--recipient", action="append", metavar="CODE", required=name != "close")
        p.add_argument("--reason", default="", required=name == "excuse")
        p.set_defaults(
            handler=_cmd_state,
            state={"close": ControlState.CLOSED, "excuse": ControlState.EXCUSED}.get(
                name, ControlState.EXPECTED
            ),
        )

    p = letter_command("summary", "сводный отчет в XLSX или DOCX")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.docx")
    p.set_defaults(handler=_cmd_summary)

    p = rsub.add_parser("overdue", help="просроченные отчеты по всем письмам")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--within",
        type=bounded(0, 3650),
        default=0,
        metavar="DAYS",
        help="и со сроком в ближайшие дни",
    )
    p.set_defaults(handler=_cmd_overdue)


def _cmd_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from app.services.control.reports import list_controls

    rows = list_controls(args.open_db(args), show=args.show)
    if args.format == "json":
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2, default=str))
        return 0
    for r in rows:
        print(
            f"{r.number}\t{date_ru(r.reg_date)}\tсрок {date_ru(r.next_due, weekday=True)}\t"
            f"получено {r.received} из {r.total}\tпросрочено {r.overdue}\t{r.subject}"
        )
    print(f"Писем на контроле: {len(rows)}")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from app.rules.production_calendar import due_date_warning
    from app.services.control.reports import letter_control

    db, letter_id = letter_of(args)
    control = letter_control(db, letter_id)
    if args.json:
        print(json.dumps(_status_json(control), ensure_ascii=False, indent=2, default=str))
        return 0
    print(f"Письмо № {control.number} от {date_ru(control.reg_date)}: {control.subject}")
    warning = due_date_warning(control.due)
    print(f"Срок: {date_ru(control.due, weekday=True)}{f' — {warning}' if warning else ''}")
    if control.closed:
        print("Письмо снято с контроля")
    print(
        f"Адресатов: {len(control.recipients)}; получено: {control.received}; "
        f"просрочено: {control.overdue}; ожидается: {control.outstanding}"
    )
    for r in control.recipients:
        reply = f"{r.reply_number} от {date_ru(r.reply_date)}" if r.reply_number else ""
        print(
            f"{r.position}\t{r.code or '—'}\t{r.name}\t{r.label}\t"
            f"срок {date_ru(r.due)}\t{reply}\tстрок: {r.rows}"
        )
    for c in control.due_changes:
        who = f" ({c.recipient})" if c.recipient else ""
        print(f"Срок продлен{who}: {date_ru(c.old_due)} → {date_ru(c.new_due)}: {c.reason}")
    return 0


def _status_json(control: Any) -> dict[str, Any]:
    return {
        "number": control.number,
        "date": control.reg_date.isoformat(),
        "subject": control.subject,
        "due": control.due.isoformat(),
        "closed": control.closed,
        "today": control.today.isoformat(),
        "columns": control.columns,
        "counts": {
            "total": len(control.recipients),
            "received": control.received,
            "overdue": control.overdue,
            "outstanding": control.outstanding,
        },
        "recipients": [
            {
                "position": r.position,
                "code": r.code,
                "name": r.name,
                "state": r.state,
                "status": r.status,
                "label": r.label,
                "due": r.due.isoformat(),
                "reply_number": r.reply_number,
                "reply_date": r.reply_date.isoformat() if r.reply_date else None,
                "received_date": r.received_date.isoformat() if r.received_date else None,
                "reminder": r.reminder_number,
                "rows": r.rows,
                "files": r.files,
                "note": r.note,
            }
            for r in control.recipients
        ],
        "due_changes": [
            {
                "at": c.at.isoformat(timespec="seconds"),
                "user": c.os_user,
                "recipient": c.recipient,
                "old_due": c.old_due.isoformat(),
                "new_due": c.new_due.isoformat(),
                "reason": c.reason,
            }
            for c in control.due_changes
        ],
    }


def _cmd_receive(args: argparse.Namespace) -> int:
    from app.services.control.report_control import Reply, receive_reply

    db, letter_id = letter_of(args)
    reply = Reply(args.incoming, args.date, args.received, list(args.file), rows_file=args.rows)
    rows = receive_reply(db, letter_id, args.recipient, reply)
    print(
        f"Отчет получен: {args.recipient}; ответ № {args.incoming} от {date_ru(args.date)}; "
        f"строк: {rows}"
    )
    return 0


def _cmd_extend(args: argparse.Namespace) -> int:
    from app.services.control.report_control import extend_due

    db, letter_id = letter_of(args)
    from app.rules.production_calendar import due_date_warning

    moved = extend_due(db, letter_id, args.due, args.reason, recipient=args.recipient)
    print(f"Срок продлен до {date_ru(args.due, weekday=True)}; адресатов: {moved}")
    if warning := due_date_warning(args.due):
        print(f"Внимание: {warning}")
    return 0


def _cmd_remind(args: argparse.Namespace) -> int:
    from app.services.control.report_reminders import remind

    db, letter_id = letter_of(args)
    reminder = remind(db, letter_id, recipients=args.recipient, new_due=args.due)
    print(
        f"Напоминание зарегистрировано: № {reminder.number} от {date_ru(reminder.date)}; "
        f"адресатов: {reminder.recipients}"
    )
    return 0


def _cmd_state(args: argparse.Namespace) -> int:
    from app.services.control.report_control import set_state
    from app.services.control.reports import STATE_LABELS

    db, letter_id = letter_of(args)
    changed = set_state(db, letter_id, args.recipient, args.state, args.reason)
    print(f"{STATE_LABELS[args.state]}: адресатов — {changed}")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from app.services.control.report_summary import export_summary

    db, letter_id = letter_of(args)
    out = export_summary(db, letter_id, args.out)
    print(f"Сводный отчет записан: {out}")
    return 0


def _cmd_overdue(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from app.services.control.reports import overdue_reports

    items = overdue_reports(args.open_db(args), within=args.within)
    if args.format == "json":
        print(json.dumps([asdict(i) for i in items], ensure_ascii=False, indent=2, default=str))
        return 0
    for i in items:
        late = f"просрочен на {i.days} дн." if i.days > 0 else f"осталось {-i.days} дн."
        mark = "; напоминание отправлено" if i.reminded else ""
        print(f"{i.number}\t{i.code or '—'}\t{i.recipient}\tсрок {date_ru(i.due)}\t{late}{mark}")
    print(f"Всего: {len(items)}")
    return 0
