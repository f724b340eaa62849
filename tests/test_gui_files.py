"""Files a clerk picks and saves: the dialog speaks Russian, opens where that kind of file went
last (Documents the first time), and a file written is announced with «Открыть папку»."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from db.engine import Database
from tests.test_gui import shown_window
from ui.file_dialogs import SavedNotice, documents_folder
from ui.translations import install_russian


def test_the_file_dialog_speaks_russian(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert app is not None
    install_russian(app)
    dialog = QFileDialog(None, "Сохранить", str(Path.home()), "Книга Excel (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.text().replace("&", "") for label in dialog.findChildren(QLabel)}
    assert {"Папка:", "Имя файла:", "Тип файлов:"} <= labels
    assert not labels & {"Look in:", "Files of type:", "File name:"}


def test_the_folder_is_remembered_and_the_file_announced(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    target = tmp_path / "выгрузки" / "Адресаты.xlsx"
    target.parent.mkdir()

    def save_dialog(_parent: Any, _title: str, suggested: str, _filters: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), "Excel (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window = shown_window(qtbot, demo_db)
    window.recipients_tab.export_file()
    window.recipients_tab.export_file()
    assert asked == [
        str(documents_folder() / "Адресаты.xlsx"),  # the first time: Documents
        str(target),  # then where the clerk put it
    ]
    assert target.is_file()
    notice = window.findChild(SavedNotice)
    assert notice is not None and notice.isVisible()
    assert notice.label.text().startswith("Выгружено адресатов: ")
    assert notice.label.text().endswith(": Адресаты.xlsx")
    notice.open_button.click()
    assert [u.toLocalFile() for u in opened] == [str(target.parent)]

    # another kind of file starts in Documents, not in the recipients' folder
    def cancel(_parent: Any, _title: str, suggested: str, _filters: str) -> tuple[str, str]:
        asked.append(suggested)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancel)
    from ui.dialogs.journal_print_dialog import JournalPrintDialog

    monkeypatch.setattr(
        JournalPrintDialog, "exec", lambda _self: JournalPrintDialog.DialogCode.Accepted
    )
    window.journal_desk.export_journal()
    assert Path(asked[-1]).parent == documents_folder()
