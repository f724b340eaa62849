"""Registration of outgoing letters: register, reserve, cancel, annul, edit.

A number is issued by incrementing the journal's counter row inside the write transaction
(``BEGIN IMMEDIATE`` on SQLite, a row lock on PostgreSQL), so concurrent clerks never get the same
number and a rolled-back registration never leaves a used number behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules import search_terms
from app.rules.attachment_lines import bounds_problem
from app.rules.declension import salutation_or_collective
from app.rules.field_rules import MAX_BODY, MAX_TEXT, check_text, refuse, text_problem
from app.rules.letter_body import plain_text
from app.rules.letter_layout import BY_LIST
from app.rules.numbering import format_number, parse_template, period_key
from app.rules.states import ControlState, CopyState, DeliveryState, LetterStatus, labels
from app.services.access.audit_log import refuse_stale
from app.services.files.file_store import count_pages, store_letter_file_in
from app.services.files.stored_files import open_uploads
from app.services.links.replies import find_incoming_in, mark_answered
from app.services.numbers.counters import INCOMING, issue_number
from app.services.numbers.finding import find_numbered_in
from app.services.organization.profile import limit_bytes
from app.storage import audit
from app.storage.field_limits import problems_of
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import (
    DistributionList,
    IncomingLetter,
    Journal,
    JournalCounter,
    Letter,
    LetterAddressee,
    LetterAttachment,
    LetterVersion,
    Recipient,
    ReportControl,
    ReportRequest,
    Staff,
)

STATUS_LABELS = labels(LetterStatus)
DELIVERY_STATE_LABELS = labels(DeliveryState)  # the letter's state, from its copies
SIGNATURE_KINDS = ("handwritten", "electronic")
AUDITED_FIELDS = (
    "subject",
    "body",
    "closing",
    "addressee_text",
    "salutation",
    "signatory_id",
    "executor_id",
    "signature_kind",
    "reply_to_number",
    "reply_to_date",
)
MAX_PRINTED_ADDRESSEES = 4


@dataclass
class AttachmentData:
    title: str
    sheets: int = 1
    copies: int = 1
    file: Path | None = None  # its file, kept with the letter when it is registered


@dataclass
class ReportData:
    due: dt.date
    columns: list[str] = field(default_factory=list)
    rows: int = 2


@dataclass
class Addressee:
    """Exactly one of the fields is set (docs/data-formats.md §3 ``addressee``)."""

    recipient: str | None = None
    recipients: list[str] | None = None
    list: str | None = None
    text: str | None = None


@dataclass
class LetterCard:
    journal: str
    subject: str
    addressee: Addressee
    date: dt.date | None = None
    number: str | None = None  # a reserved number to register into
    case: str = ""
    salutation: str | None = None
    body: str = ""  # as stored: light markup or a rich body (app.rules.letter_body)
    closing: str | None = None
    reply_to_number: str = ""
    reply_to_date: dt.date | None = None
    # our number of the incoming letter it answers: «На № …» printed from that letter
    reply_to_incoming: str = ""
    reply_to_incoming_year: int | None = None
    attachments: list[AttachmentData] = field(default_factory=list)
    signatory: str | None = None
    signature: str = "handwritten"
    executor: str | None = None
    report: ReportData | None = None
    appendices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RegisteredLetter:
    id: int
    number: str
    date: dt.date
    journal: str


# --- registration -------------------------------------------------------------------------


def _by_code(session: Session, model: type, code: str, what: str) -> object:
    row = session.scalars(select(model).where(model.code == code)).first()  # type: ignore[attr-defined]
    if row is None:
        raise UserError(f"{what} с кодом «{code}» не найден")
    return row


def _journal(session: Session, code: str) -> Journal:
    row = _by_code(session, Journal, code, "Журнал")
    assert isinstance(row, Journal)
    if not row.active:
        raise UserError(f"Журнал «{code}» закрыт")
    if row.kind == INCOMING:
        raise UserError(
            f"Журнал «{code}» — журнал входящих; исходящее письмо в нем не регистрируется"
        )
    return row


def _staff(session: Session, code: str | None, what: str) -> Staff | None:
    if not code:
        return None
    row = _by_code(session, Staff, code, what)
    assert isinstance(row, Staff)
    return row


def _recipient(session: Session, code: str) -> Recipient:
    row = _by_code(session, Recipient, code, "Адресат")
    assert isinstance(row, Recipient)
    return row


def _printed_lines(recipient: Recipient) -> str:
    return recipient.addressee_lines or recipient.organization


def _resolve_addressees(
    session: Session, card: LetterCard
) -> tuple[str, str, list[LetterAddressee], DistributionList | None]:
    """(kind, printed addressee text, addressee rows, list) for a card."""
    spec = card.addressee
    if spec.text:
        return "text", spec.text, [], None
    if spec.list:
        dlist = session.scalars(
            select(DistributionList).where(DistributionList.name == spec.list)
        ).first()
        if dlist is None:
            raise UserError(f"Список рассылки «{spec.list}» не найден")
        rows = [
            _addressee_row(m.recipient, m.delivery or m.recipient.delivery) for m in dlist.members
        ]
        printed = f"{dlist.heading}\n{BY_LIST}" if dlist.heading else BY_LIST
        return "list", printed, rows, dlist
    codes = spec.recipients or ([spec.recipient] if spec.recipient else [])
    if not codes:
        raise UserError("Не указан адресат письма")
    recipients = [_recipient(session, code) for code in codes]
    rows = [_addressee_row(r, r.delivery) for r in recipients]
    if len(rows) > MAX_PRINTED_ADDRESSEES:
        return "recipients", BY_LIST, rows, None
    printed = "\n\n".join(row.addressee_lines for row in rows)
    return ("recipient" if len(rows) == 1 else "recipients"), printed, rows, None


def _addressee_row(recipient: Recipient, delivery: str) -> LetterAddressee:
    return LetterAddressee(
        recipient_id=recipient.id,
        addressee_lines=_printed_lines(recipient),
        salutation=recipient.salutation,
        delivery=delivery,
    )


def _content_of(session: Session, letter: Letter, card: LetterCard) -> None:
    """Put the card's content (everything but the registration data) on the letter."""
    if not card.subject.strip():
        raise UserError("Не указан заголовок письма")
    kind, printed, rows, dlist = _resolve_addressees(session, card)
    signatory = _staff(session, card.signatory, "Подписант")
    executor = _staff(session, card.executor, "Исполнитель")
    if card.signature not in SIGNATURE_KINDS:
        raise UserError(f"Вид подписи «{card.signature}»: допустимо handwritten или electronic")
    letter.subject = card.subject.strip()
    letter.body = card.body
    letter.closing = card.closing or ""
    letter.addressee_kind = kind
    letter.addressee_text = printed
    letter.salutation = salutation_or_collective(
        card.salutation, rows[0].salutation if kind == "recipient" else None
    )
    letter.distribution_list_id = dlist.id if dlist else None
    letter.reply_to_number = card.reply_to_number
    letter.reply_to_date = card.reply_to_date
    letter.signatory_id = signatory.id if signatory else None
    letter.signature_kind = card.signature
    letter.executor_id = executor.id if executor else None
    letter.appendices = list(card.appendices)
    _set_addressees(letter, rows)
    letter.attachments = [
        LetterAttachment(position=pos, title=a.title, sheets=a.sheets, copies=a.copies)
        for pos, a in enumerate(card.attachments)
    ]
    _set_report(letter, card.report)


