"""Today's date for everything that depends on it (overdue reports, default dates).

``SECRETARIAT_TODAY=YYYY-MM-DD`` sets the date for a demonstration or a test run; services also
take an explicit ``today`` so tests inject the clock without touching the environment.
"""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    override = os.environ.get("SECRETARIAT_TODAY", "").strip()
    if override:
        try:
            return dt.date.fromisoformat(override)
        except ValueError:
            pass  # a wrong override must not stop the program; the real date is used
    return dt.date.today()


def now() -> dt.datetime:
    """The workstation's wall-clock time, on :func:`today`'s date (seconds, no time zone)."""
    current = dt.datetime.now().replace(microsecond=0)
    return dt.datetime.combine(today(), current.time())


def local_time(stored: dt.datetime) -> dt.datetime:
    """A time the database keeps (naive UTC) as the workstation reads it (naive local)."""
    return stored.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
