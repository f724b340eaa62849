"""«Файлы письма» on a letter's card: the scan, attachments' files, the draft — attach (button or
drag and drop), open, save, remove with a reason."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.files.stored_files import megabytes
from app.services.registry.letter_files import (
    KINDS,
    LetterFileRow,
    attach_file,
    detach_file,
    letter_files,
    save_letter_file,
)
from app.support.errors import UserError
from db.engine import Database
from ui.file_dialogs import announce_saved, open_files, save_file

TITLE = "Файлы письма"


class FilesPanel(QGroupBox):
    changed = Signal()

    def __init__(self, db: Database, letter_id: int, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.db, self.letter_id = db, letter_id
        self.setAcceptDrops(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Файлы письма")
        self.tree.setHeaderLabels(["Файл", "Вид", "Название", "Размер", "Стр."])
        self.tree.setRootIsDecorated(False)
        self.tree.setMaximumHeight(110)
        self.tree.setToolTip("Перетащите файлы сюда, чтобы прикрепить их к письму")
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, text, slot in (
            ("attach", "Прикрепить…", self.ask_attach),
            ("open", "Открыть", self.open_selected),
            ("save", "Сохранить как…", self.save_selected),
            ("remove", "Удалить…", self.remove_selected),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        self.rows: list[LetterFileRow] = []
        self.tree.itemSelectionChanged.connect(self._enable)
        self.reload()

    def reload(self) -> None:
        self.rows = letter_files(self.db, self.letter_id)
        self.tree.clear()
        for r in self.rows:
            item = QTreeWidgetItem(
                [r.name, KINDS[r.kind], r.title, megabytes(r.size), str(r.pages or "")]
            )
            item.setToolTip(
                0, f"SHA-256 {r.sha256}\nДобавил {r.added_by}, {r.added_at:%d.%m.%Y %H:%M}"
            )
            self.tree.addTopLevelItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        self.setTitle(f"{TITLE} ({len(self.rows)})" if self.rows else TITLE)
        self._enable()

    def _enable(self) -> None:
        chosen = self.selected() is not None
        for name in ("open", "save", "remove"):
            self.buttons[name].setEnabled(chosen)

    def selected(self) -> LetterFileRow | None:
        item = self.tree.currentItem()
        index = self.tree.indexOfTopLevelItem(item) if item is not None else -1
        return self.rows[index] if 0 <= index < len(self.rows) else None

    # --- actions --------------------------------------------------------------------------

    def attach(self, paths: list[Path], kind: str = "attachment") -> int:
        """Attach each file; a refused one is said and the rest go on. Returns how many."""
        done, problems = 0, []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for path in paths:
                try:
                    attach_file(self.db, self.letter_id, path, kind=kind)
                    done += 1
                except UserError as exc:
                    problems.append(str(exc))
        finally:
            QApplication.restoreOverrideCursor()
        self.reload()
        if done:
            self.changed.emit()
        if problems:
            QMessageBox.warning(self, TITLE, "\n".join(problems))
        return done

    def ask_attach(self) -> None:
        kinds = list(KINDS.values())
        label, ok = QInputDialog.getItem(self, TITLE, "Что прикрепить:", kinds, 1, False)
        if not ok:
            return
        kind = list(KINDS)[kinds.index(label)]
        names = open_files(self, "attachments", "Прикрепить файлы к письму")
        if names:
            self.attach(names, kind)

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="secretariat-"))
        try:
            path = save_letter_file(self.db, self.letter_id, row.name, folder / row.name)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def save_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        chosen = save_file(self, "attachments", "Сохранить файл письма", row.name)
        if chosen is None:
            return
        try:
            saved = save_letter_file(self.db, self.letter_id, row.name, chosen[0])
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        announce_saved(saved)

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        reason, ok = QInputDialog.getText(
            self, TITLE, f"Удалить файл «{row.name}»? Причина (запишется в журнал изменений):"
        )
        if not ok:
            return
        try:
            detach_file(self.db, self.letter_id, row.name, reason)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.reload()
        self.changed.emit()

    # --- drag and drop --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach(paths)