def _set_addressees(letter: Letter, rows: list[LetterAddressee]) -> None:
    """On an edit, recipients that stay keep their row: what was printed, sent and replied."""
    kept = {row.recipient_id: row for row in letter.addressees if row.recipient_id is not None}
    merged = [
        kept.get(row.recipient_id, row) if row.recipient_id is not None else row for row in rows
    ]
    for pos, row in enumerate(merged):
        row.position = pos
    letter.addressees = merged


def _set_report(letter: Letter, report: ReportData | None) -> None:
    if report is None:
        letter.report = None
        return
    if letter.report is None:
        letter.report = ReportRequest(due_date=report.due)
    letter.report.due_date = report.due
    letter.report.columns = list(report.columns)
    letter.report.form_rows = report.rows
    for row in letter.addressees:
        if row.control is None:
            row.control = ReportControl(state=ControlState.EXPECTED)


def correspondent_of(spec: Addressee) -> str:
    """{corr} of the number: the code of the single recipient (checked with the addressees)."""
    if spec.recipient:
        return spec.recipient
    return spec.recipients[0] if spec.recipients and len(spec.recipients) == 1 else ""


def _new_number(
    session: Session,
    journal: Journal,
    date: dt.date,
    *,
    case: str,
    corr: str,
    seq: int | None = None,
    reuse: bool = False,
) -> Letter:
    """A letter row holding a freshly issued number (status still to be set); see
    :func:`issue_number`."""
    # a typo of a case index is refused here; a number brought back keeps its index as it was
    from app.services.cases.filing import case_for_number_in  # not at start-up (bench)

    filed = case_for_number_in(session, case, date, strict=not reuse)
    issued = issue_number(session, journal, date, case=case, corr=corr, seq=seq, reuse=reuse)
    return Letter(
        journal_id=journal.id,
        journal=journal,
        period_key=issued.period_key,
        seq=issued.seq,
        number=issued.number,
        reg_date=date,
        case_index=case,
        department=journal.department,
        correspondent=corr,
        created_by=audit.os_user(),
        case_id=filed.id if filed is not None else None,
        filed_on=date if filed is not None else None,
        filed_by=audit.os_user() if filed is not None else "",
    )


