"""The body editor in the new-letter dialog: paste from Word and LibreOffice (HTML on the
clipboard), the toolbar and its keys, and the rich body registered and printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.rules.letter_body import Block, Table, blocks_of, to_json
from db.engine import Database
from tests.gui.driving import WORD, paste, pick_recipient, type_text
from tests.support.places import FIXTURES
from ui.dialogs.letter_dialog import LetterDialog
from ui.widgets.body_editor import BodyEditor

# what LibreOffice Writer 7 puts there (real lists and a table with <thead>)
WRITER = (FIXTURES / "clipboard" / "writer.html").read_text(encoding="utf-8")


@pytest.fixture
def dialog(qtbot: QtBot, demo_db: Database) -> LetterDialog:
    dlg = LetterDialog(demo_db)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _blocks(editor: BodyEditor) -> list[Block | Table]:
    return blocks_of(editor.body())


def test_paste_from_word_keeps_structure_and_drops_the_look(dialog: LetterDialog) -> None:
    paste(dialog.body_edit, html=WORD)
    items = _blocks(dialog.body_edit)
    kinds = [(i.kind, i.level, i.label) for i in items if isinstance(i, Block)]
    assert kinds == [
        ("paragraph", 0, ""),
        ("paragraph", 0, ""),
        ("bullet", 0, "–"),
        ("bullet", 1, "–"),
        ("numbered", 0, "1."),
        ("numbered", 0, "2."),
        ("paragraph", 0, ""),
    ]
    first = items[0]
    assert isinstance(first, Block)
    assert [(s.text, s.bold, s.italic) for s in first.spans if s.bold or s.italic] == [
        ("жирным", True, False),
        ("курсивом", False, True),
    ]
    assert "·" not in dialog.body_edit.toPlainText()  # Word's bullet glyph is not text
    table = next(i for i in items if isinstance(i, Table))
    assert table.header_rows == 1 and table.widths == (25.0, 75.0)
    assert [b.text for b in table.rows[1][1]] == ["Кострома", "Ярославль"]
    html = dialog.body_edit.edit.toHtml()
    assert "Arial" not in html and "color:#ff0000" not in html and "14pt" not in html


def test_paste_from_libreoffice_lists_and_table(dialog: LetterDialog) -> None:
    paste(dialog.body_edit, html=WRITER)
    items = _blocks(dialog.body_edit)
    labels = [i.label for i in items if isinstance(i, Block) and i.label]
    assert labels == ["1.", "а)", "б)", "2.", "–"]
    table = next(i for i in items if isinstance(i, Table))
    assert table.header_rows == 1 and len(table.rows) == 3
    assert to_json([table])[0]["rows"][0][0][0]["runs"] == ["Показатель"]


def test_plain_text_with_tabs_becomes_a_table_and_words_join_the_paragraph(
    dialog: LetterDialog, qtbot: QtBot
) -> None:
    editor = dialog.body_edit
    editor.edit.setFocus()
    type_text(editor.edit, "Просим ")
    paste(editor, text="представить")
    assert [i.text for i in _blocks(editor) if isinstance(i, Block)] == ["Просим представить"]
    editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    paste(editor, text="Дата\tГород\n01.12\tКострома\n02.12\tТверь\n")
    table = next(i for i in _blocks(editor) if isinstance(i, Table))
    assert len(table.rows) == 3 and table.columns == 2


def test_toolbar_and_keys(dialog: LetterDialog, qtbot: QtBot) -> None:
    editor = dialog.body_edit
    editor.edit.setFocus()
    type_text(editor.edit, "Важно")
    editor.edit.selectAll()
    qtbot.keyClick(editor.edit, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor.edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    editor.actions_by_name["bullet"].trigger()
    type_text(editor.edit, "первый пункт")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Tab)  # one level in
    type_text(editor.edit, "вложенный")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Backtab)
    type_text(editor.edit, "второй пункт")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    editor.actions_by_name["bullet"].trigger()  # the list ends
    editor.insert_table(2, 2)
    type_text(editor.edit, "Год")
    assert editor.actions_by_name["row"].isEnabled()
    editor.actions_by_name["row"].trigger()
    items = _blocks(editor)
    first = items[0]
    assert isinstance(first, Block) and first.spans[0].bold and first.spans[0].underline
    listed = [
        (i.kind, i.level, i.text) for i in items if isinstance(i, Block) and i.kind != "paragraph"
    ]
    assert listed == [
        ("bullet", 0, "первый пункт"),
        ("bullet", 1, "вложенный"),
        ("bullet", 0, "второй пункт"),
    ]
    table = next(i for i in items if isinstance(i, Table))
    assert len(table.rows) == 3 and table.header_rows == 1
    assert table.rows[0][0][0].text == "Год"


def test_rich_body_registers_from_the_dialog(
    dialog: LetterDialog, qtbot: QtBot, demo_db: Database
) -> None:
    dialog.case_edit.setText("5")
    pick_recipient(dialog, "губернатор")
    dialog.subject_edit.setText("О представлении сведений")
    paste(dialog.body_edit, html=WORD)
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    from app.services.registry.letter_cards import letter_card

    assert dialog.result_letter is not None
    card = letter_card(demo_db, dialog.result_letter.id).card
    assert any(isinstance(i, Table) for i in blocks_of(card.body))


def test_an_old_markup_body_stays_markup_while_untouched(qtbot: QtBot) -> None:
    editor = BodyEditor()
    qtbot.addWidget(editor)
    markup = "Абзац **жирный**.\n\n3) свой номер"
    editor.set_body(markup)
    assert editor.body() == markup
    editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    type_text(editor.edit, "!")
    assert editor.body().startswith('{"rich_body":1')


def test_word_draft_fills_the_card_after_the_clerk_saw_it(
    dialog: LetterDialog,
    qtbot: QtBot,
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QDialog

    from tests.support.drafts import report_request_tabbed
    from ui.dialogs.draft_dialog import DraftDialog

    shown: list[list[str]] = []

    def look_and_agree(self: DraftDialog) -> int:
        rows = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        shown.append([f"{r.text(0)}: {r.text(1)}" for r in rows if r is not None])
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(DraftDialog, "exec", look_and_agree)
    dialog.journal_combo.setCurrentIndex(dialog.journal_combo.findData("РСК"))
    dialog.load_word_draft(str(report_request_tabbed(tmp_path / "draft.docx")))
    assert "заголовок: О проведении Недели качества и Дня качества" in shown[0]
    assert dialog.subject_edit.text() == "О проведении Недели качества и Дня качества"
    assert dialog.text_edit.toPlainText() == "Руководителям органов\nуправления образованием"
    assert dialog.signatory_combo.currentData() == "protasov"
    assert dialog.executor_combo.currentData() == "starchikova"
    assert "Отчетная форма; 1; 1" in dialog.attachments_edit.toPlainText()
    table = next(i for i in _blocks(dialog.body_edit) if isinstance(i, Table))
    assert table.header_rows == 1
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.result_letter is not None and dialog.result_letter.number.endswith("-РСК")


def test_f3_previews_the_letter_with_blank_number_and_issues_none(
    dialog: LetterDialog, qtbot: QtBot, demo_db: Database
) -> None:
    import pypdfium2 as pdfium

    from app.services.registry.letter_list import LetterQuery, count_letters

    before = count_letters(demo_db, LetterQuery())
    dialog.case_edit.setText("5")
    pick_recipient(dialog, "губернатор")
    dialog.subject_edit.setText("О представлении сведений")
    paste(dialog.body_edit, html=WORD)
    dialog.subject_edit.setFocus()
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_F3)
    preview = dialog.preview_dialog
    assert preview.isVisible() and not preview.save_button.isVisible()
    document = pdfium.PdfDocument(preview.pdf)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "№ __________ от __________" in " ".join(text.split())
    assert "Кострома" in text and "Первый номер" in text
    preview.close()
    assert count_letters(demo_db, LetterQuery()) == before  # nothing registered, no number used
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.result_letter is not None and dialog.result_letter.number == "1/5"


def test_tab_in_a_table_moves_between_cells(qtbot: QtBot) -> None:
    """In a body table Tab goes to the next cell and Shift+Tab back (Tab in the last cell adds
    a row), the focus stays in the text, and neither they nor Ctrl+Tab type a tab character."""
    editor = BodyEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    editor.edit.setFocus()
    editor.insert_table(2, 2)
    type_text(editor.edit, "а")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Tab)
    type_text(editor.edit, "б")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Tab)
    type_text(editor.edit, "в")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is editor.edit
    table = editor.edit.textCursor().currentTable()
    assert table is not None
    cells = [
        [table.cellAt(row, column).firstCursorPosition().block().text() for column in range(2)]
        for row in range(2)
    ]
    assert cells == [["а", "б"], ["в", ""]]
    assert "\t" not in editor.edit.toPlainText()
    editor.edit.setTextCursor(table.cellAt(1, 1).lastCursorPosition())
    qtbot.keyClick(editor.edit, Qt.Key.Key_Tab)  # in the last cell: a new row, as in Word
    assert table.rows() == 3
