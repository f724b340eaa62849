"""CSV on standard output for the list commands (``--format csv``)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from typing import Any


def csv_out(header: list[str], rows: Iterable[list[Any]]) -> None:
    """CSV on standard output, each text cell guarded as the file exports guard it: a cell
    starting with = + - @ opens in Excel as text, never runs as a formula."""
    from app.support.tabular import guard_formula

    writer = csv.writer(sys.stdout, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([guard_formula(v) if isinstance(v, str) else v for v in row])