_CARD_LIMITS = {  # card fields that are not columns of the letter under the same name
    "journal": 32,
    "number": 100,
    "case": 50,
    "signatory": 64,
    "executor": 64,
    "signature": 20,
    "body": MAX_BODY,
}


def check_card(card: LetterCard) -> None:
    """Characters and lengths of everything the card gives (``app.rules.field_rules``): a CR/LF in
    a case index would become part of the number and of every file that carries it."""
    problems = problems_of(card, Letter, multiline=("body",), extra_limits=_CARD_LIMITS)
    spec = card.addressee
    if spec.text and (p := text_problem(spec.text, "адресат", limit=MAX_TEXT, multiline=True)):
        problems.append(p)
    for code in [spec.recipient or "", *(spec.recipients or [])]:
        if p := text_problem(code, "код адресата", limit=64):
            problems.append(p)
    if spec.list and (p := text_problem(spec.list, "список рассылки", limit=200)):
        problems.append(p)
    for n, item in enumerate(card.attachments, 1):
        if p := text_problem(item.title, f"приложение {n}", limit=500):
            problems.append(p)
        if p := bounds_problem(item.sheets, item.copies):
            problems.append(f"приложение {n}: {p}")
    refuse(problems, "Карточка письма")


def register_in(
    session: Session,
    card: LetterCard,
    *,
    today: dt.date | None = None,
    seq: int | None = None,
    reuse: bool = False,
) -> RegisteredLetter:
    """Register a letter inside an open write transaction.

    With ``card.number`` the letter is registered into that reserved number. ``seq`` registers
    under a given sequence number (a journal brought over from paper or Excel); the counter then
    continues after it.
    """
    check_card(card)
    journal = _journal(session, card.journal)
    answered = _answered_incoming(session, card) if card.reply_to_incoming else None
    if card.number:
        letter = _reserved(session, journal, card.number)
        if card.date and period_key(card.date, journal.period) != letter.period_key:
            raise UserError(
                f"Номер {card.number} зарезервирован на {date_ru(letter.reg_date)}; "
                "дата регистрации должна быть в том же периоде нумерации"
            )
        letter.reg_date = card.date or letter.reg_date
    else:
        date = card.date or today or clock.today()
        corr = correspondent_of(card.addressee)
        letter = _new_number(
            session, journal, date, case=card.case, corr=corr, seq=seq, reuse=reuse
        )
        session.add(letter)
    _content_of(session, letter, card)
    letter.status = LetterStatus.REGISTERED
    session.flush()
    audit.record(
        session,
        "letter",
        letter.id,
        LetterStatus.REGISTERED,  # the audit action is named after the status it gives
        number=letter.number,
        date=letter.reg_date.isoformat(),
        reserved=bool(card.number),
    )
    if answered is not None:
        mark_answered(session, answered, letter)
    return RegisteredLetter(letter.id, letter.number, letter.reg_date, journal.code)


def _answered_incoming(session: Session, card: LetterCard) -> IncomingLetter:
    """The incoming letter the card answers; its sender's number and date go to «На № … от …»."""
    incoming = find_incoming_in(session, card.reply_to_incoming, year=card.reply_to_incoming_year)
    if not incoming.sender_number:
        raise UserError(
            f"У входящего № {incoming.number} не указан исходящий номер отправителя — "
            "строку «На № … от …» составить не из чего"
        )
    card.reply_to_number = incoming.sender_number
    card.reply_to_date = incoming.sender_date
    return incoming


