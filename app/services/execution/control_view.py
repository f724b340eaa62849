"""One control view over everything with a term: what we owe (an executor's task on an incoming
letter, by its resolution) and what others owe us (a recipient's report on our letter), with the
filters a head asks for — executor, author, department, due within days, overdue, done late.

For a report, the executor is our letter's executor and the author its signatory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.rules.states import OUTSTANDING, LetterStatus
from app.services.control.reports import recipient_name
from app.services.organization.profile import staff_name
from app.support import clock
from db.engine import Database
from db.models import (
    IncomingAssignment,
    IncomingLetter,
    Letter,
    LetterAddressee,
    Recipient,
    ReportControl,
    ReportRequest,
    Resolution,
    Staff,
)

INCOMING, REPORT = "incoming", "report"
KIND_LABELS = {INCOMING: "Входящее", REPORT: "Отчет"}
SHOW = ("open", "overdue", "done_late", "all")
MAX_ITEMS = 100_000  # a filter left wide open still ends


@dataclass(frozen=True)
class ControlQuery:
    executor: str | None = None  # a staff code
    author: str | None = None  # a staff code: the resolution's author, the letter's signatory
    department: str | None = None
    due_within: int | None = None  # open, due within this many days from today (overdue too)
    show: str = "open"  # open | overdue | done_late | all
    kinds: tuple[str, ...] = (INCOMING, REPORT)
    due_from: dt.date | None = None  # the calendar's week or month
    due_to: dt.date | None = None
    today: dt.date | None = None


@dataclass(frozen=True)
class ControlItem:
    kind: str  # INCOMING (what we owe) | REPORT (what others owe us)
    ref_id: int  # the incoming letter's id, or our letter's
    number: str
    reg_date: dt.date
    subject: str
    counterpart: str  # the sender of the incoming letter, the recipient who owes the report
    executor: str
    executor_name: str
    department: str
    author: str
    author_name: str
    due: dt.date
    done: dt.date | None
    responsible: bool
    task_id: int = 0  # the executor's task (an incoming one); 0 for a report

    def state(self, today: dt.date) -> str:
        if self.done is not None:
            late = (self.done - self.due).days
            return f"исполнено с опозданием {late} дн." if late > 0 else "исполнено в срок"
        if self.due < today:
            return f"просрочено {(today - self.due).days} дн."
        if self.due == today:
            return "срок сегодня"
        return f"осталось {(self.due - today).days} дн."

    def overdue(self, today: dt.date) -> bool:
        return self.done is None and self.due < today

    def as_json(self, today: dt.date) -> dict[str, object]:
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.reg_date.isoformat(),
            "subject": self.subject,
            "counterpart": self.counterpart,
            "executor": self.executor,
            "executor_name": self.executor_name,
            "department": self.department,
            "author": self.author,
            "author_name": self.author_name,
            "due": self.due.isoformat(),
            "done": self.done.isoformat() if self.done else None,
            "responsible": self.responsible,
            "state": self.state(today),
        }


def control_items(
    db: Database, query: ControlQuery, *, limit: int = MAX_ITEMS
) -> list[ControlItem]:
    """The items, nearest term first (our tasks before reports on the same day)."""
    today = query.today or clock.today()
    items: list[ControlItem] = []
    with db.read() as session:
        if INCOMING in query.kinds:
            items += _tasks(session, query, today, limit)
        if REPORT in query.kinds:
            items += _reports(session, query, today, limit)
    items.sort(key=lambda i: (i.due, i.kind != INCOMING, i.number, i.executor_name))
    return items[:limit]


def _window(query: ControlQuery, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The terms the query asks for."""
    start, end = query.due_from, query.due_to
    if query.due_within is not None:
        limit = today + dt.timedelta(days=query.due_within)
        end = limit if end is None else min(end, limit)
    if query.show == "overdue":
        limit = today - dt.timedelta(days=1)
        end = limit if end is None else min(end, limit)
    return start, end


Columns = Callable[[Any], list[Any]]  # the statement's columns, given its «due» expression


def _task_statement(query: ControlQuery, today: dt.date, columns: Columns) -> Any:
    """Our tasks on incoming letters that ``query`` asks for, as a statement of ``columns``
    (the items, or their counts): one set of conditions for the list and for the notice."""
    executor = aliased(Staff)
    author = aliased(Staff)
    stmt = (
        select(*columns((IncomingAssignment.due_date, executor, author)))
        .select_from(IncomingAssignment)
        .join(IncomingLetter, IncomingLetter.id == IncomingAssignment.incoming_id)
        .join(executor, executor.id == IncomingAssignment.executor_id)
        .outerjoin(Resolution, Resolution.id == IncomingAssignment.resolution_id)
        .outerjoin(author, author.id == Resolution.author_id)
        .where(
            IncomingLetter.status == LetterStatus.REGISTERED,
            IncomingAssignment.due_date.is_not(None),
            or_(Resolution.id.is_(None), Resolution.on_control.is_(True)),
        )
    )
    stmt = _done_filter(stmt, query, IncomingAssignment.done_date, IncomingAssignment.due_date)
    start, end = _window(query, today)
    if start is not None:
        stmt = stmt.where(IncomingAssignment.due_date >= start)
    if end is not None:
        stmt = stmt.where(IncomingAssignment.due_date <= end)
    if query.executor:
        stmt = stmt.where(executor.code == query.executor)
    if query.author:
        stmt = stmt.where(author.code == query.author)
    if query.department:
        stmt = stmt.where(executor.department == query.department)
    return stmt


