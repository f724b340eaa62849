"""«Пропуски в нумерации»: every number with no registered letter, and why.

Reserved numbers waiting for their letter, cancelled reservations, annulled letters and numbers
that were never issued (a counter moved forward). A reserved, cancelled or annulled number opens
its card; the list is saved to XLSX or PDF for an inspection.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.journal.gaps import Gap, export_gaps, journal_gaps
from app.services.organization.profile import list_journals
from app.support.errors import UserError
from db.engine import Database
from ui.background import Background, message_of
from ui.file_dialogs import announce_saved, save_file
from ui.fit import open_sized
from ui.keyboard import buttons_in_order, label_for
from ui.widgets.rows_view import rows_view
from ui.widgets.table_model import Column

TITLE = "Пропуски в нумерации"
KIND_COLOURS = {"reserved": "#9a5b00", "cancelled": "#777777", "annulled": "#b00020",
                "missing": "#1f4e9c", "aside": "#b00020"}  # fmt: skip
COLUMNS = [
    Column("Журнал", lambda g: g.journal),
    Column("Период", lambda g: g.period),
    Column("Номер", lambda g: g.label),
    Column("Причина", lambda g: g.reason, foreground=lambda g: KIND_COLOURS[g.kind]),
    Column("Примечание", lambda g: g.note),
]


class GapsDialog(QDialog):
    open_requested = Signal(int)  # the letter of a reserved, cancelled or annulled number

    def __init__(
        self, db: Database, journal: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.gaps: list[Gap] = []
        self.status = ""  # the summary of the list shown, before any message about saving
        self.background = Background(self)
        self.setWindowTitle(TITLE)
        open_sized(self, "gaps", QSize(900, 560))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.journal_combo = QComboBox()
        self.journal_combo.setObjectName("gaps_journal")
        self.journal_combo.addItem("Все журналы", None)
        for item in list_journals(db):
            self.journal_combo.addItem(f"{item.code} — {item.name}", item.code)
        self.journal_combo.setCurrentIndex(max(0, self.journal_combo.findData(journal)))
        self.journal_combo.currentIndexChanged.connect(self.reload)
        top.addWidget(label_for("Журнал:", self.journal_combo))
        top.addWidget(self.journal_combo, 1)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("gaps_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table, self.model = rows_view(self, "gaps_rows", COLUMNS, (70, 65, 120, 320))
        self.table.setAccessibleName("Пропуски и резервы номеров")
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton(
            "Открыть карточку", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.setToolTip("Резерв можно зарегистрировать или отменить в его карточке")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = buttons.addButton("Сохранить…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setToolTip("Список в XLSX или PDF")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons_in_order(buttons)
        self.reload()

    def journal_code(self) -> str | None:
        code = self.journal_combo.currentData()
        return str(code) if code else None

    def reload(self) -> None:
        code = self.journal_code()
        self.summary.setText("Ищу номера без зарегистрированного письма…")
        self.background.run("gaps", lambda: journal_gaps(self.db, journal=code), self._show,
                            lambda error: self.summary.setText(message_of(error)))  # fmt: skip

    def _show(self, gaps: list[Gap]) -> None:
        self.gaps = gaps
        self.model.show_list(gaps)
        total = sum(gap.size for gap in gaps)
        if not gaps:
            self.status = "Пропусков нет: каждому выданному номеру соответствует письмо."
        else:
            counts: dict[str, int] = {}
            for gap in gaps:
                counts[gap.reason] = counts.get(gap.reason, 0) + gap.size
            detail = "; ".join(f"{reason} — {n}" for reason, n in counts.items())
            self.status = f"Номеров без зарегистрированного письма: {total} ({detail})"
        self.summary.setText(self.status)
        self._update_buttons()

    def selected(self) -> Gap | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        gap = self.selected()
        self.open_button.setEnabled(gap is not None and gap.letter_id is not None)
        self.save_button.setEnabled(bool(self.gaps))

    def open_selected(self) -> None:
        gap = self.selected()
        if gap is not None and gap.letter_id is not None:
            self.open_requested.emit(gap.letter_id)
            self.reload()  # a reservation may have been registered or cancelled meanwhile

    def save(self) -> None:
        chosen = save_file(
            self, "journal", TITLE, "пропуски-в-нумерации.xlsx", "Excel (*.xlsx);;PDF (*.pdf)"
        )
        if chosen is not None:
            self.save_to(chosen[0])

    def save_to(self, path: Path) -> Path | None:
        try:
            written = export_gaps(self.db, path, journal=self.journal_code())
        except UserError as exc:
            self.summary.setText(message_of(exc))
            return None
        self.summary.setText(f"{self.status}\nСписок записан: {written}")
        announce_saved(written, "Список пропусков записан")
        return written
