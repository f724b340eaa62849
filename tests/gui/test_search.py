"""The registry's search field at scale: a capped count, pages fetched until one is short, short
searches by number, and fast typing that ends on the newest text."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.services.registry.letters import register_letter
from db.engine import Database
from tests.gui.driving import settle, shown_window, type_text
from tests.support.builders import make_card
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> MainWindow:
    for i in range(7):
        register_letter(demo_db, make_card(subject=f"О проверке склада {i}"))
    return shown_window(qtbot, demo_db)


def test_capped_count_and_open_ended_paging(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = window.registry_tab
    monkeypatch.setattr(tab, "count_cap", 3)
    monkeypatch.setattr(tab.model, "_page_size", 4)
    type_text(tab.search_edit, "проверке")
    qtbot.waitUntil(lambda: tab.count_label.text() == "Писем: более 3", timeout=5000)
    # the view asks for pages while it has room; the short second page ends the list
    qtbot.waitUntil(lambda: tab.model.rowCount() == 7, timeout=5000)
    assert not tab.model.canFetchMore() and tab.model.total == 7
    subjects = [tab.model.row_at(r).subject for r in range(7)]
    assert sorted(subjects) == [f"О проверке склада {i}" for i in range(7)]


def test_short_search_matches_the_number_start(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.registry_tab
    type_text(tab.search_edit, "71")
    qtbot.waitUntil(lambda: "по началу номера" in tab.count_label.text(), timeout=5000)
    assert tab.count_label.text().startswith("Писем: 1")
    assert tab.model.row_at(0).number == "710/5"


def test_fast_typing_ends_on_the_newest_text(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.registry_tab
    type_text(tab.search_edit, "губернатору")  # no waiting between keys
    settle(qtbot, window)
    qtbot.waitUntil(lambda: tab._query is not None and tab._query.search == "губернатору")
    settle(qtbot, window)
    assert tab.count_label.text() == "Писем: 8"  # the seven above and 710/5, all to the governor
    assert all("Губернатору" in tab.model.row_at(r).addressee for r in range(8))


def test_word_forms_in_the_registry_the_directory_and_the_picker(
    qtbot: QtBot, window: MainWindow
) -> None:
    """«проведенное мероприятие» finds the letter about «проведённых мероприятиях»; «Солодов»
    finds the governor printed «В.В. Солодову» in the directory tab and in the addressee picker,
    whose popup lists what the search found instead of filtering it again by the letters typed."""
    from ui.dialogs.letter_dialog import LetterDialog

    tab = window.registry_tab
    type_text(tab.search_edit, "проведенное мероприятие")
    qtbot.waitUntil(lambda: tab.count_label.text() == "Писем: 1", timeout=5000)
    assert tab.model.row_at(0).number == "2174-РСК"
    window.tabs.setCurrentWidget(window.recipients_tab)
    type_text(window.recipients_tab.search_edit, "Солодову")
    qtbot.waitUntil(lambda: window.recipients_tab.model.rowCount() == 1, timeout=5000)
    assert window.recipients_tab.model.row_at(0).code == "kamchatka-governor"
    dialog = LetterDialog(window.db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.recipient_edit.setFocus()
    type_text(dialog.recipient_edit, "Солодов")
    popup = dialog.recipient_edit.completer().popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert any("Солодову" in label for label in shown)