def _tasks(session: Session, query: ControlQuery, today: dt.date, limit: int) -> list[ControlItem]:
    def entities(of: Any) -> list[Any]:
        _due, executor, author = of
        return [IncomingAssignment, IncomingLetter, executor, author]

    stmt = _task_statement(query, today, entities)
    stmt = stmt.order_by(IncomingAssignment.due_date, IncomingAssignment.id).limit(limit)
    return [_task_item(*row) for row in session.execute(stmt)]


def _task_item(
    task: IncomingAssignment, letter: IncomingLetter, person: Staff, writer: Staff | None
) -> ControlItem:
    assert task.due_date is not None
    return ControlItem(
        kind=INCOMING,
        ref_id=letter.id,
        number=letter.number,
        reg_date=letter.reg_date,
        subject=letter.subject,
        counterpart=letter.sender_text,
        executor=person.code,
        executor_name=staff_name(person),
        department=person.department,
        author=writer.code if writer else "",
        author_name=staff_name(writer),
        due=task.due_date,
        done=task.done_date,
        responsible=task.responsible,
        task_id=task.id,
    )


def _done_filter(stmt: Any, query: ControlQuery, done: Any, due: Any) -> Any:
    if query.show in ("open", "overdue"):
        return stmt.where(done.is_(None))
    if query.show == "done_late":
        return stmt.where(done.is_not(None), done > due)
    if query.due_within is not None:
        return stmt.where(done.is_(None))
    return stmt


def _report_statement(query: ControlQuery, today: dt.date, columns: Columns) -> Any:
    """The reports owed to us that ``query`` asks for, as a statement of ``columns``."""
    executor = aliased(Staff)
    signatory = aliased(Staff)
    due = func.coalesce(ReportControl.due_date, ReportRequest.due_date)
    stmt = (
        select(*columns((due, executor, signatory)))
        .select_from(Letter)
        .join(ReportRequest, ReportRequest.letter_id == Letter.id)
        .join(LetterAddressee, LetterAddressee.letter_id == Letter.id)
        .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
        .outerjoin(Recipient, Recipient.id == LetterAddressee.recipient_id)
        .outerjoin(executor, executor.id == Letter.executor_id)
        .outerjoin(signatory, signatory.id == Letter.signatory_id)
        .where(Letter.status == LetterStatus.REGISTERED)
    )
    if query.show in ("open", "overdue") or query.due_within is not None:
        stmt = stmt.where(ReportRequest.closed.is_(False), ReportControl.state.in_(OUTSTANDING))
    elif query.show == "done_late":
        stmt = stmt.where(
            ReportControl.received_date.is_not(None), ReportControl.received_date > due
        )
    start, end = _window(query, today)
    if start is not None:
        stmt = stmt.where(due >= start)
    if end is not None:
        stmt = stmt.where(due <= end)
    if query.executor:
        stmt = stmt.where(executor.code == query.executor)
    if query.author:
        stmt = stmt.where(signatory.code == query.author)
    if query.department:
        stmt = stmt.where(executor.department == query.department)
    return stmt


def _reports(
    session: Session, query: ControlQuery, today: dt.date, limit: int
) -> list[ControlItem]:
    def entities(of: Any) -> list[Any]:
        due, executor, signatory = of
        return [Letter, LetterAddressee, Recipient, ReportControl, due, executor, signatory]

    stmt = _report_statement(query, today, entities)
    stmt = stmt.order_by(stmt.selected_columns[4], Letter.id, LetterAddressee.position)
    return [_report_item(*row) for row in session.execute(stmt.limit(limit))]


def _report_item(
    letter: Letter,
    addressee: LetterAddressee,
    recipient: Recipient | None,
    control: ReportControl,
    term: dt.date,
    person: Staff | None,
    writer: Staff | None,
) -> ControlItem:
    return ControlItem(
        kind=REPORT,
        ref_id=letter.id,
        number=letter.number,
        reg_date=letter.reg_date,
        subject=letter.subject,
        counterpart=recipient_name(addressee, recipient),
        executor=person.code if person else "",
        executor_name=staff_name(person),
        department=person.department if person else "",
        author=writer.code if writer else "",
        author_name=staff_name(writer),
        due=term,
        done=control.received_date if control.state not in OUTSTANDING else None,
        responsible=False,
    )


NOTICE_DAYS = 3  # «срок в ближайшие 3 дня» in the notice at start


@dataclass(frozen=True)
class ExecutionNotice:
    """What the program says at start, one notice for both sides: what is overdue — our tasks,
    the reports owed to us — and what comes due within three days."""

    tasks_overdue: int
    reports_overdue: int
    soon: int

    @property
    def text(self) -> str:
        late = [
            f"поручений по входящим — {self.tasks_overdue}" if self.tasks_overdue else "",
            f"отчетов адресатов — {self.reports_overdue}" if self.reports_overdue else "",
        ]
        parts = []
        if any(late):
            parts.append("Просрочено: " + ", ".join(p for p in late if p))
        if self.soon:
            parts.append(f"срок в ближайшие {NOTICE_DAYS} дня: {self.soon}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]


def execution_notice(db: Database, *, today: dt.date | None = None) -> ExecutionNotice:
    """Counted by the database (the control view's conditions, no rows read): the notice is
    computed at every start, where a registry keeps thousands of open tasks."""
    today = today or clock.today()
    query = ControlQuery(due_within=NOTICE_DAYS, today=today)

    def counts(of: Any) -> list[Any]:
        due = of[0]
        return [func.count(), func.coalesce(func.sum(case((due < today, 1), else_=0)), 0)]

    with db.read() as session:
        tasks, tasks_late = session.execute(_task_statement(query, today, counts)).one()
        reports, reports_late = session.execute(_report_statement(query, today, counts)).one()
    return ExecutionNotice(
        tasks_overdue=int(tasks_late),
        reports_overdue=int(reports_late),
        soon=int(tasks) + int(reports) - int(tasks_late) - int(reports_late),
    )
