"""«Номенклатура дел»: the year's cases (added, changed, removed, imported from XLSX, printed,
copied to the next year, a draft from the indexes on letters), the chosen case's documents,
closing a case, its internal inventory, the year's inventories and the destruction act.

Each action is its own transaction and is written at once (the page says so): the
nomenclature is not part of the settings saved by «Сохранить».
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.rules.retention import parse_retention
from app.services.cases.nomenclature import (
    CaseData,
    CaseView,
    delete_case,
    indexes_without_cases,
    nomenclature,
    save_case,
)
from app.support import clock
from app.support.errors import UserError
from db.engine import Database
from ui import file_dialogs, palette
from ui.file_dialogs import announce_saved
from ui.fit import open_sized
from ui.widgets.buttons import ok_cancel, refusal_label

CASE_COLUMNS = ("Индекс", "Заголовок дела", "Раздел", "Томов", "Срок хранения", "Док.", "Состояние")
DOCUMENT_COLUMNS = ("Вид", "Номер", "Дата", "Заголовок", "Корреспондент", "Листов")
PERIODS = (
    "Постоянно", "5 лет ЭПК", "5 лет", "3 года", "1 год", "10 лет ЭПК", "50 лет ЭПК",
    "75 лет ЭПК", "До минования надобности",
)  # fmt: skip
TABLE_FILTERS = "Excel (*.xlsx);;PDF (*.pdf);;Word (*.docx)"
TITLE = "Номенклатура дел"


def _table(columns: tuple[str, ...], name: str, stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))


class NomenclaturePage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.cases: list[CaseView] = []
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2200)
        self.year_spin.setValue(clock.today().year)
        self.year_spin.setAccessibleName("Год номенклатуры")
        self.year_spin.valueChanged.connect(self.refresh)
        note = QLabel("Изменения номенклатуры записываются сразу.")
        note.setStyleSheet(f"color: {palette.DIMMED};")
        top = QHBoxLayout()
        top.addWidget(QLabel("Год:"))
        top.addWidget(self.year_spin)
        self.add_button = self._button(top, "Добавить дело…", self.add_case)
        self.edit_button = self._button(top, "Изменить…", self.edit_case)
        self.delete_button = self._button(top, "Удалить", self.remove_case)
        self.import_button = self._button(top, "Импорт из XLSX…", self.import_file)
        self.print_button = self._button(top, "Печать…", self.print_nomenclature)
        self.copy_button = self._button(top, "На следующий год", self.copy_to_next)
        top.addStretch(1)
        top.addWidget(note)
        self.draft_label = QLabel()
        self.draft_label.setWordWrap(True)
        self.draft_button = QPushButton("Создать черновик из писем")
        self.draft_button.clicked.connect(self.make_draft)
        draft = QHBoxLayout()
        draft.addWidget(self.draft_label, 1)
        draft.addWidget(self.draft_button)
        self.case_table = _table(CASE_COLUMNS, "Дела номенклатуры", 1)
        self.case_table.itemSelectionChanged.connect(self._show_documents)
        self.case_table.doubleClicked.connect(lambda _index: self.edit_case())
        self.document_table = _table(DOCUMENT_COLUMNS, "Документы дела", 3)
        header = self.document_table.horizontalHeader()
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 320)  # a mailing list's addressees would take the whole row
        self.document_table.setWordWrap(False)
        self.document_label = QLabel("Документы дела")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.document_label)
        lower_layout.addWidget(self.document_table, 1)
        bottom = QHBoxLayout()
        self.close_button = self._button(bottom, "Закрыть дело…", self.close_case)
        self.reopen_button = self._button(bottom, "Открыть снова", self.reopen_case)
        self.inner_button = self._button(bottom, "Внутренняя опись…", self.print_internal)
        bottom.addStretch(1)
        self.inventory_button = QPushButton("Опись дел…")
        menu = QMenu(self.inventory_button)
        menu.addAction("постоянного хранения…", lambda: self.print_inventory("permanent"))
        menu.addAction("временного (свыше 10 лет) хранения…",
                       lambda: self.print_inventory("temporary"))  # fmt: skip
        self.inventory_button.setMenu(menu)
        bottom.addWidget(self.inventory_button)
        self.act_button = self._button(bottom, "Акт о выделении к уничтожению…", self.make_act)
        lower_layout.addLayout(bottom)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.case_table)
        split.addWidget(lower)
        split.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(draft)
        layout.addWidget(split, 1)
        self.refresh()

    def _button(self, layout: QHBoxLayout, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    @property
    def year(self) -> int:
        return self.year_spin.value()

    def _do(self, work: Callable[[], Any]) -> Any:
        """``work()``; a refusal is the clerk's message, and None."""
        try:
            return work()
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return None

    def refresh(self) -> None:
        chosen = self.current()
        book = nomenclature(self.db, self.year)
        self.cases = book.cases
        _fill(
            self.case_table,
            [
                [c.index, c.title or "(заполнить)", c.section, str(c.volumes),
                 c.period or "(заполнить)", str(c.documents), c.state]
                for c in self.cases
            ],
        )  # fmt: skip
        missing = indexes_without_cases(self.db, self.year)
        self.draft_label.setText(
            f"В письмах {self.year} года есть индексы дел, которых нет в номенклатуре: "
            f"{', '.join(missing[:10])}. Из них можно сделать черновик и дополнить его."
        )
        self.draft_label.setVisible(bool(missing))
        self.draft_button.setVisible(bool(missing))
        for row, case in enumerate(self.cases):
            if chosen is not None and case.id == chosen.id:
                self.case_table.selectRow(row)
        self._show_documents()

    def current(self) -> CaseView | None:
        rows = self.case_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.cases):
            return None
        return self.cases[rows[0].row()]

    def _show_documents(self) -> None:
        case = self.current()
        for button in (self.edit_button, self.delete_button, self.close_button,
                       self.reopen_button, self.inner_button):  # fmt: skip
            button.setEnabled(case is not None)
        if case is None:
            self.document_label.setText("Документы дела: выберите дело")
            _fill(self.document_table, [])
            return
        self.close_button.setEnabled(case.closed_on is None and not case.act)
        self.reopen_button.setEnabled(case.closed_on is not None and not case.act)
        from app.services.cases.filing import case_contents

        _case, documents = case_contents(self.db, case.index, case.year)
        self.document_label.setText(
            f"Документы дела № {case.index} ({case.year}): {len(documents)}; {case.state}"
        )
        _fill(
            self.document_table,
            [
                [d.kind_label, d.number, f"{d.date:%d.%m.%Y}",
                 d.title, d.correspondent, str(d.sheets)]
                for d in documents
            ],
        )  # fmt: skip

    # --- the nomenclature ---------------------------------------------------------------------

    def add_case(self) -> None:
        if CaseDialog.edit(self.db, self.year, None, self._sections(), self):
            self.refresh()

    def edit_case(self) -> None:
        case = self.current()
        if case is not None and CaseDialog.edit(self.db, self.year, case, self._sections(), self):
            self.refresh()

    def _sections(self) -> list[str]:
        return list(dict.fromkeys(c.section for c in self.cases if c.section))

    def remove_case(self) -> None:
        case = self.current()
        if case is None:
            return
        answer = QMessageBox.question(self, TITLE, f"Удалить дело № {case.index} из номенклатуры?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._do(lambda: delete_case(self.db, self.year, case.index))
        self.refresh()

    def import_file(self) -> None:
        path = file_dialogs.open_file(
            self, "import", "Номенклатура дел из XLSX", "Excel (*.xlsx);;CSV (*.csv)"
        )
        if path is not None:
            self.import_path(path)

    def import_path(self, path: Path) -> None:
        """Check the file, list what is wrong or ask to load it."""
        from app.services.cases.nomenclature_import import apply_nomenclature, plan_nomenclature

        plan = self._do(lambda: plan_nomenclature(self.db, path, self.year))
        if plan is None:
            return
        if plan.rejected:
            lines = "\n".join(f"строка {line}: {reason}" for line, reason in plan.rejected[:15])
            more = f"\n… и еще {len(plan.rejected) - 15}" if len(plan.rejected) > 15 else ""
            QMessageBox.warning(
                self, TITLE,
                f"{path.name}: {plan.summary}.\nНичего не загружено — исправьте файл:\n"
                f"{lines}{more}",
            )  # fmt: skip
            return
        answer = QMessageBox.question(
            self, TITLE, f"Номенклатура {self.year} года из {path.name}: {plan.summary}. Загрузить?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._do(lambda: apply_nomenclature(self.db, plan))
            self.refresh()

    def _save_as(self, name: str, title: str) -> Path | None:
        chosen = file_dialogs.save_file(self, "export", title, name, TABLE_FILTERS)
        if chosen is None:
            return None
        path, selected = chosen
        if not path.suffix:
            path = path.with_suffix(".pdf" if "PDF" in selected else ".xlsx")
        return path

    def _written(self, work: Callable[[], Path], what: str) -> None:
        path = self._do(work)
        if path is not None:
            announce_saved(path, what)

    def print_nomenclature(self) -> None:
        from app.services.cases.year_end import export_nomenclature

        path = self._save_as(f"Номенклатура дел {self.year}.xlsx", "Номенклатура дел")
        if path is not None:
            self._written(lambda: export_nomenclature(self.db, self.year, path), TITLE)

    def copy_to_next(self) -> None:
        from app.services.cases.nomenclature import copy_year

        result = self._do(lambda: copy_year(self.db, self.year, self.year + 1))
        if result is not None:
            added, kept = result
            QMessageBox.information(
                self, TITLE,
                f"Номенклатура {self.year + 1} года: добавлено дел {added}, уже были {kept}.",
            )  # fmt: skip
            self.year_spin.setValue(self.year + 1)

    def make_draft(self) -> None:
        from app.services.cases.nomenclature import draft_from_letters

        self._do(lambda: draft_from_letters(self.db, self.year))
        self.refresh()

    # --- cases at work and at the year's end --------------------------------------------------

    def close_case(self) -> None:
        from app.services.cases.filing import case_contents, close_case

        case = self.current()
        if case is None:
            return
        _case, documents = case_contents(self.db, case.index, case.year)
        counted = max(1, sum(d.sheets for d in documents))
        sheets, ok = QInputDialog.getInt(
            self, TITLE, f"Закрыть дело № {case.index}. Листов в деле:", counted, 1, 100_000
        )
        if ok:
            self._do(lambda: close_case(self.db, case.index, case.year, sheets=sheets))
            self.refresh()

    def reopen_case(self) -> None:
        from app.services.cases.filing import reopen_case

        case = self.current()
        if case is not None:
            self._do(lambda: reopen_case(self.db, case.index, case.year))
            self.refresh()

    def print_internal(self) -> None:
        from app.exporters.table_file import write_table
        from app.services.cases.filing import case_contents, internal_inventory

        case = self.current()
        if case is None:
            return
        path = self._save_as(f"Внутренняя опись дела {case.index}.pdf", "Внутренняя опись")
        if path is None:
            return

        def work() -> Path:
            view, documents = case_contents(self.db, case.index, case.year)
            return write_table(internal_inventory(view, documents), path, "внутренняя опись")

        self._written(work, "Внутренняя опись")

    def print_inventory(self, storage: str) -> None:
        from app.services.cases.year_end import export_inventory

        path = self._save_as(f"Опись дел {self.year}.pdf", "Опись дел")
        if path is not None:
            self._written(lambda: export_inventory(self.db, self.year, storage, path), "Опись дел")

    def make_act(self) -> None:
        from app.services.cases.year_end import destruction_candidates, make_destruction_act

        today = clock.today()
        cases = destruction_candidates(self.db, today)
        if not cases:
            QMessageBox.information(
                self, TITLE, f"Дел с истекшим сроком хранения на {today:%d.%m.%Y} нет."
            )
            return
        names = "\n".join(f"{c.index} ({c.year}) — {c.title}" for c in cases[:15])
        answer = QMessageBox.question(
            self, TITLE,
            f"Сроки хранения истекли у дел: {len(cases)}.\n{names}\n\nСоставить акт о выделении "
            "их к уничтожению? Дела будут отмечены актом; записи о письмах останутся в реестре.",
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        path = self._save_as(f"Акт о выделении к уничтожению {today:%Y-%m-%d}.pdf", "Акт")
        if path is None:
            return
        result = self._do(lambda: make_destruction_act(self.db, today, path))
        if result is not None:
            announce_saved(result[2], f"Акт № {result[0]}")
        self.refresh()  # an act recorded whose file failed marks its cases all the same


class CaseDialog(QDialog):
    """A case of the nomenclature: index, title, section, volumes, period, article, note."""

    def __init__(
        self,
        db: Database,
        year: int,
        case: CaseView | None,
        sections: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.year, self.case = db, year, case
        self.setWindowTitle(f"Дело номенклатуры {year} года")
        self.index_edit = QLineEdit(case.index if case else "")
        self.title_edit = QPlainTextEdit(case.title if case else "")
        self.title_edit.setTabChangesFocus(True)
        self.title_edit.setMaximumHeight(70)
        self.section_combo = QComboBox()
        self.section_combo.setEditable(True)
        self.section_combo.addItems(sections)
        self.section_combo.setCurrentText(case.section if case else "")
        self.volumes_spin = QSpinBox()
        self.volumes_spin.setRange(1, 999)
        self.volumes_spin.setValue(case.volumes if case else 1)
        self.period_combo = QComboBox()
        self.period_combo.setEditable(True)
        self.period_combo.addItems(PERIODS)
        self.period_combo.setCurrentText(case.retention.label if case else "")
        self.article_edit = QLineEdit(case.article if case else "")
        self.article_edit.setPlaceholderText(
            "статья перечня (приказ Росархива № 236), например 19а"
        )
        self.note_edit = QLineEdit(case.note if case else "")
        form = QFormLayout()
        form.addRow("Индекс дела*", self.index_edit)
        form.addRow("Заголовок дела*", self.title_edit)
        form.addRow("Раздел (подразделение)", self.section_combo)
        form.addRow("Томов (частей)", self.volumes_spin)
        form.addRow("Срок хранения*", self.period_combo)
        form.addRow("Статья перечня", self.article_edit)
        form.addRow("Примечание", self.note_edit)
        self.error_label = refusal_label()
        buttons = ok_cancel(self, "Сохранить")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def data(self) -> CaseData:
        try:
            retention = parse_retention(self.period_combo.currentText())
        except ValueError as exc:
            raise UserError(str(exc)) from None
        if not retention.is_set:
            raise UserError("Срок хранения не указан")
        return CaseData(
            index=self.index_edit.text().strip(),
            title=self.title_edit.toPlainText().strip(),
            section=self.section_combo.currentText().strip(),
            volumes=self.volumes_spin.value(),
            retention=retention,
            article=self.article_edit.text().strip(),
            note=self.note_edit.text().strip(),
        )

    def accept(self) -> None:
        try:
            save_case(self.db, self.year, self.data(), case_id=self.case.id if self.case else None)
        except UserError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        super().accept()

    @classmethod
    def edit(
        cls,
        db: Database,
        year: int,
        case: CaseView | None,
        sections: list[str],
        parent: QWidget | None = None,
    ) -> bool:
        return cls(db, year, case, sections, parent).exec() == QDialog.DialogCode.Accepted


class NomenclatureDialog(QDialog):
    """«Сервис → Номенклатура дел…»: the page on its own, for the clerks who file and close
    cases (the settings are the administrator's)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        open_sized(self, "nomenclature", QSize(1100, 620))
        self.page = NomenclaturePage(db, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addWidget(buttons)
