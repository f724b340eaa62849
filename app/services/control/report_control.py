"""Changes to the control of reports: a reply received, a due date extended, a recipient excused
or taken off control, a mistaken mark undone. Every change is one transaction with its audit
event; a change that the state does not allow is refused with a message, never half made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.report_form import Value, clean_rows, read_filled_form
from app.rules.states import OUTSTANDING, ControlState
from app.services.access.audit_log import refuse_stale
from app.services.control.reports import STATE_LABELS, LetterControl, control_in
from app.services.files.stored_files import read_upload, store_file_in
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import ReportControl, ReportDueChange, ReportReplyFile, ReportRequest, ReportRow


@dataclass
class Reply:
    """A recipient's reply as the clerk registers it."""

    incoming_number: str
    reply_date: dt.date
    received_date: dt.date | None = None  # default: today
    files: list[Path] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # typed into the form's columns
    rows_file: Path | None = None  # or read from the recipient's filled-in XLSX form


def _control(session: Session, letter: LetterControl, ref: str | int) -> ReportControl:
    control = session.get(ReportControl, letter.recipient(ref).control_id)
    assert control is not None
    return control


def _label(control: ReportControl) -> str:
    return STATE_LABELS[control.state].lower()


def _name(letter: LetterControl, control: ReportControl) -> str:
    return next(r.name for r in letter.recipients if r.control_id == control.id)


def _request(session: Session, letter: LetterControl) -> ReportRequest:
    return session.scalars(
        select(ReportRequest).where(ReportRequest.letter_id == letter.letter_id)
    ).one()


def receive_reply(
    db: Database,
    letter_id: int,
    recipient: str | int,
    reply: Reply,
    *,
    today: dt.date | None = None,
    version: int = 0,
) -> int:
    """Mark a recipient's report received with its reply data, files and rows; the row count.

    Files and the filled form are read and checked before the transaction begins, so a bad file
    leaves nothing behind.
    """
    today = today or clock.today()
    _check_reply(reply, today)
    uploads = [read_upload(path) for path in reply.files]
    with db.read() as session:
        columns = control_in(session, letter_id, today=today).columns
    rows: list[list[Value]] = clean_rows(columns, reply.rows) if reply.rows else []
    if reply.rows_file is not None:
        rows += read_filled_form(reply.rows_file, columns).rows
    with db.write() as session:
        return receive_in(session, letter_id, recipient, reply, rows, uploads, today, version)


def _check_reply(reply: Reply, today: dt.date) -> None:
    received = reply.received_date or today
    if not reply.incoming_number.strip():
        raise UserError("Укажите исходящий номер ответа (номер, под которым адресат его отправил)")
    if received > today:
        raise UserError(f"Дата получения {date_ru(received)} еще не наступила")
    if reply.reply_date > received:
        raise UserError(
            f"Дата ответа {date_ru(reply.reply_date)} позже даты получения {date_ru(received)}"
        )


