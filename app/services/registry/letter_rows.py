"""A line of the registry: what it holds, and how one is made from the columns read.

Free of SQLAlchemy: the registry's listing (``letter_list``, through the ORM's Core) and the
first page read at start-up with plain ``sqlite3`` (``first_page``) make their lines here, so
the two cannot show a letter differently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.support.text import initials_name

COUNT_CAP = 1_000  # beyond this the count says «более 1 000»: counting every match costs
DRAFT_STATUS = "draft"  # the registry's filter «Черновики»: drafts shown as lines


@dataclass(frozen=True)
class LetterRow:
    """One line of the registry table."""

    id: int
    journal: str
    number: str
    reg_date: dt.date
    status: str
    addressee: str
    subject: str
    signatory: str
    executor: str
    delivery_state: str
    report_due: dt.date | None
    reports_received: int
    reports_total: int
    annul_reason: str = ""
    files: int = 0  # the letter's own files (the paper-clip column)


# what a line is read from, in this order: the letter, its journal's code, the signatory's and
# the executor's names
LINE_COLUMNS = (
    "id", "journal", "number", "reg_date", "status", "addressee_text", "subject",
    "signatory_last", "signatory_first", "signatory_middle",
    "executor_last", "executor_first", "executor_middle", "delivery_state", "annul_reason",
)  # fmt: skip

Progress = dict[int, tuple[dt.date, int, int]]  # letter id → (report due, received, total)


def letter_rows(
    found: Sequence[Sequence[Any]], progress: Progress, files: dict[int, int]
) -> list[LetterRow]:
    """The lines of ``found`` (each a sequence of :data:`LINE_COLUMNS`), with each letter's
    report progress and number of files."""
    rows = []
    for r in found:
        due, got, total = progress.get(r[0], (None, 0, 0))
        rows.append(
            LetterRow(
                id=r[0],
                journal=r[1],
                number=r[2],
                reg_date=r[3],
                status=r[4],
                addressee=one_line(r[5]),
                subject=r[6],
                signatory=initials(r[7], r[8], r[9]),
                executor=initials(r[10], r[11], r[12]),
                delivery_state=r[13],
                report_due=due,
                reports_received=got,
                reports_total=total,
                annul_reason=r[14],
                files=files.get(r[0], 0),
            )
        )
    return rows


@lru_cache(maxsize=1_024)  # a page names a handful of signatories and executors
def initials(last: str | None, first: str | None, middle: str | None) -> str:
    return initials_name(last, first or "", middle or "") if last is not None else ""


def one_line(addressee: str) -> str:
    return addressee.replace("\n\n", "; ").replace("\n", " ")
