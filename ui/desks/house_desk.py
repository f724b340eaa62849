"""Keeping the registry: backups and restores, the audit record, the database check, the
demo data and the set-up file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from app.rules.changes import Changed
from app.services.safety.backup import database_file
from app.support import clock
from app.support.errors import UserError
from ui import file_dialogs
from ui.desks import APP_TITLE, Window
from ui.operation import attempt


class HouseDesk:
    def __init__(self, window: Window, parent: QWidget) -> None:
        self.window, self.parent = window, parent

    def load_demo_data(self) -> None:
        from app.services.demo import load_demo

        attempt(
            self.window,
            lambda: load_demo(self.window.db, today=clock.today()),
            changed=Changed.EVERYTHING,
            said=lambda result: (
                f"Загружены демонстрационные данные: писем — {result.letters}, "
                f"входящих — {result.incoming}, адресатов — {result.recipients}"
            ),
        )

    def load_setup_file(self) -> None:
        from app.services.organization.setup import setup_from_file

        name = file_dialogs.open_file(
            self.parent, "setup", "Файл настройки", "Файл настройки (*.json);;Все файлы (*)"
        )
        if name is None:
            return
        attempt(
            self.window,
            lambda: setup_from_file(self.window.db, name),
            changed=Changed.EVERYTHING,
            said=lambda result: (
                f"Настройка загружена: сотрудников — {result.staff}, журналов — {result.journals}"
            ),
        )

    def backup_now(self) -> None:
        from app.services.safety.backup import create_backup
        from app.support.settings import BACKUP_DIR_SETTING, backup_folder

        def back_up() -> Path:
            chosen = self.window.settings.get(BACKUP_DIR_SETTING)
            folder = backup_folder(database_file(self.window.db), chosen)
            return create_backup(self.window.db, folder).path

        attempt(self.window, back_up, said=lambda path: f"Резервная копия создана: {path}")

    def choose_connection(self) -> None:
        """«Подключение к базе…»: kept for the next start (the open registry stays open)."""
        from ui.dialogs.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.window.db.where, self.parent)
        if dialog.exec() != ConnectionDialog.DialogCode.Accepted:
            return
        where = dialog.chosen or "как настроено на компьютере"
        QMessageBox.information(
            self.parent,
            APP_TITLE,
            f"Подключение сохранено: {where}.\nПрограмма откроет эту базу при следующем запуске.",
        )

    def open_backups(self) -> None:
        from ui.dialogs.backup_dialog import BackupDialog

        try:
            dialog = BackupDialog(self.window.db, self.window.settings, self.parent)
        except UserError as exc:
            self.window.show_error(str(exc))
            return
        if dialog.exec() and dialog.chosen is not None:
            self.restore_from(dialog.chosen, force=dialog.foreign)

    def restore_from(self, backup: Path, *, force: bool = False) -> None:
        """Close the database, put the checked copy in its place, and build the window again."""
        from ui.restore_flow import restore_asking, show_result

        database = database_file(self.window.db)
        self.window.db.dispose()
        # refused: nothing was replaced, the engine reconnects on next use
        result = restore_asking(self.parent, database, backup, force=force)
        if result is None:
            return
        self.window.reopen_requested = True
        show_result(self.parent, result, database)
        self.window.close()

    def open_audit(self) -> None:
        from ui.dialogs.audit_dialog import AuditDialog

        AuditDialog(self.window.db, self.parent).exec()

    def check_database(self) -> None:
        from app.services.safety.maintenance import check_database

        report = check_database(self.window.db)
        if report.ok:
            QMessageBox.information(
                self.parent, APP_TITLE, f"База данных в порядке.\nВерсия схемы: {report.schema}"
            )
        else:
            self.window.show_error("Найдены ошибки:\n" + "\n".join(report.problems))
