"""«Отметка о поступлении» on an incoming letter's card: a copy of its document with the mark
(PDF), or the mark as a label for the paper original. Stamping reads the document's page as a
picture: it runs off the window's thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QWidget

from app.services.incoming.marks import export_labels, export_stamped
from db.engine import Database
from ui import file_dialogs
from ui.background import Background, message_of

TITLE = "Отметка о поступлении"


class MarkButton(QPushButton):
    """The button and its menu; ``number`` names the files offered."""

    def __init__(
        self, db: Database, incoming_id: int, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__("Отметка…", parent)
        self.db, self.incoming_id, self.number = db, incoming_id, number
        self.setToolTip("Отметка о поступлении: на копии документа или этикеткой")
        self.background = Background(self)
        menu = QMenu(self)
        menu.addAction("Документ с отметкой (PDF)…", self.save_stamped)
        menu.addAction("Этикетка 58×40 мм…", lambda: self.save_label("58x40"))
        menu.addAction("Этикетка на листе A4 (24 на листе)…", lambda: self.save_label("A4-24"))
        self.setMenu(menu)

    def _target(self, name: str) -> Path | None:
        chosen = file_dialogs.save_file(self.window(), "incoming-mark", TITLE, name, "PDF (*.pdf)")
        return None if chosen is None else chosen[0]

    def save_stamped(self) -> None:
        target = self._target(f"вх-{self.number}-с-отметкой.pdf".replace("/", "-"))
        if target is None:
            return
        db, incoming = self.db, self.incoming_id
        self.setEnabled(False)
        self.background.run(
            "stamp",
            lambda: export_stamped(db, incoming, target),
            lambda done: self._saved(done[0], f"Отметка — {done[1]}"),
            self._failed,
        )

    def save_label(self, size: str) -> None:
        target = self._target(f"вх-{self.number}-этикетка.pdf".replace("/", "-"))
        if target is None:
            return
        db, incoming = self.db, self.incoming_id
        self.setEnabled(False)
        self.background.run(
            "label",
            lambda: export_labels(db, [incoming], target, size),
            lambda path: self._saved(path, "Этикетка записана"),
            self._failed,
        )

    def _saved(self, path: Path, what: str) -> None:
        self.setEnabled(True)
        self.setToolTip(f"{what}: {path}")
        file_dialogs.announce_saved(path, what)

    def _failed(self, error: Exception) -> None:
        self.setEnabled(True)
        QMessageBox.warning(self.window(), TITLE, message_of(error))
