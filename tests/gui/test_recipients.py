"""The «Адресаты» tab driven through its widgets: typing in Russian, the live preview, import
with preview, lists, and a letter to a list."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.services.directory.distribution_lists import list_members
from app.services.directory.recipients import get_recipient
from db.engine import Database
from tests.gui.driving import settle, shown_window, type_text
from tests.support.places import ROOT
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.letter_dialog import LetterDialog
from ui.main_window import MainWindow

REGIONS = "Высшие органы исполнительной власти субъектов Российской Федерации"


def _open_tab(qtbot: QtBot, db: Database) -> MainWindow:
    win = shown_window(qtbot, db)
    win.tabs.setCurrentWidget(win.recipients_tab)
    return win


def _select(win: MainWindow, qtbot: QtBot, search: str) -> None:
    tab = win.recipients_tab
    tab.search_edit.setText(search)
    tab.refresh()
    settle(qtbot, win)
    tab.table.setCurrentIndex(tab.model.index(0, 0))


def test_editing_an_official_changes_the_preview(demo_db: Database, qtbot: QtBot) -> None:
    win = _open_tab(qtbot, demo_db)
    _select(win, qtbot, "солодов")
    editor = win.recipients_tab.editor
    assert editor.lines_edit.toPlainText() == "Губернатору Камчатского края\nВ.В. Солодову"
    for edit, text in ((editor.last_edit, "Сорокина"), (editor.first_edit, "Ольга"),
                       (editor.middle_edit, "Николаевна")):  # fmt: skip
        edit.clear()
        edit.setFocus()
        type_text(edit, text)
    assert editor.lines_edit.toPlainText() == "Губернатору Камчатского края\nО.Н. Сорокиной"
    assert editor.salutation_edit.text() == "Уважаемая Ольга Николаевна!"
    assert editor.saved_label.text() == ""
    editor.save_button.click()
    assert editor.saved_label.text().startswith("Сохранено в ")  # seen beside the button
    message = win.statusBar().currentMessage()
    assert message == "Адресат «kamchatka-governor» сохранен"
    detail = get_recipient(demo_db, "kamchatka-governor")
    assert str(detail.data.addressee_lines).endswith("О.Н. Сорокиной")
    assert detail.data.salutation == "Уважаемая Ольга Николаевна!"
    assert "Солодов Владимир Викторович" in detail.history[0]


def test_a_clerks_edit_is_kept_while_typing(db: Database, qtbot: QtBot) -> None:
    win = _open_tab(qtbot, db)
    editor = win.recipients_tab.editor
    win.recipients_tab.new_recipient()
    editor.organization_edit.setText("ООО «Ромашка»")
    editor.position_edit.setPlainText("Генеральный директор")
    type_text(editor.last_edit, "Бендер")
    assert editor.lines_edit.toPlainText() == "ООО «Ромашка»\nГенеральному директору\nБендеру"
    editor.salutation_edit.setFocus()
    editor.salutation_edit.selectAll()
    type_text(editor.salutation_edit, "Уважаемый Остап Ибрагимович!")
    assert editor.salutation.mark.text() == "изменено вручную"
    type_text(editor.first_edit, "Остап")
    assert editor.lines_edit.toPlainText().endswith("О. Бендеру")
    assert editor.salutation_edit.text() == "Уважаемый Остап Ибрагимович!"
    editor.save_button.click()
    code = editor.code
    detail = get_recipient(db, code)
    assert (detail.salutation_edited, detail.addressee_edited) == (True, False)
    editor.salutation.reset.click()
    assert editor.salutation_edit.text() == "Уважаемый господин Бендер!"


def test_invalid_card_shows_the_reason(db: Database, qtbot: QtBot) -> None:
    win = _open_tab(qtbot, db)
    editor = win.recipients_tab.editor
    type_text(editor.organization_edit, "Мэрия")
    editor.postcode_edit.setText("12")
    editor.save_button.click()
    assert "нужно 6 цифр" in editor.error_label.text()
    assert win.recipients_tab.model.total == 0


def test_import_with_preview_from_the_tab(
    db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = _open_tab(qtbot, db)
    shown: list[ImportDialog] = []

    def accept(self: ImportDialog) -> int:
        shown.append(self)
        self.load_button.click()
        return int(self.result())

    monkeypatch.setattr(ImportDialog, "exec", accept)
    win.recipients_tab.import_file(ROOT / "resources" / "samples" / "regional-executive-bodies.csv")
    settle(qtbot, win)
    assert shown[0].table.rowCount() == 89
    assert shown[0].load_button.text() == "Загрузить (89)"
    assert win.recipients_tab.model.total == 89
    assert len(list_members(db, REGIONS)) == 89
    win.recipients_tab.lists.reload()
    assert win.recipients_tab.lists.members.count() == 89


def test_list_reorder_and_letter_to_the_list(
    demo_db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = _open_tab(qtbot, demo_db)
    panel = win.recipients_tab.lists
    win.recipients_tab.side.setCurrentWidget(panel)
    assert panel.name() == REGIONS
    panel.members.setCurrentRow(1)
    panel.move_member(-1)
    panel.members.setCurrentRow(0)
    panel.delivery_combo.setCurrentIndex(panel.delivery_combo.findData("Курьер"))
    panel.delivery_combo.activated.emit(panel.delivery_combo.currentIndex())
    assert panel.members.item(0).text() == "1. Правительство Брянской области — Курьер"
    opened: list[dict[str, Any]] = []

    def capture(self: LetterDialog) -> int:
        opened.append(
            {"mode": self.mode_combo.currentData(), "list": self.list_combo.currentText()}
        )
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(LetterDialog, "exec", capture)
    panel.letter_button.click()  # saves the unsaved order first
    members = list_members(demo_db, REGIONS)
    assert [m.code for m in members[:2]] == ["region-02", "region-01"]
    assert members[0].effective_delivery == "Курьер"
    assert opened == [{"mode": "list", "list": REGIONS}]


def test_duplicates_are_merged_from_the_dialog(demo_db: Database, qtbot: QtBot) -> None:
    from app.services.directory.recipients import RecipientData, find_duplicates, save_recipient
    from ui.dialogs.duplicates_dialog import DuplicatesDialog

    twin = RecipientData(code="kam-2", organization="Правительство Камчатского края",
                         position="Губернатор Камчатского края", last_name="СОЛОДОВ",
                         first_name="Владимир", middle_name="Викторович")  # fmt: skip
    save_recipient(demo_db, twin)
    dialog = DuplicatesDialog(demo_db)
    qtbot.addWidget(dialog)
    assert dialog.tree.topLevelItemCount() == 1
    dialog.merge_button.click()
    assert find_duplicates(demo_db) == []
    assert dialog.tree.topLevelItemCount() == 0
    assert get_recipient(demo_db, "kamchatka-governor").letters == 1


def test_new_and_renamed_list(
    demo_db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from app.services.directory.distribution_lists import list_names

    win = _open_tab(qtbot, demo_db)
    panel = win.recipients_tab.lists
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Партнеры", True))
    panel.new_list()
    assert panel.name() == "Партнеры" and panel.members.count() == 0
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Партнеры 2026", True))
    panel.rename_list()
    assert panel.name() == "Партнеры 2026"
    assert "Партнеры 2026" in list_names(demo_db) and "Партнеры" not in list_names(demo_db)
