"""Tables to XLSX (openpyxl, write-only mode: tens of thousands of rows in seconds)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.exporters.table import Table
from app.support.atomic import write_atomically
from app.support.text import xml_safe

EXCEL_WIDTH_PER_UNIT = 1.0


def write_table_xlsx(table: Table, path: Path, *, title_row: bool = True) -> Path:
    """The table on one sheet; without ``title_row`` the header is row 1 (a file to re-import).

    Text is always stored as text: a value starting with ``=`` is not turned into a formula.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=sheet_title(table.title))
        for index, column in enumerate(table.columns, start=1):
            letter = _column_letter(index)
            ws.column_dimensions[letter].width = column.width * EXCEL_WIDTH_PER_UNIT
        ws.freeze_panes = "A3" if title_row else "A2"
        if title_row:
            title = WriteOnlyCell(ws, value=table.title)
            title.font = Font(bold=True, size=13)
            ws.append([title])
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(ws, value=column.title)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        ws.append(header)
        for row in table.rows:
            ws.append([_text_cell(ws, v) for v in row])
        if table.totals is not None:
            totals = []
            for value in table.totals:
                cell = WriteOnlyCell(ws, value=value)
                cell.font = Font(bold=True)
                totals.append(cell)
            ws.append(totals)
        if table.notes:
            ws.append([])
            for note in table.notes:
                ws.append([_text_cell(ws, note)])
        wb.save(tmp)

    return write_atomically(path, write)


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
