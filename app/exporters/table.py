"""A format-neutral table (title, columns, rows) that the XLSX, PDF and DOCX writers render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TableColumn:
    title: str
    width: float  # relative width; the writers scale it to the page or to Excel units
    wrap: bool = True
    numeric: bool = False  # right-aligned; numbers stay numbers in XLSX


@dataclass(frozen=True)
class TableChart:
    """A bar chart of the table's own rows: one bar per row, labelled by the column ``labels``,
    made of the columns of ``series`` (numeric columns, parts of one whole)."""

    title: str
    labels: int
    series: tuple[int, ...]


@dataclass
class Table:
    title: str
    columns: list[TableColumn]
    rows: list[list[Any]] = field(default_factory=list)  # text, or numbers in numeric columns
    subtitle: str = ""
    totals: list[Any] | None = None  # a bold last row («Итого»)
    notes: list[str] = field(default_factory=list)  # paragraphs after the table
    chart: TableChart | None = None  # after the table: on the same sheet, on a page of its own
    # a heading across the table before the row of that index (a nomenclature's sections)
    sections: dict[int, str] = field(default_factory=dict)

    def body(self) -> list[tuple[str | None, list[Any]]]:
        """The rows in order, each section heading before its row: (heading, []) or
        (None, row)."""
        out: list[tuple[str | None, list[Any]]] = []
        for n, row in enumerate(self.rows):
            if n in self.sections:
                out.append((self.sections[n], []))
            out.append((None, row))
        if len(self.rows) in self.sections:
            out.append((self.sections[len(self.rows)], []))
        return out


def cell_text(value: Any) -> str:
    """A cell as printed: ``1 200``, ``12,5``; text as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u00a0").replace(".", ",")
    return str(value)
