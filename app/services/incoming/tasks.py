"""What each executor does with their part of an incoming letter, kept as a history that is
appended and never changed (``task_event``):

- a progress note, with a file if needed — a co-executor's note is what the responsible
  executor gathers (the card shows it under the letter's tree);
- a term changed — only by the resolution's author (by the clerk naming them), with a reason;
  the old term stays in the history;
- the part done — with our reply letter or a note; when every executor's part is done, the
  letter is done (answered, when a reply was named);
- taken off control — only by the resolution's author, or the clerk on their behalf.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.rules.production_calendar import due_date_warning
from app.rules.states import Execution
from app.services.files.stored_files import store_file_in
from app.services.incoming.registration import MAX_NOTE, complete_in, executor_in, registered_in
from app.services.incoming.resolutions import check_author
from app.services.links.replies import mark_answered
from app.services.organization.profile import limit_bytes, staff_name
from app.services.registry.letters import find_letter_in
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.files import read_regular
from app.support.text import date_ru
from db.engine import Database
from db.models import IncomingAssignment, IncomingLetter, TaskEvent


@dataclass(frozen=True)
class TaskDone:
    number: str
    executor: str
    letter_done: bool  # every part done: the letter is off control
    warnings: list[str]


def _note(text: str, what: str) -> str:
    text = text.strip()
    if len(text) > MAX_NOTE:
        raise UserError(f"{what} длиннее 20 000 знаков")
    return text


def task_in(session: Session, letter: IncomingLetter, code: str) -> IncomingAssignment:
    """The executor's open task on the letter (the latest, when given it twice)."""
    person = executor_in(session, code)
    mine = [a for a in letter.assignments if a.executor_id == person.id]
    if not mine:
        raise UserError(f"{staff_name(person)} не среди исполнителей входящего № {letter.number}")
    open_ = [a for a in mine if a.done_date is None]
    return (open_ or mine)[-1]


def _event(task: IncomingAssignment, kind: str, day: dt.date, **fields: object) -> TaskEvent:
    event = TaskEvent(kind=kind, day=day, by_user=audit.os_user(), **fields)
    task.events.append(event)
    return event


def add_progress(
    db: Database,
    incoming_id: int,
    executor: str,
    note: str,
    *,
    file: Path | None = None,
    today: dt.date | None = None,
) -> str:
    """An executor's note on how the work goes, with a file (read before the write)."""
    today = today or clock.today()
    note = _note(note, "Отметка о ходе исполнения")
    if not note and file is None:
        raise UserError("Напишите, как идет исполнение, или приложите файл")
    with db.read() as session:
        limit = limit_bytes(session)
    content = read_regular(file, limit, "файл") if file is not None else None
    with db.write() as session:
        letter = registered_in(session, incoming_id)
        task = task_in(session, letter, executor)
        stored = (
            store_file_in(session, file.name, content) if file and content is not None else None
        )
        _event(task, "progress", today, person_id=task.executor_id, note=note,
               file_id=stored.id if stored is not None else None)  # fmt: skip
        session.flush()
        audit.record(session, "incoming", letter.id, "progress", number=letter.number,
                     executor=executor, note=note, file=file.name if file else "")  # fmt: skip
        return letter.number


def extend_term(
    db: Database,
    incoming_id: int,
    executor: str,
    due: dt.date,
    *,
    by: str,
    reason: str,
    today: dt.date | None = None,
) -> list[str]:
    """A new term for the executor's task, set by the resolution's author (``by``), with the
    reason; the old term kept in the history. The production calendar's warnings."""
    today = today or clock.today()
    reason = _note(reason, "Причина")
    if not reason:
        raise UserError("Укажите причину изменения срока")
    if due < today:
        raise UserError(f"Срок {date_ru(due)} уже прошел")
    with db.write() as session:
        letter = registered_in(session, incoming_id)
        task = task_in(session, letter, executor)
        if task.done_date is not None:
            raise UserError(f"{staff_name(task.executor)}: поручение уже исполнено")
        author = executor_in(session, by)
        check_author(task.resolution, author, "Срок меняет")
        old = task.due_date
        if old == due:
            raise UserError(f"Срок и так {date_ru(due)}")
        _event(task, "extended", today, person_id=author.id, note=reason, old_due=old,
               new_due=due)  # fmt: skip
        task.due_date = due
        if letter.execution in (Execution.NONE, Execution.ON_CONTROL):
            letter.execution = Execution.ON_CONTROL
        session.flush()
        audit.record(session, "incoming", letter.id, "term_changed", number=letter.number,
                     executor=executor, old=old.isoformat() if old else "", new=due.isoformat(),
                     by=by, reason=reason)  # fmt: skip
    warning = due_date_warning(due)
    return [warning] if warning else []


def complete_task(
    db: Database,
    incoming_id: int,
    executor: str,
    *,
    reply: str | None = None,
    reply_year: int | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> TaskDone:
    """One executor's part done — with our reply letter or a note. When every part is done,
    the letter is done too (answered by the reply, if one was named)."""
    today = today or clock.today()
    note = _note(note, "Отметка об исполнении")
    with db.write() as session:
        letter = registered_in(session, incoming_id)
        task = task_in(session, letter, executor)
        if task.done_date is not None:
            raise UserError(
                f"{staff_name(task.executor)}: поручение исполнено {date_ru(task.done_date)}"
            )
        answer = find_letter_in(session, reply.strip(), year=reply_year) if reply else None
        task.done_date = today
        task.done_note = note
        task.reply_id = answer.id if answer is not None else None
        _event(task, "done", today, person_id=task.executor_id, note=note)
        session.flush()
        audit.record(session, "incoming", letter.id, "task_done", number=letter.number,
                     executor=executor, reply=reply or "", note=note)  # fmt: skip
        finished = all(a.done_date is not None for a in letter.assignments)
        if finished and letter.execution in (Execution.NONE, Execution.ON_CONTROL):
            if answer is not None:
                mark_answered(session, letter, answer)
            else:  # the letter done as a whole, as «Исполнено» of the letter does it
                complete_in(session, letter.id, reply=None, reply_year=None, note=note, today=today)
        return TaskDone(letter.number, executor, finished, [])
