"""The letter card (docs/data-formats.md §3): what ``letters register`` reads and
``letters show --json`` prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from app.errors import UserError
from app.json_input import JsonObject
from app.services.letters import (
    SENT_STATES,
    Addressee,
    AttachmentData,
    LetterCard,
    ReportData,
    check_card,
    find_letter_in,
)
from db.engine import Database
from db.models import DistributionList, Letter, Recipient

ADDRESSEE_KEYS = ("recipient", "recipients", "list", "text")
APPENDIX_KINDS = ("report_form", "distribution_list")


def _optional_date(r: JsonObject, key: str) -> dt.date | None:
    return None if r.data.get(key) is None else r.date(key)


def _addressee(data: Any, where: str) -> Addressee:
    r = JsonObject(data, where)
    given = [k for k in ADDRESSEE_KEYS if r.data.get(k)]
    if len(given) != 1:
        raise UserError(f"{where}: укажите ровно одно из полей {', '.join(ADDRESSEE_KEYS)}")
    key = given[0]
    if key == "recipients":
        codes = r.lines("recipients")
        return Addressee(recipients=codes)
    value = r.text(key, None)
    return (
        Addressee(recipient=value)
        if key == "recipient"
        else (Addressee(list=value) if key == "list" else Addressee(text=value))
    )


def _report(data: Any, where: str) -> ReportData | None:
    if data is None:
        return None
    r = JsonObject(data, where)
    rows = r.integer("rows", 2)
    if rows is None or rows < 0 or rows > 1000:
        raise UserError(f"{where}.rows: от 0 до 1000")
    return ReportData(due=r.date("due"), columns=r.lines("columns"), rows=rows)


def _attachments(items: list[Any]) -> list[AttachmentData]:
    out = []
    for i, item in enumerate(items):
        r = JsonObject(item, f"attachments[{i}]")
        sheets, copies = r.integer("sheets", 1), r.integer("copies", 1)
        if sheets is None or copies is None or not (1 <= sheets <= 10_000 and 1 <= copies <= 1_000):
            raise UserError(
                f"attachments[{i}]: листов — от 1 до 10 000, экземпляров — от 1 до 1 000"
            )
        out.append(AttachmentData(title=r.text("title", None), sheets=sheets, copies=copies))
    return out


def card_from_json(data: Any) -> LetterCard:
    """Validate a card read from JSON; every problem names its field."""
    r = JsonObject(data, "карточка письма")
    reply = r.data.get("reply_to")
    reply_r = JsonObject(reply, "reply_to") if reply is not None else None
    appendices = r.lines("appendices")
    for kind in appendices:
        if kind not in APPENDIX_KINDS:
            raise UserError(f"appendices: «{kind}»; допустимо {', '.join(APPENDIX_KINDS)}")
    card = LetterCard(
        journal=r.text("journal", None),
        subject=r.text("subject", None),
        addressee=_addressee(r.data.get("addressee"), "addressee"),
        date=_optional_date(r, "date"),
        number=r.text("number") or None,
        case=r.text("case"),
        salutation=r.text("salutation") or None,
        body=r.text("body"),
        closing=r.text("closing") or None,
        reply_to_number=reply_r.text("number", None) if reply_r else "",
        reply_to_date=reply_r.date("date") if reply_r else None,
        attachments=_attachments(r.items("attachments")),
        signatory=r.text("signatory") or None,
        signature=r.text("signature", "handwritten") or "handwritten",
        executor=r.text("executor") or None,
        report=_report(r.data.get("report"), "report"),
        appendices=appendices,
    )
    check_card(card)  # before anything looks the card's text up in the database
    return card


def _addressee_json(session: Session, letter: Letter) -> dict[str, Any]:
    codes = [
        session.get(Recipient, row.recipient_id).code  # type: ignore[union-attr]
        for row in letter.addressees
        if row.recipient_id is not None
    ]
    if letter.addressee_kind == "list" and letter.distribution_list_id is not None:
        dlist = session.get(DistributionList, letter.distribution_list_id)
        return {"list": dlist.name if dlist else ""}
    if letter.addressee_kind == "recipient" and len(codes) == 1:
        return {"recipient": codes[0]}
    if letter.addressee_kind == "recipients":
        return {"recipients": codes}
    return {"text": letter.addressee_text}


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def card_to_json(session: Session, letter: Letter) -> dict[str, Any]:
    report = letter.report
    card: dict[str, Any] = {
        "journal": letter.journal.code,
        "date": letter.reg_date.isoformat(),
        "case": letter.case_index,
        "subject": letter.subject,
        "addressee": _addressee_json(session, letter),
        "salutation": letter.salutation or None,
        "body": letter.body,
        "closing": letter.closing or None,
        "reply_to": {"number": letter.reply_to_number, "date": _iso(letter.reply_to_date)}
        if letter.reply_to_number
        else None,
        "attachments": [
            {"title": a.title, "sheets": a.sheets, "copies": a.copies} for a in letter.attachments
        ],
        "signatory": letter.signatory.code if letter.signatory else None,
        "signature": letter.signature_kind,
        "executor": letter.executor.code if letter.executor else None,
        "report": {
            "due": report.due_date.isoformat(),
            "columns": report.columns,
            "rows": report.form_rows,
        }
        if report
        else None,
        "appendices": list(letter.appendices),
    }
    if letter.status == "reserved":
        card["number"] = letter.number  # `register` of this card fills the reservation
    card["registration"] = {  # read only: ignored by `register`
        "number": letter.number,
        "status": letter.status,
        "annul_reason": letter.annul_reason or None,
        "addressees_as_printed": [
            {"lines": row.addressee_lines, "salutation": row.salutation, "delivery": row.delivery}
            for row in letter.addressees
        ],
        "registered_by": letter.created_by,
        "version": letter.version,
        "sent_copies": sum(1 for row in letter.addressees if row.dispatch_state in SENT_STATES),
        "earlier_versions": len(letter.versions),
    }
    return card


def show_letter(
    db: Database, number: str, *, year: int | None = None, journal: str | None = None
) -> dict[str, Any]:
    with db.read() as session:
        return card_to_json(session, find_letter_in(session, number, year=year, journal=journal))


def letter_card(db: Database, letter_id: int) -> dict[str, Any]:
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise UserError("Письмо не найдено")
        return card_to_json(session, letter)
