"""Control of the reports that letters ask for: what is expected from whom, and by when.

The stored state of a recipient is one of ``expected``, ``reminded``, ``received``, ``closed``,
``excused``; what the clerk sees (``status``) adds «просрочен» (computed from today's date, never
stored) and tells a report received in time from one received late. Due dates are inclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.rules.states import (
    OFF_CONTROL,
    OUTSTANDING,
    ControlState,
    ControlStatus,
    LetterStatus,
    labels,
)
from app.support import clock
from app.support.errors import UserError
from app.support.text import plural
from db.engine import Database
from db.models import (
    IncomingLetter,
    Letter,
    LetterAddressee,
    Recipient,
    ReportControl,
    ReportReplyFile,
    ReportRequest,
    ReportRow,
)
from db.sql import counts_by

STATE_LABELS = labels(ControlState, ControlStatus)
SOON_DAYS = 7  # «срок в ближайшие 7 дней» in the overview
NOTICE_DAYS = 3  # the notice at program start


def status_of(state: str, due: dt.date, late: bool, today: dt.date) -> str:
    """What the clerk sees for a stored state on ``today``."""
    if state == ControlState.RECEIVED:
        return "received_late" if late else "received_in_time"
    if state in OUTSTANDING and today > due:
        return "overdue"
    return state


@dataclass(frozen=True)
class RecipientControl:
    control_id: int
    position: int  # 1-based, the order of the letter's addressees
    code: str
    name: str
    delivery: str
    state: str
    status: str
    due: dt.date
    reply_number: str
    reply_date: dt.date | None
    received_date: dt.date | None
    reminded_at: dt.datetime | None
    reminder_number: str
    note: str
    rows: int
    files: int
    version: int

    @property
    def label(self) -> str:
        return STATE_LABELS[self.status]

    @property
    def outstanding(self) -> bool:
        return self.state in OUTSTANDING


@dataclass(frozen=True)
class DueChange:
    at: dt.datetime
    os_user: str
    recipient: str  # empty: the whole letter
    old_due: dt.date
    new_due: dt.date
    reason: str


def extension_note(changes: list[DueChange]) -> str:
    """How the due date was moved, in words: «продлен 2 раза», «для 80 адресатов продлен»
    (one reminder with a new date to 80 addressees is 80 changes, not 80 extensions)."""
    whole = sum(1 for c in changes if not c.recipient)
    people = len({c.recipient for c in changes if c.recipient})
    parts = []
    if whole == 1:
        parts.append("продлен")
    elif whole:
        parts.append(f"продлен {whole} {plural(whole, 'раз', 'раза', 'раз')}")
    if people:
        parts.append(f"для {people} {plural(people, 'адресата', 'адресатов', 'адресатов')} продлен")
    return "; ".join(parts)


@dataclass(frozen=True)
class LetterControl:
    letter_id: int
    number: str
    reg_date: dt.date
    subject: str
    due: dt.date
    closed: bool
    columns: list[str]
    today: dt.date
    recipients: list[RecipientControl] = field(default_factory=list)
    due_changes: list[DueChange] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.recipients if r.status in statuses)

    @property
    def received(self) -> int:
        return self.count("received_in_time", "received_late")

    @property
    def overdue(self) -> int:
        return self.count("overdue")

    @property
    def outstanding(self) -> int:
        return sum(1 for r in self.recipients if r.outstanding)

    def recipient(self, ref: str | int) -> RecipientControl:
        """By the directory code or the position number shown in ``reports status`` (text), or
        by the control's id (an int, as the GUI holds it)."""
        if isinstance(ref, int):
            found = next((r for r in self.recipients if r.control_id == ref), None)
            if found is None:
                raise UserError(f"Адресат не указан в письме № {self.number}")
            return found
        ref = ref.strip()
        for r in self.recipients:
            if r.code and r.code == ref:
                return r
        if ref.isdigit():
            for r in self.recipients:
                if r.position == int(ref):
                    return r
        raise UserError(f"Адресат «{ref}» не указан в письме № {self.number}")


def recipient_name(row: LetterAddressee, recipient: Recipient | None) -> str:
    """One line naming the recipient: the organization, else the addressee as printed."""
    if recipient is not None and recipient.organization:
        return recipient.organization
    lines = [line.strip() for line in row.addressee_lines.splitlines() if line.strip()]
    return ", ".join(lines)


