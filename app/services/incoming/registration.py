"""Registering incoming letters and carrying out what they ask.

An incoming letter takes a number of an incoming journal by the same counters as an outgoing
one (``app/services/numbers/counters.py``): issued once, through crashes, restores and set-up
changes. A reply to one of our letters that asked its recipients for a report marks that
sender's report received, in the same transaction, and the two stay linked. Resolutions give
the letter to executors with a due date; it is then on control until answered or done.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules import search_terms
from app.rules.report_form import Value, read_filled_form
from app.rules.states import OUTSTANDING, Execution, LetterStatus
from app.services.access.audit_log import refuse_stale
from app.services.control.report_control import Reply, receive_in
from app.services.control.reports import control_in
from app.services.directory.recipients import organization_and_official
from app.services.files.file_store import count_pages, free_name
from app.services.files.stored_files import megabytes, open_uploads, store_stream_in, upload_size
from app.services.incoming.cards import MAX_FILES, IncomingCard, check_card
from app.services.links.replies import close_tasks_in, mark_answered
from app.services.numbers.counters import INCOMING, issue_number
from app.services.organization.profile import limit_bytes
from app.services.registry.letters import find_letter_in
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import (
    IncomingFile,
    IncomingLetter,
    Journal,
    LetterAddressee,
    Recipient,
    ReportControl,
    ReportReplyFile,
    ReportRequest,
    Staff,
)

MAX_NOTE = 20_000


class DuplicateIncoming(UserError):
    """The same sender's letter (its number and date, or its МЭДО/e-mail identifier) is
    registered already; registered again only when the clerk confirms."""

    def __init__(self, message: str, number: str) -> None:
        super().__init__(message)
        self.number = number  # ours, of the letter registered before


@dataclass(frozen=True)
class RegisteredIncoming:
    id: int
    number: str
    reg_date: dt.date
    journal: str
    report: str = ""  # what the reply did to report control, in words


def register_incoming(
    db: Database, card: IncomingCard, *, today: dt.date | None = None, again: bool = False
) -> RegisteredIncoming:
    """Register a letter received; its files are kept with it in the same transaction (a file
    that cannot be read or is over the limit uses no number). ``again``: the clerk confirmed a
    second registration of a letter registered before."""
    today = today or clock.today()
    check_card(card, today)
    pages = [count_pages(p) for p in card.files]
    form = reply_form(db, card) if card.reply_to.strip() else None
    with open_uploads(card.files) as opened:
        sources = [(p.name, source) for p, source in zip(card.files, opened, strict=True)]
        search_terms.ready()  # the dictionary loaded before the lock is taken
        with db.write() as session:
            return register_in(session, card, sources, pages, today=today, again=again, form=form)


@dataclass(frozen=True)
class ReplyForm:
    """The report form a reply carries, read before the write: its rows, or why not."""

    rows: list[list[Value]]
    name: str = ""  # the file the rows came from
    problem: str = ""  # a form that could not be read: the registration goes on, this is said


def reply_form(db: Database, card: IncomingCard) -> ReplyForm | None:
    """The rows of the report form attached to a reply to our letter that asked for a report
    (the first XLSX among its files whose header is the form's), read with the same cell checks
    as «Получен отчет»; None when the letter asked for no report or no XLSX is attached."""
    with db.read() as session:
        letter = find_letter_in(session, card.reply_to.strip(), year=card.reply_to_year)
        request = session.scalars(
            select(ReportRequest).where(ReportRequest.letter_id == letter.id)
        ).first()
        columns = list(request.columns) if request is not None else []
    sheets = [p for p in card.files if p.suffix.lower() == ".xlsx"]
    if not columns or not sheets:
        return None
    problems = []
    for path in sheets:
        try:
            return ReplyForm(read_filled_form(path, columns).rows, path.name)
        except UserError as exc:
            problems.append(str(exc))
    return ReplyForm([], problem="; ".join(problems))


def _incoming_journal(session: Session, code: str) -> Journal:
    journal = session.scalars(select(Journal).where(Journal.code == code)).first()
    if journal is None:
        raise UserError(f"Журнал с кодом «{code}» не найден")
    if journal.kind != INCOMING:
        raise UserError(
            f"Журнал «{code}» — журнал исходящих; входящее письмо в нем не регистрируется"
        )
    if not journal.active:
        raise UserError(f"Журнал «{code}» закрыт")
    return journal


def _sender(session: Session, card: IncomingCard) -> tuple[Recipient | None, str]:
    if not card.sender_code.strip():
        return None, " ".join(card.sender_text.split())
    code = card.sender_code.strip()
    recipient = session.scalars(select(Recipient).where(Recipient.code == code)).first()
    if recipient is None:
        raise UserError(f"Отправитель с кодом «{code}» не найден в справочнике")
    return recipient, card.sender_text.strip() or organization_and_official(recipient)


def _refuse_duplicate(
    session: Session, card: IncomingCard, sender: Recipient | None, text: str
) -> None:
    """The same sender's number and date (or the same МЭДО / e-mail identifier) once only."""
    if card.uid:
        before = session.scalars(
            select(IncomingLetter).where(IncomingLetter.uid == card.uid).limit(1)
        ).first()
        if before is not None:
            raise DuplicateIncoming(
                f"Это письмо уже зарегистрировано: № {before.number} от {date_ru(before.reg_date)}",
                before.number,
            )
    number = card.sender_number.strip()
    if not number:
        return
    same = session.scalars(
        select(IncomingLetter)
        .where(
            IncomingLetter.sender_number == number,
            IncomingLetter.sender_date == card.sender_date,
            IncomingLetter.status == LetterStatus.REGISTERED,
        )
        .order_by(IncomingLetter.id)
    ).all()
    for before in same:
        if (sender is not None and before.sender_id == sender.id) or (
            sender is None and before.sender_text.casefold() == text.casefold()
        ):
            dated = f" от {date_ru(card.sender_date)}" if card.sender_date else ""
            raise DuplicateIncoming(
                f"Письмо «{text}» № {number}{dated} уже зарегистрировано: № {before.number} "
                f"от {date_ru(before.reg_date)}. Зарегистрировать его еще раз?",
                before.number,
            )


def register_in(
    session: Session,
    card: IncomingCard,
    sources: list[tuple[str, BinaryIO]],
    pages: list[int],
    *,
    today: dt.date,
    again: bool = False,
    form: ReplyForm | None = None,
    titles: list[str] | None = None,
) -> RegisteredIncoming:
    """The write part of :func:`register_incoming`, inside an open transaction; ``titles``:
    what the sender called each file (a МЭДО attachment's description)."""
    check_card(card, today)
    journal = _incoming_journal(session, card.journal.strip())
    sender, text = _sender(session, card)
    if not again:
        _refuse_duplicate(session, card, sender, text)
    received = card.date or today
    issued = issue_number(session, journal, received)
    row = IncomingLetter(
        journal_id=journal.id,
        journal=journal,
        period_key=issued.period_key,
        seq=issued.seq,
        number=issued.number,
        reg_date=received,
        sender_id=sender.id if sender else None,
        sender_text=text,
        sender_number=card.sender_number.strip(),
        sender_date=card.sender_date,
        subject=card.subject.strip(),
        delivery=card.delivery,
        pages=card.pages,
        note=card.note.strip(),
        uid=card.uid,
        created_by=audit.os_user(),
    )
    session.add(row)
    session.flush()
    stored = store_files_in(session, row, sources, pages, titles)
    audit.record(
        session,
        "incoming",
        row.id,
        "registered",
        number=row.number,
        journal=journal.code,
        sender=text,
        sender_number=row.sender_number,
        sender_date=row.sender_date.isoformat() if row.sender_date else "",
        files=[f.name for f in stored],
    )
    report = _answer_to(session, row, card, stored, today, form) if card.reply_to.strip() else ""
    return RegisteredIncoming(row.id, row.number, row.reg_date, journal.code, report)


@dataclass(frozen=True)
class ReceivedFile:
    """A file that came with a letter (in a МЭДО package, an e-mail), read and measured."""

    name: str
    data: bytes
    pages: int
    title: str = ""  # what the sender called it


def received_file(name: str, data: bytes, title: str = "") -> ReceivedFile:
    """The file with its pages counted: done before the write transaction, not inside it."""
    return ReceivedFile(name, data, count_pages(Path(name), data), title)


def register_read_in(
    session: Session,
    card: IncomingCard,
    files: list[ReceivedFile],
    *,
    today: dt.date,
    again: bool = False,
) -> RegisteredIncoming:
    """:func:`register_in` for a letter whose files are already read and measured."""
    sources: list[tuple[str, BinaryIO]] = [(f.name, io.BytesIO(f.data)) for f in files]
    return register_in(
        session, card, sources, [f.pages for f in files], today=today, again=again,
        titles=[f.title for f in files],
    )  # fmt: skip


def store_files_in(
    session: Session,
    row: IncomingLetter,
    sources: list[tuple[str, BinaryIO]],
    pages: list[int],
    titles: list[str] | None = None,
) -> list[IncomingFile]:
    limit = limit_bytes(session)
    taken = set(
        session.scalars(select(IncomingFile.name).where(IncomingFile.incoming_id == row.id))
    )
    out = []
    for (name, source), count, title in zip(
        sources, pages, titles or [""] * len(sources), strict=True
    ):
        if upload_size(source) > limit:
            raise UserError(f"{name}: файл больше допустимых {megabytes(limit)}")
        name = free_name(taken, name)
        taken.add(name)
        stored = store_stream_in(session, name, source, limit=limit)
        out.append(
            IncomingFile(
                incoming_id=row.id, file_id=stored.id, name=name, pages=count, title=title[:300]
            )
        )
    session.add_all(out)
    session.flush()
    return out


def _answer_to(
    session: Session,
    row: IncomingLetter,
    card: IncomingCard,
    files: list[IncomingFile],
    today: dt.date,
    form: ReplyForm | None = None,
) -> str:
    """Link the reply to our letter; when that letter asked the sender for a report that is
    still awaited, mark it received with this letter's number, date and files."""
    letter = find_letter_in(session, card.reply_to.strip(), year=card.reply_to_year)
    if row.sender_date is not None and row.sender_date < letter.reg_date:
        raise UserError(
            f"Письмо отправителя от {date_ru(row.sender_date)} раньше нашего письма "
            f"№ {letter.number} от {date_ru(letter.reg_date)} — ответом на него оно быть не может"
        )
    row.reply_to_id = letter.id
    asked = session.scalar(select(ReportRequest.id).where(ReportRequest.letter_id == letter.id))
    if asked is None or row.sender_id is None:
        return ""
    control_id = session.scalar(
        select(ReportControl.id)
        .join(LetterAddressee, LetterAddressee.id == ReportControl.addressee_id)
        .where(
            LetterAddressee.letter_id == letter.id, LetterAddressee.recipient_id == row.sender_id
        )
    )
    control = session.get(ReportControl, control_id) if control_id is not None else None
    if control is None:
        return ""
    state = control_in(session, letter.id, today=today)
    if state.closed or control.state not in OUTSTANDING:
        return ""
    reply = Reply(
        incoming_number=row.sender_number or row.number,
        reply_date=row.sender_date or row.reg_date,
        received_date=row.reg_date,
    )
    rows = form.rows if form is not None else []
    receive_in(session, letter.id, control.id, reply, rows, [], today)
    control.incoming_id = row.id
    control.files = [ReportReplyFile(position=i, file_id=f.file_id) for i, f in enumerate(files)]
    session.flush()
    said = f"отчет по письму № {letter.number} отмечен полученным"
    if form is not None and form.problem:
        return f"{said}; строки отчетной формы не прочитаны: {form.problem}"
    if rows:
        return f"{said}, строк отчетной формы: {len(rows)} ({form.name if form else ''})"
    return said


# --- corrections ------------------------------------------------------------------------------


def update_incoming(
    db: Database,
    incoming_id: int,
    card: IncomingCard,
    *,
    version: int = 0,
    today: dt.date | None = None,
) -> None:
    """Correct what was registered: the sender, their number and date, the heading, how it
    came, the pages and the note. The number, its journal and the received date stay (a number
    is issued once); ``version``: the card as the clerk read it (0: not compared)."""
    today = today or clock.today()
    with db.write() as session:
        row = registered_in(session, incoming_id)
        refuse_stale(session, "incoming", row, version, f"Входящее № {row.number}")
        card.journal, card.date = row.journal.code, row.reg_date
        check_card(card, today)
        sender, text = _sender(session, card)
        row.sender_id = sender.id if sender else None
        row.sender_text = text
        row.sender_number = card.sender_number.strip()
        row.sender_date = card.sender_date
        row.subject = card.subject.strip()
        row.delivery = card.delivery
        row.pages = card.pages
        row.note = card.note.strip()
        changes = audit.changes_of(row)
        session.flush()
        if changes:
            audit.record(session, "incoming", row.id, "edited", number=row.number, changes=changes)


def attach_to_incoming(db: Database, incoming_id: int, files: list[Path]) -> list[str]:
    """Files that came after the registration (the scan of the paper original), kept with the
    letter in one transaction; the names they were kept under."""
    if not files:
        raise UserError("Укажите файлы")
    if len(files) > MAX_FILES:
        raise UserError(f"Файлов больше {MAX_FILES}")
    pages = [count_pages(p) for p in files]
    with open_uploads(files) as opened:
        sources = [(p.name, source) for p, source in zip(files, opened, strict=True)]
        with db.write() as session:
            row = registered_in(session, incoming_id)
            stored = store_files_in(session, row, sources, pages)
            names = [f.name for f in stored]
            audit.record(
                session, "incoming", row.id, "file_attached", number=row.number, files=names
            )
            return names


def annul_incoming(db: Database, incoming_id: int, reason: str, *, version: int = 0) -> None:
    """A registration made by mistake (a letter registered twice, not ours): the number stays
    in the journal, marked annulled with the reason, and the letter is off control."""
    if not reason.strip():
        raise UserError("Укажите причину аннулирования")
    if len(reason) > MAX_NOTE:
        raise UserError("Причина аннулирования длиннее 20 000 знаков")
    with db.write() as session:
        row = registered_in(session, incoming_id)
        refuse_stale(session, "incoming", row, version, f"Входящее № {row.number}")
        row.status = LetterStatus.ANNULLED
        row.execution = Execution.NONE
        row.done_note = reason.strip()
        session.flush()
        audit.record(session, "incoming", row.id, "annulled", number=row.number, reason=reason)


# --- resolutions and execution ----------------------------------------------------------------


def registered_in(session: Session, incoming_id: int) -> IncomingLetter:
    row = session.get(IncomingLetter, incoming_id)
    if row is None:
        raise UserError("Входящее письмо не найдено")
    if row.status != LetterStatus.REGISTERED:
        raise UserError(f"Входящее № {row.number} аннулировано")
    return row


def executor_in(session: Session, code: str) -> Staff:
    """An active member of the staff by their code."""
    person = session.scalars(select(Staff).where(Staff.code == code)).first()
    if person is None:
        raise UserError(f"Сотрудник с кодом «{code}» не найден")
    if not person.active:
        raise UserError(f"Сотрудник «{code}» больше не работает")
    return person


def complete_incoming(
    db: Database,
    incoming_id: int,
    *,
    reply: str | None = None,
    reply_year: int | None = None,
    note: str = "",
    case: str = "",
    today: dt.date | None = None,
) -> str:
    """The letter executed: answered by our outgoing letter ``reply``, or done otherwise (a
    note says how); it is taken off control, and filed to the case ``case`` when one is given
    (in the same transaction). The state's label."""
    today = today or clock.today()
    with db.write() as session:
        label = complete_in(
            session, incoming_id, reply=reply, reply_year=reply_year, note=note, today=today
        )
        if case.strip():
            from app.services.cases.filing import file_incoming_in

            file_incoming_in(session, incoming_id, case)
        return label


def complete_in(
    session: Session,
    incoming_id: int,
    *,
    reply: str | None,
    reply_year: int | None,
    note: str,
    today: dt.date,
) -> str:
    """The write part of :func:`complete_incoming`, inside an open transaction."""
    if len(note) > MAX_NOTE:
        raise UserError("Отметка об исполнении длиннее 20 000 знаков")
    row = registered_in(session, incoming_id)
    row.done_note = note.strip()
    if reply:
        mark_answered(session, row, find_letter_in(session, reply.strip(), year=reply_year))
        return Execution.ANSWERED.label
    row.execution = Execution.DONE
    row.done_date = today
    close_tasks_in(session, row, today)
    session.flush()
    audit.record(session, "incoming", row.id, "done", number=row.number, note=row.done_note)
    return Execution.DONE.label