def receive_in(
    session: Session,
    letter_id: int,
    recipient: str | int,
    reply: Reply,
    rows: list[list[Value]],
    uploads: list[tuple[str, bytes]],
    today: dt.date,
    version: int = 0,
) -> int:
    """The write part of :func:`receive_reply`, inside an open transaction (checked rows)."""
    _check_reply(reply, today)
    received = reply.received_date or today
    number = reply.incoming_number.strip()
    letter = control_in(session, letter_id, today=today)
    control = _control(session, letter, recipient)
    name = _name(letter, control)
    refuse_stale(session, "report_control", control, version, f"Контроль по адресату «{name}»")
    if letter.closed:
        raise UserError(f"Письмо № {letter.number} снято с контроля")
    if control.state == ControlState.RECEIVED:
        raise UserError(
            f"Отчет адресата «{name}» уже получен ({control.reply_number} от "
            f"{date_ru(control.reply_date)}); чтобы исправить, верните адресата на контроль"
        )
    if reply.reply_date < letter.reg_date:
        raise UserError(
            f"Дата ответа {date_ru(reply.reply_date)} раньше даты письма {date_ru(letter.reg_date)}"
        )
    due = control.due_date or letter.due
    old_state = control.state
    control.state = ControlState.RECEIVED
    control.late = received > due
    control.reply_number = number
    control.reply_date = reply.reply_date
    control.received_date = received
    control.rows = [ReportRow(row_no=i + 1, values=list(values)) for i, values in enumerate(rows)]
    control.files = [
        ReportReplyFile(position=i, file_id=store_file_in(session, fname, content).id)
        for i, (fname, content) in enumerate(uploads)
    ]
    session.flush()
    audit.record(
        session,
        "report_control",
        control.id,
        "received",
        letter=letter.number,
        recipient=name,
        old_state=old_state,
        reply_number=number,
        reply_date=reply.reply_date.isoformat(),
        received_date=received.isoformat(),
        late=control.late,
        rows=len(rows),
        files=[fname for fname, _c in uploads],
    )
    return len(rows)


def extend_due(
    db: Database,
    letter_id: int,
    new_due: dt.date,
    reason: str,
    *,
    recipient: str | int | None = None,
    recipients: list[str | int] | None = None,
    today: dt.date | None = None,
) -> int:
    """Move the due date later, for the whole letter or some recipients; how many were moved.

    The old date is kept in the history with the reason. For the whole letter, recipients
    whose own date is earlier than the new one follow it; a later own date stays. Several
    recipients are extended in one transaction: all or none.
    """
    today = today or clock.today()
    refs = (
        recipients if recipients is not None else ([recipient] if recipient is not None else None)
    )
    if not reason.strip():
        raise UserError("Укажите причину продления срока")
    if new_due < today:
        raise UserError(f"Новый срок {date_ru(new_due)} уже прошел (сегодня {date_ru(today)})")
    with db.write() as session:
        letter = control_in(session, letter_id, today=today)
        if letter.closed:
            raise UserError(f"Письмо № {letter.number} снято с контроля")
        request = _request(session, letter)
        if refs is None:
            return _extend_letter(session, letter, request, new_due, reason.strip())
        for ref in refs:
            _extend_one(session, letter, request, _control(session, letter, ref), new_due, reason)
        return len(refs)


def _extend_one(
    session: Session,
    letter: LetterControl,
    request: ReportRequest,
    control: ReportControl,
    new_due: dt.date,
    reason: str,
) -> None:
    name = _name(letter, control)
    if control.state not in OUTSTANDING:
        raise UserError(f"Отчет адресата «{name}» не ожидается: {_label(control)}")
    old = control.due_date or request.due_date
    if new_due <= old:
        raise UserError(f"«{name}»: новый срок должен быть позже текущего ({date_ru(old)})")
    control.due_date = new_due
    request.due_changes.append(
        ReportDueChange(
            control_id=control.id,
            old_due=old,
            new_due=new_due,
            reason=reason.strip(),
            os_user=audit.os_user(),
        )
    )
    audit.record(
        session,
        "report_control",
        control.id,
        "extended",
        letter=letter.number,
        recipient=name,
        old_due=old.isoformat(),
        new_due=new_due.isoformat(),
        reason=reason.strip(),
    )


def _extend_letter(
    session: Session, letter: LetterControl, request: ReportRequest, new_due: dt.date, reason: str
) -> int:
    old = request.due_date
    if new_due <= old:
        raise UserError(f"Новый срок должен быть позже текущего ({date_ru(old)})")
    request.due_date = new_due
    moved = 0
    for item in letter.recipients:
        control = session.get(ReportControl, item.control_id)
        assert control is not None
        if control.due_date is not None and control.due_date < new_due:
            control.due_date = None  # follows the letter's date again
        if control.state in OUTSTANDING and (control.due_date or new_due) == new_due:
            moved += 1
    request.due_changes.append(
        ReportDueChange(old_due=old, new_due=new_due, reason=reason, os_user=audit.os_user())
    )
    audit.record(
        session,
        "report_request",
        request.id,
        "extended",
        letter=letter.number,
        old_due=old.isoformat(),
        new_due=new_due.isoformat(),
        reason=reason,
    )
    return moved


