"""The consolidated report of a letter: every row received, with the recipient's name, totals of
the numeric columns, and who has not reported — as XLSX or DOCX.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.exporters.table import Table, TableColumn
from app.rules.report_form import Value, is_numeric
from app.rules.states import OFF_CONTROL, OUTSTANDING, ControlState
from app.services.control.reports import LetterControl, control_in
from app.support import clock
from app.support.text import date_ru
from db.engine import Database
from db.models import ReportRow


@dataclass(frozen=True)
class SummaryRow:
    recipient: str
    state: str  # «Получен в срок», «Получен, строк нет», «Просрочен», «Не требуется»…
    values: list[Value]  # the report row's values; "" for a recipient without rows


@dataclass(frozen=True)
class Summary:
    letter: LetterControl
    columns: list[str]
    numeric: list[bool]
    rows: list[SummaryRow]  # every recipient in the letter's order: each report row, or one line
    totals: list[Value]  # "" in text columns
    reported: int
    without_rows: list[str]  # answered, no rows (nothing to report)
    missing: list[str]  # still expected, in the letter's order
    excused: list[str]


NO_ROWS = "строк нет"


def report_summary(db: Database, letter_id: int, *, today: dt.date | None = None) -> Summary:
    today = today or clock.today()
    with db.read() as session:
        letter = control_in(session, letter_id, today=today)
        received = [r for r in letter.recipients if r.state == ControlState.RECEIVED]
        stored = session.scalars(
            select(ReportRow)
            .where(ReportRow.control_id.in_([r.control_id for r in received]))
            .order_by(ReportRow.control_id, ReportRow.row_no)
        ).all()
        by_control: dict[int, list[list[Value]]] = {}
        for row in stored:
            by_control.setdefault(row.control_id, []).append(list(row.values))
    numeric = [is_numeric(c) for c in letter.columns]
    width = len(letter.columns)
    rows: list[SummaryRow] = []
    without_rows = []
    for recipient in letter.recipients:
        reported = by_control.get(recipient.control_id, [])
        if recipient.state == ControlState.RECEIVED and not reported:
            without_rows.append(recipient.name)
            rows.append(SummaryRow(recipient.name, f"{recipient.label}, {NO_ROWS}", [""] * width))
            continue
        if not reported:
            rows.append(SummaryRow(recipient.name, recipient.label, [""] * width))
            continue
        for values in reported:
            rows.append(
                SummaryRow(recipient.name, recipient.label, (values + [""] * width)[:width])
            )
    totals: list[Value] = []
    for col, is_number in enumerate(numeric):
        if not is_number:
            totals.append("")
            continue
        numbers: list[float] = [
            v
            for r in rows
            if isinstance(v := r.values[col], int | float) and not isinstance(v, bool)
        ]
        total = sum(numbers)
        totals.append(int(total) if float(total).is_integer() else round(total, 6))
    return Summary(
        letter=letter,
        columns=letter.columns,
        numeric=numeric,
        rows=rows,
        totals=totals,
        reported=len(received),
        without_rows=without_rows,
        missing=[r.name for r in letter.recipients if r.state in OUTSTANDING],
        excused=[r.name for r in letter.recipients if r.state in OFF_CONTROL],
    )


def summary_table(summary: Summary) -> Table:
    """One line per report row, and one per recipient who sent none (with why): the state
    column says who answered, who answered with nothing to report, who is still expected."""
    letter = summary.letter
    columns = [
        TableColumn("№ п/п", 5, numeric=True),
        TableColumn("Адресат", 22),
        TableColumn("Состояние", 16),
    ]
    columns += [
        TableColumn(title, 13 if numeric else 18, numeric=numeric)
        for title, numeric in zip(summary.columns, summary.numeric, strict=True)
    ]
    total = len(letter.recipients)
    counts = [f"Отчеты получены: {summary.reported} из {total}"]
    if summary.without_rows:
        counts.append(f"из них без строк: {len(summary.without_rows)}")
    counts.append(f"не представили: {len(summary.missing)}")
    if summary.excused:
        counts.append(f"отчет не требуется: {len(summary.excused)}")
    return Table(
        title=f"Сводный отчет к письму от {date_ru(letter.reg_date)} № {letter.number}",
        subtitle=(
            f"«{letter.subject}». Срок представления — {date_ru(letter.due)}. Отчеты получены "
            f"от {summary.reported} из {total} адресатов (на {date_ru(letter.today)})."
        ),
        columns=columns,
        rows=[
            [n, row.recipient, row.state, *row.values]
            for n, row in enumerate(summary.rows, start=1)
        ],
        totals=["", "Итого", "", *summary.totals],
        notes=["; ".join(counts) + "."],
    )


def export_summary(
    db: Database, letter_id: int, out: Path, *, today: dt.date | None = None
) -> Path:
    from app.exporters.table_file import check_suffix, write_table

    check_suffix(out, "сводный отчет", (".xlsx", ".docx"))
    table = summary_table(report_summary(db, letter_id, today=today))
    return write_table(table, out, "сводный отчет", (".xlsx", ".docx"))
