"""«Сводка по исполнительской дисциплине» for a period: the tasks on incoming letters whose term
(the one in force) falls in it, counted per executor or per department by
:mod:`app.rules.discipline`; the same numbers in the window, as JSON, and as XLSX or PDF with a
chart of what was done on time and late."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import or_, select

from app.exporters.table import Table, TableChart, TableColumn
from app.rules.discipline import BY, DisciplineRow, TaskFact, discipline
from app.rules.states import LetterStatus
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru, initials_name
from db.engine import Database
from db.models import IncomingAssignment, IncomingLetter, Resolution, Staff

MAX_DAYS = 3 * 366  # a period longer than three years is a typing mistake


def task_facts(db: Database, start: dt.date, end: dt.date) -> list[TaskFact]:
    """The tasks on control whose term is in [start, end]."""
    stmt = (
        select(
            Staff.code,
            Staff.last_name,
            Staff.first_name,
            Staff.middle_name,
            Staff.department,
            IncomingAssignment.due_date,
            IncomingAssignment.done_date,
        )
        .join(Staff, Staff.id == IncomingAssignment.executor_id)
        .join(IncomingLetter, IncomingLetter.id == IncomingAssignment.incoming_id)
        .outerjoin(Resolution, Resolution.id == IncomingAssignment.resolution_id)
        .where(
            IncomingAssignment.due_date >= start,
            IncomingAssignment.due_date <= end,
            IncomingLetter.status == LetterStatus.REGISTERED,
            or_(Resolution.id.is_(None), Resolution.on_control.is_(True)),
        )
    )
    with db.read() as session:
        return [
            TaskFact(code, initials_name(last, first, middle), department, due, done)
            for code, last, first, middle, department, due, done in session.execute(stmt)
            if due is not None
        ]


def discipline_rows(
    db: Database,
    start: dt.date,
    end: dt.date,
    *,
    by: str = "executor",
    today: dt.date | None = None,
) -> list[DisciplineRow]:
    if end < start:
        raise UserError(f"Период: {date_ru(start)} позже {date_ru(end)}")
    if (end - start).days > MAX_DAYS:
        raise UserError("Период длиннее трех лет")
    if by not in BY:
        raise UserError(f"--by {by}: допустимо executor или department")
    return discipline(task_facts(db, start, end), today or clock.today(), by)


def discipline_table(
    rows: list[DisciplineRow], start: dt.date, end: dt.date, by: str, today: dt.date
) -> Table:
    """The rows as a table to write (the total row bold, the chart of on time and late)."""
    who = "Исполнитель" if by == "executor" else "Подразделение"
    body = [r for r in rows if r.executor]
    total = next((r for r in rows if not r.executor), None)

    def cells(row: DisciplineRow) -> list[object]:
        return [row.name, row.assigned, row.on_time, row.late, row.avg_days_late,
                row.outstanding, row.overdue]  # fmt: skip

    return Table(
        title="Сводка по исполнительской дисциплине",
        subtitle=f"Поручения со сроком с {date_ru(start)} по {date_ru(end)}; на {date_ru(today)}",
        columns=[
            TableColumn(who, 40),
            TableColumn("Поручено", 12, numeric=True),
            TableColumn("Исполнено в срок", 14, numeric=True),
            TableColumn("С нарушением срока", 14, numeric=True),
            TableColumn("Среднее опоздание, дн.", 14, numeric=True),
            TableColumn("Не исполнено", 13, numeric=True),
            TableColumn("Из них просрочено", 13, numeric=True),
        ],
        rows=[cells(r) for r in body],
        totals=cells(total) if total is not None else None,
        notes=[
            "Поручено — поручения, срок которых (с учетом продлений) в периоде; в срок — "
            "исполнено не позже срока; опоздание — календарные дни после срока."
        ],
        chart=TableChart("Исполнено в срок и с нарушением срока", 0, (2, 3, 6)),
    )


def export_discipline(
    db: Database,
    start: dt.date,
    end: dt.date,
    out: Path,
    *,
    by: str = "executor",
    today: dt.date | None = None,
) -> Path:
    """The report as XLSX or PDF (by the file's extension), written whole or not at all."""
    from app.exporters.pdf_table import write_table_pdf
    from app.exporters.xlsx import write_table_xlsx

    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UserError(f"{out.name}: сводка пишется в .xlsx или .pdf")
    today = today or clock.today()
    table = discipline_table(discipline_rows(db, start, end, by=by, today=today), start, end, by,
                             today)  # fmt: skip
    return write_table_xlsx(table, out) if suffix == ".xlsx" else write_table_pdf(table, out)
