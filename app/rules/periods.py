"""Named periods of the filters (registry dates, report due dates) as inclusive date ranges."""

from __future__ import annotations

import datetime as dt

Range = tuple[dt.date | None, dt.date | None]


def _month_end(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def period_range(kind: str, today: dt.date) -> Range:
    """``today``, ``month`` (up to today), ``this_month`` and ``next_month`` (whole months),
    ``year``, ``last_year``; anything else is no limit."""
    first = today.replace(day=1)
    if kind == "today":
        return today, today
    if kind == "month":
        return first, today
    if kind == "this_month":
        return first, _month_end(first)
    if kind == "next_month":
        start = _month_end(first) + dt.timedelta(days=1)
        return start, _month_end(start)
    if kind == "year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    if kind == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return None, None