def control_in(session: Session, letter_id: int, *, today: dt.date | None = None) -> LetterControl:
    today = today or clock.today()
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise UserError("Письмо не найдено")
    request = letter.report
    if request is None or letter.status != LetterStatus.REGISTERED:
        raise UserError(f"Письмо № {letter.number} не на контроле: в нем нет запроса отчета")
    rows = session.execute(
        select(LetterAddressee, Recipient, ReportControl)
        .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
        .outerjoin(Recipient, Recipient.id == LetterAddressee.recipient_id)
        .where(LetterAddressee.letter_id == letter_id)
        .order_by(LetterAddressee.position)
    ).all()
    ids = [control.id for _a, _r, control in rows]
    row_counts = counts_by(session, ReportRow.control_id, ids)
    file_counts = counts_by(session, ReportReplyFile.control_id, ids)
    names = {}
    recipients = []
    for addressee, recipient, control in rows:
        due = control.due_date or request.due_date
        name = recipient_name(addressee, recipient)
        names[control.id] = name
        recipients.append(
            RecipientControl(
                control_id=control.id,
                position=addressee.position + 1,
                code=(recipient.code or "") if recipient is not None else "",
                name=name,
                delivery=addressee.delivery,
                state=control.state,
                status=status_of(control.state, due, control.late, today),
                due=due,
                reply_number=control.reply_number,
                reply_date=control.reply_date,
                received_date=control.received_date,
                reminded_at=control.reminded_at,
                reminder_number=control.reminder_number,
                note=control.note,
                rows=row_counts.get(control.id, 0),
                files=file_counts.get(control.id, 0),
                version=control.version,
            )
        )
    changes = [
        DueChange(
            c.at,
            c.os_user,
            names.get(c.control_id, "") if c.control_id else "",
            c.old_due,
            c.new_due,
            c.reason,
        )
        for c in request.due_changes
    ]
    return LetterControl(
        letter_id=letter.id,
        number=letter.number,
        reg_date=letter.reg_date,
        subject=letter.subject,
        due=request.due_date,
        closed=request.closed,
        columns=[str(c) for c in request.columns],
        today=today,
        recipients=recipients,
        due_changes=changes,
    )


def letter_control(db: Database, letter_id: int, *, today: dt.date | None = None) -> LetterControl:
    with db.read() as session:
        return control_in(session, letter_id, today=today)


# --- the overview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ControlRow:
    letter_id: int
    number: str
    reg_date: dt.date
    subject: str
    due_date: dt.date  # the letter's due date
    next_due: dt.date  # the nearest due date of a recipient still expected (else the letter's)
    closed: bool
    total: int
    received: int
    overdue: int
    due_soon: int
    outstanding: int
    excused: int

    @property
    def done(self) -> bool:
        return self.closed or self.outstanding == 0


OVERVIEW_FILTERS = {
    "active": "На контроле",
    "overdue": "С просроченными",
    "soon": "Срок в ближайшие 7 дней",
    "done": "Исполненные и снятые",
    "all": "Все",
}


