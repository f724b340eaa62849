"""«Журнал изменений»: who changed what and when, with filters; it can only be read."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QSize, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.access.audit_log import (
    ENTITY_LABELS,
    AuditQuery,
    audit_users,
    chain_length,
    list_audit,
    verify_audit,
)
from db.engine import Database
from ui import palette
from ui.fit import open_sized

LIMIT = 1000
AUTO_CHECK = 20_000  # events the window walks by itself when it opens


class AuditDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Журнал изменений")
        open_sized(self, "audit", QSize(1100, 560))
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.entity_combo = QComboBox()
        self.entity_combo.setAccessibleName("Какие записи")
        self.entity_combo.addItem("Все записи", "")
        for key, label in ENTITY_LABELS.items():
            self.entity_combo.addItem(label, key)
        self.user_combo = QComboBox()
        self.user_combo.setAccessibleName("Пользователь")
        self.user_combo.addItem("Все пользователи", "")
        for user in audit_users(db):
            self.user_combo.addItem(user, user)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("audit_search")
        self.search_edit.setAccessibleName("Поиск в журнале действий")
        self.search_edit.setPlaceholderText("Номер, код, поле, текст изменения…")
        self.search_edit.setClearButtonEnabled(True)
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        self.from_edit.setAccessibleName("Действия с даты")
        self.to_edit.setAccessibleName("Действия по дату")
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
        self.table.setAccessibleName("Действия")
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
        self.chain_label = QLabel("Цепочка: проверяется…")
        self.chain_label.setObjectName("audit_chain_state")
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_label.setWordWrap(True)
        self.chain_label.setToolTip(
            "Каждое событие несет хеш своего содержания и предыдущего события; изменить или "
            "удалить событие не дает база данных, а измененное в обход нее находит проверка"
        )
        self.verify_button = QPushButton("Проверить цепочку")
        self.verify_button.clicked.connect(self.verify)
        bottom.addWidget(self.count_label)
        self.chain_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom.addWidget(self.chain_label, 1)  # the rest of the row: wraps only a long problem
        bottom.addWidget(self.verify_button)
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
        self._verified_once = False
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._verified_once:  # the chain is walked once the window is on screen
            self._verified_once = True
            QTimer.singleShot(0, self, self._first_check)

    def _first_check(self) -> None:
        events = chain_length(self.db)
        if events > AUTO_CHECK:  # a long walk is the clerk's choice, not a wait at every open
            self.chain_label.setText(f"Цепочка: {events} событий — «Проверить цепочку»")
            return
        self.verify()

    def verify(self) -> None:
        """Walk the chain (here, not in a thread: a walk of 20,000 events takes a fraction of
        a second); the state beside the count, green or red."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = verify_audit(self.db)
        finally:
            QApplication.restoreOverrideCursor()
        if report.whole:
            self.chain_label.setText(f"Цепочка цела: {report.events} событий")
            self.chain_label.setToolTip(f"Последний хеш: {report.head}")
            self.chain_label.setStyleSheet(f"color: {palette.GOOD}; font-weight: bold;")
        else:
            self.chain_label.setText(f"Цепочка нарушена: {report.problem}")
            self.chain_label.setStyleSheet(f"color: {palette.ERROR}; font-weight: bold;")

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
