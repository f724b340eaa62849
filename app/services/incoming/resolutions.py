"""Resolutions on an incoming letter (the requisite «резолюция»): the head or a deputy gives the
letter to executors — one responsible, the others co-executors — each with a term of their own
(a date, or working days from the resolution's date by the production calendar), with the text
of the task, on control or not. A deputy's resolution to their people follows the head's: its
author must be one of the parent's executors, and a term later than the author's own is said.

``incoming assign`` is the resolution without an author: the clerk gives the letter to
executors with one term.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.executor_terms import ExecutorTerm
from app.rules.production_calendar import due_date_warning
from app.rules.states import Execution
from app.services.incoming.registration import MAX_NOTE, executor_in, registered_in
from app.services.organization.profile import staff_name
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import IncomingAssignment, IncomingLetter, Resolution, Staff, TaskEvent


@dataclass(frozen=True)
class ResolutionData:
    executors: list[ExecutorTerm]
    text: str = ""
    author: str | None = None  # a staff code; None: the clerk's own assignment
    responsible: str | None = None  # a code among the executors; None: the first
    parent: int | None = None  # the resolution this one follows (a deputy's to their people)
    on_control: bool = True
    day: dt.date | None = None  # the resolution's date; None: today


@dataclass(frozen=True)
class Resolved:
    number: str
    resolution_id: int
    warnings: list[str] = field(default_factory=list)


Assigned = Resolved  # the name ``incoming assign`` has always used


def resolve_incoming(
    db: Database, incoming_id: int, data: ResolutionData, *, today: dt.date | None = None
) -> Resolved:
    today = today or clock.today()
    with db.write() as session:
        return resolve_in(session, incoming_id, data, today=today)


def assign_incoming(
    db: Database,
    incoming_id: int,
    executors: list[str],
    *,
    due: dt.date | None,
    task: str,
    responsible: str | None = None,
    today: dt.date | None = None,
) -> Resolved:
    """Give the letter to executors (staff codes) with a task and one term; one of them answers
    for it (``responsible``, or the first named). With a term the letter is on control."""
    today = today or clock.today()
    with db.write() as session:
        return assign_in(
            session, incoming_id, executors, due=due, task=task, responsible=responsible,
            today=today,
        )  # fmt: skip


def assign_in(
    session: Session,
    incoming_id: int,
    executors: list[str],
    *,
    due: dt.date | None,
    task: str,
    responsible: str | None,
    today: dt.date,
) -> Resolved:
    """The write part of :func:`assign_incoming`, inside an open transaction."""
    terms = [ExecutorTerm(code.strip(), due=due) for code in executors if code.strip()]
    data = ResolutionData(terms, text=task, responsible=responsible)
    return resolve_in(session, incoming_id, data, today=today)


def resolve_in(
    session: Session, incoming_id: int, data: ResolutionData, *, today: dt.date
) -> Resolved:
    """The write part of :func:`resolve_incoming`, inside an open transaction."""
    codes = [term.code.strip() for term in data.executors]
    _check(codes, data, today)
    row = registered_in(session, incoming_id)
    day = data.day or today
    author = executor_in(session, data.author) if data.author else None
    parent = _parent(session, row, data.parent, author)
    staff = [executor_in(session, code) for code in codes]
    lead = data.responsible or codes[0]
    warnings: list[str] = []
    dues = []
    for term, person in zip(data.executors, staff, strict=True):
        due = term.due_from(day)
        if due is not None and due < today:
            raise UserError(f"{staff_name(person)}: срок {date_ru(due)} уже прошел")
        if due is not None and (warning := due_date_warning(due)):
            warnings.append(f"{staff_name(person)}: {warning}")
        dues.append(due)
    if parent is not None and author is not None:
        own = _term_of(parent, author)
        late = [f"{staff_name(p)} — {date_ru(d)}" for p, d in zip(staff, dues, strict=True)
                if own is not None and d is not None and d > own]  # fmt: skip
        if late:
            warnings.append(
                f"Срок позже срока {staff_name(author)} по резолюции, которую эта исполняет "
                f"({date_ru(own)}): " + ", ".join(late)
            )
    if parent is None:  # a new head resolution names the one who answers for the letter
        for earlier in row.assignments:
            if earlier.resolution is None or earlier.resolution.parent_id is None:
                earlier.responsible = False
    resolution = Resolution(
        incoming_id=row.id,
        parent_id=parent.id if parent is not None else None,
        author_id=author.id if author is not None else None,
        text=data.text.strip(),
        day=day,
        on_control=data.on_control,
        created_by=audit.os_user(),
    )
    session.add(resolution)
    start = len(row.assignments)
    for i, (person, due) in enumerate(zip(staff, dues, strict=True)):
        assignment = IncomingAssignment(
            position=start + i,
            executor_id=person.id,
            responsible=person.code == lead,
            task=data.text.strip(),
            due_date=due,
            first_due=due,
            resolution=resolution,
        )
        row.assignments.append(assignment)
    if data.on_control and any(due is not None for due in dues):
        row.execution = Execution.ON_CONTROL
        row.done_date = None
    session.flush()
    audit.record(
        session, "incoming", row.id, "resolution", number=row.number, resolution=resolution.id,
        author=data.author or "", parent=data.parent or 0, responsible=lead,
        executors={code: due.isoformat() if due else "" for code, due in zip(codes, dues,
                                                                              strict=True)},
        text=data.text.strip(), on_control=data.on_control,
    )  # fmt: skip
    return Resolved(row.number, resolution.id, warnings)


def _check(codes: list[str], data: ResolutionData, today: dt.date) -> None:
    if not codes:
        raise UserError("Укажите исполнителя")
    if len(set(codes)) != len(codes):
        raise UserError("Исполнитель назван дважды")
    if data.responsible is not None and data.responsible not in codes:
        raise UserError(f"Ответственный «{data.responsible}» не среди исполнителей")
    if len(data.text) > MAX_NOTE:
        raise UserError("Текст резолюции длиннее 20 000 знаков")
    if data.day is not None and data.day > today:
        raise UserError(f"Дата резолюции {date_ru(data.day)} позже сегодняшней")
    if data.parent is not None and not data.author:
        raise UserError("У подчиненной резолюции должен быть автор — исполнитель родительской")


def _parent(
    session: Session, letter: IncomingLetter, parent_id: int | None, author: Staff | None
) -> Resolution | None:
    if parent_id is None:
        return None
    parent = session.get(Resolution, parent_id)
    if parent is None or parent.incoming_id != letter.id:
        raise UserError(f"У входящего № {letter.number} нет резолюции {parent_id}")
    if author is not None and all(a.executor_id != author.id for a in parent.assignments):
        raise UserError(
            f"{staff_name(author)} не исполнитель резолюции {parent_id}: подчиненную резолюцию "
            "пишет тот, кому поручено"
        )
    return parent


def _term_of(resolution: Resolution, person: Staff) -> dt.date | None:
    return next((a.due_date for a in resolution.assignments if a.executor_id == person.id), None)


def check_author(resolution: Resolution | None, person: Staff, what: str) -> None:
    """What only the resolution's author does (for a task the clerk gave without an author,
    anyone the clerk names): «Срок меняет только автор резолюции — …, а не …»."""
    if resolution is None or resolution.author is None or resolution.author_id == person.id:
        return
    raise UserError(
        f"{what} только автор резолюции — {staff_name(resolution.author)}, "
        f"а не {staff_name(person)}"
    )


def _resolution_of(
    session: Session, letter: IncomingLetter, resolution_id: int | None
) -> Resolution:
    """The resolution named, or the letter's latest."""
    found = [r for r in session.scalars(
        select(Resolution).where(Resolution.incoming_id == letter.id).order_by(Resolution.id)
    )]  # fmt: skip
    if resolution_id is not None:
        found = [r for r in found if r.id == resolution_id]
    if not found:
        raise UserError(
            f"У входящего № {letter.number} нет резолюции"
            + (f" {resolution_id}" if resolution_id is not None else "")
        )
    return found[-1]


