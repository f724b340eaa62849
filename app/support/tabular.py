"""Reading a table a clerk brings from Excel: XLSX (first sheet) or CSV in any usual dress.

CSV comes in UTF-8 with or without a BOM or in Windows-1251, separated by ``;`` (Russian Excel),
``,`` or a tab. Every failure becomes one :class:`UserError` that names the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from app.support.errors import UserError
from app.support.text import thousands

FORMULA_STARTS = ("=", "+", "-", "@")
MAX_COLUMNS = 64  # columns read from a sheet: every import of the program needs fewer than 30
MAX_ROWS = 1_048_576  # Excel's own limit
_DELIMITERS = ";,\t"
MAX_CSV_BYTES = 64_000_000  # a directory of 100,000 recipients is about 30 MB
MAX_CELLS = 2_000_000  # filled cells of one table: 100,000 recipients × 15 columns is 1.5 million
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # the parts of a workbook, as declared (zip bombs)
MAX_SHARED_STRINGS = 64 * 1024 * 1024  # openpyxl keeps the whole string table in memory
SNIFF_CHARS = 4096  # csv.Sniffer's regular expressions are super-linear: a bounded sample


def read_rows(path: Path) -> list[list[Any]]:
    """All rows of the first sheet of an XLSX, or of a CSV; trailing empty rows dropped."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: файл не найден")
    if not path.is_file():
        raise UserError(f"{path}: это не обычный файл (папка, устройство или канал) — не читается")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    elif path.suffix.lower() in (".csv", ".txt", ".tsv"):
        rows = _read_csv(path)
    else:
        raise UserError(f"{path}: нужен файл CSV или XLSX")
    while rows and not any(_filled(v) for v in rows[-1]):
        rows.pop()
    return rows


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def open_workbook(path: Path) -> Any:
    """A workbook opened read-only, in bounded memory: only a regular file, its parts' unpacked
    sizes (as the archive declares them — zipfile never unpacks past a declared size) at most
    :data:`MAX_XLSX_UNPACKED`, the shared strings openpyxl holds whole at most
    :data:`MAX_SHARED_STRINGS`. UserError otherwise."""
    import zipfile

    from app.support.files import open_for_reading

    name = Path(path).name
    try:
        with open_for_reading(Path(path)) as source, zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED:
                raise UserError(f"{name}: распакованная книга больше {MAX_XLSX_UNPACKED >> 20} МБ")
            strings = sum(
                i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml")
            )
            if strings > MAX_SHARED_STRINGS:
                raise UserError(
                    f"{name}: таблица строк книги больше {MAX_SHARED_STRINGS >> 20} МБ; "
                    "разделите файл"
                )
            sheets = (i for i in infos if i.filename.startswith("xl/worksheets/"))
            if sum(_cells_in(archive, i) for i in sheets) > MAX_CELLS:
                raise UserError(
                    f"{name}: в книге больше {thousands(MAX_CELLS)} ячеек; разделите файл на части"
                )
        from openpyxl import load_workbook

        return load_workbook(path, read_only=True, data_only=True)
    except UserError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a damaged file
        raise UserError(f"{name}: не удалось прочитать XLSX ({type(exc).__name__})") from None


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _cells_in(archive: Any, info: Any) -> int:
    """The cell elements of a worksheet part, counted on the bytes as they unpack (a few
    hundred megabytes a second), before openpyxl builds a Python object of each (tens of
    thousands a second): a sheet of millions of cells is refused in a second, not a minute."""
    count, tail = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            block = tail + chunk
            count += len(_CELL.findall(block))
            tail = block[-32:]
            count -= len(_CELL.findall(tail))  # counted again with the next block
            if count > MAX_CELLS:
                return count
    return count + len(_CELL.findall(tail))


def _read_xlsx(path: Path) -> list[list[Any]]:
    """The first sheet's rows, in memory bounded by what the sheet holds, not by what it
    declares: a 5 KB file declaring ``A1:XFD1048576`` with one far cell made openpyxl pad
    17 billion cells. The declared size is ignored, columns past :data:`MAX_COLUMNS` are not
    read, trailing empty cells are dropped, and empty rows are only counted until a filled row
    follows them; at most :data:`MAX_CELLS` filled cells."""
    wb = open_workbook(path)
    try:
        try:
            if not wb.worksheets:
                return []
            return _bounded_rows(path, sheet_rows(wb.worksheets[0]))
        finally:
            wb.close()
    except UserError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UserError(f"{path}: не удалось прочитать XLSX ({unreadable_cell(exc)})") from None


def unreadable_cell(exc: Exception) -> str:
    """What openpyxl could not read, in a clerk's words."""
    text = str(exc)
    if "column name" in text:
        return "ссылка на столбец за пределами листа"
    if "out of range" in text or "date" in text.lower():
        return "несуществующая дата"
    if "invalid literal" in text or "could not convert" in text:
        return "текст в числовой ячейке"
    return type(exc).__name__


def sheet_rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    """The values of a read-only sheet's rows, at most :data:`MAX_COLUMNS` wide, whatever
    size the sheet declares (its ``<dimension>`` is not trusted)."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    return sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)


def _too_many_cells(path: Path) -> UserError:
    return UserError(
        f"{path}: больше {thousands(MAX_CELLS)} заполненных ячеек; разделите файл на части"
    )


def _bounded_rows(path: Path, source: Iterable[tuple[Any, ...]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    empty = 0  # empty rows seen since the last filled one
    cells = 0
    for index, row in enumerate(source, 1):
        if index > MAX_ROWS:
            raise UserError(f"{path}: больше {thousands(MAX_ROWS)} строк; разделите файл")
        if row.count(None) == len(row):  # the common case of a gap, counted at C speed
            empty += 1
            continue
        values = list(row)
        while values and not _filled(values[-1]):
            values.pop()
        if not values:
            empty += 1
            continue
        cells += len(values)
        if cells > MAX_CELLS:
            raise _too_many_cells(path)
        rows.extend([] for _ in range(empty))
        empty = 0
        rows.append(values)
    return rows


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (BOM or not) first, Windows-1251 when it is not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1251")
        except UnicodeDecodeError:
            raise UserError(
                f"{path}: кодировка не распознана (ожидается UTF-8 или Windows-1251)"
            ) from None
    if "\x00" in text:
        raise UserError(f"{path}: это не текстовый файл CSV (двоичные данные)")
    return text


def _delimiter(text: str) -> str:
    sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ";"


def _read_csv(path: Path) -> list[list[Any]]:
    from app.support.files import read_regular

    raw = read_regular(
        path, MAX_CSV_BYTES, "таблица для загрузки"
    )  # refused before 200 MB is in memory
    text = decode_text(raw, path)
    if not text.strip():
        return []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
        rows: list[list[Any]] = []
        cells = 0
        for row in reader:
            cells += len(row)
            if cells > MAX_CELLS:
                raise _too_many_cells(path)
            rows.append(row)
        return rows
    except csv.Error as exc:
        raise UserError(f"{path}: ошибка разбора CSV ({exc})") from None


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates as ДД.ММ.ГГГГ, a guarding
    apostrophe before ``=+-@`` (written by our exports) removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def guard_formula(text: str) -> str:
    """Text for a CSV cell that Excel shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """UTF-8 with BOM and ``;`` (what Russian Excel opens directly); atomically."""
    from app.support.atomic import write_atomically

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
            out.writerow(header)
            out.writerows([[guard_formula(c) for c in row] for row in rows])

    return write_atomically(path, write)
