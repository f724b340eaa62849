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
from tests.drafts import report_request_tabbed
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
