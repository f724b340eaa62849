"""The card of an incoming letter: what it is, its files, its resolutions, and what it is linked
to (the outgoing letter it answers and the report it brought; the outgoing letter that answered
it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.declension import person_dative
from app.rules.states import Execution, LetterStatus
from app.services.control.reports import recipient_name
from app.support import clock
from app.support.text import date_ru, initials_name
from db.engine import Database
from db.models import (
    IncomingFile,
    IncomingLetter,
    Letter,
    LetterAddressee,
    ReportControl,
    StoredFile,
)


@dataclass(frozen=True)
class AssignmentLine:
    executor: str
    executor_code: str
    executor_dative: str  # «поручено М.С. Старчиковой»
    responsible: bool
    task: str
    due: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class FileLine:
    id: int
    file_id: int  # the stored file
    name: str
    size: int
    pages: int
    title: str = ""  # what the sender called it (a МЭДО attachment's description)


@dataclass(frozen=True)
class LinkedLetter:
    id: int
    number: str
    reg_date: dt.date
    subject: str


@dataclass
class IncomingDetail:
    id: int
    journal: str
    number: str
    reg_date: dt.date
    status: str
    sender: str
    sender_code: str
    sender_number: str
    sender_date: dt.date | None
    subject: str
    delivery: str
    pages: int
    note: str
    uid: str  # the МЭДО package's or the e-mail's identifier ("" when registered by hand)
    execution: str
    done_date: dt.date | None
    done_note: str
    version: int
    reply_to: LinkedLetter | None = None
    answered_by: LinkedLetter | None = None
    report: str = ""  # «отчет адресата … по письму № … получен»
    assignments: list[AssignmentLine] = field(default_factory=list)
    files: list[FileLine] = field(default_factory=list)
    signature: str = ""  # the document's detached signature checked against it ("" : none came)

    @property
    def execution_label(self) -> str:
        return Execution(self.execution).label

    @property
    def overdue(self) -> bool:
        return any(a.overdue for a in self.assignments)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["execution_label"] = self.execution_label
        return _plain(out)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _linked(letter: Letter | None) -> LinkedLetter | None:
    if letter is None:
        return None
    return LinkedLetter(letter.id, letter.number, letter.reg_date, letter.subject)


def incoming_detail(
    db: Database, incoming_id: int, *, today: dt.date | None = None
) -> IncomingDetail:
    today = today or clock.today()
    with db.read() as session:
        row = session.get(IncomingLetter, incoming_id)
        assert row is not None
        on_control = row.execution == Execution.ON_CONTROL
        detail = IncomingDetail(
            id=row.id,
            journal=row.journal.code,
            number=row.number,
            reg_date=row.reg_date,
            status=row.status,
            sender=row.sender_text,
            sender_code=row.sender.code or "" if row.sender else "",
            sender_number=row.sender_number,
            sender_date=row.sender_date,
            subject=row.subject,
            delivery=row.delivery,
            pages=row.pages,
            note=row.note,
            uid=row.uid,
            execution=row.execution,
            done_date=row.done_date,
            done_note=row.done_note,
            version=row.version,
            reply_to=_linked(session.get(Letter, row.reply_to_id) if row.reply_to_id else None),
            answered_by=_linked(
                session.get(Letter, row.answered_by_id) if row.answered_by_id else None
            ),
            assignments=[
                AssignmentLine(
                    executor=initials_name(
                        a.executor.last_name, a.executor.first_name, a.executor.middle_name
                    ),
                    executor_code=a.executor.code,
                    executor_dative=person_dative(
                        a.executor.last_name, a.executor.first_name, a.executor.middle_name, ""
                    ),
                    responsible=a.responsible,
                    task=a.task,
                    due=a.due_date,
                    overdue=on_control and a.due_date is not None and a.due_date < today,
                )
                for a in row.assignments
            ],
            files=[
                FileLine(f.id, f.file_id, f.name, size, f.pages, f.title)
                for f, size in session.execute(
                    select(IncomingFile, StoredFile.size)
                    .join(StoredFile, StoredFile.id == IncomingFile.file_id)
                    .where(IncomingFile.incoming_id == row.id)
                    .order_by(IncomingFile.id)
                )
            ],
        )
        detail.signature = _signature(session, detail.files, today)
        control = session.scalars(
            select(ReportControl).where(ReportControl.incoming_id == row.id).limit(1)
        ).first()
        if control is not None:
            addressee = session.get(LetterAddressee, control.addressee_id)
            assert addressee is not None
            letter = session.get(Letter, addressee.letter_id)
            assert letter is not None
            name = recipient_name(addressee, addressee.recipient)
            detail.report = (
                f"Отчет адресата «{name}» по письму № {letter.number} от "
                f"{date_ru(letter.reg_date)} отмечен полученным"
            )
        return detail


def _signature(session: Session, files: list[FileLine], today: dt.date) -> str:
    """A МЭДО document's signature, kept with it, checked against it again (as stored now)."""
    from app.rules.signature_check import check_signature
    from app.services.files.stored_files import stored_pieces

    signature = next((f for f in files if f.name.lower().endswith(".sig")), None)
    document = next((f for f in files if f.name.lower().endswith(".pdf")), None)
    if signature is None or document is None:
        return ""

    def content(line: FileLine) -> bytes:
        stored = session.get(StoredFile, line.file_id)
        return b"".join(stored_pieces(session, stored)) if stored is not None else b""

    return check_signature(content(document), content(signature), today).line


