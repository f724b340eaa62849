"""The nomenclature of cases as a secretariat keeps it in Excel: the standard form's header,
sections as rows of their own (issue 42's imports, in the service and the window tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

FORM_HEADER = [
    "Индекс дела",
    "Заголовок дела (тома, части)",
    "Кол-во дел (томов, частей)",
    "Срок хранения дела (тома, части) и № статей по перечню",
    "Примечание",
]
CLEAN_ROWS: list[list[Any]] = [
    ["01. Руководство"],
    ["01-01", "Приказы по основной деятельности", 1, "Постоянно\nст. 19а", None],
    ["01-02", "Протоколы совещаний", 2, "постоянно, ст. 18д", None],
    ["02. Канцелярия"],
    ["02-01", "Переписка с министерствами", 1, "5 лет ЭПК ст. 32", None],
    ["02-02", "Личные дела", 1, "50 лет ЭПК ст. 444б", None],
    ["02-03", "Копии для сведения", 1, "ДМН", "рассылка"],
]


def form_file(path: Path, rows: list[list[Any]]) -> Path:
    """The nomenclature as a secretariat keeps it: a title above, the form's header, the row of
    column numbers, sections as rows of their own."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Номенклатура дел на 2026 год"])
    sheet.append([])
    sheet.append(FORM_HEADER)
    sheet.append([1, 2, 3, 4, 5])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path
