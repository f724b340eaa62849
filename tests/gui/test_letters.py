"""The letter leaves the program from the GUI: preview, print, save as, personalised copies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from tests.gui.driving import select_letter, settle, shown_window
from ui.dialogs.mailing_dialog import MailingDialog
from ui.dialogs.preview_dialog import PreviewDialog
from ui.main_window import MainWindow


def action(window: MainWindow, text: str) -> Any:
    [found] = [a for a in window.registry_tab.row_menu().actions() if a.text() == text]
    return found


def print_to(monkeypatch: pytest.MonkeyPatch, out: Path, dpi: int) -> None:
    """The print dialog answers «Печать» with a PDF printer writing ``out``."""

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(dpi)
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)


def test_preview_shows_the_pages_and_zooms(qtbot: QtBot, demo_db: Database) -> None:
    dialog = PreviewDialog(demo_db, letter_id_by_number(demo_db, "1893/5"), "1893/5")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert len(dialog.page_labels) == 6
    first = dialog.page_labels[0].pixmap()
    assert first.height() > first.width() > 500  # a portrait A4 page
    assert dialog.page_labels[2].pixmap().width() > dialog.page_labels[2].pixmap().height()
    image = first.toImage()
    assert image.pixelColor(5, 5).lightness() > 240  # paper is white
    dark = sum(
        1
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if image.pixelColor(x, y).lightness() < 100
    )
    assert dark > 500  # and there is text on it
    width = first.width()
    dialog.set_zoom(dialog.zoom + 1)
    assert dialog.page_labels[0].pixmap().width() > width
    assert "Страниц: 6" in dialog.info.text()


def test_print_from_the_registry_sends_every_page(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    out = tmp_path / "printed.pdf"
    print_to(monkeypatch, out, 150)
    window = shown_window(qtbot, demo_db)
    select_letter(window, "2174-РСК")
    action(window, "Печать письма…").trigger()
    settle(qtbot, window)
    assert len(PdfReader(str(out)).pages) == 2


def test_save_as_docx_from_the_registry(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "письмо"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), "Документ Word (*.docx)"),
    )
    window = shown_window(qtbot, demo_db)
    select_letter(window, "710/5")
    assert action(window, "Сохранить как PDF или DOCX…").isEnabled()
    action(window, "Сохранить как PDF или DOCX…").trigger()
    saved = target.with_suffix(".docx")
    assert saved.exists() and saved.read_bytes()[:2] == b"PK"


def test_mailing_runs_with_progress_and_cancel_leaves_nothing(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    lid = letter_id_by_number(demo_db, "1893/5")
    dialog = MailingDialog(demo_db, lid, "1893/5", 89, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("pdf"))
    folder = Path(dialog.target.text())
    assert folder.parent == tmp_path and "/" not in folder.name
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() >= 3, timeout=20_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=20_000)
    assert "отменена" in dialog.status.text()
    assert not folder.exists() or list(folder.iterdir()) == []
    dialog.kind.setCurrentIndex(dialog.kind.findData("merged"))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=60_000)
    assert "Записано файлов: 1" in dialog.status.text()
    assert dialog.progress.value() == 89
    assert dialog.files[0].suffix == ".pdf" and dialog.files[0].stat().st_size > 100_000
    assert dialog.print_button.isEnabled()


def test_mailing_prints_every_copy(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    printed = tmp_path / "printed.pdf"
    print_to(monkeypatch, printed, 72)
    lid = letter_id_by_number(demo_db, "1893/5")
    dialog = MailingDialog(demo_db, lid, "1893/5", 89, folder=tmp_path)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=60_000)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(str(printed)).pages) == 89 * 3


def test_card_of_a_registered_letter_offers_the_letter_menu(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.letter_dialog import LetterDialog

    shown: list[str] = []

    def show(self: PreviewDialog) -> int:
        shown.append(self.number)
        return 0

    monkeypatch.setattr(PreviewDialog, "exec", show)
    dialog = LetterDialog(demo_db, letter_id=letter_id_by_number(demo_db, "710/5"))
    qtbot.addWidget(dialog)
    menu = dialog.output_button.menu()
    labels = [a.text() for a in menu.actions()]
    assert labels == [
        "Просмотр…",
        "Печать…",
        "Сохранить как PDF или DOCX…",
        "Персональные копии…",
        "Отправка: копии и их состояние…",
    ]
    menu.actions()[0].trigger()
    assert shown == ["710/5"]
    from ui.dialogs.dispatch_dialog import DispatchDialog

    opened: list[str] = []

    def open_it(self: DispatchDialog) -> int:
        opened.append(self.status.number)
        return 0

    monkeypatch.setattr(DispatchDialog, "exec", open_it)
    menu.actions()[4].trigger()
    assert opened == ["710/5"]
