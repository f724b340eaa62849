"""«Отметить получение»: the reply's number and dates, the files received and the report rows,
typed into the form's columns or loaded from the recipient's filled-in XLSX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.exporters.table import cell_text
from app.rules.report_form import FormErrors, clean_value, is_numeric, read_filled_form
from app.services.control.report_control import Reply, receive_reply
from app.services.control.reports import LetterControl, RecipientControl
from app.support import clock
from app.support.errors import UserError
from app.support.text import wrap_title
from db.engine import Database
from ui import palette
from ui.background import message_of
from ui.file_dialogs import open_file, open_files
from ui.fit import open_sized
from ui.widgets.buttons import ok_cancel
from ui.widgets.paste_grid import PasteGrid

BAD_CELL = QColor("#f9d6d3")


def _date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


def _date_of(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


class ReceiveDialog(QDialog):
    def __init__(
        self,
        db: Database,
        control: LetterControl,
        recipient: RecipientControl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.control, self.recipient = db, control, recipient
        self.numeric = [is_numeric(c) for c in control.columns]
        self.setWindowTitle(f"Получение отчета — {recipient.name}")
        open_sized(self, "receive", QSize(980, 620))
        today = clock.today()
        self.number_edit = QLineEdit(self)
        self.number_edit.setPlaceholderText("номер, под которым адресат отправил ответ")
        self.reply_date = _date_edit(today)
        self.received_date = _date_edit(today)
        self.reply_date.setAccessibleName("Дата ответа")
        self.received_date.setAccessibleName("Дата получения")
        self.files = QListWidget(self)
        self.files.setAccessibleName("Файлы ответа")
        self.files.setMaximumHeight(80)
        self.table = PasteGrid(0, len(control.columns), self)
        self.table.setAccessibleName("Строки отчета")
        self.table.new_row = lambda: self.add_row()
        self.table.setHorizontalHeaderLabels([wrap_title(c) for c in control.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(150)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.table.itemChanged.connect(self._check_item)
        self.table.setToolTip(
            "Ctrl+V вставляет ячейки, скопированные из Excel, начиная с выбранной; Delete очищает"
        )
        self.errors = QLabel(self)
        self.errors.setStyleSheet(f"color: {palette.ERROR};")
        self.errors.setWordWrap(True)
        self._build()
        self.add_row()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Адресат:", QLabel(f"<b>{self.recipient.name}</b>"))
        form.addRow(
            "К письму:",
            QLabel(
                f"№ {self.control.number} от {self.control.reg_date:%d.%m.%Y}; "
                f"срок {self.recipient.due:%d.%m.%Y}"
            ),
        )
        form.addRow("Исходящий № ответа:", self.number_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.reply_date)
        dates.addWidget(QLabel("получен:"))
        dates.addWidget(self.received_date)
        dates.addStretch(1)
        form.addRow("Дата ответа:", dates)

        files_box = QGroupBox("Полученные файлы (PDF, DOCX, XLSX) — хранятся в базе данных")
        files_buttons = QVBoxLayout()
        add_files = QPushButton("Добавить…")
        add_files.clicked.connect(self.pick_files)
        remove_file = QPushButton("Убрать")
        remove_file.clicked.connect(lambda: self.files.takeItem(self.files.currentRow()))
        files_buttons.addWidget(add_files)
        files_buttons.addWidget(remove_file)
        files_buttons.addStretch(1)
        files_layout = QHBoxLayout(files_box)
        files_layout.addWidget(self.files, 1)
        files_layout.addLayout(files_buttons)

        rows_box = QGroupBox("Строки отчета")
        rows_buttons = QHBoxLayout()
        for text, slot in (
            ("Добавить строку", self.add_row),
            ("Удалить строку", self.remove_row),
            ("Загрузить из заполненной формы (XLSX)…", self.load_form),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            rows_buttons.addWidget(button)
        rows_buttons.addStretch(1)
        rows_layout = QVBoxLayout(rows_box)
        rows_layout.addWidget(self.table, 1)
        rows_layout.addLayout(rows_buttons)

        buttons = ok_cancel(self, "Отметить получение")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(files_box)
        layout.addWidget(rows_box, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    # --- rows ------------------------------------------------------------------------------

    def add_row(self, values: list[object] | None = None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col in range(self.table.columnCount()):
            value = values[col] if values and col < len(values) else ""
            item = QTableWidgetItem(cell_text(value))
            if self.numeric[col]:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, col, item)

    def remove_row(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.currentRow()]:
            if row >= 0:
                self.table.removeRow(row)

    def rows(self) -> list[list[str]]:
        return [
            [
                (item.text() if (item := self.table.item(r, c)) is not None else "")
                for c in range(self.table.columnCount())
            ]
            for r in range(self.table.rowCount())
        ]

    def _check_item(self, item: QTableWidgetItem) -> None:
        _value, problem = clean_value(item.text(), self.numeric[item.column()])
        item.setBackground(QBrush(BAD_CELL) if problem else QBrush())
        item.setToolTip(problem)

    def load_form(self) -> None:
        name = open_file(self, "reports", "Заполненная отчетная форма", "Excel (*.xlsx)")
        if name is not None:
            self.load_form_file(name)

    def load_form_file(self, path: Path) -> None:
        try:
            form = read_filled_form(path, self.control.columns)
        except FormErrors as exc:
            self.errors.setText("Форма не загружена:\n" + "\n".join(exc.problems))
            return
        except UserError as exc:
            self.errors.setText(message_of(exc))
            return
        self.table.setRowCount(0)
        for values in form.rows:
            self.add_row(list(values))
        self.errors.setText("")
        if path.name not in self._file_names():
            self.files.addItem(str(path))

    # --- files -----------------------------------------------------------------------------

    def pick_files(self) -> None:
        names = open_files(
            self,
            "reports",
            "Файлы ответа",
            "Документы (*.pdf *.docx *.xlsx *.doc *.xls);;Все файлы (*)",
        )
        for name in names:
            self.files.addItem(str(name))

    def _file_names(self) -> set[str]:
        return {Path(self.files.item(i).text()).name for i in range(self.files.count())}

    def file_paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    # --- saving ----------------------------------------------------------------------------

    def _rows_or_confirmed(self) -> bool:
        """A form with columns and no row filled: the clerk says it is so before it is kept."""
        if not self.control.columns or any(any(v.strip() for v in r) for r in self.rows()):
            return True
        answer = QMessageBox.question(
            self,
            "Отчет без строк",
            f"В отчете {self.recipient.name} не заполнено ни одной строки, хотя форма требует "
            f"графы: {', '.join(self.control.columns)}.\n\n"
            "Отметить получение без строк (например, адресат ответил, что сведений нет)?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def accept(self) -> None:
        if self.number_edit.text().strip() and not self._rows_or_confirmed():
            return  # (without the reply's number the service's refusal comes first)
        reply = Reply(
            incoming_number=self.number_edit.text(),
            reply_date=_date_of(self.reply_date),
            received_date=_date_of(self.received_date),
            files=self.file_paths(),
            rows=self.rows(),
        )
        try:
            receive_reply(
                self.db,
                self.control.letter_id,
                self.recipient.control_id,
                reply,
                version=self.recipient.version,
            )
        except FormErrors as exc:
            self.errors.setText("Проверьте строки отчета:\n" + "\n".join(exc.problems))
            return
        except UserError as exc:
            self.errors.setText(message_of(exc))
            return
        super().accept()
