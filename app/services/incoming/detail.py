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
from app.services.organization.profile import staff_name
from app.support import clock
from app.support.text import date_ru
from db.engine import Database
from db.models import (
    IncomingAssignment,
    IncomingFile,
    IncomingLetter,
    Letter,
    LetterAddressee,
    ReportControl,
    Resolution,
    StoredFile,
)


@dataclass(frozen=True)
class TaskEventLine:
    kind: str  # progress | extended | done | off_control | reminded
    day: dt.date
    person: str  # who: the executor who reported, the author who changed the term
    note: str
    old_due: dt.date | None = None
    new_due: dt.date | None = None
    file_id: int | None = None
    file_name: str = ""

    def text(self) -> str:
        who = f" {self.person}" if self.person else ""
        file = f" [{self.file_name}]" if self.file_name else ""
        note = f": {self.note}" if self.note else ""
        if self.kind == "extended":
            old = date_ru(self.old_due) if self.old_due else "без срока"
            new = date_ru(self.new_due) if self.new_due else ""
            return f"{date_ru(self.day)} срок {old} → {new}, изменил{who}{note}"
        label = {"progress": "ход исполнения", "done": "исполнено", "reminded": "напоминание",
                 "off_control": "снято с контроля"}.get(self.kind, self.kind)  # fmt: skip
        return f"{date_ru(self.day)} {label}{who}{note}{file}"


@dataclass(frozen=True)
class AssignmentLine:
    executor: str
    executor_code: str
    executor_dative: str  # «поручено М.С. Старчиковой»
    responsible: bool
    task: str
    due: dt.date | None
    overdue: bool
    id: int = 0
    resolution_id: int | None = None
    first_due: dt.date | None = None
    done_date: dt.date | None = None
    done_note: str = ""
    events: list[TaskEventLine] = field(default_factory=list)

    def line(self) -> str:
        """«Р.А. Чекушов (ответственный) — срок 15.01.2026 — исполнено 15.01.2026: …»."""
        parts = [self.executor + (" (ответственный)" if self.responsible else "")]
        if self.due:
            moved = f" (первый срок {date_ru(self.first_due)})" if (
                self.first_due and self.first_due != self.due) else ""  # fmt: skip
            parts.append(f"срок {date_ru(self.due)}{moved}")
        if self.done_date:
            late = (self.done_date - self.due).days if self.due else 0
            tail = f", опоздание {late} дн." if late > 0 else ""
            note = f": {self.done_note}" if self.done_note else ""
            parts.append(f"исполнено {date_ru(self.done_date)}{tail}{note}")
        elif self.overdue:
            parts.append("просрочено")
        return " — ".join(parts)


@dataclass(frozen=True)
class ResolutionLine:
    id: int
    parent_id: int | None
    author: str  # «М.А. Протасов»; "" : given by the clerk without a resolution's author
    author_code: str
    day: dt.date
    text: str
    on_control: bool

    def line(self) -> str:
        control = ", контроль" if self.on_control else ""
        parent = f" к резолюции {self.parent_id}" if self.parent_id else ""
        text = f": {self.text}" if self.text else ""
        if not self.author:  # given by the clerk (``incoming assign``)
            return f"Поручение {self.id} ({date_ru(self.day)}{control}){text}"
        return f"Резолюция {self.id} ({self.author}, {date_ru(self.day)}{control}){parent}{text}"


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
    resolutions: list[ResolutionLine] = field(default_factory=list)
    files: list[FileLine] = field(default_factory=list)
    signature: str = ""  # the document's detached signature checked against it ("" : none came)
    filed: str = ""  # «В дело № 5 (2025), 03.11.2025» (app/services/cases/filing.py)

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


def _assignment(a: IncomingAssignment, on_control: bool, today: dt.date) -> AssignmentLine:
    return AssignmentLine(
        executor=staff_name(a.executor),
        executor_code=a.executor.code,
        executor_dative=person_dative(
            a.executor.last_name, a.executor.first_name, a.executor.middle_name, ""
        ),
        responsible=a.responsible,
        task=a.task,
        due=a.due_date,
        overdue=on_control
        and a.done_date is None
        and a.due_date is not None
        and a.due_date < today,
        id=a.id,
        resolution_id=a.resolution_id,
        first_due=a.first_due,
        done_date=a.done_date,
        done_note=a.done_note,
        events=[
            TaskEventLine(
                e.kind,
                e.day,
                staff_name(e.person),
                e.note,
                e.old_due,
                e.new_due,
                e.file_id,
                e.file.name if e.file is not None else "",
            )
            for e in a.events
        ],
    )


def _linked(letter: Letter | None) -> LinkedLetter | None:
    if letter is None:
        return None
    return LinkedLetter(letter.id, letter.number, letter.reg_date, letter.subject)


def incoming_detail(
    db: Database, incoming_id: int, *, today: dt.date | None = None
) -> IncomingDetail:
    today = today or clock.today()
    from app.services.cases.filing import filing_mark_in  # a card opened, not at start-up

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
            assignments=[_assignment(a, on_control, today) for a in row.assignments],
            filed=filing_mark_in(session, row.case_id, row.filed_on),
            resolutions=[
                ResolutionLine(
                    r.id,
                    r.parent_id,
                    staff_name(r.author),
                    r.author.code if r.author else "",
                    r.day,
                    r.text,
                    r.on_control,
                )
                for r in session.scalars(
                    select(Resolution)
                    .where(Resolution.incoming_id == row.id)
                    .order_by(Resolution.id)
                )
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

    return check_signature(content(document), content(signature), today, signature.name).line


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
    if d.filed:
        lines.append(d.filed)
    lines += resolution_tree(d)
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


def resolution_tree(d: IncomingDetail) -> list[str]:
    """The resolutions as a tree — each with its executors, their terms, what they reported —
    a deputy's under the resolution it follows; then what was given without a resolution."""
    lines: list[str] = []
    by_resolution: dict[int | None, list[AssignmentLine]] = {}
    for a in d.assignments:
        by_resolution.setdefault(a.resolution_id, []).append(a)

    def tasks(items: list[AssignmentLine], indent: str) -> None:
        for a in items:
            lines.append(f"{indent}{a.line()}")
            lines.extend(f"{indent}    {e.text()}" for e in a.events if e.kind != "done")

    def branch(parent: int | None, indent: str) -> None:
        for r in d.resolutions:
            if r.parent_id == parent:
                lines.append(f"{indent}{r.line()}")
                tasks(by_resolution.get(r.id, []), indent + "  ")
                branch(r.id, indent + "  ")

    branch(None, "  ")
    for a in by_resolution.get(None, []):
        due = f", срок {date_ru(a.due)}" if a.due else ""
        lead = " (ответственный)" if a.responsible else ""
        task = f": {a.task}" if a.task else ""
        lines.append(f"  поручено {a.executor_dative}{lead}{due}{task}")
    return lines
