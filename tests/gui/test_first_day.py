"""What a clerk's first day broke in the window (issue 35): a Word draft's signatory who is not
among the staff, an attachment line renamed, messages that outlived their cause."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

from app.services.organization.profile import list_staff
from db.engine import Database
from tests.support.drafts import report_request_tabbed
from ui.dialogs.letter_dialog import LetterDialog


@pytest.fixture
def dialog(qtbot: QtBot, demo_db: Database) -> LetterDialog:
    dlg = LetterDialog(demo_db)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs.draft_dialog import DraftDialog

    monkeypatch.setattr(DraftDialog, "exec", lambda self: int(QDialog.DialogCode.Accepted.value))


def test_a_signatory_not_in_the_staff_is_never_replaced_by_the_last_one(
    dialog: LetterDialog,
    qtbot: QtBot,
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.dialogs.staff_dialog import StaffDialog

    _agree(monkeypatch)
    # the form starts with the clerk's last signatory and executor
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    dialog.executor_combo.setCurrentIndex(dialog.executor_combo.findData("starchikova"))
    draft = report_request_tabbed(
        tmp_path / "draft.docx",
        position=("Начальник управления",),
        signatory="К.В. Дождиков",
        executor="Щукина Юлия Сергеевна",
    )
    dialog.journal_combo.setCurrentIndex(dialog.journal_combo.findData("РСК"))
    dialog.load_word_draft(str(draft))
    assert dialog.signatory_combo.currentData() is None
    assert dialog.executor_combo.currentData() is None
    shown = dialog.unmatched_row.findChildren(QPushButton)
    assert [b.text() for b in shown] == ["Добавить в сотрудники…"] * 2
    text = " ".join(w.text() for w in dialog.unmatched_row.findChildren(type(dialog.form_error)))
    assert "Начальник управления К.В. Дождиков" in text and "Щукина Юлия Сергеевна" in text
    # Ctrl+Enter registers nothing while the draft's people are neither chosen nor added
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result_letter is None
    assert "Дождиков" in dialog.errors["signatory"].text()
    assert dialog.errors["signatory"].isVisible()

    # «Добавить в сотрудники…» offers the draft's position, name and phone
    offered: list[dict[str, str]] = []

    def add(self: StaffDialog) -> int:
        offered.append({k: e.text() for k, e in self.edits.items()})
        self.accept()
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(StaffDialog, "exec", add)
    qtbot.mouseClick(dialog.findChild(QPushButton, "add_signatory"), Qt.MouseButton.LeftButton)
    assert offered[0]["last_name"] == "Дождиков"
    assert offered[0]["position"] == "Начальник управления"
    assert (offered[0]["first_name"], offered[0]["middle_name"]) == ("К.", "В.")
    assert dialog.signatory_combo.currentData() == offered[0]["code"] == "dozhdikov"
    assert "dozhdikov" in {s.code for s in list_staff(demo_db)}
    qtbot.mouseClick(dialog.findChild(QPushButton, "add_executor"), Qt.MouseButton.LeftButton)
    assert offered[1]["phone"] == "+7 (915) 004-29-49"
    assert offered[1]["first_name"] == "Юлия"
    assert not dialog.unmatched_row.isVisible()
    assert not dialog.errors["signatory"].isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result_letter is not None


def test_choosing_a_person_clears_the_mark(
    dialog: LetterDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _agree(monkeypatch)
    draft = report_request_tabbed(tmp_path / "d.docx", signatory="К.В. Дождиков")
    dialog.load_word_draft(str(draft))
    assert dialog.signatory_combo.currentData() is None
    assert dialog.executor_combo.currentData() == "starchikova"
    assert "border" in dialog.signatory_combo.styleSheet()
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    assert dialog.signatory_combo.styleSheet() == ""
    assert not dialog.unmatched_row.isVisible()


def test_a_message_goes_when_its_field_is_fixed(dialog: LetterDialog, qtbot: QtBot) -> None:
    dialog.subject_edit.setText("")
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.errors["subject"].isVisible()
    dialog.subject_edit.setText("О поддержке")
    assert not dialog.errors["subject"].isVisible()


def test_an_attachment_line_keeps_its_file_when_retitled(
    dialog: LetterDialog, qtbot: QtBot, demo_db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QMessageBox

    from app.services.registry.letter_files import letter_files
    from tests.gui.driving import pick_recipient

    scan = tmp_path / "имя-файла.txt"
    scan.write_text("Перечень\n" * 30, encoding="utf-8")
    memo = tmp_path / "справка.txt"
    memo.write_text("Справка\n", encoding="utf-8")
    dialog.add_attachment_files([scan, memo])
    edit = dialog.attachments_edit
    assert edit.toPlainText() == "имя-файла; 1; 1\nсправка; 1; 1"
    assert "строка 1 → имя-файла.txt" in dialog.attachment_files_label.text()
    # the clerk retypes the first line's title, and puts a line above with Enter
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("Перечень мероприятий; 2; 1")
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.insertText("Пояснительная записка; 1; 1\n")
    lines = [(line.text, line.file) for line in edit.lines()]
    assert lines == [
        ("Пояснительная записка; 1; 1", None),
        ("Перечень мероприятий; 2; 1", scan),
        ("справка; 1; 1", memo),
    ]
    assert "строка 2 → имя-файла.txt" in dialog.attachment_files_label.text()
    # deleting a line with its file asks; «Нет» puts the line back with the file
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def answer(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", answer)
    last = edit.document().lastBlock()
    cursor = QTextCursor(last)
    cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()  # «справка» deleted
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert "справка.txt" in asked[0]
    qtbot.waitUntil(lambda: memo in [line.file for line in edit.lines()])
    # the second time the clerk agrees: the file goes
    cursor = QTextCursor(edit.document().lastBlock())
    cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert [line.file for line in edit.linked()] == [scan]
    # registered: the retitled line's file is kept under its new title
    dialog.case_edit.setText("5")
    pick_recipient(dialog, "губернатор")
    dialog.subject_edit.setText("О плане мероприятий")
    dialog.body_edit.setPlainText("Направляем перечень.")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    dialog.journal_combo.setCurrentIndex(dialog.journal_combo.findData("ИСХ"))
    dialog.register()
    assert dialog.result_letter is not None, dialog.form_error.text()
    [kept] = letter_files(demo_db, dialog.result_letter.id)
    assert (kept.name, kept.title) == ("имя-файла.txt", "Перечень мероприятий")
