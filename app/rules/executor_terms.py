"""An executor named in a resolution with their own term, as a clerk writes it on the command
line or in the form: ``КОД`` (no term), ``КОД:20.12.2026`` or ``КОД:2026-12-20`` (a date),
``КОД:+10`` (ten working days from the resolution's date, by the production calendar)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.rules.production_calendar import MAX_WORKING_DAYS, add_working_days
from app.support.errors import UserError
from app.support.text import parse_date_ru


@dataclass(frozen=True)
class ExecutorTerm:
    code: str
    due: dt.date | None = None  # a date given
    days: int | None = None  # or working days from the resolution's date

    def due_from(self, day: dt.date) -> dt.date | None:
        """The term as a date, for a resolution of ``day``."""
        if self.days is not None:
            return add_working_days(day, self.days)
        return self.due


def parse_executor_term(text: str) -> ExecutorTerm:
    code, _sep, term = text.strip().partition(":")
    code, term = code.strip(), term.strip()
    if not code:
        raise UserError(f"«{text}»: не указан код исполнителя")
    if not term:
        return ExecutorTerm(code)
    if term.startswith("+"):
        try:
            days = int(term[1:])
        except ValueError:
            raise UserError(f"«{text}»: срок «{term}» — не число рабочих дней (+10)") from None
        if not 0 < days <= MAX_WORKING_DAYS:
            raise UserError(f"«{text}»: рабочих дней от 1 до {MAX_WORKING_DAYS}")
        return ExecutorTerm(code, days=days)
    try:
        return ExecutorTerm(code, due=parse_date_ru(term))
    except ValueError:
        raise UserError(
            f"«{text}»: срок «{term}» — не дата (ДД.ММ.ГГГГ, ГГГГ-ММ-ДД) и не +ДНЕЙ"
        ) from None
