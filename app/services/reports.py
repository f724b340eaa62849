"""Control of the reports that letters ask for: the overview of letters on control."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select

from db.engine import Database
from db.models import Letter, LetterAddressee, ReportControl, ReportRequest

DONE_STATES = ("received", "closed", "excused")
STATE_LABELS = {
    "expected": "Ожидается",
    "reminded": "Напоминание отправлено",
    "received": "Получен",
    "closed": "Снят с контроля",
    "excused": "Не требуется",
    "overdue": "Просрочен",
}


@dataclass(frozen=True)
class ControlRow:
    letter_id: int
    number: str
    reg_date: dt.date
    subject: str
    due_date: dt.date
    total: int
    received: int
    overdue: int

    @property
    def outstanding(self) -> int:
        return self.total - self.received


def list_controls(db: Database, *, today: dt.date | None = None) -> list[ControlRow]:
    """Letters with a report request, nearest due date first."""
    today = today or dt.date.today()
    done = ReportControl.state.in_(DONE_STATES)
    due = func.coalesce(ReportControl.due_date, ReportRequest.due_date)
    stmt = (
        select(
            Letter.id,
            Letter.number,
            Letter.reg_date,
            Letter.subject,
            ReportRequest.due_date,
            func.count(ReportControl.id),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((~done & (due < today), 1), else_=0)),
        )
        .join(ReportRequest, ReportRequest.letter_id == Letter.id)
        .join(LetterAddressee, LetterAddressee.letter_id == Letter.id, isouter=True)
        .join(ReportControl, ReportControl.addressee_id == LetterAddressee.id, isouter=True)
        .where(Letter.status == "registered")
        .group_by(Letter.id, Letter.number, Letter.reg_date, Letter.subject, ReportRequest.due_date)
        .order_by(ReportRequest.due_date, Letter.id)
    )
    with db.read() as session:
        return [
            ControlRow(
                lid, number, date, subject, due_date, int(total), int(got or 0), int(late or 0)
            )
            for lid, number, date, subject, due_date, total, got, late in session.execute(stmt)
        ]