def card_lines(d: IncomingDetail) -> list[str]:
    """The card as lines of text (``incoming show``, the card in the window)."""
    sender_ref = " ".join(
        p
        for p in (
            f"№ {d.sender_number}" if d.sender_number else "",
            f"от {date_ru(d.sender_date)}" if d.sender_date else "",
        )
        if p
    )
    lines = [
        f"Входящий № {d.number} от {date_ru(d.reg_date)} (журнал {d.journal})",
        *([f"АННУЛИРОВАН: {d.done_note}"] if d.status == LetterStatus.ANNULLED else []),
        f"Отправитель: {d.sender}" + (f" [{d.sender_code}]" if d.sender_code else ""),
    ]
    if sender_ref:
        lines.append(f"Исходящий отправителя: {sender_ref}")
    lines.append(f"Заголовок: {d.subject}")
    if d.delivery or d.pages:
        lines.append(
            "Доставка: "
            + ", ".join(p for p in (d.delivery, f"листов: {d.pages}" if d.pages else "") if p)
        )
    if d.uid:
        lines.append(f"Идентификатор сообщения: {d.uid}")
    if d.note:
        lines.append(f"Примечание: {d.note}")
    lines.append(f"Исполнение: {d.execution_label}" + (" — просрочено" if d.overdue else ""))
    for a in d.assignments:
        due = f", срок {date_ru(a.due)}" if a.due else ""
        lead = " (ответственный)" if a.responsible else ""
        task = f": {a.task}" if a.task else ""
        lines.append(f"  поручено {a.executor_dative}{lead}{due}{task}")
    if d.reply_to:
        lines.append(
            f"Ответ на наше письмо № {d.reply_to.number} от {date_ru(d.reply_to.reg_date)}"
        )
    if d.report:
        lines.append(d.report)
    if d.answered_by:
        lines.append(
            f"Дан ответ: письмо № {d.answered_by.number} от {date_ru(d.answered_by.reg_date)}"
        )
    elif d.done_date and d.status != LetterStatus.ANNULLED:
        lines.append(
            f"Исполнено {date_ru(d.done_date)}" + (f": {d.done_note}" if d.done_note else "")
        )
    if d.signature:
        lines.append(d.signature)
    for f in d.files:
        pages = f", листов: {f.pages}" if f.pages else ""
        size = f"{f.size:,}".replace(",", "\u00a0")
        lines.append(f"  файл: {f.name} ({size} байт{pages})")
    return lines
