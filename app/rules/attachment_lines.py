"""A letter's attachment as a clerk types it, one line each: «Название; листов; экз.» — the
title, then the sheets and the copies, both optional (1 when left out). The same bounds hold
for a line typed in the card, a card's JSON and a Word draft's «Приложение»."""

from __future__ import annotations

from dataclasses import dataclass

from app.support.text import thousands

MAX_SHEETS = 10_000
MAX_COPIES = 1_000
SHAPE = "«Название; листов; экз.»"


class LineError(ValueError):
    """A line not in the shape: the message says what is wrong, for the clerk."""


@dataclass(frozen=True)
class Attachment:
    title: str
    sheets: int = 1
    copies: int = 1


def title_of(line: str) -> str:
    """The title: what comes before the first «;»."""
    return line.split(";")[0].strip()


def bounds_problem(sheets: int, copies: int) -> str | None:
    if 1 <= sheets <= MAX_SHEETS and 1 <= copies <= MAX_COPIES:
        return None
    return (
        f"листов — от 1 до {thousands(MAX_SHEETS)}, экземпляров — от 1 до {thousands(MAX_COPIES)}"
    )


def read_line(line: str) -> Attachment | None:
    """The attachment a line describes; None for an empty line; :class:`LineError` when the
    numbers are not whole numbers within the bounds, or there are more than two."""
    if not line.strip():
        return None
    title = title_of(line)
    if not title:
        raise LineError(f"нет названия приложения: {SHAPE}")
    numbers = [part.strip() for part in line.split(";")[1:]]
    if len(numbers) > 2 or not all(n.isdigit() for n in numbers):
        raise LineError(SHAPE)
    sheets, copies = (int(n) for n in [*numbers, "1", "1"][:2])
    problem = bounds_problem(sheets, copies)
    if problem:
        raise LineError(problem)
    return Attachment(title, sheets, copies)


def line_of(title: str, sheets: int = 1, copies: int = 1) -> str:
    """The line a clerk would type for an attachment (read back by :func:`read_line`)."""
    return f"{title}; {sheets}; {copies}"
