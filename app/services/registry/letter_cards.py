"""The letter card (docs/data-formats.md §3): what ``letters register`` reads and
``letters show --json`` prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.rules.attachment_lines import bounds_problem
from app.rules.letter_body import card_body, card_value
from app.rules.states import LetterStatus
from app.services.files.file_store import count_pages
from app.services.registry.letters import (
    SENT_STATES,
    Addressee,
    AttachmentData,
    LetterCard,
    ReportData,
    check_card,
    find_letter_in,
)
from app.support.errors import UserError
from app.support.json_input import JsonObject
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


def _attachments(items: list[Any], folder: Path | None) -> list[AttachmentData]:
    """The card's attachments; one that names its ``file`` (relative to the card's folder) takes
    its sheets from the file's pages (a PDF, a scan) unless ``sheets`` is given."""
    out = []
    for i, item in enumerate(items):
        r = JsonObject(item, f"attachments[{i}]")
        file = None
        if name := r.text("file"):
            file = Path(name) if folder is None else folder / name
        pages = count_pages(file) if file is not None else 0
        sheets, copies = r.integer("sheets", pages or 1), r.integer("copies", 1)
        if sheets is None or copies is None:
            raise UserError(f"attachments[{i}]: {bounds_problem(0, 0)}")
        if problem := bounds_problem(sheets, copies):
            raise UserError(f"attachments[{i}]: {problem}")
        out.append(AttachmentData(r.text("title", None), sheets, copies, file))
    return out


def card_from_json(data: Any, folder: Path | None = None) -> LetterCard:
    """Validate a card read from JSON; every problem names its field. ``folder``: where the card
    file lies, for the attachments' files it names."""
    r = JsonObject(data, "карточка письма")
    reply = r.data.get("reply_to")
    reply_r = JsonObject(reply, "reply_to") if reply is not None else None
    # {"incoming": "5-вх"}: the incoming letter it answers, or their {"number", "date"}
    answers = reply_r.text("incoming") if reply_r is not None else ""
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
        body=card_body(r.data.get("body")),
        closing=r.text("closing") or None,
        reply_to_number=reply_r.text("number", None) if reply_r and not answers else "",
        reply_to_date=reply_r.date("date") if reply_r and not answers else None,
        reply_to_incoming=answers,
        reply_to_incoming_year=reply_r.integer("year", None) if answers and reply_r else None,
        attachments=_attachments(r.items("attachments"), folder),
        signatory=r.text("signatory") or None,
        signature=r.text("signature", "handwritten") or "handwritten",
        executor=r.text("executor") or None,
        report=_report(r.data.get("report"), "report"),
        appendices=appendices,
    )
    check_card(card)  # before anything looks the card's text up in the database
    return card


@dataclass(frozen=True)
class PrintedAddressee:
    """One addressee as printed at registration."""

    lines: str
    salutation: str
    delivery: str


@dataclass(frozen=True)
class Registration:
    """What registration gave the letter; read only (``register`` ignores it)."""

    number: str
    status: LetterStatus
    annul_reason: str | None
    addressees_as_printed: list[PrintedAddressee]
    registered_by: str
    version: int  # the card's version, for the optimistic lock of an edit
    sent_copies: int
    earlier_versions: int
    filed: str = ""  # «В дело № 5 (2025), 03.11.2025» (app/services/cases/filing.py)


@dataclass(frozen=True)
class LetterView:
    """A letter in the registry as its card shows it: the card (what ``register`` reads) and
    its registration."""

    card: LetterCard
    registration: Registration


