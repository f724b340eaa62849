"""The period filter of a journal tab: «За все время», «Текущий месяц», … or «Период…» with
its two dates shown only then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QWidget

from app.rules.periods import period_range
from app.support import clock

PERIODS = (
    ("all", "За все время"),
    ("today", "Сегодня"),
    ("month", "Текущий месяц"),
    ("year", "Текущий год"),
    ("last_year", "Прошлый год"),
    ("custom", "Период…"),
)


class PeriodFilter:
    """The combo and the two dates (widgets for a filter bar); ``changed`` is called when the
    period changes."""

    def __init__(self, changed: Callable[[], None]) -> None:
        self._changed = changed
        self.combo = QComboBox()
        self.combo.setAccessibleName("Период")
        for value, label in PERIODS:
            self.combo.addItem(label, value)
        today = clock.today()
        self.from_edit = QDateEdit(QDate(today.year, 1, 1))
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.from_edit.setAccessibleName("Период с")
        self.to_edit.setAccessibleName("Период по")
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setVisible(False)
            edit.dateChanged.connect(changed)
        self.combo.currentIndexChanged.connect(self._period_changed)

    def widgets(self) -> list[QWidget]:
        return [self.combo, self.from_edit, self.to_edit]

    def _period_changed(self) -> None:
        custom = self.combo.currentData() == "custom"
        self.from_edit.setVisible(custom)
        self.to_edit.setVisible(custom)
        self._changed()

    def dates(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last day of the period chosen (None: open on that side)."""
        kind = self.combo.currentData()
        if kind == "custom":
            return self.from_edit.date().toPython(), self.to_edit.date().toPython()  # type: ignore[return-value]
        start, end = period_range(kind, clock.today())
        return start, end
