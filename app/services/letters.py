"""Registration of outgoing letters and the registry listing.

A number is issued by incrementing the journal's counter row inside the write transaction
(``BEGIN IMMEDIATE`` on SQLite, a row lock on PostgreSQL), so concurrent clerks never get the same
number and a rolled-back registration never leaves a used number behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.errors import UserError
from app.numbering import format_number, parse_template, period_key
from app.text import initials_name, normalize, search_blob
from db.engine import Database
from db.models import (
    DistributionList,
    Journal,
    JournalCounter,
    Letter,
    LetterAddressee,
    LetterAttachment,
    Recipient,
    ReportControl,
    ReportRequest,
    Staff,
)

STATUS_LABELS = {
    "reserved": "Зарезервирован",
    "registered": "Зарегистрировано",
    "annulled": "Аннулировано",
    "cancelled": "Резерв отменен",
}
DELIVERY_STATE_LABELS = {
    "not_sent": "Не отправлено",
    "partly_sent": "Отправлено частично",
    "sent": "Отправлено",
}
COLLECTIVE_SALUTATION = "Уважаемые коллеги!"
BY_LIST = "По списку рассылки"
MAX_PRINTED_ADDRESSEES = 4


@dataclass
class AttachmentData:
    title: str
    sheets: int = 1
    copies: int = 1


@dataclass
class ReportData:
    due: dt.date
    columns: list[str] = field(default_factory=list)
    rows: int = 2


@dataclass
class Addressee:
    """Exactly one of the fields is set (data-formats §3 ``addressee``)."""

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
    case: str = ""
    salutation: str | None = None
    body: str = ""
    closing: str | None = None
    reply_to_number: str = ""
    reply_to_date: dt.date | None = None
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


@dataclass(frozen=True)
class LetterRow:
    """One line of the registry table."""

    id: int
    number: str
    reg_date: dt.date
    status: str
    addressee: str
    subject: str
    signatory: str
    executor: str
    delivery_state: str
    report_due: dt.date | None
    reports_received: int
    reports_total: int


@dataclass
class LetterQuery:
    search: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    journal: str | None = None
    status: str | None = None


# --- numbering ----------------------------------------------------------------------------


def next_seq(session: Session, journal: Journal, key: str, *, at_least: int = 0) -> int:
    """Take the next sequence number of a journal period; ``at_least`` moves the counter up."""
    dialect = session.get_bind().dialect.name
    values = {"journal_id": journal.id, "period_key": key, "last_seq": 0}
    stmt = (
        pg_insert(JournalCounter) if dialect == "postgresql" else sqlite_insert(JournalCounter)
    ).values(**values)
    if dialect in ("postgresql", "sqlite"):
        session.execute(stmt.on_conflict_do_nothing())
    elif _counter_missing(session, journal, key):
        session.execute(insert(JournalCounter).values(**values))
    new_value = JournalCounter.last_seq + 1
    if at_least:
        bigger = func.greatest if dialect == "postgresql" else func.max
        new_value = bigger(new_value, at_least)
    seq = session.execute(
        update(JournalCounter)
        .where(JournalCounter.journal_id == journal.id, JournalCounter.period_key == key)
        .values(last_seq=new_value)
        .returning(JournalCounter.last_seq)
    ).scalar_one()
    return int(seq)


def _counter_missing(session: Session, journal: Journal, key: str) -> bool:
    return (
        session.scalar(
            select(func.count(JournalCounter.id)).where(
                JournalCounter.journal_id == journal.id, JournalCounter.period_key == key
            )
        )
        == 0
    )


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


def register_in(
    session: Session, card: LetterCard, *, today: dt.date | None = None, seq: int | None = None
) -> RegisteredLetter:
    """Register a letter inside an open write transaction.

    ``seq`` registers under a given sequence number (a journal brought over from paper or Excel);
    the counter then continues after it.
    """
    if not card.subject.strip():
        raise UserError("Не указан заголовок письма")
    journal = _journal(session, card.journal)
    date = card.date or today or dt.date.today()
    template = parse_template(journal.template)
    kind, printed, rows, dlist = _resolve_addressees(session, card)
    corr = ""
    if kind == "recipient" and rows[0].recipient_id is not None:
        corr = session.get(Recipient, rows[0].recipient_id).code or ""  # type: ignore[union-attr]
    key = period_key(date, journal.period)
    number_seq = next_seq(session, journal, key, at_least=seq or 0)
    if seq is not None and number_seq != seq:
        raise UserError(f"Журнал «{journal.code}»: номер {seq} за период {key} уже выдан")
    number = format_number(
        template, number_seq, date, case=card.case, dept=journal.department, corr=corr
    )
    salutation = card.salutation or (
        rows[0].salutation if kind == "recipient" and rows[0].salutation else COLLECTIVE_SALUTATION
    )
    signatory = _staff(session, card.signatory, "Подписант")
    executor = _staff(session, card.executor, "Исполнитель")
    letter = Letter(
        journal_id=journal.id,
        period_key=key,
        seq=number_seq,
        number=number,
        reg_date=date,
        status="registered",
        case_index=card.case,
        department=journal.department,
        correspondent=corr,
        subject=card.subject,
        body=card.body,
        closing=card.closing or "",
        addressee_kind=kind,
        addressee_text=printed,
        salutation=salutation,
        distribution_list_id=dlist.id if dlist else None,
        reply_to_number=card.reply_to_number,
        reply_to_date=card.reply_to_date,
        signatory_id=signatory.id if signatory else None,
        signature_kind=card.signature,
        executor_id=executor.id if executor else None,
        appendices=list(card.appendices),
        created_by=audit.os_user(),
        search_norm=search_blob(number, card.subject, printed, card.body),
    )
    for pos, row in enumerate(rows):
        row.position = pos
        letter.addressees.append(row)
    for pos, att in enumerate(card.attachments):
        letter.attachments.append(
            LetterAttachment(position=pos, title=att.title, sheets=att.sheets, copies=att.copies)
        )
    if card.report is not None:
        letter.report = ReportRequest(
            due_date=card.report.due, columns=list(card.report.columns), form_rows=card.report.rows
        )
        for row in letter.addressees:
            row.control = ReportControl(state="expected")
    session.add(letter)
    session.flush()
    audit.record(session, "letter", letter.id, "registered", number=number, date=date.isoformat())
    return RegisteredLetter(letter.id, number, date, journal.code)


def register_letter(
    db: Database, card: LetterCard, *, today: dt.date | None = None, seq: int | None = None
) -> RegisteredLetter:
    with db.write() as session:
        return register_in(session, card, today=today, seq=seq)


# --- registry listing ---------------------------------------------------------------------


def _filters(query: LetterQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.search.strip():
        for word in normalize(query.search).split():
            conditions.append(Letter.search_norm.contains(word, autoescape=True))
    if query.date_from:
        conditions.append(Letter.reg_date >= query.date_from)
    if query.date_to:
        conditions.append(Letter.reg_date <= query.date_to)
    if query.journal:
        conditions.append(Letter.journal.has(Journal.code == query.journal))
    if query.status:
        conditions.append(Letter.status == query.status)
    return conditions


def count_letters(db: Database, query: LetterQuery | None = None) -> int:
    with db.read() as session:
        stmt = select(func.count(Letter.id)).where(and_(True, *_filters(query or LetterQuery())))
        return int(session.scalar(stmt) or 0)


def list_letters(
    db: Database, query: LetterQuery | None = None, *, offset: int = 0, limit: int = 200
) -> list[LetterRow]:
    """One page of the registry, newest first."""
    with db.read() as session:
        letters = session.scalars(
            select(Letter)
            .options(selectinload(Letter.signatory), selectinload(Letter.executor))
            .where(and_(True, *_filters(query or LetterQuery())))
            .order_by(Letter.reg_date.desc(), Letter.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        progress = _report_progress(session, [letter.id for letter in letters])
        return [_letter_row(letter, progress.get(letter.id)) for letter in letters]


def _report_progress(session: Session, ids: list[int]) -> dict[int, tuple[dt.date, int, int]]:
    if not ids:
        return {}
    received = func.sum(case((ReportControl.state.in_(("received", "closed")), 1), else_=0))
    stmt = (
        select(ReportRequest.letter_id, ReportRequest.due_date, received, func.count())
        .join(LetterAddressee, LetterAddressee.letter_id == ReportRequest.letter_id)
        .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
        .where(ReportRequest.letter_id.in_(ids))
        .group_by(ReportRequest.letter_id, ReportRequest.due_date)
    )
    return {lid: (due, int(got or 0), int(total)) for lid, due, got, total in session.execute(stmt)}


def _person(staff: Staff | None) -> str:
    if staff is None:
        return ""
    return initials_name(staff.last_name, staff.first_name, staff.middle_name)


def _letter_row(letter: Letter, progress: tuple[dt.date, int, int] | None) -> LetterRow:
    due, got, total = progress if progress else (None, 0, 0)
    return LetterRow(
        id=letter.id,
        number=letter.number,
        reg_date=letter.reg_date,
        status=letter.status,
        addressee=letter.addressee_text.replace("\n\n", "; ").replace("\n", " "),
        subject=letter.subject,
        signatory=_person(letter.signatory),
        executor=_person(letter.executor),
        delivery_state=letter.delivery_state,
        report_due=due,
        reports_received=got,
        reports_total=total,
    )
