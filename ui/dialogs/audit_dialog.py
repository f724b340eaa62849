"""«Журнал изменений»: who changed what and when, with filters; it can only be read."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.safety.audit_log import ENTITY_LABELS, AuditQuery, audit_users, list_audit
from db.engine import Database

LIMIT = 1000


class AuditDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Журнал изменений")
        self.resize(1100, 560)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.entity_combo = QComboBox()
        self.entity_combo.addItem("Все записи", "")
        for key, label in ENTITY_LABELS.items():
            self.entity_combo.addItem(label, key)
        self.user_combo = QComboBox()
        self.user_combo.addItem("Все пользователи", "")
        for user in audit_users(db):
            self.user_combo.addItem(user, user)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("audit_search")
        self.search_edit.setPlaceholderText("Номер, код, поле, текст изменения…")
        self.search_edit.setClearButtonEnabled(True)
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        today = QDate.currentDate()
        self.from_edit.setDate(today.addYears(-1))
        self.to_edit.setDate(today)
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setCalendarPopup(True)
        filters.addWidget(self.entity_combo)
        filters.addWidget(self.user_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(QLabel("с"))
        filters.addWidget(self.from_edit)
        filters.addWidget(QLabel("по"))
        filters.addWidget(self.to_edit)
        layout.addLayout(filters)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("audit_table")
        self.table.setHorizontalHeaderLabels(["Когда", "Кто", "Что", "Подробности"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count_label = QLabel()
        note = QLabel("Записи журнала изменений не редактируются и не удаляются.")
        note.setStyleSheet("color: #555;")
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._timer.start)
        for combo in (self.entity_combo, self.user_combo):
            combo.currentIndexChanged.connect(self.refresh)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self.refresh)
        self.refresh()

    def query(self) -> AuditQuery:
        start: dt.date = self.from_edit.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.to_edit.date().toPython()  # type: ignore[assignment]
        return AuditQuery(
            entity=str(self.entity_combo.currentData() or ""),
            user=str(self.user_combo.currentData() or ""),
            search=self.search_edit.text(),
            date_from=start,
            date_to=end,
        )

    def refresh(self) -> None:
        rows = list_audit(self.db, self.query(), limit=LIMIT)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            when = row.at if isinstance(row.at, dt.datetime) else dt.datetime.now()
            for column, text in enumerate(
                (f"{when:%d.%m.%Y %H:%M:%S}", row.user, row.what, row.summary)
            ):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setToolTip(text)
                self.table.setItem(i, column, item)
        more = f" (показаны последние {LIMIT})" if len(rows) >= LIMIT else ""
        self.count_label.setText(f"Событий: {len(rows)}{more}")
