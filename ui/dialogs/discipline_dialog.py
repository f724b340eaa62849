"""«Сводка по исполнительской дисциплине»: for a period (the last month unless chosen), per
executor or per department — the same numbers as ``control discipline`` — and saved as XLSX or
PDF with a chart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.rules.discipline import DisciplineRow
from app.services.execution.discipline_report import discipline_rows, export_discipline
from app.support import clock
from db.engine import Database
from ui import file_dialogs
from ui.background import Background, message_of
from ui.fit import open_sized

TITLE = "Сводка по исполнительской дисциплине"
COLUMNS = ("", "Поручено", "В срок", "С нарушением", "Опоздание, дн. (ср.)", "Не исполнено",
           "Просрочено")  # fmt: skip


RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def _date_edit(day: dt.date, name: str) -> QDateEdit:
    edit = QDateEdit(QDate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setAccessibleName(name)
    return edit


def _day(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


class DisciplineDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(TITLE)
        open_sized(self, "discipline", QSize(900, 520))
        self.background = Background(self)
        start, end = last_month(clock.today())
        self.from_edit = _date_edit(start, "С")
        self.to_edit = _date_edit(end, "По")
        self.by_combo = QComboBox()
        self.by_combo.setAccessibleName("Разрез")
        self.by_combo.addItem("По исполнителям", "executor")
        self.by_combo.addItem("По подразделениям", "department")
        for widget in (self.from_edit, self.to_edit):
            widget.dateChanged.connect(self.refresh)
        self.by_combo.currentIndexChanged.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName(TITLE)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.said = QLabel()
        self.said.setWordWrap(True)
        xlsx = QPushButton("Сохранить XLSX…")
        xlsx.clicked.connect(lambda: self.save(".xlsx"))
        pdf = QPushButton("Сохранить PDF…")
        pdf.clicked.connect(lambda: self.save(".pdf"))
        close = QPushButton("Закрыть")
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("С"))
        top.addWidget(self.from_edit)
        top.addWidget(QLabel("по"))
        top.addWidget(self.to_edit)
        top.addWidget(self.by_combo)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.said, 1)
        for button in (xlsx, pdf, close):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.rows: list[DisciplineRow] = []
        self.refresh()

    def refresh(self) -> None:
        db, start, end, by = self.db, _day(self.from_edit), _day(self.to_edit), self.by()
        self.said.setText("Считается…")
        self.background.run("rows", lambda: discipline_rows(db, start, end, by=by), self._show,
                            lambda error: self.said.setText(message_of(error)))  # fmt: skip

    def by(self) -> str:
        return str(self.by_combo.currentData())

    def _show(self, rows: list[DisciplineRow]) -> None:
        self.rows = rows
        header = "Исполнитель" if self.by() == "executor" else "Подразделение"
        self.table.setHorizontalHeaderLabels([header, *COLUMNS[1:]])
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for r, row in enumerate(rows):
            cells = (row.name, row.assigned, row.on_time, row.late, row.avg_days_late,
                     row.outstanding, row.overdue)  # fmt: skip
            for c, value in enumerate(cells):
                text = str(value).replace(".", ",") if isinstance(value, float) else str(value)
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if not row.executor:
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.said.setText("" if rows else "За период нет поручений со сроком")

    def save(self, suffix: str) -> None:
        start, end = _day(self.from_edit), _day(self.to_edit)
        name = f"Сводка-дисциплина-{start:%Y-%m-%d}-{end:%Y-%m-%d}{suffix}"
        kind = "Excel (*.xlsx)" if suffix == ".xlsx" else "PDF (*.pdf)"
        chosen = file_dialogs.save_file(self, "discipline", TITLE, name, kind)
        if chosen is None:
            return
        target = chosen[0] if chosen[0].suffix.lower() == suffix else chosen[0].with_suffix(suffix)
        db, by = self.db, self.by()
        self.background.run(
            "save", lambda: export_discipline(db, start, end, target, by=by), self._saved,
            self._not_saved,
        )  # fmt: skip

    def _not_saved(self, error: Exception) -> None:
        QMessageBox.warning(self, TITLE, message_of(error))

    def _saved(self, path: Path) -> None:
        self.said.setText(f"Записано: {path}")
        file_dialogs.announce_saved(path, "Сводка записана")
