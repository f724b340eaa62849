"""The window shown while the word index is built on opening (after an update of the program
or a move to the server): what is indexed, how far, and that the work resumes if stopped."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QProgressDialog

SHOWN_FROM = 5_000  # a small registry is indexed in a blink: no window for it


class IndexProgress:
    """A progress callback for ``open_registry``: the dialog appears with the first batch of a
    large build and is closed when the build ends (``close``)."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.dialog: QProgressDialog | None = None

    def __call__(self, what: str, done: int, total: int) -> None:
        """``total`` 0: a step of unknown length (a busy bar): a migration, the compaction."""
        if self.dialog is None:
            if 0 < total < SHOWN_FROM:
                return
            self.dialog = QProgressDialog()
            self.dialog.setWindowTitle(self.title)
            self.dialog.setCancelButton(None)
            self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            self.dialog.setMinimumDuration(0)
            label = QLabel(self.dialog)
            label.setWordWrap(True)
            self.dialog.setLabel(label)
            self.dialog.setMinimumWidth(520)
        self.dialog.setMaximum(total)
        self.dialog.setValue(min(done, total))
        if total:
            count = f"{done:,} из {total:,}".replace(",", "\u00a0")
            step = f"Строится поисковый указатель — {what}: {count}."
            stop = "Если закрыть программу, построение продолжится с того же места."
        else:  # the copy, the migration, the compaction: all or nothing
            step = f"{what[:1].upper()}{what[1:]}…"
            stop = "Если закрыть программу, база останется прежней, а этот шаг начнется заново."
        self.dialog.setLabelText(
            f"Программа обновлена: поиск теперь находит слова в любой форме.\n{step}\n{stop}"
        )
        QApplication.processEvents()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
