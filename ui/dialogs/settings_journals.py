"""«Настройки → Журналы регистрации»: a journal per row — code, name, the number's template
with an example of the next number, the period it restarts, the next number, its kind — and
the ready journals a new registry is offered."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from app.rules.numbering import (
    EXAMPLE_VALUES,
    PERIOD_LABELS,
    PERIODS,
    format_number,
    parse_template,
)
from app.services.organization.journal_presets import FIRST_JOURNALS, PRESETS, JournalPreset
from app.services.organization.profile import JournalData
from app.support import clock
from app.support.errors import UserError
from ui import palette
from ui.dialogs.settings_tables import cell, combo, item, row_of_empty_cells, table_page

JOURNAL_COLUMNS = (
    "Код*", "Наименование*", "Шаблон номера*", "Период", "Следующий №", "Пример", "Письма",
)  # fmt: skip
JOURNAL_KINDS = (("outgoing", "исходящие"), ("incoming", "входящие"))
VALID = palette.GOOD
INVALID = palette.ERROR


class JournalsPage(QWidget):
    def __init__(self, journals: dict[str, JournalData]) -> None:
        super().__init__()
        self.journals = journals  # as stored: a row keeps its version and department
        page = self
        self.table = QTableWidget(0, len(JOURNAL_COLUMNS))
        self.table.setAccessibleName("Журналы регистрации")
        self.table.setObjectName("journal_table")
        self.table.setHorizontalHeaderLabels(list(JOURNAL_COLUMNS))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for journal in self.journals.values():
            self._add_row(journal)
        self.table.itemChanged.connect(self._update_example)
        self.preset_button = QToolButton()
        self.preset_button.setText("Добавить готовый журнал")
        self.preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.preset_button)
        for preset in PRESETS:
            action = menu.addAction(preset.label)
            action.setData(PRESETS.index(preset))
        menu.triggered.connect(lambda action: self.add_preset(PRESETS[action.data()]))
        self.preset_button.setMenu(menu)
        self.preset_note = QLabel()
        self.preset_note.setWordWrap(True)
        self.preset_note.setStyleSheet(f"color: {palette.DIMMED};")
        self.preset_note.hide()
        if not self.journals:  # a new registry: journals ready to use, the clerk may change them
            for preset in FIRST_JOURNALS:
                self.add_preset(preset)
            offered = "; ".join(f"«{p.label}»" for p in FIRST_JOURNALS)
            self.preset_note.setText(
                f"Журналов еще не было: предложены {offered}. Измените их или выберите другие "
                "в «Добавить готовый журнал»."
            )
            self.preset_note.show()
        hint = QLabel(
            "Шаблон: текст и элементы {seq} (порядковый номер, {seq:4} — с нулями), {year}, "
            "{yy}, {mm} (месяц), {q} (квартал), {case} (индекс дела), {dept} (подразделение), "
            "{corr} (код корреспондента). Ровно один {seq}. Номер не повторяется в течение "
            "года: при нумерации по месяцам или кварталам в шаблоне нужен {mm} или {q}."
        )
        hint.setWordWrap(True)
        table_page(
            page,
            self.table,
            self.new_row,
            "журнал",
            hint,
            note=self.preset_note,
            extra=self.preset_button,
        )

    def add_preset(self, preset: JournalPreset) -> None:
        """A ready journal as a new row; its code made unique among the rows."""
        taken = {cell(self.table, r, 0) for r in range(self.table.rowCount())}
        code, n = preset.journal.code, 2
        while code in taken:
            code, n = f"{preset.journal.code}{n}", n + 1
        self._add_row(replace(preset.journal, code=code, next_seq=1))

    def _add_row(self, journal: JournalData) -> None:
        row = row_of_empty_cells(self.table, len(JOURNAL_COLUMNS))
        self.table.blockSignals(True)
        for column, text in enumerate(
            (journal.code, journal.name, journal.template, "", str(journal.next_seq or 1), "")
        ):
            item(self.table, row, column).setText(text)
        item(self.table, row, 5).setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.blockSignals(False)
        period = combo(tuple((p, PERIOD_LABELS[p]) for p in PERIODS), journal.period)
        period.setAccessibleName(f"Нумерация журнала {journal.code} заново")
        self.table.setCellWidget(row, 3, period)
        kind = combo(JOURNAL_KINDS, journal.kind)
        kind.setAccessibleName(f"Вид журнала {journal.code}")
        kind.setToolTip("Журнал исходящих писем или входящих (вкладка «Входящие»)")
        self.table.setCellWidget(row, 6, kind)
        self._update_example(self.table.item(row, 2))

    def new_row(self) -> None:
        self._add_row(JournalData(code="", name="", template="{seq}", next_seq=1))
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        self.table.editItem(item(self.table, row, 0))

    def _update_example(self, item: QTableWidgetItem | None) -> None:
        if item is None or item.column() not in (2, 4):
            return
        row = item.row()
        example = self.table.item(row, 5)
        if example is None:
            return
        valid = False
        try:
            template = parse_template(cell(self.table, row, 2))
            seq = int(cell(self.table, row, 4) or "1")
            text = format_number(template, seq, clock.today(), **EXAMPLE_VALUES)
            valid = True
        except UserError as exc:
            text = str(exc)
        except ValueError:
            text = "следующий номер — не число"
        self.table.blockSignals(True)
        example.setText(text)
        example.setForeground(QColor(VALID if valid else INVALID))
        self.table.blockSignals(False)

    def collect(self) -> list[JournalData]:
        journals: list[JournalData] = []
        for row in range(self.table.rowCount()):
            code, name, template = (cell(self.table, row, c) for c in range(3))
            next_text = cell(self.table, row, 4)
            if not (code or name) and template in ("", "{seq}"):
                continue
            if not next_text.isdigit():
                raise UserError(f"Журнал «{code}»: следующий номер «{next_text}» — не число")
            old = self.journals.get(code)
            period_box = self.table.cellWidget(row, 3)
            kind_box = self.table.cellWidget(row, 6)
            assert isinstance(period_box, QComboBox) and isinstance(kind_box, QComboBox)
            next_seq = int(next_text)
            journal = JournalData(
                code=code,
                name=name,
                template=template,
                period=period_box.currentData(),
                department=old.department if old else "",
                # only a changed number moves the counter (and a backward move is refused)
                next_seq=None if old and old.next_seq == next_seq else next_seq,
                version=old.version if old else 0,
                kind=kind_box.currentData(),
            )
            journal.validate()
            journals.append(journal)
        return journals
