"""What is done to an incoming letter's execution from its card: the resolution (author, text,
date, executors each with a term of their own — a date or working days — one responsible, the
«Контроль» mark, the resolution it follows), an executor's progress note with a file, a term
changed by the resolution's author with a reason, an executor's part done or the letter as a
whole («Исполнено…»)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QWidget,
)

from app.rules.executor_terms import parse_executor_term
from app.services.cases.filing import proposed_case
from app.services.incoming.detail import IncomingDetail
from app.services.incoming.medo_notify import tell_assigned
from app.services.incoming.registration import complete_incoming
from app.services.incoming.resolutions import ResolutionData, resolve_incoming
from app.services.incoming.tasks import add_progress, complete_task, extend_term
from app.services.organization.profile import list_staff
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru, initials_name
from db.engine import Database
from ui import file_dialogs, palette
from ui.fit import open_sized
from ui.widgets.case_choice import case_combo
from ui.widgets.due_date_edit import DueDateEdit

NO_AUTHOR = "— без автора (поручение канцелярии)"


class _TaskDialog(QDialog):
    """A small form about one letter: its fields, a red line for what the service refused,
    OK and Cancel (the dialog stays open on a refusal)."""

    def __init__(self, db: Database, detail: IncomingDetail, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.db, self.detail = db, detail
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {palette.ERROR};")
        self.error_label.setWordWrap(True)
        self.warnings: list[str] = []

    def finish(self) -> None:
        self.form.addRow(self.error_label)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        box.accepted.connect(self.try_save)
        box.rejected.connect(self.reject)
        self.form.addRow(box)

    def try_save(self) -> None:
        self.error_label.clear()
        try:
            self.save()
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()

    def save(self) -> None:
        raise NotImplementedError

    def executors(self, *, open_only: bool = True) -> QComboBox:
        """The letter's executors (their open tasks), by name."""
        combo = QComboBox()
        seen: set[str] = set()
        for a in self.detail.assignments:
            if a.executor_code in seen or (open_only and a.done_date is not None):
                continue
            seen.add(a.executor_code)
            combo.addItem(a.executor, a.executor_code)
        combo.setAccessibleName("Исполнитель")
        return combo


