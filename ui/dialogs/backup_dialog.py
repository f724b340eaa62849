"""«Резервные копии»: the copies in the folder, a copy made now, a restore from a checked copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.safety.backup import (
    BackupInfo,
    Owner,
    check_backup,
    create_backup,
    database_file,
    is_foreign_copy,
    list_backups,
)
from app.support.errors import UserError
from app.support.settings import BACKUP_DIR_SETTING, Settings, backup_folder
from db.engine import Database
from ui.fit import open_sized
from ui.keyboard import buttons_in_order

TITLE = "Резервные копии"


def size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} МБ".replace(".", ",")
    return f"{max(1, size // 1024)} КБ"


class BackupDialog(QDialog):
    """``chosen`` is set to the copy to restore when the clerk confirms a restore."""

    def __init__(self, db: Database, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.chosen: Path | None = None
        self.foreign = False  # the chosen copy is of another database, and the clerk agreed
        self.database = database_file(db)
        self.setWindowTitle(TITLE)
        open_sized(self, "backups", QSize(760, 420))
        layout = QVBoxLayout(self)
        folder_row = QHBoxLayout()
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        change = QPushButton("Изменить папку…")
        change.clicked.connect(self.change_folder)
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(change)
        layout.addLayout(folder_row)
        note = QLabel(
            "Копии создаются автоматически раз в день и при выходе из программы; хранятся "
            "последние 7 ежедневных и 4 еженедельные. Копии, созданные вручную, не удаляются."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backup_table")
        self.table.setAccessibleName("Резервные копии")
        self.table.setHorizontalHeaderLabels(["Создана", "Вид", "Размер"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.restore_selected)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.create_button = buttons.addButton(
            "Создать копию сейчас", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button = buttons.addButton(
            "Восстановить выбранную…", QDialogButtonBox.ButtonRole.ActionRole
        )
        other = buttons.addButton("Восстановить из файла…", QDialogButtonBox.ButtonRole.ActionRole)
        self.create_button.clicked.connect(self.create_now)
        self.restore_button.clicked.connect(self.restore_selected)
        other.clicked.connect(self.restore_other)
        buttons.rejected.connect(self.reject)
        if db.read_only:
            self.restore_button.setEnabled(False)
            other.setEnabled(False)
        layout.addWidget(buttons)
        buttons_in_order(buttons)
        self.backups: list[BackupInfo] = []
        self.reload()

    @property
    def folder(self) -> Path:
        return backup_folder(self.database, self.settings.get(BACKUP_DIR_SETTING))

    def reload(self) -> None:
        self.folder_label.setText(f"Папка копий: {self.folder}")
        self.backups = list_backups(self.folder, Owner.of(self.database))
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            cells = (f"{info.taken:%d.%m.%Y %H:%M:%S}", info.kind_label, size_text(info.size))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(info.path))
                self.table.setItem(row, column, item)
        if self.backups:
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(self.backups) and not self.db.read_only)

    def change_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Папка резервных копий", str(self.folder))
        if name:
            self.settings.set(BACKUP_DIR_SETTING, name)
            self.settings.save()
            self.reload()

    def create_now(self) -> None:
        try:
            info = create_backup(self.db, self.folder)
        except UserError as exc:
            self.status.setText(str(exc))
            return
        self.reload()
        self.status.setText(f"Копия создана: {info.path.name} ({size_text(info.size)})")

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.backups):
            self._confirm(self.backups[row].path)

    def restore_other(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Резервная копия", str(self.folder), "База данных (*.db);;Все файлы (*)"
        )
        if name:
            self._confirm(Path(name))

    def _confirm(self, path: Path) -> None:
        try:
            revision = check_backup(path)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        foreign = is_foreign_copy(self.database, path)
        warning = (
            "ВНИМАНИЕ: это копия ДРУГОЙ базы данных, не этой. После восстановления в программе "
            "будут письма и номера той базы.\n\n"
            if foreign
            else ""
        )
        answer = QMessageBox.question(
            self,
            TITLE,
            f"{warning}Восстановить базу из копии {path.name} (схема {revision})?\n\n"
            "Изменения, сделанные после этой копии, в базе не останутся; номера, выданные "
            "после нее, не повторятся. Текущая база сохраняется рядом с ней под именем "
            "«…до-восстановления-…», письма из нее можно вернуть.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.chosen = path
            self.foreign = foreign
            self.accept()