def export_resolution_sheet(
    db: Database, incoming_id: int, out: Path, *, resolution_id: int | None = None
) -> Path:
    """The resolution sheet to sign (PDF/A), written whole or not at all."""
    from app.exporters.resolution_sheet import ResolutionSheet, SheetLine, resolution_sheet_pdf
    from app.services.organization.profile import get_organization
    from app.support.atomic import write_atomically

    if Path(out).suffix.lower() != ".pdf":
        raise UserError(f"{Path(out).name}: лист резолюции пишется в .pdf")
    org = get_organization(db)
    with db.read() as session:
        letter = registered_in(session, incoming_id)
        resolution = _resolution_of(session, letter, resolution_id)
        theirs = " ".join(p for p in (
            f"№ {letter.sender_number}" if letter.sender_number else "",
            f"от {date_ru(letter.sender_date)}" if letter.sender_date else "",
        ) if p)  # fmt: skip
        parent = resolution.parent_id and session.get(Resolution, resolution.parent_id)
        author = resolution.author
        sheet = ResolutionSheet(
            organization=(org.name if org else ""),
            letter=f"Вх. № {letter.number} от {date_ru(letter.reg_date)}",
            sender=", ".join(p for p in (letter.sender_text, theirs) if p),
            subject=letter.subject,
            executors=[
                SheetLine(staff_name(a.executor), a.due_date, a.responsible)
                for a in resolution.assignments
            ],
            text=resolution.text,
            on_control=resolution.on_control,
            author_post=(author.position.split("\n")[0] if author else ""),
            author_name=staff_name(author) if author else "",
            day=resolution.day,
            parent=(f"к резолюции от {date_ru(parent.day)}" if parent else ""),
        )
    data = resolution_sheet_pdf(sheet)
    return write_atomically(Path(out), lambda tmp: tmp.write_bytes(data))


def take_off_control(
    db: Database, incoming_id: int, resolution_id: int, *, by: str, today: dt.date | None = None
) -> str:
    """The resolution off control — by its author (the clerk names them; who pressed it is in
    the audit): its open tasks say so in their history; the letter is off control when no
    other resolution on control has an open task."""
    today = today or clock.today()
    with db.write() as session:
        letter = registered_in(session, incoming_id)
        resolution = _resolution_of(session, letter, resolution_id)
        person = executor_in(session, by)
        check_author(resolution, person, "С контроля снимает")
        if not resolution.on_control:
            raise UserError(f"Резолюция {resolution.id} уже не на контроле")
        resolution.on_control = False
        resolution.off_control_day = today
        resolution.off_control_by = staff_name(person)
        for task in resolution.assignments:
            if task.done_date is None:
                event = TaskEvent(kind="off_control", day=today, by_user=audit.os_user())
                event.person_id = person.id
                task.events.append(event)
        others = [a for a in letter.assignments if a.done_date is None and a.due_date is not None
                  and a.resolution is not None and a.resolution.on_control]  # fmt: skip
        if not others and letter.execution == Execution.ON_CONTROL:
            letter.execution = Execution.NONE
        session.flush()
        audit.record(session, "incoming", letter.id, "off_control", number=letter.number,
                     resolution=resolution.id, by=by)  # fmt: skip
        return letter.number
