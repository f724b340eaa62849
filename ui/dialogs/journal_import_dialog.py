"""Bringing an Excel journal in: every row checked against the chosen journal first.

The dialog shows what will be loaded, what is rejected and why (with the file's row number and
what the row said), and how numbering continues afterwards. Nothing is written until the clerk
confirms, and only a file without rejected rows can be loaded: an old journal is imported whole
or not at all. After fixing the file in Excel, «Проверить снова» reads it again. Reading and
writing run off the UI thread; a journal of a year has tens of thousands of rows.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.journal.excel_import import ImportPreview, apply_import, preview_import
from app.services.organization.profile import list_journals
from app.support.text import date_ru
from db.engine import Database
from ui.background import Background, message_of
from ui.file_dialogs import open_file
from ui.fit import open_sized
from ui.keyboard import label_for
from ui.widgets.rows_view import rows_view
from ui.widgets.table_model import Column

TITLE = "Загрузка журнала из Excel"
OUTCOMES = {"reject": ("отклонена", "#b00020"), "warn": ("загрузить", "#9a5b00"),
            "load": ("загрузить", "#1b7a3a")}  # fmt: skip


@dataclass(frozen=True)
class PreviewLine:
    line: int
    outcome: str  # reject | warn | load
    date: str
    number: str
    addressee: str
    subject: str
    detail: str


def preview_lines(preview: ImportPreview) -> list[PreviewLine]:
    """Rejected rows first (they must be fixed), then the accepted ones in the file's order."""
    lines = [
        PreviewLine(line, "reject", *preview.cells.get(line, ("", "", "", "")), reason)
        for line, reason in preview.rejected
    ]
    notes: dict[int, list[str]] = {}
    for line, note in preview.warnings:
        notes.setdefault(line, []).append(note)
    for row in preview.accepted:
        detail = "; ".join(notes.get(row.line, []))
        outcome = "warn" if detail else "load"
        when = date_ru(row.date)
        lines.append(
            PreviewLine(row.line, outcome, when, row.number, row.addressee, row.subject, detail)
        )
    return lines


def _outcome(row: PreviewLine) -> str:
    label = OUTCOMES[row.outcome][0]
    if not row.detail:
        return label
    return f"{label}{'; ' if row.outcome == 'warn' else ': '}{row.detail}"


COLUMNS = [
    Column("Строка", lambda r: str(r.line), align_right=True),
    Column("Дата", lambda r: r.date),
    Column("Номер", lambda r: r.number),
    Column("Адресат", lambda r: r.addressee),
    Column("Заголовок", lambda r: r.subject),
    Column("Результат проверки", _outcome, foreground=lambda r: OUTCOMES[r.outcome][1]),
]


