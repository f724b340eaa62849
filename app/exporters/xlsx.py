"""Tables to XLSX (openpyxl, write-only mode: tens of thousands of rows in seconds)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.exporters.table import Table
from app.support.atomic import write_atomically
from app.support.progress import Cancelled, Progress, check_progress
from app.support.text import xml_safe

EXCEL_WIDTH_PER_UNIT = 1.0
PROGRESS_EVERY = 1000  # rows between two progress reports


def write_table_xlsx(
    table: Table, path: Path, *, title_row: bool = True, progress: Progress | None = None
) -> Path:
    """The table on one sheet; without ``title_row`` the header is row 1 (a file to re-import).

    Text is always stored as text: a value starting with ``=`` is not turned into a formula.
    """
    from openpyxl import Workbook

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=sheet_title(table.title))
        for index, column in enumerate(table.columns, start=1):
            letter = _column_letter(index)
            ws.column_dimensions[letter].width = column.width * EXCEL_WIDTH_PER_UNIT
        ws.freeze_panes = "A3" if title_row else "A2"
        if title_row:
            ws.append(_bold_cells(ws, [table.title], size=13))
        ws.append(_bold_cells(ws, [c.title for c in table.columns], wrap=True))
        body = table.body()
        for n, (heading, row) in enumerate(body):
            # stopped: the rows end here, and the sheet is closed before Cancelled is raised
            # (openpyxl's streamed sheet cannot be left in the middle)
            if progress is not None and n % PROGRESS_EVERY == 0 and not progress(n, len(body)):
                wb.save(tmp)
                raise Cancelled()
            if heading is not None:
                ws.append(_bold_cells(ws, [xml_safe(heading)]))
            else:
                ws.append([_text_cell(ws, v) for v in row])
        if table.totals is not None:
            ws.append(_bold_cells(ws, table.totals))
        if table.notes:
            ws.append([])
            for note in table.notes:
                ws.append([_text_cell(ws, note)])
        if table.chart is not None and table.rows:
            _add_chart(ws, table, first_row=3 if title_row else 2)
        wb.save(tmp)
        if progress is not None:
            check_progress(progress, len(body), len(body))

    return write_atomically(path, write)


def _bold_cells(
    ws: Any, values: list[Any], *, size: int | None = None, wrap: bool = False
) -> list[Any]:
    """A title, the header or the totals: bold cells, the header wrapped at the top."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = Font(bold=True, size=size)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _add_chart(ws: Any, table: Table, first_row: int) -> None:
    """A bar chart of the rows (not the totals) beside the table, its data the cells."""
    from openpyxl.chart import BarChart, Reference

    chart_of = table.chart
    assert chart_of is not None
    last = first_row + len(table.rows) - 1
    chart = BarChart()
    chart.type = "bar"  # horizontal: long names read
    chart.grouping = "stacked"  # a bar per row, made of its series
    chart.overlap = 100
    chart.title = chart_of.title
    chart.height = max(7.5, 0.6 * len(table.rows) + 3)
    chart.width = 18
    for column in chart_of.series:
        data = Reference(ws, min_col=column + 1, min_row=first_row - 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
    labels = Reference(ws, min_col=chart_of.labels + 1, min_row=first_row, max_row=last)
    chart.set_categories(labels)
    ws.add_chart(chart, f"{_column_letter(len(table.columns) + 2)}{first_row - 1}")


def sheet_title(text: str) -> str:
    """Excel's sheet name: at most 31 characters, none of ``/ \\ ? * [ ] :``."""
    name = re.sub(r"[/\\?*\[\]:]", "-", text).strip("' ")[:31].strip()
    return name or "Лист1"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _text_cell(ws: Any, value: Any) -> Any:
    """A string that openpyxl would store as a formula goes in as a text cell."""
    if isinstance(value, str):
        value = xml_safe(value)
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value