def preview_row_in(session: Session, card: LetterCard) -> Letter:
    """The card on a letter row for the preview before registration: no number is issued (the
    journal's counter is not touched) and the caller rolls the transaction back."""
    journal = _journal(session, card.journal)
    letter = Letter(
        journal_id=journal.id,
        journal=journal,
        period_key="preview",
        seq=0,  # numbers start at 1: this row never meets a real one
        number="",
        reg_date=card.date or clock.today(),
        case_index=card.case,
        department=journal.department,
        correspondent="",
        created_by=audit.os_user(),
    )
    session.add(letter)
    _content_of(session, letter, card)
    session.flush()
    return letter


REQUISITES = {  # what a letter must have before a number is issued, by card field
    "subject": "заголовок",
    "addressee": "адресат",
    "signatory": "подписант",
    "body": "текст",
}


def missing_requisites(card: LetterCard, *, document: bool = False) -> dict[str, str]:
    """The requisites the card lacks, field → its name in Russian (none: ready to register);
    with a ``document`` (a letter made elsewhere) the text is the document's."""
    spec = card.addressee
    present = {
        "subject": bool(card.subject.strip()),
        "addressee": bool(spec.text or spec.list or spec.recipient or spec.recipients),
        "signatory": bool(card.signatory),
        "body": document or bool(plain_text(card.body).strip()),
    }
    return {key: REQUISITES[key] for key, ok in present.items() if not ok}


def refuse_incomplete(card: LetterCard, *, document: bool = False) -> None:
    if missing := missing_requisites(card, document=document):
        raise UserError(
            "Письмо не зарегистрировано, номер не выдан: не указан"
            f"{'ы' if len(missing) > 1 else ''} {', '.join(missing.values())}"
        )


def register_letter(
    db: Database,
    card: LetterCard,
    *,
    today: dt.date | None = None,
    seq: int | None = None,
    document: Callable[[Session, Letter], None] | None = None,
) -> RegisteredLetter:
    """A new letter from the clerk (window or CLI): refused without its requisites. The
    attachments' files the card names are kept with the letter in the same transaction: a file
    that cannot be read or is over the limit uses no number. ``document``: a letter made
    elsewhere — it stores the letter's own PDF, in the same transaction too."""
    refuse_incomplete(card, document=document is not None)
    files = [(a.title, a.file) for a in card.attachments if a.file is not None]
    pages = [count_pages(path) for _title, path in files]
    with open_uploads([path for _title, path in files], "Файл приложения") as sources:
        search_terms.ready()  # the dictionary loaded before the lock is taken
        with db.write() as session:
            registered = register_in(session, card, today=today, seq=seq)
            letter = session.get(Letter, registered.id)
            assert letter is not None
            limit = limit_bytes(session)
            for (title, path), source, count in zip(files, sources, pages, strict=True):
                store_letter_file_in(
                    session, letter, path.name, source,
                    kind="attachment", title=title, pages=count, limit=limit,
                )  # fmt: skip
            if document is not None:
                document(session, letter)
            return registered


def reserve_number(
    db: Database,
    journal_code: str,
    *,
    date: dt.date | None = None,
    case: str = "",
    note: str = "",
) -> RegisteredLetter:
    """Issue a number now for a letter whose text is not final yet."""
    check_text(case, "индекс дела", limit=50)
    check_text(note, "примечание", limit=MAX_TEXT)
    search_terms.ready()  # the dictionary loaded before the lock is taken
    with db.write() as session:
        journal = _journal(session, journal_code)
        letter = reserve_in(session, journal, date or clock.today(), case=case, note=note)
        audit.record(session, "letter", letter.id, "reserved", number=letter.number)
        return RegisteredLetter(letter.id, letter.number, letter.reg_date, journal.code)


def reserve_in(
    session: Session,
    journal: Journal,
    date: dt.date,
    *,
    case: str,
    note: str,
    seq: int | None = None,
    reuse: bool = False,
) -> Letter:
    """A reserved number's row, inside an open write transaction (``seq``/``reuse``: a
    reservation brought back after a restore under its own number)."""
    letter = _new_number(session, journal, date, case=case, corr="", seq=seq, reuse=reuse)
    letter.status = LetterStatus.RESERVED
    letter.subject = note
    session.add(letter)
    session.flush()
    return letter


