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
from tests.gui.driving import pick_recipient, settle, shown_window, type_text
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


def test_register_from_the_dialog_typed_in_russian(
    dialog: LetterDialog, qtbot: QtBot, demo_db: Database
) -> None:
    assert dialog.journal_combo.currentData() == "ИСХ"
    assert dialog.case_edit.text() == "5"  # the journal's last case index, remembered
    from app.services.registry.recent import recent_people

    recent = recent_people(demo_db)  # the people of the clerk's last letter (the demo's)
    assert recent.signatory is not None
    assert dialog.signatory_combo.currentData() == recent.signatory
    assert dialog.executor_combo.currentData() == recent.executor
    dialog.case_edit.clear()
    assert "индекс дела" in dialog.number_label.text()  # {case} is missing
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
    pick_recipient(dialog, "губернатор")
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["body"].text() == "Текст письма пуст"
    dialog.body_edit.setPlainText("Просим поддержать конкурс.")
    dialog.signatory_combo.setCurrentIndex(0)  # «—»: nobody
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["signatory"].text() == "Укажите, кто подписывает письмо"
    assert count_letters(demo_db) == 3  # no number was used up


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
    dialog.body_edit.setPlainText("Просим представить отчет.")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
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
        mailing = "адресатов?" in text  # the large-mailing confirmation: yes; the twin: no
        return QMessageBox.StandardButton.Yes if mailing else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    for _ in range(2):
        dlg = LetterDialog(demo_db)
        qtbot.addWidget(dlg)
        dlg.journal_combo.setCurrentIndex(dlg.journal_combo.findData("РСК"))
        dlg.mode_combo.setCurrentIndex(dlg.mode_combo.findData("list"))
        dlg.subject_edit.setText("О Дне качества")
        dlg.body_edit.setPlainText("Приглашаем принять участие.")
        dlg.signatory_combo.setCurrentIndex(dlg.signatory_combo.findData("protasov"))
        dlg.register()
    twins = [text for text in asked if "адресатов?" not in text]
    assert len(twins) == 1 and "1-РСК" in twins[0]
    assert "на 89 адресатов? Подписывает: М.А.\u00a0Протасов" in asked[0]
    assert count_letters(demo_db) == 4


def test_annul_from_the_context_menu(
    window: MainWindow, qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def reason(_parent: object, title: str, text: str, *_a: object) -> tuple[str, bool]:
        asked.append(f"{title}\n{text}")
        return "ошибка в адресате", True

    monkeypatch.setattr(QInputDialog, "getText", reason)
    tab = window.registry_tab
    tab.table.selectRow(1)
    assert tab.selected_row().number == "710/5"  # type: ignore[union-attr]
    menu = tab.row_menu()
    [annul] = [a for a in menu.actions() if a.text() == "Аннулировать…"]
    annul.trigger()
    settle(qtbot, window)
    assert asked[0].startswith("Аннулировать № 710/5\nАннулировать письмо № 710/5 от ")
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
    tab.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.AscendingOrder)  # heading
    settle(qtbot, window)
    subjects = [tab.model.row_at(r).subject for r in range(tab.model.rowCount())]
    assert subjects == sorted(subjects)


def test_hide_a_column_from_the_header_menu(window: MainWindow) -> None:
    tab = window.registry_tab
    menu = tab.column_menu()
    [executor] = [a for a in menu.actions() if a.text() == "Исполнитель"]
    executor.trigger()
    assert tab.table.isColumnHidden(6)


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


def test_registration_cannot_misfire(
    dialog: LetterDialog,
    qtbot: QtBot,
    demo_db: Database,
    questions: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enter in the heading does not register; a heading without «О» is a question; Esc with
    something typed asks before the card is thrown away."""
    pick_recipient(dialog, "губернатор")
    dialog.case_edit.setText("5")
    dialog.body_edit.setPlainText("Просим поддержать конкурс.")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    dialog.subject_edit.setFocus()
    type_text(dialog.subject_edit, "Поддержка конкурса")
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Enter)
    assert dialog.isVisible() and dialog.result_letter is None
    assert count_letters(demo_db) == 3 and questions == []  # Enter did nothing

    answers = iter([QMessageBox.StandardButton.No])

    def no_then_yes(*_a: object, **_k: object) -> QMessageBox.StandardButton:
        questions.append(str(_a[2]))
        return next(answers, QMessageBox.StandardButton.Yes)

    monkeypatch.setattr(QMessageBox, "question", no_then_yes)
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "не начинается с «О» или «Об»" in questions[0]
    assert dialog.result_letter is None and count_letters(demo_db) == 3  # the clerk said «Нет»

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # «Сохранить черновик?» — «Да»
    assert "Сохранить черновик?" in questions[1]
    assert not dialog.isVisible()
    from app.services.registry.drafts import list_drafts

    assert [d.subject for d in list_drafts(demo_db)] == [dialog.subject_edit.text()]


def test_esc_on_an_untouched_card_just_closes(dialog: LetterDialog, questions: list[str]) -> None:
    dialog.reject()
    assert questions == [] and not dialog.isVisible()
