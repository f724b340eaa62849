"""«Загрузить из Word…»: what an executor's draft gave, shown before it fills the card."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.registry.draft_import import DraftCard, UnmatchedPerson, card_from_draft
from app.services.registry.letters import LetterCard
from app.support.errors import UserError
from db.engine import Database
from ui import palette
from ui.file_dialogs import open_file
from ui.fit import open_sized
from ui.widgets.buttons import ok_cancel

TITLE = "Черновик из Word"


def choose_draft(parent: QWidget) -> str:
    path = open_file(parent, "drafts", "Открыть черновик письма", "Документ Word (*.docx)")
    return str(path) if path is not None else ""


class DraftDialog(QDialog):
    """The parts found in the draft, line by line; what was not recognised in red. «Заполнить
    карточку» fills the new-letter form; nothing is registered."""

    def __init__(
        self, db: Database, path: Path, journal: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{TITLE}: {path.name}")
        open_sized(self, "draft", QSize(760, 520))
        self.result_card: LetterCard | None = None
        self.unmatched: list[UnmatchedPerson] = []  # its people who are not among the staff
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result: DraftCard | None = card_from_draft(db, path, journal)
        except UserError as exc:
            result = None
            message = str(exc)
        finally:
            QApplication.restoreOverrideCursor()
        if result is None:
            QMessageBox.warning(parent, TITLE, message)
            return
        self.result_card = result.card
        self.unmatched = result.unmatched
        missing = len(result.unrecognised)
        summary = QLabel(
            f"Распознано: {len(result.notes) - missing}; не распознано: {missing}. "
            "Проверьте и при необходимости исправьте карточку после заполнения."
        )
        summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Прочитано из черновика")
        self.tree.setHeaderLabels(["Что", "Текст черновика"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        red = QBrush(QColor(palette.ERROR))
        for what, text in result.notes:
            item = QTreeWidgetItem([what, text])
            item.setToolTip(1, text)
            if what == "не распознано":
                item.setForeground(0, red)
                item.setForeground(1, red)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        buttons = ok_cancel(self, "Заполнить карточку")
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