def _addressee_of(session: Session, letter: Letter) -> Addressee:
    codes = [
        str(session.get(Recipient, row.recipient_id).code or "")  # type: ignore[union-attr]
        for row in letter.addressees
        if row.recipient_id is not None
    ]
    if letter.addressee_kind == "list" and letter.distribution_list_id is not None:
        dlist = session.get(DistributionList, letter.distribution_list_id)
        return Addressee(list=dlist.name if dlist else "")
    if letter.addressee_kind == "recipient" and len(codes) == 1:
        return Addressee(recipient=codes[0])
    if letter.addressee_kind == "recipients":
        return Addressee(recipients=codes)
    return Addressee(text=letter.addressee_text)


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def view_in(session: Session, letter: Letter) -> LetterView:
    from app.services.cases.filing import filing_mark_in  # a card opened, not at start-up

    report = letter.report
    card = LetterCard(
        journal=letter.journal.code,
        subject=letter.subject,
        addressee=_addressee_of(session, letter),
        date=letter.reg_date,
        number=letter.number if letter.status == LetterStatus.RESERVED else None,
        case=letter.case_index,
        salutation=letter.salutation or None,
        body=letter.body,
        closing=letter.closing or None,
        reply_to_number=letter.reply_to_number,
        reply_to_date=letter.reply_to_date,
        attachments=[AttachmentData(a.title, a.sheets, a.copies) for a in letter.attachments],
        signatory=letter.signatory.code if letter.signatory else None,
        signature=letter.signature_kind,
        executor=letter.executor.code if letter.executor else None,
        report=ReportData(report.due_date, list(report.columns), report.form_rows)
        if report
        else None,
        appendices=list(letter.appendices),
    )
    registration = Registration(
        number=letter.number,
        status=LetterStatus(letter.status),
        annul_reason=letter.annul_reason or None,
        addressees_as_printed=[
            PrintedAddressee(row.addressee_lines, row.salutation, row.delivery)
            for row in letter.addressees
        ],
        registered_by=letter.created_by,
        version=letter.version,
        sent_copies=sum(1 for row in letter.addressees if row.dispatch_state in SENT_STATES),
        earlier_versions=len(letter.versions),
        filed=filing_mark_in(session, letter.case_id, letter.filed_on),
    )
    return LetterView(card, registration)


def view_to_json(view: LetterView) -> dict[str, Any]:
    """The card as ``letters show --json`` prints it (docs/data-formats.md §3)."""
    out = letter_card_json(view.card)
    out["registration"] = {  # read only: ignored by `register`
        **asdict(view.registration),
        "status": str(view.registration.status),
    }
    return out


def letter_card_json(card: LetterCard) -> dict[str, Any]:
    """A card in the format ``letters register`` reads (no registration data)."""
    out: dict[str, Any] = {
        "journal": card.journal,
        "date": _iso(card.date),
        "case": card.case,
        "subject": card.subject,
        "addressee": {k: v for k, v in asdict(card.addressee).items() if v is not None},
        "salutation": card.salutation,
        "body": card_value(card.body),
        "closing": card.closing,
        "reply_to": {"number": card.reply_to_number, "date": _iso(card.reply_to_date)}
        if card.reply_to_number
        else None,
        "attachments": [_attachment_json(a) for a in card.attachments],
        "signatory": card.signatory,
        "signature": card.signature,
        "executor": card.executor,
        "report": {
            "due": card.report.due.isoformat(),
            "columns": card.report.columns,
            "rows": card.report.rows,
        }
        if card.report
        else None,
        "appendices": card.appendices,
    }
    if card.number:
        out["number"] = card.number  # `register` of this card fills the reservation
    return out


def card_to_json(session: Session, letter: Letter) -> dict[str, Any]:
    return view_to_json(view_in(session, letter))


def show_letter(
    db: Database, number: str, *, year: int | None = None, journal: str | None = None
) -> dict[str, Any]:
    with db.read() as session:
        return card_to_json(session, find_letter_in(session, number, year=year, journal=journal))


def letter_card(db: Database, letter_id: int) -> LetterView:
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise UserError("Письмо не найдено")
        return view_in(session, letter)


def _attachment_json(item: AttachmentData) -> dict[str, Any]:
    out: dict[str, Any] = {"title": item.title, "sheets": item.sheets, "copies": item.copies}
    if item.file is not None:
        out["file"] = str(item.file)
    return out
