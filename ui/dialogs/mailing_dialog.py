"""«Персональные копии»: one letter per recipient, merged into one PDF or as separate files,
written off the UI thread with a progress bar and «Отмена» (a cancelled run writes nothing)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QSize, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.output.letter_export import ExportCancelled, export_letter, safe_name
from app.support.errors import UserError
from db.engine import Database
from ui.background import message_of
from ui.file_dialogs import start_folder
from ui.fit import open_sized

KINDS = (
    ("merged", "Один файл PDF со всеми копиями"),
    ("pdf", "Отдельные файлы PDF в папку"),
    ("docx", "Отдельные файлы DOCX в папку"),
)


class _Worker(QThread):
    progressed = Signal(int, int)
    done = Signal(object, object)  # files, error

    def __init__(self, db: Database, letter_id: int, kind: str, target: Path) -> None:
        super().__init__()
        self.db, self.letter_id, self.kind, self.target = db, letter_id, kind, target
        self.cancel = threading.Event()

    def _tick(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancel.is_set()

    def run(self) -> None:
        fmt = "docx" if self.kind == "docx" else "pdf"
        try:
            files = export_letter(
                self.db,
                self.letter_id,
                fmt,
                self.target,
                per_recipient=True,
                merge=self.kind == "merged",
                progress=self._tick,
            )
            self.done.emit(files, None)
        except Exception as exc:  # shown in the dialog
            self.done.emit(None, exc)


class MailingDialog(QDialog):
    def __init__(
        self,
        db: Database,
        letter_id: int,
        number: str,
        recipients: int,
        parent: QWidget | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.letter_id, self.number = db, letter_id, number
        self.folder = folder or start_folder("letters")
        self.worker: _Worker | None = None
        self.files: list[Path] = []
        self.setWindowTitle(f"Персональные копии письма № {number}")
        self.kind = QComboBox()
        for value, label in KINDS:
            self.kind.addItem(label, value)
        self.kind.currentIndexChanged.connect(self._suggest_target)
        self.target = QLineEdit()
        self.target.setAccessibleName("Куда сохранить копии")
        browse = QPushButton("Обзор…")
        browse.clicked.connect(self._browse)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Адресатов:", QLabel(str(recipients)))
        form.addRow("Как записать:", self.kind)
        form.addRow("Куда:", target_row)
        self.progress = QProgressBar()
        self.progress.setRange(0, max(recipients, 1))
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.start_button = QPushButton("Записать")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Закрыть")
        self.cancel_button.clicked.connect(self.cancel)
        self.print_button = QPushButton("Печать…")
        self.print_button.setToolTip("Напечатать записанный файл со всеми копиями")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_mailing)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        open_sized(self, "mailing", QSize(620, 220))
        self._suggest_target()

    def _suggest_target(self) -> None:
        name = safe_name(f"{self.number} персональные копии")
        kind = self.kind.currentData()
        self.target.setText(str(self.folder / (f"{name}.pdf" if kind == "merged" else name)))

    def _browse(self) -> None:
        if self.kind.currentData() == "merged":
            path, _ = QFileDialog.getSaveFileName(
                self, "Файл рассылки", self.target.text(), "Документ PDF (*.pdf)"
            )
        else:
            path = QFileDialog.getExistingDirectory(self, "Папка для копий", str(self.folder))
        if path:
            self.target.setText(path)

    def start(self) -> None:
        text = self.target.text().strip()
        if not text:
            self.status.setText("Укажите, куда записать копии")
            return
        self.start_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.kind.setEnabled(False)
        self.cancel_button.setText("Отмена")
        self.status.setText("Идет запись…")
        self.worker = _Worker(self.db, self.letter_id, self.kind.currentData(), Path(text))
        self.worker.progressed.connect(self._progressed)
        self.worker.done.connect(self._finished)
        self.worker.start()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self, files: list[Path] | None, error: Exception | None) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            # ``done`` arrives while run() is still returning; dropping the last reference to a
            # running QThread aborts the process («Destroyed while thread is still running»)
            worker.wait()
        self.start_button.setEnabled(True)
        self.kind.setEnabled(True)
        self.cancel_button.setText("Закрыть")
        if error is not None:
            cancelled = isinstance(error, ExportCancelled)
            self.progress.setValue(0)
            self.status.setText(message_of(error) if isinstance(error, UserError) else str(error))
            if not cancelled:
                self.status.setStyleSheet("color: #b00020;")
            return
        self.files = files or []
        self.status.setStyleSheet("")
        where = self.files[0] if len(self.files) == 1 else self.files[0].parent
        self.status.setText(f"Записано файлов: {len(self.files)} — {where}")
        self.print_button.setEnabled(len(self.files) == 1 and self.files[0].suffix == ".pdf")

    def print_mailing(self) -> None:
        """The merged PDF through the system print dialog, page by page."""
        from ui.dialogs.preview_dialog import print_letter

        if self.files:
            print_letter(self.files[0].read_bytes(), self)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()
            self.status.setText("Отмена…")
            return
        self.reject()

    def reject(self) -> None:
        if self.worker is not None:  # closing mid-run cancels it; nothing half-written stays
            self.worker.cancel.set()
            self.worker.wait(60_000)
        super().reject()

    def is_running(self) -> bool:
        return self.worker is not None

    def done_wait(self, msecs: int = 60_000) -> None:
        """For tests and closing: wait for the worker thread to end."""
        if self.worker is not None:
            self.worker.wait(msecs)
