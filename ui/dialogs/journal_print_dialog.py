"""«Печать журнала за период…» (Ctrl+Shift+P): which journal — every outgoing one, one of them,
or an incoming journal — and which period, then the file (PDF or XLSX)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services.organization.profile import list_journals
from db.engine import Database

ALL_OUTGOING = ""


def _date_edit(value: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


class JournalPrintDialog(QDialog):
    def __init__(
        self,
        db: Database,
        start: dt.date,
        end: dt.date,
        journal: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Печать журнала за период")
        self.journal_combo = QComboBox()
        self.journal_combo.setAccessibleName("Журнал")
        self.journal_combo.addItem("Все исходящие журналы", ALL_OUTGOING)
        for j in list_journals(db):
            kind = "входящие" if j.kind == "incoming" else "исходящие"
            self.journal_combo.addItem(f"{j.code} — {j.name} ({kind})", j.code)
        found = self.journal_combo.findData(journal or ALL_OUTGOING)
        self.journal_combo.setCurrentIndex(max(found, 0))
        self.from_edit = _date_edit(start)
        self.from_edit.setAccessibleName("Период с")
        self.to_edit = _date_edit(end)
        self.to_edit.setAccessibleName("Период по")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Журнал", self.journal_combo)
        form.addRow("&С", self.from_edit)
        form.addRow("П&о", self.to_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Печать…")
        ok.setDefault(True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.journal_combo.setFocus()

    @property
    def journal(self) -> str | None:
        return str(self.journal_combo.currentData()) or None

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()  # type: ignore[return-value]

    def _accept(self) -> None:
        start, end = self.period
        if end < start:
            self.error.setText("Конец периода раньше начала")
            self.error.show()
            return
        self.accept()