def list_controls(
    db: Database,
    *,
    today: dt.date | None = None,
    show: str = "all",
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> list[ControlRow]:
    """Letters with a report request, nearest due date first.

    ``show`` is a key of :data:`OVERVIEW_FILTERS`; the period filters the letter's due date.
    """
    today = today or clock.today()
    stmt = (
        select(Letter.id, Letter.number, Letter.reg_date, Letter.subject, ReportRequest)
        .join(ReportRequest, ReportRequest.letter_id == Letter.id)
        .where(Letter.status == LetterStatus.REGISTERED)
    )
    if show in ("active", "overdue", "soon"):  # only letters still waiting for a report
        waiting = (
            select(LetterAddressee.letter_id)
            .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
            .where(ReportControl.state.in_(OUTSTANDING))
        )
        stmt = stmt.where(Letter.id.in_(waiting))
    if due_from is not None:
        stmt = stmt.where(ReportRequest.due_date >= due_from)
    if due_to is not None:
        stmt = stmt.where(ReportRequest.due_date <= due_to)
    with db.read() as session:
        letters = session.execute(stmt).all()
        ids = [lid for lid, *_rest in letters]
        states: dict[int, list[tuple[str, dt.date | None]]] = {i: [] for i in ids}
        if ids:
            for lid, state, due in session.execute(
                select(LetterAddressee.letter_id, ReportControl.state, ReportControl.due_date)
                .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
                .where(LetterAddressee.letter_id.in_(ids))
            ):
                states[lid].append((state, due))
        rows = [
            _overview_row(lid, number, date, subject, request, states[lid], today)
            for lid, number, date, subject, request in letters
        ]
    rows = [r for r in rows if _shown(r, show)]
    rows.sort(key=lambda r: (r.done, r.next_due, r.number))
    return rows


def _overview_row(
    lid: int,
    number: str,
    date: dt.date,
    subject: str,
    request: ReportRequest,
    states: list[tuple[str, dt.date | None]],
    today: dt.date,
) -> ControlRow:
    dues = [(state, due or request.due_date) for state, due in states]
    waiting = [due for state, due in dues if state in OUTSTANDING]
    soon = today + dt.timedelta(days=SOON_DAYS)
    return ControlRow(
        letter_id=lid,
        number=number,
        reg_date=date,
        subject=subject,
        due_date=request.due_date,
        next_due=min(waiting) if waiting else request.due_date,
        closed=request.closed,
        total=len(states),
        received=sum(1 for state, _d in dues if state == ControlState.RECEIVED),
        overdue=sum(1 for due in waiting if due < today),
        due_soon=sum(1 for due in waiting if today <= due <= soon),
        outstanding=len(waiting),
        excused=sum(1 for state, _d in dues if state in OFF_CONTROL),
    )


def _shown(row: ControlRow, show: str) -> bool:
    if show == "active":
        return not row.done
    if show == "overdue":
        return row.overdue > 0
    if show == "soon":
        return row.due_soon > 0
    if show == "done":
        return row.done
    return True


@dataclass(frozen=True)
class OverdueItem:
    letter_id: int
    number: str
    reg_date: dt.date
    subject: str
    recipient: str
    code: str
    due: dt.date
    days: int  # days overdue; negative: days left
    reminded: bool


def overdue_reports(
    db: Database, *, today: dt.date | None = None, within: int = 0
) -> list[OverdueItem]:
    """Reports still expected whose due date has passed (or comes within ``within`` days)."""
    today = today or clock.today()
    due = func.coalesce(ReportControl.due_date, ReportRequest.due_date)
    limit = today + dt.timedelta(days=within) if within else today - dt.timedelta(days=1)
    stmt = (
        select(Letter, LetterAddressee, Recipient, ReportControl, due)
        .join(ReportRequest, ReportRequest.letter_id == Letter.id)
        .join(LetterAddressee, LetterAddressee.letter_id == Letter.id)
        .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id)
        .outerjoin(Recipient, Recipient.id == LetterAddressee.recipient_id)
        .where(
            Letter.status == LetterStatus.REGISTERED,
            ReportRequest.closed.is_(False),
            ReportControl.state.in_(OUTSTANDING),
            due <= limit,
        )
        .order_by(due, Letter.number, LetterAddressee.position)
        .options(selectinload(Letter.report))
    )
    with db.read() as session:
        return [
            OverdueItem(
                letter.id,
                letter.number,
                letter.reg_date,
                letter.subject,
                recipient_name(addressee, recipient),
                (recipient.code or "") if recipient is not None else "",
                due_date,
                (today - due_date).days,
                control.state == ControlState.REMINDED,
            )
            for letter, addressee, recipient, control, due_date in session.execute(stmt)
        ]


@dataclass(frozen=True)
class ControlNotice:
    overdue: int
    soon: int
    letters: int

    @property
    def text(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"просрочено отчетов: {self.overdue}")
        if self.soon:
            parts.append(f"срок в ближайшие {NOTICE_DAYS} дня: {self.soon}")
        if not parts:
            return ""
        return f"Контроль отчетов — {', '.join(parts)} (писем: {self.letters})"


def control_notice(db: Database, *, today: dt.date | None = None) -> ControlNotice:
    """What the program says at start: overdue reports and those due within three days."""
    today = today or clock.today()
    items = overdue_reports(db, today=today, within=NOTICE_DAYS)
    return ControlNotice(
        overdue=sum(1 for i in items if i.days > 0),
        soon=sum(1 for i in items if i.days <= 0),
        letters=len({i.letter_id for i in items}),
    )


@dataclass(frozen=True)
class ReplyFile:
    file_id: int
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ReplyDetail:
    rows: list[list[Any]]
    files: list[ReplyFile]
    incoming_id: int | None = None  # the incoming letter that brought the report
    incoming_number: str = ""


def reply_detail(db: Database, control_id: int) -> ReplyDetail:
    """The rows and files received from one recipient."""
    with db.read() as session:
        control = session.get(ReportControl, control_id)
        if control is None:
            raise UserError("Адресат не найден")
        incoming = session.get(IncomingLetter, control.incoming_id) if control.incoming_id else None
        return ReplyDetail(
            rows=[list(row.values) for row in control.rows],
            files=[
                ReplyFile(f.file.id, f.file.name, f.file.size, f.file.sha256) for f in control.files
            ],
            incoming_id=incoming.id if incoming else None,
            incoming_number=incoming.number if incoming else "",
        )
