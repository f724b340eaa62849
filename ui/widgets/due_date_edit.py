"""A due-date field that shows the weekday and warns about days off (production calendar)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.rules.production_calendar import due_date_warning
from app.support.text import WEEKDAYS_FULL
from ui import palette


class DueDateEdit(QWidget):
    changed = Signal()

    def __init__(self, date: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit(QDate(date), self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd.MM.yyyy")
        self.edit.setAccessibleName("Срок")
        self.weekday = QLabel(self)
        self.warning = QLabel(self)
        self.warning.setStyleSheet(f"color: {palette.WARNING};")
        self.warning.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.edit)
        row.addWidget(self.weekday, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        self.edit.dateChanged.connect(self._update)
        self._update()

    def date(self) -> dt.date:
        qdate = self.edit.date()
        return dt.date(qdate.year(), qdate.month(), qdate.day())

    def set_date(self, date: dt.date) -> None:
        self.edit.setDate(QDate(date))

    def _update(self) -> None:
        day = self.date()
        self.weekday.setText(WEEKDAYS_FULL[day.weekday()])
        warning = due_date_warning(day)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.changed.emit()
