"""A format-neutral table (title, columns, rows) that the XLSX and PDF writers render."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableColumn:
    title: str
    width: float  # relative width; the writers scale it to the page or to Excel units
    wrap: bool = True


@dataclass
class Table:
    title: str
    columns: list[TableColumn]
    rows: list[list[str]] = field(default_factory=list)
    subtitle: str = ""
