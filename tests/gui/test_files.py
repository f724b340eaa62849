"""Files a clerk picks and saves: the dialog speaks Russian, opens where that kind of file went
last (Documents the first time), and a file written is announced with «Открыть папку»."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLabel
from pytestqt.qtbot import QtBot

from app.services.output.letter_export import preview_pdf
from app.services.registry.letter_files import (
    letter_files,
)
from app.services.registry.letter_list import LetterQuery, count_letters
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from tests.gui.driving import shown_window
from tests.support.builders import foreign_pdf, random_bytes, two_page_pdf
from tests.support.pdf_facts import page_lines
from ui.file_dialogs import SavedNotice, documents_folder
from ui.translations import install_russian


@pytest.fixture
def letter(demo_db: Database) -> int:
    """Letter 710/5 of the demo."""
    return letter_id_by_number(demo_db, "710/5")


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


def test_dialog_registers_a_document(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamped document is shown before the number is issued; «Отмена» issues none."""
    from PySide6.QtWidgets import QDialog

    from tests.gui.driving import pick_recipient
    from ui.dialogs.letter_dialog import LetterDialog
    from ui.dialogs.preview_dialog import PreviewDialog

    seen: list[tuple[str, str]] = []
    answers = [QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted]

    def look(self: PreviewDialog) -> int:
        seen.append((self.note.text(), page_lines(self.pdf)[0]))
        return int(answers.pop(0).value)

    monkeypatch.setattr(PreviewDialog, "exec", look)
    before = count_letters(demo_db, LetterQuery())

    dialog = LetterDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.case_edit.setText("5")
    pick_recipient(dialog, "губернатор")
    dialog.subject_edit.setText("О представлении сведений")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    expected = dialog.number_label.text().removeprefix("Будет присвоен номер: ")
    dialog.register_document(str(foreign_pdf(tmp_path / "письмо.pdf")))
    assert dialog.result_letter is None and count_letters(demo_db, LetterQuery()) == before
    assert "на бланке документа, страница 1" in seen[0][0] and expected in seen[0][1]
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.register_document(str(foreign_pdf(tmp_path / "письмо.pdf")))
    assert dialog.result_letter is not None and "бланке" in dialog.document_place
    assert dialog.result_letter.number == expected
    pages = page_lines(preview_pdf(demo_db, dialog.result_letter.id))
    assert dialog.result_letter.number in pages[0]


def test_card_drop_and_remove(
    qtbot: QtBot,
    demo_db: Database,
    letter: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.dialogs.letter_dialog import LetterDialog

    dialog = LetterDialog(demo_db, letter_id=letter)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.files_panel
    dropped = random_bytes(tmp_path / "письмо.tif", 100)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(event)
    assert panel.tree.topLevelItemCount() == 1 and "(1)" in panel.title()
    assert [r.name for r in letter_files(demo_db, letter)] == ["письмо.tif"]
    first = panel.tree.topLevelItem(0)
    assert first is not None
    panel.tree.setCurrentItem(first)
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("дубликат", True))
    panel.buttons["remove"].click()
    assert panel.tree.topLevelItemCount() == 0 and letter_files(demo_db, letter) == []


def test_dialog_attachment_files_are_kept_at_registration(
    qtbot: QtBot, demo_db: Database, letter: int, tmp_path: Path
) -> None:
    from tests.gui.driving import pick_recipient
    from ui.dialogs.letter_dialog import LetterDialog

    plan = two_page_pdf(demo_db, letter, tmp_path / "План мероприятий.pdf")
    dialog = LetterDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.case_edit.setText("5")
    pick_recipient(dialog, "губернатор")
    dialog.subject_edit.setText("О плане мероприятий")
    dialog.body_edit.setPlainText("Направляем план мероприятий.")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(plan))])
    dialog.attachments_edit.insertFromMimeData(mime)  # what a drop onto the field does
    assert dialog.attachments_edit.toPlainText() == "План мероприятий; 2; 1"
    assert "План мероприятий.pdf" in dialog.attachment_files_label.text()
    dialog.register()
    assert dialog.result_letter is not None
    [kept] = letter_files(demo_db, dialog.result_letter.id)
    assert (kept.name, kept.kind, kept.title, kept.pages) == (
        "План мероприятий.pdf", "attachment", "План мероприятий", 2,
    )  # fmt: skip


def test_dialog_numbers_attachments_of_the_same_name(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from ui.dialogs.letter_dialog import LetterDialog

    first = random_bytes(tmp_path / "План.bin", 10)
    (tmp_path / "другая").mkdir()
    second = random_bytes(tmp_path / "другая" / "План.bin", 10)
    third = random_bytes(tmp_path / "План.xlsx", 10)
    dialog = LetterDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.add_attachment_files([first, second, third])
    assert list(dialog.attachment_files) == ["План", "План (2)", "План (3)"]