class ResolutionDialog(_TaskDialog):
    """«Резолюция»: the head's or a deputy's — or the clerk's own assignment, without an author.
    Each executor's term is a date (ДД.ММ.ГГГГ) or working days (+10)."""

    def __init__(self, db: Database, detail: IncomingDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, f"Резолюция по входящему № {detail.number}", parent)
        open_sized(self, "resolution", QSize(720, 560))
        self.staff = [
            (s.code, initials_name(s.last_name, s.first_name, s.middle_name))
            for s in list_staff(db, active_only=True)
        ]
        self.told: tuple[bool, str] = (False, "")
        self.author_combo = QComboBox()
        self.author_combo.setAccessibleName("Автор резолюции")
        self.author_combo.addItem(NO_AUTHOR, None)
        for code, name in self.staff:
            self.author_combo.addItem(name, code)
        self.form.addRow("Автор", self.author_combo)
        self.parent_combo = QComboBox()
        self.parent_combo.setAccessibleName("Исполняет резолюцию")
        self.parent_combo.addItem("— первая (руководителя)", None)
        for r in detail.resolutions:
            self.parent_combo.addItem(r.line()[:90], r.id)
        self.form.addRow("Исполняет резолюцию", self.parent_combo)
        self.day_edit = QDateEdit(QDate(clock.today()))
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd.MM.yyyy")
        self.day_edit.setAccessibleName("Дата резолюции")
        self.form.addRow("Дата", self.day_edit)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.text_edit.setMaximumHeight(70)
        self.text_edit.setAccessibleName("Текст резолюции")
        self.form.addRow("Текст", self.text_edit)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Исполнители и сроки")
        self.table.setHorizontalHeaderLabels(["Исполнитель", "Срок (дата или +дней)", "Отв."])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 50)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(150)
        self.table.setTabKeyNavigation(False)  # Tab goes through the cells' own fields
        add = QPushButton("Добавить исполнителя")
        add.clicked.connect(lambda: self.add_executor())
        remove = QPushButton("Убрать")
        remove.clicked.connect(self.remove_executor)
        self.add_button, self.remove_button = add, remove
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.form.addRow("Исполнители", self.table)
        self.form.addRow("", buttons)
        self.control_check = QCheckBox("Контроль")
        self.control_check.setChecked(True)
        self.form.addRow("", self.control_check)
        self.finish()
        self.add_executor()

    def add_executor(self, code: str | None = None, term: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        combo.setAccessibleName(f"Исполнитель {row + 1}")
        for staff_code, name in self.staff:
            combo.addItem(name, staff_code)
        if code is not None:
            combo.setCurrentIndex(max(0, combo.findData(code)))
        edit = QLineEdit(term)
        edit.setPlaceholderText("20.12.2026 или +10")
        edit.setAccessibleName(f"Срок исполнителя {row + 1}")
        lead = QRadioButton()
        lead.setAccessibleName(f"Ответственный {row + 1}")
        lead.setAutoExclusive(False)
        lead.toggled.connect(lambda on, r=lead: self._one_responsible(r) if on else None)
        if row == 0:
            lead.setChecked(True)
        self.table.setCellWidget(row, 0, combo)
        self.table.setCellWidget(row, 1, edit)
        self.table.setCellWidget(row, 2, lead)
        self._tab_order()

    def _tab_order(self) -> None:
        """Tab reads the form as it is laid out: the text, each executor's row, the buttons."""
        chain: list[QWidget] = [self.text_edit, self.table]
        for row in range(self.table.rowCount()):
            chain += [w for c in range(3) if (w := self.table.cellWidget(row, c)) is not None]
        chain += [self.add_button, self.remove_button, self.control_check]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _one_responsible(self, chosen: QRadioButton) -> None:
        for row in range(self.table.rowCount()):
            other = self.table.cellWidget(row, 2)
            if isinstance(other, QRadioButton) and other is not chosen:
                other.setChecked(False)

    def remove_executor(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)

    def rows(self) -> list[tuple[str, str, bool]]:
        out = []
        for row in range(self.table.rowCount()):
            combo, edit, lead = (self.table.cellWidget(row, c) for c in range(3))
            assert isinstance(combo, QComboBox) and isinstance(edit, QLineEdit)
            assert isinstance(lead, QRadioButton)
            out.append((str(combo.currentData()), edit.text().strip(), lead.isChecked()))
        return out

    def save(self) -> None:
        rows = self.rows()
        terms = [parse_executor_term(f"{code}:{term}" if term else code) for code, term, _ in rows]
        lead = next((code for code, _term, on in rows if on), None)
        qdate = self.day_edit.date()
        data = ResolutionData(
            terms, text=self.text_edit.toPlainText(), author=self.author_combo.currentData(),
            responsible=lead, parent=self.parent_combo.currentData(),
            on_control=self.control_check.isChecked(),
            day=dt.date(qdate.year(), qdate.month(), qdate.day()),
        )  # fmt: skip
        done = resolve_incoming(self.db, self.detail.id, data)
        self.warnings = done.warnings
        # the МЭДО sender told who executes it, when the settings ask for it
        self.told = tell_assigned(self.db, self.detail.id)


class ProgressDialog(_TaskDialog):
    """«Ход исполнения»: an executor's note, a file with it."""

    def __init__(self, db: Database, detail: IncomingDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, f"Ход исполнения входящего № {detail.number}", parent)
        self.executor_combo = self.executors()
        self.form.addRow("Исполнитель", self.executor_combo)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(80)
        self.form.addRow("Что сделано", self.note_edit)
        self.file: Path | None = None
        self.file_button = QPushButton("Приложить файл…")
        self.file_button.clicked.connect(self._choose)
        self.form.addRow("Файл", self.file_button)
        self.finish()

    def _choose(self) -> None:
        chosen = file_dialogs.open_file(self, "task-file", "Файл к отметке", "Все файлы (*)")
        if chosen is not None:
            self.file = chosen
            self.file_button.setText(chosen.name)

    def save(self) -> None:
        code = self.executor_combo.currentData()
        if code is None:
            raise UserError("Исполнителей с открытым поручением нет")
        add_progress(self.db, self.detail.id, code, self.note_edit.toPlainText(), file=self.file)


class ExtendDialog(_TaskDialog):
    """«Изменить срок»: only the resolution's author changes it, with a reason."""

    def __init__(self, db: Database, detail: IncomingDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, f"Срок по входящему № {detail.number}", parent)
        self.executor_combo = self.executors()
        self.executor_combo.currentIndexChanged.connect(self._fill)
        self.form.addRow("Исполнитель", self.executor_combo)
        self.current = QLabel()
        self.form.addRow("Срок сейчас", self.current)
        self.due_edit = DueDateEdit(clock.today() + dt.timedelta(days=7))
        self.form.addRow("Новый срок", self.due_edit)
        self.by_combo = QComboBox()
        self.by_combo.setAccessibleName("Кто изменил срок")
        for s in list_staff(db, active_only=True):
            self.by_combo.addItem(initials_name(s.last_name, s.first_name, s.middle_name), s.code)
        self.form.addRow("Изменил (автор резолюции)", self.by_combo)
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Причина")
        self.form.addRow("Причина", self.reason_edit)
        self.finish()
        self._fill()

    def _fill(self) -> None:
        """The chosen executor's term now, and the author of their resolution as who changes."""
        code = self.executor_combo.currentData()
        task = next((a for a in reversed(self.detail.assignments)
                     if a.executor_code == code and a.done_date is None), None)  # fmt: skip
        if task is None:
            return
        self.current.setText(date_ru(task.due) if task.due else "без срока")
        author = next((r.author_code for r in self.detail.resolutions
                       if r.id == task.resolution_id and r.author_code), None)  # fmt: skip
        if author:
            self.by_combo.setCurrentIndex(max(0, self.by_combo.findData(author)))

    def save(self) -> None:
        code = self.executor_combo.currentData()
        if code is None:
            raise UserError("Исполнителей с открытым поручением нет")
        self.warnings = extend_term(self.db, self.detail.id, code, self.due_edit.date(),
                                    by=self.by_combo.currentData(),
                                    reason=self.reason_edit.text())  # fmt: skip


class DoneDialog(_TaskDialog):
    """«Исполнено»: answered by our letter, or done otherwise with a note."""

    def __init__(self, db: Database, detail: IncomingDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, f"Исполнение входящего № {detail.number}", parent)
        form = self.form
        # «Чья часть»: one executor's open part, or the letter as a whole (first)
        self.part_combo = self.executors()
        self.part_combo.setAccessibleName("Чья часть исполнена")
        self.part_combo.insertItem(0, "Письмо в целом", None)
        self.part_combo.setCurrentIndex(0)
        form.addRow("Исполнено", self.part_combo)
        self.reply_edit = QLineEdit()
        self.reply_edit.setPlaceholderText("номер нашего письма-ответа, если ответ дан письмом")
        form.addRow("Ответ письмом №", self.reply_edit)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.note_edit.setMaximumHeight(80)
        form.addRow("Отметка", self.note_edit)
        # «В дело»: the case proposed from our reply or the executor's department
        self.case_box = case_combo(db, clock.today().year, proposed_case(db, detail.id))
        self.case_box.setToolTip("Дело номенклатуры, в которое подшивается письмо в целом")
        form.addRow("В дело №", self.case_box)
        self.part_combo.currentIndexChanged.connect(
            lambda: self.case_box.setEnabled(self.part_combo.currentData() is None)
        )
        self.finish()

    def save(self) -> None:
        reply = self.reply_edit.text().strip() or None
        part = self.part_combo.currentData()
        if part is not None:  # one executor's part; the letter when every part is done
            complete_task(self.db, self.detail.id, part, reply=reply,
                          note=self.note_edit.toPlainText())  # fmt: skip
            return
        complete_incoming(self.db, self.detail.id, reply=reply, note=self.note_edit.toPlainText(),
                          case=self.case_box.currentData() or "")  # fmt: skip
