"""Every file the clerk picks or saves goes through here: the dialog opens where the clerk last
put or took that kind of file (Documents the first time, never the program's folder), and a file
written is announced in the main window's status bar with «Открыть папку»."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QWidget,
)

from app.support.settings import Settings

FOLDERS_SETTING = "file_folders"  # kind → the folder last used for it
SAVED_SECONDS = 20


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    """Where the dialog for this kind of file opens: the last folder used, else Documents."""
    remembered = Settings().get(FOLDERS_SETTING, {})
    if isinstance(remembered, dict) and isinstance(remembered.get(kind), str):
        folder = Path(remembered[kind])
        if folder.is_dir():
            return folder
    return documents_folder()


def remember(kind: str, folder: Path) -> None:
    settings = Settings()
    remembered = settings.get(FOLDERS_SETTING, {})
    remembered = dict(remembered) if isinstance(remembered, dict) else {}
    remembered[kind] = str(folder)
    settings.set(FOLDERS_SETTING, remembered)
    with contextlib.suppress(OSError):  # a read-only profile: the folder is not remembered
        settings.save()


def open_file(parent: QWidget | None, kind: str, title: str, filters: str = "") -> Path | None:
    name, _chosen = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)), filters)
    if not name:
        return None
    remember(kind, Path(name).parent)
    return Path(name)


def open_files(parent: QWidget | None, kind: str, title: str, filters: str = "") -> list[Path]:
    names, _chosen = QFileDialog.getOpenFileNames(parent, title, str(start_folder(kind)), filters)
    if names:
        remember(kind, Path(names[0]).parent)
    return [Path(n) for n in names]


def save_file(
    parent: QWidget | None, kind: str, title: str, name: str, filters: str = ""
) -> tuple[Path, str] | None:
    """The path the clerk chose for ``name`` and the filter chosen; None when cancelled."""
    suggested = start_folder(kind) / name
    chosen, selected = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    if not chosen:
        return None
    remember(kind, Path(chosen).parent)
    return Path(chosen), selected


def choose_folder(parent: QWidget | None, kind: str, title: str) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start_folder(kind)))
    if not chosen:
        return None
    remember(kind, Path(chosen))
    return Path(chosen)


def _main_window() -> QMainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    return None


class SavedNotice(QWidget):
    """«Сохранено: имя файла  [Открыть папку]» in the status bar, gone after a while."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Открыть папку")
        self.open_button.setFlat(True)
        self.open_button.clicked.connect(self.open_folder)
        layout.addWidget(self.label)
        layout.addWidget(self.open_button)
        self.folder = Path()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)
        self.hide()

    def show_saved(self, path: Path, what: str = "") -> None:
        self.folder = path if path.is_dir() else path.parent
        self.label.setText(f"{what or 'Сохранено'}: {path.name}")
        self.label.setToolTip(str(path))
        self.show()
        self.timer.start(SAVED_SECONDS * 1000)

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))


def announce_saved(path: Path, what: str = "") -> None:
    """Tell the clerk the file is written, with a way to its folder (the main window's status
    bar; nothing when there is no main window, as in a test of one dialog)."""
    window = _main_window()
    if window is None:
        return
    notice = window.findChild(SavedNotice)
    if notice is None:
        notice = SavedNotice(window)
        window.statusBar().addWidget(notice)
    notice.show_saved(path, what)
