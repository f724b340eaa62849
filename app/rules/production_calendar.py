"""The Russian production calendar: weekends, public holidays and the days off moved by decree.

The data comes from the ``holidays`` package (maintained, updated with each government decree on
moved days off); nothing is hard-coded here. A due date that falls on a day off gets a warning,
never a block: the clerk decides.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from app.support.text import WEEKDAYS_FULL


@cache
def _calendar(year: int) -> Any:
    import holidays

    return holidays.country_holidays("RU", years=year, language="ru")


def day_off_reason(date: dt.date) -> str | None:
    """Why ``date`` is not a working day, or None when it is one."""
    calendar = _calendar(date.year)
    name = calendar.get(date)
    if name:
        return f"праздничный день ({name})" if "перенесено" not in name else "перенесенный выходной"
    if date in calendar.weekend_workdays:
        return None  # a Saturday made a working day by decree
    if date.weekday() >= 5:
        return f"выходной день ({WEEKDAYS_FULL[date.weekday()]})"
    return None


def due_date_warning(date: dt.date) -> str:
    """A warning to show beside a due date, or an empty string."""
    reason = day_off_reason(date)
    return f"Срок приходится на нерабочий день: {reason}" if reason else ""


MAX_WORKING_DAYS = 3660  # a term set in days: ten years of working days is more than any


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day ``days`` working days after ``start`` (a term «в течение 10 рабочих дней» from
    the resolution's date): weekends, holidays and moved days off skipped, Saturdays made
    working by decree counted."""
    if not 0 < days <= MAX_WORKING_DAYS:
        raise ValueError(f"working days out of range: {days}")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if day_off_reason(day) is None:
            days -= 1
    return day
