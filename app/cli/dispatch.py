"""``secretariat dispatch …``: sending the copies of a letter and the record of what went how."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.cli.letter_args import add_letter_command, letter_of
from app.rules.states import CopyState
from app.support.errors import UserError
from app.support.text import date_ru

SEND_NOTE = (
    "Контейнеры МЭДО с подписью готовы: отправьте их в клиенте МЭДО организации; "
    "квитанции отметьте командой dispatch receipt"
)


def add_dispatch(sub: Any, parser_class: type, date: Any, open_db: Any) -> None:
    """Register the ``dispatch`` commands (``date`` parses a date, ``open_db`` opens the DB)."""
    dispatch = sub.add_parser("dispatch", help="отправка копий письма: МЭДО, e-mail, почта")
    dsub = dispatch.add_subparsers(
        dest="dispatch_command", metavar="COMMAND", required=True, parser_class=parser_class
    )
    dispatch.set_defaults(open_db=open_db)

    def letter_command(name: str, help_text: str) -> Any:
        return add_letter_command(dsub, name, help_text)

    def run_options(p: Any, *, medo: bool = True) -> None:
        p.add_argument("--recipient", action="append", metavar="CODE", help="только этим адресатам")
        p.add_argument("--again", action="store_true", help="и тем, кому уже отправлено")
        if not medo:
            p.set_defaults(signature=None)
            return
        p.add_argument(
            "--signature",
            action="append",
            type=Path,
            metavar="FILE.sig",
            help="открепленная подпись document.pdf (МЭДО); можно несколько",
        )
        p.add_argument(
            "--ca-folder",
            type=Path,
            metavar="DIR",
            help="папка сертификатов удостоверяющих центров: цепочка сертификата подписи должна "
            "доходить до одного из них (по умолчанию — из настроек)",
        )
        p.add_argument(
            "--accept-signer",
            action="store_true",
            help="принять подпись, сертификат которой не подписанта письма (решение записывается "
            "в журнал изменений под вашим именем)",
        )

    p = letter_command("status", "кому, как и когда отправлены копии письма")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_status)

    p = letter_command("all", "отправить все копии, каждую своим способом")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="папка для файлов")
    p.add_argument("--send", action="store_true", help="e-mail через SMTP организации")
    p.add_argument("--envelope", choices=("C4", "C5", "DL"), default="DL")
    run_options(p)
    p.set_defaults(handler=_cmd_run, methods=None)

    p = letter_command("email", "письма .eml для почтовой программы или отправка через SMTP")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="DIR")
    target.add_argument("--send", action="store_true", help="отправить через SMTP организации")
    run_options(p, medo=False)
    p.set_defaults(handler=_cmd_run, methods="email", envelope="DL")

    p = letter_command(
        "medo",
        "МЭДО 2.7.1: без --signature — документ на подпись, с подписью — транспортный контейнер",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--whole", action="store_true", help="один контейнер на всю рассылку")
    run_options(p)
    p.set_defaults(handler=_cmd_run, methods="medo", envelope="DL", send=False)

    p = letter_command("envelopes", "конверты для адресатов с доставкой почтой (PDF)")
    p.add_argument("--format", choices=("C4", "C5", "DL"), default="DL", dest="size")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    p.set_defaults(handler=_cmd_envelopes)

    p = dsub.add_parser("post-list", help="список почтовых отправлений за день (ф. 103)")
    p.add_argument("--date", type=date, metavar="DATE", help="день отправки (сегодня)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.pdf")
    p.set_defaults(handler=_cmd_post_list)

    p = letter_command("mark", "отметить отправку, доставку или ошибку вручную")
    p.add_argument("--recipient", action="append", metavar="CODE", help="код или № п/п (все)")
    p.add_argument(
        "--state",
        required=True,
        help="отправлено | доставлено | ошибка | подготовлено | не отправлено (или sent, …)",
    )
    p.add_argument("--note", default="", help="что сообщил оператор или получатель")
    p.set_defaults(handler=_cmd_mark)

    p = dsub.add_parser(
        "receipt",
        help="квитанция или уведомление МЭДО (XML): доставлено, ошибка, "
        "зарегистрировано у адресата, отказано",
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE.xml")
    p.set_defaults(handler=_cmd_receipt)

    p = letter_command("sheet", "лист рассылки письма в PDF или XLSX")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    p.set_defaults(handler=_cmd_sheet)

    p = dsub.add_parser(
        "smtp-password", help="сохранить пароль почтового сервера в хранилище паролей ОС"
    )
    p.set_defaults(handler=_cmd_smtp_password)


def _cmd_status(args: argparse.Namespace) -> int:
    from app.services.dispatch.record import COPY_STATES, dispatch_status, when_text
    from app.services.registry.letters import DELIVERY_STATE_LABELS

    db, letter_id = letter_of(args)
    status = dispatch_status(db, letter_id)
    if args.json:
        print(json.dumps(_status_json(status), ensure_ascii=False, indent=2))
        return 0
    print(f"Письмо № {status.number} от {date_ru(status.reg_date)}: {status.subject}")
    print(
        f"{DELIVERY_STATE_LABELS.get(status.state, status.state)}: "
        f"отправлено {status.count(CopyState.SENT, CopyState.DELIVERED)} из {len(status.copies)}"
    )
    for c in status.copies:
        note = f" — {c.note}" if c.note else ""
        print(
            f"{c.position}\t{c.code or '—'}\t{c.name}\t{c.method or '—'}\t"
            f"{COPY_STATES.get(c.state, c.state)}\t{when_text(c.at)}\t{c.by}{note}"
        )
    return 0


def _status_json(status: Any) -> dict[str, Any]:
    return {
        "number": status.number,
        "date": status.reg_date.isoformat(),
        "subject": status.subject,
        "state": status.state,
        "copies": [
            {
                "position": c.position,
                "code": c.code,
                "name": c.name,
                "method": c.method,
                "state": c.state,
                "label": c.label,
                "at": c.at.isoformat(timespec="seconds") if c.at else None,
                "by": c.by,
                "note": c.note,
                "uid": c.uid,
            }
            for c in status.copies
        ],
        "history": [
            {
                "position": next(
                    (c.position for c in status.copies if c.addressee_id == h.addressee_id), None
                ),
                "at": h.at.isoformat(timespec="seconds"),
                "by": h.by,
                "method": h.method,
                "state": h.state,
                "source": h.source,
                "file": h.file_name,
                "sha256": h.sha256,
                "note": h.note,
            }
            for h in status.history
        ],
    }


def _cmd_run(args: argparse.Namespace) -> int:
    from app.services.dispatch.record import EMAIL, MEDO
    from app.services.dispatch.run import METHODS, dispatch_letter

    db, letter_id = letter_of(args)
    methods = {None: METHODS, "email": (EMAIL,), "medo": (MEDO,)}[args.methods]
    with tempfile.TemporaryDirectory(prefix="secretariat-") as scratch:
        # e-mail sent through SMTP writes no files: the sent messages are kept in the database
        outcome = dispatch_letter(
            db,
            letter_id,
            args.out or Path(scratch),
            methods=methods,
            recipients=args.recipient,
            send=bool(args.send),
            envelope=args.envelope,
            medo_whole=bool(getattr(args, "whole", False)),
            signatures=args.signature,
            again=args.again,
            accept_signer=bool(getattr(args, "accept_signer", False)),
            authorities=_authorities(args),
        )
    for method, count in outcome.prepared.items():
        print(f"{method}: подготовлено {count}")
    for method, count in outcome.sent.items():
        print(f"{method}: отправлено {count}")
    for line in outcome.manual:
        print(f"Вручную: {line}")
    for line in outcome.notes:
        print(line)
    if outcome.already:
        print(f"Уже отправлены раньше: {len(outcome.already)} (повторить: --again)")
    if args.out is not None and outcome.files:
        print(f"Файлы: {args.out} ({len(outcome.files)})")
    _print_medo(args, outcome, outcome.prepared.get(MEDO, 0))
    for line in outcome.accepted_signer:
        print(f"Подпись не подписанта принята (записано в журнал изменений): {line}")
    for line in outcome.problems:
        print(f"Не отправлено: {line}", file=sys.stderr)
    if outcome.other_signer:
        print("Если подпись верна — повторите с --accept-signer", file=sys.stderr)
    if outcome.problems:
        return 2
    if not outcome.copies:
        print("Отправлять некому: все выбранные копии уже отправлены или отмечаются вручную")
    return 0


def _authorities(args: argparse.Namespace) -> Path | None:
    """``--ca-folder``, else the folder Settings name, else none."""
    from app.support.settings import ca_folder

    given = getattr(args, "ca_folder", None)
    return Path(given) if given is not None else ca_folder()


def _print_medo(args: argparse.Namespace, outcome: Any, prepared: int) -> None:
    """What was signed, what is ready for the МЭДО client, what is still to sign and how."""
    for line in outcome.signed:
        print(f"Подпись {line}")
    if prepared:
        print(SEND_NOTE)
    if outcome.to_sign:
        print(f"МЭДО: на подпись {len(outcome.to_sign)} — подпишите открепленной подписью:")
        for path in outcome.to_sign:
            print(f"  {args.out / path}")
        print(
            f"затем: secretariat dispatch medo {args.number} --out {args.out} "
            "--signature ФАЙЛ.sig (копии — «Подготовлено (не подписано)»)"
        )


def _cmd_envelopes(args: argparse.Namespace) -> int:
    from app.services.dispatch.run import envelopes_pdf

    db, letter_id = letter_of(args)
    out, count = envelopes_pdf(db, letter_id, args.size, args.out)
    print(f"Конверты {args.size}: {count}; файл {out}")
    return 0


def _cmd_post_list(args: argparse.Namespace) -> int:
    from app.services.dispatch.post_list import export_post_list
    from app.support import clock

    day = args.date or clock.today()
    out = export_post_list(args.open_db(args), day, args.out)
    print(f"Список ф. 103 за {date_ru(day)}: {out}")
    return 0


def _cmd_mark(args: argparse.Namespace) -> int:
    from app.services.dispatch.record import COPY_STATES, mark, parse_state

    db, letter_id = letter_of(args)
    state = parse_state(args.state)
    status = mark(db, letter_id, args.recipient or [], state, args.note)
    count = len(args.recipient) if args.recipient else len(status.copies)
    print(f"{COPY_STATES[state]}: копий — {count}; письмо № {status.number}")
    return 0


def _cmd_receipt(args: argparse.Namespace) -> int:
    from app.services.dispatch.record import COPY_STATES, apply_receipt

    db = args.open_db(args)
    failed = 0
    for path in args.files:
        try:
            result = apply_receipt(db, path)
        except UserError as exc:
            print(f"secretariat: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"№ {result.number}\t{result.recipient}\t{COPY_STATES[result.state]}\t{result.note}")
    return 2 if failed else 0


def _cmd_sheet(args: argparse.Namespace) -> int:
    from app.services.dispatch.record import export_dispatch_sheet

    db, letter_id = letter_of(args)
    print(f"Лист рассылки: {export_dispatch_sheet(db, letter_id, args.out)}")
    return 0


def read_password(prompt: str) -> str:
    """A password from the terminal (not echoed) or the first line of the standard input."""
    import getpass

    if sys.stdin.isatty():
        password = getpass.getpass(prompt)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("Пароль пустой; ничего не сохранено")
    return password


def _cmd_smtp_password(args: argparse.Namespace) -> int:
    from app.services.dispatch.smtp_send import smtp_settings
    from app.services.organization.mail_servers import store_password
    from app.services.organization.profile import get_organization

    org = get_organization(args.open_db(args))
    if org is None:
        raise UserError("Сведения об организации не заполнены")
    settings = smtp_settings(org)
    store_password(settings, read_password(f"Пароль {org.smtp_login} на {org.smtp_host}: "))
    print(f"Пароль для {org.smtp_login} на {org.smtp_host} сохранен в хранилище паролей ОС")
    return 0