def set_state(
    db: Database,
    letter_id: int,
    recipients: list[str | int] | None,
    state: str,
    reason: str = "",
    *,
    today: dt.date | None = None,
) -> int:
    """«Снять с контроля» (``closed``), «Не требуется» (``excused``) or «Вернуть на контроль»
    (``expected``) for some recipients; ``None`` with ``closed`` takes the whole letter off
    control. Returns how many recipients changed.
    """
    today = today or clock.today()
    if state not in (ControlState.CLOSED, ControlState.EXCUSED, ControlState.EXPECTED):
        raise ValueError(state)
    if state == ControlState.EXCUSED and not reason.strip():
        raise UserError("Укажите, почему отчет от адресата не требуется")
    with db.write() as session:
        letter = control_in(session, letter_id, today=today)
        if recipients is None:
            if state != ControlState.CLOSED:
                raise ValueError("only the whole letter can be closed")
            return _close_letter(session, letter, reason)
        if letter.closed:
            raise UserError(f"Письмо № {letter.number} снято с контроля")
        changed = 0
        for ref in recipients:
            control = _control(session, letter, ref)
            _change_state(session, letter, control, state, reason.strip())
            changed += 1
        return changed


ALLOWED: dict[str, tuple[ControlState, ...]] = {  # target state → the states it may come from
    ControlState.CLOSED: (*OUTSTANDING, ControlState.RECEIVED, ControlState.EXCUSED),
    ControlState.EXCUSED: OUTSTANDING,
    ControlState.EXPECTED: (ControlState.RECEIVED, ControlState.CLOSED, ControlState.EXCUSED),
}


def _change_state(
    session: Session, letter: LetterControl, control: ReportControl, state: str, reason: str
) -> None:
    name = _name(letter, control)
    if control.state not in ALLOWED[state]:
        target = STATE_LABELS[state].lower()
        raise UserError(f"Адресат «{name}»: {_label(control)} — нельзя перевести в «{target}»")
    old = control.state
    control.state = state
    if state == ControlState.EXPECTED:
        # undo: the reply data go (the audit keeps them), the note says which reply it was
        earlier = _earlier_reply(control)
        control.late = False
        control.reply_number = ""
        control.reply_date = None
        control.received_date = None
        control.rows = []
        control.files = []
        control.note = "; ".join(
            x for x in (earlier, f"возвращен на контроль: {reason}" if reason else "") if x
        )
    else:
        control.note = reason
    session.flush()
    audit.record(
        session,
        "report_control",
        control.id,
        state,
        letter=letter.number,
        recipient=name,
        old_state=old,
        reason=reason,
    )


def _earlier_reply(control: ReportControl) -> str:
    """«прежний ответ № 01-12/345 от 14.11.2025, получен 18.11.2025» of a reply taken back."""
    if not control.reply_number:
        return ""
    dated = f" от {date_ru(control.reply_date)}" if control.reply_date else ""
    received = f", получен {date_ru(control.received_date)}" if control.received_date else ""
    return f"прежний ответ № {control.reply_number}{dated}{received}"


def _close_letter(session: Session, letter: LetterControl, reason: str) -> int:
    if letter.closed:
        raise UserError(f"Письмо № {letter.number} уже снято с контроля")
    request = _request(session, letter)
    request.closed = True
    changed = 0
    for item in letter.recipients:
        if item.state in OUTSTANDING:
            control = session.get(ReportControl, item.control_id)
            assert control is not None
            _change_state(session, letter, control, ControlState.CLOSED, reason.strip())
            changed += 1
    audit.record(
        session, "report_request", request.id, "closed", letter=letter.number, reason=reason
    )
    return changed