def _reserved(session: Session, journal: Journal, number: str) -> Letter:
    """The reserved letter of a number, locked for this transaction: two clerks filling the
    same reservation on PostgreSQL wait for each other, and the second is told it is taken
    (SQLite serializes writers already)."""
    letters = session.scalars(
        select(Letter)
        .where(Letter.journal_id == journal.id, Letter.number == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    reserved = [x for x in letters if x.status == LetterStatus.RESERVED]
    if not reserved:
        if letters:
            raise UserError(
                f"Номер {number} журнала «{journal.code}» не зарезервирован "
                f"({STATUS_LABELS[letters[-1].status].lower()})"
            )
        raise UserError(f"Номер {number} в журнале «{journal.code}» не найден")
    return reserved[-1]


def find_letter_in(
    session: Session, number: str, *, year: int | None = None, journal: str | None = None
) -> Letter:
    """The letter with a number; numbers restart each period, so a year may be needed."""
    return find_numbered_in(session, Letter, number, year=year, journal=journal)


def letter_id_by_number(
    db: Database, number: str, *, year: int | None = None, journal: str | None = None
) -> int:
    with db.read() as session:
        return find_letter_in(session, number, year=year, journal=journal).id


def _letter(session: Session, letter_id: int, version: int = 0) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise UserError("Письмо не найдено")
    refuse_stale(session, "letter", letter, version, f"Письмо № {letter.number}")
    return letter


def annul_letter(db: Database, letter_id: int, reason: str) -> str:
    """Annul a registered letter; its number stays in the journal with the mark and reason."""
    if not reason.strip():
        raise UserError("Укажите причину аннулирования")
    with db.write() as session:
        letter = _letter(session, letter_id)
        if letter.status not in (LetterStatus.REGISTERED, LetterStatus.RESERVED):
            raise UserError(f"Письмо № {letter.number} уже {STATUS_LABELS[letter.status].lower()}")
        letter.status = LetterStatus.ANNULLED
        letter.annul_reason = reason.strip()
        audit.record(
            session, "letter", letter.id, "annulled", number=letter.number, reason=reason.strip()
        )
        return letter.number


def cancel_reservation(db: Database, letter_id: int, reason: str = "") -> str:
    """Cancel a reserved number; it stays visible in the journal as a cancelled reservation."""
    with db.write() as session:
        letter = _letter(session, letter_id)
        if letter.status != LetterStatus.RESERVED:
            raise UserError(f"Номер {letter.number} не зарезервирован")
        letter.status = LetterStatus.CANCELLED
        letter.annul_reason = reason.strip()
        audit.record(
            session,
            "letter",
            letter.id,
            "reservation_cancelled",
            number=letter.number,
            reason=reason,
        )
        return letter.number


def update_letter(
    db: Database, letter_id: int, card: LetterCard, *, version: int, reason: str = ""
) -> None:
    """Edit a registered letter's content; number and date stay (see change_registration).

    Once copies were prepared or sent, the content is frozen: a change needs ``reason``, the
    previous content is kept as a :class:`LetterVersion`, and the copies that went out are
    marked «изменено после отправки».
    """
    check_card(card)
    search_terms.ready()  # the dictionary loaded before the lock is taken
    with db.write() as session:
        letter = _letter(session, letter_id, version)
        if letter.status != LetterStatus.REGISTERED:
            raise UserError(
                f"Письмо № {letter.number} {STATUS_LABELS[letter.status].lower()}; "
                "изменять можно только зарегистрированное письмо"
            )
        before = {k: getattr(letter, k) for k in AUDITED_FIELDS}
        previous = content_snapshot(letter)
        sent = [row for row in letter.addressees if row.dispatch_state in SENT_STATES]
        _content_of(session, letter, card)
        changed = {
            k: [str(before[k]), str(getattr(letter, k))]
            for k in AUDITED_FIELDS
            if before[k] != getattr(letter, k)
        }
        action = "edited"
        if sent and (changed or content_snapshot(letter) != previous):
            if not reason.strip():
                raise UserError(
                    f"Письмо № {letter.number} уже отправлено (копий: {len(sent)}); укажите "
                    "причину изменения — прежняя редакция сохранится в карточке"
                )
            session.add(
                LetterVersion(
                    letter_id=letter.id,
                    saved_by=audit.os_user(),
                    reason=reason.strip(),
                    content=previous,
                )
            )
            for row in sent:
                row.changed_after_dispatch = True
            action = "edited_after_dispatch"
        audit.record(
            session,
            "letter",
            letter.id,
            action,
            number=letter.number,
            reason=reason.strip(),
            changes=changed,
        )


# a copy that left, or is ready to leave
SENT_STATES = (CopyState.PREPARED, CopyState.SENT, CopyState.DELIVERED)


def content_snapshot(letter: Letter) -> dict[str, Any]:
    """What a letter says, as kept for an earlier version (the registration data stays)."""
    return {
        "subject": letter.subject,
        "addressee": letter.addressee_text,
        "salutation": letter.salutation,
        "body": letter.body,
        "closing": letter.closing,
        "signatory": letter.signatory.code if letter.signatory else None,
        "executor": letter.executor.code if letter.executor else None,
        "signature": letter.signature_kind,
        "reply_to": letter.reply_to_number,
        "attachments": [
            {"title": a.title, "sheets": a.sheets, "copies": a.copies} for a in letter.attachments
        ],
    }


@dataclass(frozen=True)
class EarlierVersion:
    saved_at: dt.datetime  # local time
    saved_by: str
    reason: str
    content: dict[str, Any]


def letter_versions(db: Database, letter_id: int) -> list[EarlierVersion]:
    """The letter's earlier versions, newest first."""
    with db.read() as session:
        rows = session.scalars(
            select(LetterVersion)
            .where(LetterVersion.letter_id == letter_id)
            .order_by(LetterVersion.id.desc())
        )
        return [
            EarlierVersion(
                clock.local_time(v.saved_at),
                v.saved_by,
                v.reason,
                dict(v.content),
            )
            for v in rows
        ]


def change_registration(
    db: Database, letter_id: int, *, date: dt.date, version: int, reason: str
) -> str:
    """«Изменить регистрационные данные»: move the date within its numbering period."""
    if not reason.strip():
        raise UserError("Укажите причину изменения регистрационных данных")
    search_terms.ready()  # the dictionary loaded before the lock is taken
    with db.write() as session:
        letter = _letter(session, letter_id, version)
        if period_key(date, letter.journal.period) != letter.period_key:
            raise UserError(
                f"Дата {date_ru(date)} вне периода нумерации {letter.period_key}; "
                "аннулируйте письмо и зарегистрируйте его заново"
            )
        old = letter.reg_date
        letter.reg_date = date
        template = parse_template(letter.journal.template)
        letter.number = format_number(
            template,
            letter.seq,
            date,
            case=letter.case_index,
            dept=letter.department,
            corr=letter.correspondent,
        )
        audit.record(
            session,
            "letter",
            letter.id,
            "registration_changed",
            number=letter.number,
            old_date=old.isoformat(),
            new_date=date.isoformat(),
            reason=reason.strip(),
        )
        return letter.number


def similar_today(db: Database, card: LetterCard, *, today: dt.date | None = None) -> list[str]:
    """Numbers of letters registered the same day with the same heading and addressee."""
    date = card.date or today or clock.today()
    with db.read() as session:
        _kind, printed, _rows, _list = _resolve_addressees(session, card)
        return list(
            session.scalars(
                select(Letter.number).where(
                    Letter.reg_date == date,
                    Letter.status == LetterStatus.REGISTERED,
                    Letter.subject == card.subject.strip(),
                    Letter.addressee_text == printed,
                )
            )
        )


def preview_number(
    db: Database, journal_code: str, date: dt.date, *, case: str = "", corr: str = ""
) -> str:
    """The number the next registration in this journal would get (nothing is issued)."""
    with db.read() as session:
        journal = _journal(session, journal_code)
        key = period_key(date, journal.period)
        last = session.scalar(
            select(JournalCounter.last_seq).where(
                JournalCounter.journal_id == journal.id, JournalCounter.period_key == key
            )
        )
        template = parse_template(journal.template)
        return format_number(
            template, (last or 0) + 1, date, case=case, dept=journal.department, corr=corr
        )


def journal_needs(db: Database, journal_code: str) -> frozenset[str]:
    """Which of {case}, {dept}, {corr} the journal's template uses."""
    with db.read() as session:
        return parse_template(_journal(session, journal_code).template).needs
