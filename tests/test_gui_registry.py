"""The registry tab and the letter dialog, driven through their widgets."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.registry.letter_cards import show_letter
from app.services.registry.letter_list import LetterQuery, count_letters
from db.engine import Database
from tests.test_gui import settle, shown_window, type_text
from ui.dialogs.letter_dialog import LetterDialog
from ui.main_window import MainWindow

YEAR = dt.date.today().year


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> MainWindow:
    return shown_window(qtbot, demo_db)


@pytest.fixture
def dialog(qtbot: QtBot, demo_db: Database) -> LetterDialog:
    dlg = LetterDialog(demo_db)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def pick_recipient(dialog: LetterDialog, typed: str) -> None:
    dialog.recipient_edit.setFocus()
    type_text(dialog.recipient_edit, typed)
    labels = list(dialog._choices)
    assert labels, f"nothing found for {typed!r}"
    dialog.recipient_edit.completer().activated.emit(labels[0])  # the clerk picks the first line


def test_register_from_the_dialog_typed_in_russian(
    dialog: LetterDialog, qtbot: QtBot, demo_db: Database
) -> None:
    assert dialog.journal_combo.currentData() == "ИСХ"
    assert "индекс дела" in dialog.number_label.text()  # {case} is still missing
    dialog.case_edit.setFocus()
    type_text(dialog.case_edit, "5")
    assert dialog.number_label.text() == "Будет присвоен номер: 1/5"
    pick_recipient(dialog, "губернатор")
    assert dialog.recipient_codes() == ["kamchatka-governor"]
    dialog.subject_edit.setFocus()
    type_text(dialog.subject_edit, "О поддержке Конкурса «Лидер качества»")
    dialog.body_edit.setPlainText("Роскачество проводит конкурс.\n\nПросим поддержать.")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.result_letter is not None and dialog.result_letter.number == "1/5"
    card = show_letter(demo_db, "1/5", year=YEAR)
    assert card["subject"] == "О поддержке Конкурса «Лидер качества»"
    assert card["registration"]["addressees_as_printed"][0]["lines"].startswith(
        "Губернатору Камчатского края"
    )
    assert card["salutation"] == "Уважаемый Владимир Викторович!"
    assert card["signatory"] == "protasov"


def test_missing_fields_are_shown_next_to_them(
    dialog: LetterDialog, qtbot: QtBot, demo_db: Database
) -> None:
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors["subject"].isVisible()
    dialog.subject_edit.setText("О проверке")
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["addressee"].isVisible()
    assert "справочника" in dialog.errors["addressee"].text()
    assert count_letters(demo_db) == 3


def test_collective_addressee_and_report_request(
    dialog: LetterDialog, qtbot: QtBot, demo_db: Database
) -> None:
    dialog.journal_combo.setCurrentIndex(dialog.journal_combo.findData("РСК"))
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData("text"))
    dialog.text_edit.setPlainText("Руководителям органов управления образованием")
    dialog.subject_edit.setText("О проведении Недели качества")
    dialog.report_box.setChecked(True)
    dialog.due_edit.setDate(dialog.due_edit.date().fromString("15.12.2024", "dd.MM.yyyy"))
    assert dialog.due_weekday.text() == "вс — выходной день (воскресенье)"
    dialog.due_edit.setDate(dialog.due_edit.date().fromString("04.11.2024", "dd.MM.yyyy"))
    assert dialog.due_weekday.text() == "пн — праздничный день (День народного единства)"
    dialog.due_edit.setDate(dialog.due_edit.date().fromString("15.12.2024", "dd.MM.yyyy"))
    dialog.columns_edit.setText("Субъект РФ; Мероприятие")
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    card = show_letter(demo_db, "1-РСК", year=YEAR)
    assert card["addressee"] == {"text": "Руководителям органов управления образованием"}
    assert card["report"] == {"due": "2024-12-15", "columns": ["Субъект РФ", "Мероприятие"],
                              "rows": 2}  # fmt: skip


def test_reserve_from_the_dialog(dialog: LetterDialog, qtbot: QtBot, demo_db: Database) -> None:
    dialog.case_edit.setText("5")
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.reserve_button, Qt.MouseButton.LeftButton)
    assert count_letters(demo_db, LetterQuery(status="reserved")) == 1


def test_twin_letter_asks_first(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    for _ in range(2):
        dlg = LetterDialog(demo_db)
        qtbot.addWidget(dlg)
        dlg.journal_combo.setCurrentIndex(dlg.journal_combo.findData("РСК"))
        dlg.mode_combo.setCurrentIndex(dlg.mode_combo.findData("list"))
        dlg.subject_edit.setText("О Дне качества")
        dlg.register()
    assert len(asked) == 1 and "1-РСК" in asked[0]
    assert count_letters(demo_db) == 4


def test_annul_from_the_context_menu(
    window: MainWindow, qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("ошибка в адресате", True))
    tab = window.registry_tab
    tab.table.selectRow(1)
    assert tab.selected_row().number == "710/5"  # type: ignore[union-attr]
    menu = tab.row_menu()
    [annul] = [a for a in menu.actions() if a.text() == "Аннулировать…"]
    annul.trigger()
    settle(qtbot, window)
    assert show_letter(demo_db, "710/5")["registration"]["annul_reason"] == "ошибка в адресате"
    row = next(tab.model.row_at(r) for r in range(tab.model.rowCount())
               if tab.model.row_at(r).number == "710/5")  # fmt: skip
    assert row.status == "annulled"
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("annulled"))
    settle(qtbot, window)
    assert [tab.model.row_at(r).number for r in range(tab.model.rowCount())] == ["710/5"]


def test_copy_number_and_filters(window: MainWindow, qtbot: QtBot) -> None:
    tab = window.registry_tab
    tab.table.selectRow(0)
    tab.copy_action.trigger()
    assert QApplication.clipboard().text() == "1893/5"
    tab.journal_filter.setCurrentIndex(tab.journal_filter.findData("РСК"))
    settle(qtbot, window)
    assert tab.count_label.text() == "Писем: 1"
    tab.journal_filter.setCurrentIndex(0)
    tab.period_combo.setCurrentIndex(tab.period_combo.findData("custom"))
    tab.from_edit.setDate(tab.from_edit.date().fromString("01.01.2025", "dd.MM.yyyy"))
    tab.to_edit.setDate(tab.to_edit.date().fromString("30.06.2025", "dd.MM.yyyy"))
    settle(qtbot, window)
    assert [tab.model.row_at(r).number for r in range(tab.model.rowCount())] == ["710/5"]


def test_sorting_by_clicking_the_header(window: MainWindow, qtbot: QtBot) -> None:
    tab = window.registry_tab
    tab.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)  # heading
    settle(qtbot, window)
    subjects = [tab.model.row_at(r).subject for r in range(tab.model.rowCount())]
    assert subjects == sorted(subjects)


def test_hide_a_column_from_the_header_menu(window: MainWindow) -> None:
    tab = window.registry_tab
    menu = tab.column_menu()
    [executor] = [a for a in menu.actions() if a.text() == "Исполнитель"]
    executor.trigger()
    assert tab.table.isColumnHidden(5)


def test_ctrl_n_opens_the_dialog(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    monkeypatch.setattr(LetterDialog, "register_new", classmethod(lambda cls, *a: opened.append(a)))
    assert window.new_letter_action.shortcut().toString() == "Ctrl+N"
    window.new_letter_action.trigger()
    window.registry_tab.new_button.click()
    assert len(opened) == 2


def test_card_edit_keeps_the_number(qtbot: QtBot, demo_db: Database, window: MainWindow) -> None:
    tab = window.registry_tab
    letter_id = tab.model.row_at(1).id
    dlg = LetterDialog(demo_db, letter_id=letter_id)
    qtbot.addWidget(dlg)
    assert dlg.number_label.text() == "Номер: 710/5 (зарегистрировано)"
    assert not dlg.journal_combo.isEnabled()
    assert dlg.recipient_codes() == ["kamchatka-governor"]
    dlg.subject_edit.setText("О поддержке Всероссийского конкурса «Лидер качества»")
    with qtbot.waitSignal(dlg.accepted, timeout=3000):
        qtbot.mouseClick(dlg.register_button, Qt.MouseButton.LeftButton)
    card = show_letter(demo_db, "710/5")
    assert card["subject"].startswith("О поддержке Всероссийского")
    assert card["registration"]["addressees_as_printed"][0]["lines"].endswith("Солодову")