class JournalImportDialog(QDialog):
    def __init__(
        self, db: Database, path: Path, journal: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db, self.path = db, path
        self.preview: ImportPreview | None = None
        self.loaded = 0
        self.writing = False  # the import is being written; the dialog stays open until done
        self.background = Background(self)
        self.setWindowTitle(f"{TITLE}: {path.name}")
        open_sized(self, "journal_import", QSize(1100, 640))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.journal_combo = QComboBox()
        self.journal_combo.setObjectName("import_journal")
        for item in list_journals(self.db):
            if item.kind != "incoming":
                self.journal_combo.addItem(
                    f"{item.code} — {item.name} ({item.template})", item.code
                )
        self.journal_combo.setCurrentIndex(max(0, self.journal_combo.findData(journal)))
        self.journal_combo.currentIndexChanged.connect(self.check)
        top.addWidget(label_for("Загрузить в журнал:", self.journal_combo))
        top.addWidget(self.journal_combo, 1)
        self.recheck_button = QPushButton("Проверить снова")
        self.recheck_button.setToolTip("Прочитать файл еще раз, например после исправления в Excel")
        self.recheck_button.clicked.connect(self.check)
        top.addWidget(self.recheck_button)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.rows: list[PreviewLine] = []
        self.table, self.model = rows_view(self, "import_rows", COLUMNS, (55, 85, 80, 210, 230))
        self.table.setAccessibleName("Строки журнала из файла")
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.load_button = self.buttons.addButton(
            "Загрузить", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.load_button.setEnabled(False)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if self.journal_combo.count():
            self.check()
        else:
            self._say("В базе нет журналов регистрации: заведите их в «Сервис → Настройки».", True)

    # --- checking -------------------------------------------------------------------------

    def journal_code(self) -> str:
        return str(self.journal_combo.currentData() or "")

    def check(self) -> None:
        """Read the file and check it against the chosen journal (again)."""
        code, path = self.journal_code(), self.path
        self.preview = None
        self._show_rows([])
        self.load_button.setEnabled(False)
        self.load_button.setText("Загрузить")
        self._say(f"Проверяю {path.name}…")
        self.background.run(
            "check", lambda: preview_import(self.db, path, code), self._checked, self._check_failed
        )

    def _checked(self, preview: ImportPreview) -> None:
        self.preview = preview
        self._show_rows(preview_lines(preview))
        accepted, rejected = len(preview.accepted), len(preview.rejected)
        parts = [
            f"<b>{html.escape(self.path.name)}</b>: к загрузке — {accepted}, отклонено — {rejected}"
        ]
        if preview.warnings:
            parts[0] += f", замечаний — {len(preview.warnings)}"
        if rejected:
            parts.append(
                "<span style='color:#b00020'>Исправьте отклоненные строки в файле и нажмите "
                "«Проверить снова»: журнал загружается только целиком, ничего не записано.</span>"
            )
        elif accepted:
            parts.append(
                "Номера и даты сохранятся как в файле. Нумерация продолжится: "
                + html.escape("; ".join(c.label for c in preview.numbering))
            )
        else:
            parts.append("В файле нет строк с письмами.")
        self.summary.setText("<br>".join(parts))
        self.load_button.setText(f"Загрузить писем: {accepted}")
        self.load_button.setEnabled(preview.can_apply)

    def _check_failed(self, error: Exception) -> None:
        self._say(message_of(error), True)

    def _show_rows(self, rows: list[PreviewLine]) -> None:
        self.rows = rows
        self.model.show_list(rows)

    def _say(self, text: str, error: bool = False) -> None:
        """A plain message (a file name, an error) in the rich-text summary."""
        text = html.escape(text)
        self.summary.setText(f"<span style='color:#b00020'>{text}</span>" if error else text)

    # --- loading --------------------------------------------------------------------------

    def apply(self) -> None:
        preview = self.preview
        if preview is None or not preview.can_apply:
            return
        for widget in (self.load_button, self.recheck_button, self.journal_combo):
            widget.setEnabled(False)
        self.writing = True
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        self._say(f"Загружаю писем: {len(preview.accepted)}…")
        self.background.run("apply", lambda: apply_import(self.db, preview), self._applied,
                            self._apply_failed)  # fmt: skip

    def _applied(self, count: int) -> None:
        self.writing = False
        self.loaded = count
        self.accept()

    def reject(self) -> None:
        """Esc and «Отмена» wait while the letters are written: the import goes through whole,
        and the window must report it."""
        if not self.writing:
            super().reject()

    def _apply_failed(self, error: Exception) -> None:
        self.writing = False
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)
        self.recheck_button.setEnabled(True)
        self.journal_combo.setEnabled(True)
        self._say(message_of(error), True)

    @classmethod
    def run(
        cls, db: Database, parent: QWidget, path: Path | None = None, journal: str | None = None
    ) -> int:
        """Ask for a file (unless given), show the check, load on confirmation; rows loaded."""
        if path is None:
            name = open_file(parent, "journal", TITLE, "Журнал (*.xlsx *.csv);;Все файлы (*)")
            if name is None:
                return 0
            path = name
        dialog = cls(db, path, journal, parent)
        dialog.exec()
        return dialog.loaded
