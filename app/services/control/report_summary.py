"""The consolidated report of a letter: every row received, with the recipient's name, totals of
the numeric columns, and who has not reported — as XLSX or DOCX.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app import clock
from app.exporters.table import Table, TableColumn
from app.report_form import Value, is_numeric
from app.services.control.reports import OFF_CONTROL, OUTSTANDING, LetterControl, control_in
from app.states import ControlState
from app.text import date_ru
from db.engine import Database
from db.models import ReportRow


@dataclass(frozen=True)
class Summary:
    letter: LetterControl
    columns: list[str]
    numeric: list[bool]
    rows: list[tuple[str, list[Value]]]  # recipient, the row's values
    totals: list[Value]  # "" in text columns
    reported: int
    missing: list[str]  # still expected, in the letter's order
    excused: list[str]


def report_summary(db: Database, letter_id: int, *, today: dt.date | None = None) -> Summary:
    today = today or clock.today()
    with db.read() as session:
        letter = control_in(session, letter_id, today=today)
        received = [r for r in letter.recipients if r.state == ControlState.RECEIVED]
        by_control = {r.control_id: r for r in received}
        stored = session.scalars(
            select(ReportRow)
            .where(ReportRow.control_id.in_(list(by_control)))
            .order_by(ReportRow.control_id, ReportRow.row_no)
        ).all()
        values = {(row.control_id, row.row_no): list(row.values) for row in stored}
    numeric = [is_numeric(c) for c in letter.columns]
    width = len(letter.columns)
    order = {r.control_id: i for i, r in enumerate(letter.recipients)}
    rows = [
        (by_control[cid].name, (vals + [""] * width)[:width])
        for (cid, _no), vals in sorted(values.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
    totals: list[Value] = []
    for col, is_number in enumerate(numeric):
        if not is_number:
            totals.append("")
            continue
        numbers = [v[col] for _n, v in rows if isinstance(v[col], int | float)]
        total = sum(numbers)
        totals.append(int(total) if float(total).is_integer() else round(total, 6))
    return Summary(
        letter=letter,
        columns=letter.columns,
        numeric=numeric,
        rows=rows,
        totals=totals,
        reported=len(received),
        missing=[r.name for r in letter.recipients if r.state in OUTSTANDING],
        excused=[r.name for r in letter.recipients if r.state in OFF_CONTROL],
    )


def summary_table(summary: Summary) -> Table:
    letter = summary.letter
    columns = [TableColumn("№ п/п", 5, numeric=True), TableColumn("Адресат", 22)]
    columns += [
        TableColumn(title, 13 if numeric else 18, numeric=numeric)
        for title, numeric in zip(summary.columns, summary.numeric, strict=True)
    ]
    total = len(letter.recipients)
    notes = []
    if summary.missing:
        notes.append(
            f"Не представили отчет ({len(summary.missing)}): " + "; ".join(summary.missing)
        )
    if summary.excused:
        notes.append(f"Отчет не требуется ({len(summary.excused)}): " + "; ".join(summary.excused))
    return Table(
        title=f"Сводный отчет к письму от {date_ru(letter.reg_date)} № {letter.number}",
        subtitle=(
            f"«{letter.subject}». Срок представления — {date_ru(letter.due)}. Отчеты получены "
            f"от {summary.reported} из {total} адресатов (на {date_ru(letter.today)})."
        ),
        columns=columns,
        rows=[[n, name, *vals] for n, (name, vals) in enumerate(summary.rows, start=1)],
        totals=["", "Итого", *summary.totals],
        notes=notes,
    )


def export_summary(
    db: Database, letter_id: int, out: Path, *, today: dt.date | None = None
) -> Path:
    from app.exporters.table_file import check_suffix, write_table

    check_suffix(out, "сводный отчет", (".xlsx", ".docx"))
    table = summary_table(report_summary(db, letter_id, today=today))
    return write_table(table, out, "сводный отчет", (".xlsx", ".docx"))
