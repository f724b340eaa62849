"""Starting the window: the Qt application, the database, and a clear message when either fails."""

from __future__ import annotations

import os
import sys

from app.errors import UserError
from app.registry import open_registry

EXIT_AFTER_ENV = "SECRETARIAT_EXIT_AFTER_MS"  # for smoke runs on machines without a person


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(db_target: str | None) -> int:
    if not _has_display():
        print(
            "secretariat: нет графического экрана (DISPLAY не задан); запустите программу в "
            "графическом сеансе или задайте QT_QPA_PLATFORM=offscreen",
            file=sys.stderr,
        )
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.main_window import APP_TITLE, MainWindow
    from ui.translations import install_russian

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_TITLE)
    install_russian(app)
    try:
        db = open_registry(db_target)
    except UserError as exc:
        QMessageBox.critical(None, APP_TITLE, str(exc))
        print(f"secretariat: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(db)
    window.show()
    exit_after = os.environ.get(EXIT_AFTER_ENV, "")
    if exit_after.isdigit():
        QTimer.singleShot(int(exit_after), window.close)
    code = app.exec()
    db.dispose()
    return int(code)
