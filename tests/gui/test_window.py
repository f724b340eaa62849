"""The window driven through its real widgets (offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.organization.profile import get_organization, list_journals, list_staff
from app.support.errors import UserError
from app.support.settings import Settings
from db.engine import Database
from tests.gui.driving import save_settings, settle, shown_window, type_text
from tests.gui.qt_items import item
from ui.dialogs.settings_dialog import SettingsDialog
from ui.dialogs.settings_tables import remove_selected
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    return shown_window(qtbot, db)


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda _p, _t, text, *a, **k: shown.append(text))
    return shown


def test_first_start_offers_setup_and_demo(window: MainWindow, qtbot: QtBot) -> None:
    assert window.welcome.isVisible()
    assert window.registry_tab.model.rowCount() == 0
    assert str(window.db.sqlite_path) in window.db_label.text()
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert not window.welcome.isVisible()
    assert window.registry_tab.model.rowCount() == 3
    assert window.registry_tab.count_label.text() == "Писем: 3"
    assert window.recipients_tab.model.total == 91
    assert window.reports_tab.model.rowCount() == 1
    assert "Роскачество" in window.windowTitle()


def test_tabs_and_menus(window: MainWindow) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == [
        "Реестр исходящих", "Входящие", "Адресаты", "Контроль отчетов", "Контроль исполнения",
    ]  # fmt: skip
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["Файл", "Правка", "Сервис", "Справка"]


def test_registry_search_typed_in_russian(demo_db: Database, qtbot: QtBot) -> None:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    settle(qtbot, win)
    tab = win.registry_tab
    tab.search_edit.setFocus()
    type_text(tab.search_edit, "губернатору")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=3000)
    assert tab.model.row_at(0).number == "710/5"
    assert tab.count_label.text() == "Писем: 1"
    tab.search_edit.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=3000)


def test_registry_model_is_a_valid_model(demo_db: Database, qtbot: QtBot, qtmodeltester) -> None:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    settle(qtbot, win)
    qtmodeltester.check(win.registry_tab.model)
    qtmodeltester.check(win.recipients_tab.model)


def test_paged_model_fetches_more_on_demand(demo_db: Database, qtbot: QtBot) -> None:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    settle(qtbot, win)
    model = win.recipients_tab.model
    model._page_size = 20
    model.reload()
    assert (model.rowCount(), model.total) == (20, 91)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 91


def test_settings_edit_reaches_the_database(demo_db: Database, qtbot: QtBot) -> None:
    dialog = SettingsDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    name = dialog.findChild(QLineEdit, "org_short_name")
    assert name is not None
    name.clear()
    name.setFocus()
    type_text(name, "Роскачество (тест)")
    item(dialog.staff_table, 0, 4).setText("Заместитель руководителя / по качеству")
    item(dialog.journal_table, 2, 4).setText("2200")  # РСК, after ВХ and ИСХ
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        save_settings(dialog, qtbot)
    org = get_organization(demo_db)
    assert org is not None and org.short_name == "Роскачество (тест)"
    staff = {p.code: p for p in list_staff(demo_db)}
    assert staff[item(dialog.staff_table, 0, 0).text()].position == (
        "Заместитель руководителя\nпо качеству"
    )
    assert {j.code: j.next_seq for j in list_journals(demo_db)}["РСК"] == 2200


def test_settings_refuse_bad_template_and_date(demo_db: Database, qtbot: QtBot) -> None:
    dialog = SettingsDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    item(dialog.journal_table, 1, 2).setText("{case}-без-номера")  # ИСХ, after ВХ
    assert "ровно один" in item(dialog.journal_table, 1, 5).text()  # the live example says why
    save_settings(dialog, qtbot)
    assert dialog.isVisible()
    assert "ровно один {seq}" in dialog.error_label.text()
    templates = ["{seq}-вх", "{seq}/{case}", "{seq}-РСК"]
    assert [j.template for j in list_journals(demo_db)] == templates
    item(dialog.journal_table, 1, 2).setText("{seq}/{case}")
    row = next(
        r
        for r in range(dialog.staff_table.rowCount())
        if item(dialog.staff_table, r, 0).text() == "protasov"
    )
    item(dialog.staff_table, row, 10).setText("31.02.2026")
    save_settings(dialog, qtbot)
    assert "не дата" in dialog.error_label.text()


def test_new_journal_from_settings(db: Database, qtbot: QtBot) -> None:
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    org_name = dialog.findChild(QLineEdit, "org_name")
    assert org_name is not None
    org_name.setText("Министерство финансов Камчатского края")
    dialog.journals.new_row()
    for column, text in enumerate(("01", "Исходящие", "01-{case}/{seq}")):
        item(dialog.journal_table, 0, column).setText(text)
    assert item(dialog.journal_table, 0, 5).text() == "01-02-12/1"
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        save_settings(dialog, qtbot)
    journals = [(j.code, j.template, j.kind) for j in list_journals(db)]
    assert journals == [("01", "01-{case}/{seq}", "outgoing"), ("ВХ", "{seq}-вх", "incoming")]


def test_a_new_registry_is_offered_ready_journals(db: Database, qtbot: QtBot) -> None:
    from app.services.registry.letters import reserve_number

    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    # ready to use, not an empty table: outgoing and incoming
    assert dialog.journal_table.rowCount() == 2
    assert [item(dialog.journal_table, 0, c).text() for c in (0, 1, 2, 5)] == [
        "ИСХ", "Исходящие", "{case}/{seq}", "02-12/1",
    ]  # fmt: skip
    assert [item(dialog.journal_table, 1, c).text() for c in (0, 1, 2, 5)] == [
        "ВХ", "Входящие", "{seq}-вх", "1-вх",
    ]  # fmt: skip
    kind = dialog.journal_table.cellWidget(1, 6)
    assert isinstance(kind, QComboBox) and kind.currentData() == "incoming"
    assert (
        not dialog.journals.preset_note.isHidden()
        and "«02-12/315»" in dialog.journals.preset_note.text()
    )
    assert "«315-вх»" in dialog.journals.preset_note.text()
    labels = [a.text() for a in dialog.preset_button.menu().actions()]
    assert "Исходящие: «315/02-12» — порядковый номер, затем индекс дела" in labels
    dialog.preset_button.menu().actions()[1].trigger()
    assert [item(dialog.journal_table, 2, c).text() for c in (0, 2)] == ["ИСХ2", "{seq}/{case}"]
    remove_selected(dialog.journal_table)  # nothing selected: all stay
    dialog.journal_table.selectRow(2)
    remove_selected(dialog.journal_table)
    org_name = dialog.findChild(QLineEdit, "org_name")
    assert org_name is not None
    org_name.setText("Министерство финансов Камчатского края")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        save_settings(dialog, qtbot)
    incoming, journal = list_journals(db)  # in the order of their codes
    assert (journal.code, journal.template) == ("ИСХ", "{case}/{seq}")
    assert (incoming.code, incoming.kind) == ("ВХ", "incoming")
    with pytest.raises(UserError) as refused:  # no case index: said in the clerk's words
        reserve_number(db, "ИСХ")
    assert str(refused.value) == (
        "Укажите индекс дела: он входит в номер письма (будет, например, «02-12/1»)"
    )


def test_settings_menu_opens_dialog(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(SettingsDialog, "edit", classmethod(lambda cls, *a, **k: calls.append(a)))
    window.settings_action.trigger()
    assert len(calls) == 1


def test_window_remembers_geometry_and_tab(db: Database, qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.json")
    first = MainWindow(db, settings)
    qtbot.addWidget(first)
    first.resize(700, 500)
    first.tabs.setCurrentIndex(2)
    first.close()
    second = MainWindow(db, Settings(tmp_path / "s.json"))
    qtbot.addWidget(second)
    assert second.tabs.currentIndex() == 2
    assert (second.width(), second.height()) == (700, 500)


def test_demo_into_filled_database_is_refused(
    window: MainWindow, no_modal_boxes: list[str]
) -> None:
    window.house_desk.load_demo_data()
    window.house_desk.load_demo_data()
    assert no_modal_boxes and "только в пустую базу" in no_modal_boxes[-1]
