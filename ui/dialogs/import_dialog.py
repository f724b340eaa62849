"""The preview of a recipient import: what will be added, updated, left alone and rejected
(with the row number and the reason), before anything is written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.directory.recipient_io import ImportPlan, ImportResult, apply_import, plan_import
from app.support.errors import UserError
from db.engine import Database
from ui.file_dialogs import open_file
from ui.fit import open_sized
from ui.keyboard import buttons_in_order

TITLE = "Загрузка адресатов"
ACTIONS = {"add": ("добавить", "#1b7a3a"), "update": ("обновить", "#1f4e9c"),
           "same": ("без изменений", "#777777"), "reject": ("отклонить", "#b00020")}  # fmt: skip


class ImportDialog(QDialog):
    def __init__(self, db: Database, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.plan = db, plan
        self.result_counts: ImportResult | None = None
        self.setWindowTitle(f"{TITLE}: {plan.path.name}")
        open_sized(self, "recipients_import", QSize(980, 620))
        layout = QVBoxLayout(self)
        summary = QLabel(f"<b>{plan.path.name}</b>: {plan.summary}")
        summary.setObjectName("import_summary")
        layout.addWidget(summary)
        notes = []
        if plan.new_lists:
            notes.append("Будут созданы списки рассылки: " + "; ".join(plan.new_lists))
        if plan.ignored_columns:
            notes.append("Пропущены столбцы: " + ", ".join(plan.ignored_columns))
        if notes:
            layout.addWidget(QLabel("\n".join(notes), wordWrap=True))
        self.table = QTableWidget(0, 4, self)
        self.table.setAccessibleName("Строки справочника из файла")
        self.table.setObjectName("import_rows")
        self.table.setHorizontalHeaderLabels(["Строка", "Действие", "Адресат", "Что изменится"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 70)
        self.table.setColumnWidth(1, 120)
        self.table.setColumnWidth(3, 360)
        rows = [(line, "reject", plan.labels.get(line, ""), why) for line, why in plan.rejected]
        rows += [(r.line, r.action, r.label, ", ".join(r.changes)) for r in plan.rows]
        rows.sort(key=lambda r: (r[1] == "same", r[0]))
        self.table.setRowCount(len(rows))
        for n, (line, action, label, detail) in enumerate(rows):
            text, colour = ACTIONS[action]
            for column, value in enumerate((str(line), text, label, detail)):
                item = QTableWidgetItem(value)
                if column == 1:
                    item.setForeground(QColor(colour))
                self.table.setItem(n, column, item)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        todo = plan.count("add") + plan.count("update")
        label = f"Загрузить ({todo})"
        if plan.rejected:
            label = f"Загрузить {todo}, пропустив отклоненные ({len(plan.rejected)})"
        self.load_button = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.load_button.setEnabled(todo > 0)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons_in_order(buttons)

    def apply(self) -> None:
        try:
            self.result_counts = apply_import(self.db, self.plan)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.accept()

    @classmethod
    def run(cls, db: Database, parent: QWidget, path: Path | None = None) -> ImportResult | None:
        """Ask for a file (unless given), show the preview, import on confirmation."""
        if path is None:
            name = open_file(parent, "recipients", TITLE, "Таблицы (*.csv *.xlsx);;Все файлы (*)")
            if name is None:
                return None
            path = name
        try:
            plan = plan_import(db, path)
        except UserError as exc:
            QMessageBox.warning(parent, TITLE, str(exc))
            return None
        dialog = cls(db, plan, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_counts
        return None
