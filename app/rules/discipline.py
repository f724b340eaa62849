"""The discipline report («сводка по исполнительской дисциплине»): for the tasks whose term falls
in a period, per executor or per department — how many were given, done on time, done late (and
how many days late on average), still outstanding, and of those overdue. Pure counting: the
tasks come from storage as :class:`TaskFact`.

How a task counts:
- *assigned*: every task whose term (the one in force, after extensions) is in the period;
- *on time*: done on or before its term; *late*: done after it — ``avg_days_late`` is the mean of
  calendar days past the term over the late ones (0 when none);
- *outstanding*: not done; *overdue*: outstanding and its term before the report's day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BY = ("executor", "department")


@dataclass(frozen=True)
class TaskFact:
    executor: str  # the staff code
    name: str  # as printed: Фамилия И.О.
    department: str
    due: dt.date
    done: dt.date | None


@dataclass(frozen=True)
class DisciplineRow:
    executor: str  # the staff code, or the department's name when counted by department
    name: str
    assigned: int
    on_time: int
    late: int
    outstanding: int
    overdue: int
    avg_days_late: float

    def as_json(self) -> dict[str, object]:
        return {
            "executor": self.executor,
            "name": self.name,
            "assigned": self.assigned,
            "on_time": self.on_time,
            "late": self.late,
            "outstanding": self.outstanding,
            "overdue": self.overdue,
            "avg_days_late": self.avg_days_late,
        }

    @property
    def on_time_share(self) -> float:
        """Done on time of those given, 0..1 (what the chart shows)."""
        return self.on_time / self.assigned if self.assigned else 0.0


def discipline(facts: list[TaskFact], today: dt.date, by: str = "executor") -> list[DisciplineRow]:
    """The rows, in the order of their names, and a total row last (``executor`` "")."""
    if by not in BY:
        raise ValueError(f"by must be one of {BY}: {by!r}")
    groups: dict[str, list[TaskFact]] = {}
    names: dict[str, str] = {}
    for fact in facts:
        key = fact.executor if by == "executor" else (fact.department or "—")
        groups.setdefault(key, []).append(fact)
        names[key] = fact.name if by == "executor" else key
    rows = [_row(key, names[key], group, today) for key, group in groups.items()]
    # people by surname (the name is printed initials first), departments by name
    rows.sort(key=lambda row: ((row.name.split() or [""])[-1].casefold() if by == "executor"
                               else row.name.casefold(), row.name, row.executor))  # fmt: skip
    if rows:
        rows.append(_row("", "Итого", facts, today))
    return rows


def _row(key: str, name: str, facts: list[TaskFact], today: dt.date) -> DisciplineRow:
    late_days = [(f.done - f.due).days for f in facts if f.done is not None and f.done > f.due]
    outstanding = [f for f in facts if f.done is None]
    return DisciplineRow(
        executor=key,
        name=name,
        assigned=len(facts),
        on_time=sum(1 for f in facts if f.done is not None and f.done <= f.due),
        late=len(late_days),
        outstanding=len(outstanding),
        overdue=sum(1 for f in outstanding if f.due < today),
        avg_days_late=round(sum(late_days) / len(late_days), 1) if late_days else 0.0,
    )
