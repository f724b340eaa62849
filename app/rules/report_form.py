"""The report form's columns and rows: which columns hold numbers, typed values, filled-in XLSX.

A column holds numbers when its title says it counts something («Количество участников», «Число
мероприятий», «Сумма, руб.»). Values typed by a clerk or read from a recipient's file are checked
per cell; every problem is reported with its row and column, and nothing is stored until all of
them are fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.support.errors import UserError
from app.support.tabular import open_workbook, sheet_rows, unreadable_cell
from app.support.text import normalize

NUMERIC_PREFIXES = ("количество", "кол-во", "число", "численность", "сумма", "объем", "доля")
NUMERIC_UNITS = re.compile(r",\s*(чел|ед|шт|руб|тыс|млн|%)\.?\s*$|\((чел|ед|шт|руб)\.?\)\s*$")
NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 20


def is_numeric(title: str) -> bool:
    folded = normalize(title).strip()
    return folded.startswith(NUMERIC_PREFIXES) or bool(NUMERIC_UNITS.search(folded))


Value = str | int | float


class FormErrors(UserError):
    """Every problem of a filled form, each naming its cell."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:10])
        more = f"; и еще ошибок: {len(problems) - 10}" if len(problems) > 10 else ""
        super().__init__(f"Отчет не принят: {shown}{more}")


def parse_number(text: str) -> int | float | None:
    """``1 200`` → 1200, ``12,5`` → 12.5; None when the text is not a number."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").strip()
    if not NUMBER.match(cleaned):
        return None
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def clean_value(raw: Any, numeric: bool) -> tuple[Value, str]:
    """A cell's stored value and a problem text (empty when the value is good)."""
    if raw is None:
        return "", ""
    if isinstance(raw, bool):
        raw = str(raw)
    if numeric:
        if isinstance(raw, int | float):
            return (int(raw) if float(raw).is_integer() else float(raw)), ""
        text = str(raw).strip()
        if not text:
            return "", ""
        number = parse_number(text)
        if number is None:
            return text, f"«{text}» — не число"
        return number, ""
    if isinstance(raw, dt.datetime):
        return f"{raw:%d.%m.%Y}", ""
    if isinstance(raw, dt.date):
        return f"{raw:%d.%m.%Y}", ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), ""
    return str(raw).strip(), ""


Locate = Callable[[int, int | None], str]


def _typed_row(index: int, col: int | None) -> str:
    return f"строка {index + 1}"


def clean_rows(
    columns: list[str], rows: list[list[Any]], *, locate: Locate = _typed_row
) -> list[list[Value]]:
    """Check typed rows against the columns; empty rows are dropped.

    ``locate(row index, column index)`` names a cell in messages (default «строка N»).
    Raises :class:`FormErrors` listing every bad cell.
    """
    numeric = [is_numeric(c) for c in columns]
    problems: list[str] = []
    kept: list[list[Value]] = []
    for index, row in enumerate(rows):
        cells = list(row) + [None] * (len(columns) - len(row))
        if len(cells) > len(columns) and any(_filled(v) for v in cells[len(columns) :]):
            problems.append(f"{locate(index, None)}: значения вне столбцов формы")
        values: list[Value] = []
        for col, raw in enumerate(cells[: len(columns)]):
            value, problem = clean_value(raw, numeric[col])
            if problem:
                problems.append(f"{locate(index, col)}, столбец «{columns[col]}»: {problem}")
            values.append(value)
        if any(v != "" for v in values):
            kept.append(values)
    if problems:
        raise FormErrors(problems)
    if len(kept) > MAX_ROWS:
        raise UserError(f"Слишком много строк отчета: {len(kept)} (не более {MAX_ROWS})")
    return kept


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


@dataclass(frozen=True)
class FilledForm:
    rows: list[list[Value]]
    sheet: str


def read_filled_form(path: Path, columns: list[str]) -> FilledForm:
    """The rows of a recipient's filled-in report form (the XLSX the program wrote, or alike).

    The header row is found by the column titles (in any order, extra columns ignored); the «№»
    column and rows with nothing in the form's columns are skipped.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"{path.name}: отчет читается из файла XLSX")
    wb = open_workbook(path)
    try:
        for ws in wb.worksheets:
            form = _read_sheet(ws, columns)
            if form is not None:
                return form
    except UserError:
        raise
    except Exception as exc:  # a cell openpyxl cannot read: text in a number, 30 February…
        raise UserError(
            f"{path.name}: в файле есть нечитаемая ячейка ({unreadable_cell(exc)})"
        ) from None
    finally:
        wb.close()
    missing = ", ".join(f"«{c}»" for c in columns)
    raise UserError(f"{path.name}: не найдена строка заголовков отчетной формы ({missing})")


def _read_sheet(ws: Any, columns: list[str]) -> FilledForm | None:
    wanted = {normalize(c).strip(): i for i, c in enumerate(columns)}
    rows = sheet_rows(ws)
    for header_no, header in enumerate(rows, start=1):
        if header_no > HEADER_SEARCH_ROWS:
            return None
        found = {
            wanted[key]: pos
            for pos, cell in enumerate(header)
            if (key := normalize(str(cell or "")).strip()) in wanted
        }
        if len(found) == len(columns):
            return _read_rows(rows, header_no, [found[i] for i in range(len(columns))], columns, ws)
    return None


def _read_rows(
    rows: Any, header_no: int, positions: list[int], columns: list[str], ws: Any
) -> FilledForm:
    from openpyxl.utils import get_column_letter

    data: list[list[Any]] = []
    row_numbers: list[int] = []
    for row_no, row in enumerate(rows, start=header_no + 1):
        picked = [row[pos] if pos < len(row) else None for pos in positions]
        if any(_filled(v) for v in picked):
            data.append(picked)
            row_numbers.append(row_no)
        if len(data) > MAX_ROWS:
            break

    def locate(index: int, col: int | None) -> str:
        if col is None:
            return f"строка {row_numbers[index]} файла"
        return f"ячейка {get_column_letter(positions[col] + 1)}{row_numbers[index]}"

    return FilledForm(clean_rows(columns, data, locate=locate), ws.title)
