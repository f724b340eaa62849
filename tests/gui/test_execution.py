"""«Контроль исполнения» driven as a head's clerk drives it (issue 41): the view over our tasks and
the reports owed to us, its filters, the calendar of the week and of the month (a day opens its
list, Esc goes back), a row opening the letter's card, and the discipline report in the window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from app.rules.executor_terms import ExecutorTerm
from app.services.incoming.resolutions import ResolutionData, resolve_incoming
from app.services.incoming.tasks import complete_task
from app.services.links.replies import incoming_id_by_number
from db.engine import Database
from tests.gui.driving import shown_window
from tests.gui.qt_items import item
from ui import file_dialogs
from ui.dialogs.discipline_dialog import DisciplineDialog
from ui.main_window import MainWindow

DAY = dt.date(2025, 12, 3)


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    """The demo on its day, with the head's resolution on 1-вх: Чекушов by 10.12, Старчикова by
    17.12 (done on 16.12)."""
    monkeypatch.setenv("SECRETARIAT_TODAY", DAY.isoformat())
    letter = incoming_id_by_number(demo_db, "1-вх")
    resolve_incoming(demo_db, letter, ResolutionData(
        [ExecutorTerm("chekushov", dt.date(2025, 12, 10)),
         ExecutorTerm("starchikova", dt.date(2025, 12, 17))],
        text="Подготовить предложения", author="protasov",
    ), today=DAY)  # fmt: skip
    complete_task(demo_db, letter, "starchikova", today=dt.date(2025, 12, 16))
    return shown_window(qtbot, demo_db)


def _rows(window: MainWindow) -> list[tuple[str, str, str]]:
    table = window.execution_tab.table
    return [
        (item(table, r, 1).text(), item(table, r, 5).text(), item(table, r, 7).text())
        for r in range(table.rowCount())
    ]


def _cell(window: MainWindow, row: int, column: int) -> str:
    cell = window.execution_tab.calendar.item(row, column)
    return cell.text() if cell is not None else ""


def _loaded(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.execution_tab
    qtbot.waitUntil(lambda: tab.count_label.text().startswith("Сроков"), timeout=10_000)


def test_the_view_filters_and_opens_a_card(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = window.execution_tab
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is tab
    _loaded(qtbot, window)
    rows = _rows(window)
    assert ("1-вх", "Р.А. Чекушов (отв.)", "10.12.2025") in [(n, e.replace("\xa0", " "), d)
                                                     for n, e, d in rows]  # fmt: skip
    assert "Отчет" in {item(tab.table, r, 0).text() for r in range(tab.table.rowCount())}
    # our tasks only, by the head's resolutions
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData("incoming"))
    tab.author_combo.setCurrentIndex(tab.author_combo.findData("protasov"))
    qtbot.waitUntil(lambda: [r[0] for r in _rows(window)] == ["1-вх"], timeout=10_000)
    # what was done late: nothing yet (Старчикова finished a day early)
    tab.show_combo.setCurrentIndex(tab.show_combo.findData("done_late"))
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0, timeout=10_000)
    tab.show_combo.setCurrentIndex(tab.show_combo.findData("all"))
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=10_000)
    states = {item(tab.table, r, 8).text() for r in range(2)}
    assert states == {"осталось 7 дн.", "исполнено в срок"}
    # Enter on a row: the incoming letter's card
    opened: list[int] = []
    tab.incoming_requested.disconnect()  # not the card itself (a modal dialog), what it is asked
    tab.incoming_requested.connect(opened.append)
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened == [incoming_id_by_number(window.db, "1-вх")]


def test_the_calendar_of_the_week_and_the_month(window: MainWindow, qtbot: QtBot) -> None:
    tab = window.execution_tab
    window.tabs.setCurrentWidget(tab)
    _loaded(qtbot, window)
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData("incoming"))
    tab.view_combo.setCurrentIndex(1)  # «Неделя»: 01.12–07.12 holds no term of 1-вх
    qtbot.waitUntil(lambda: tab.period_label.text() == "01.12.2025 — 07.12.2025", timeout=5000)
    tab.forward_button.click()  # 08.12–14.12: Чекушов's 10.12 on Wednesday
    qtbot.waitUntil(lambda: "1-вх" in _cell(window, 0, 2), timeout=10_000)
    assert _cell(window, 0, 2).startswith("10.12.2025")
    tab.view_combo.setCurrentIndex(2)  # «Месяц»: декабрь 2025, from Monday 01.12
    qtbot.waitUntil(lambda: tab.period_label.text() == "декабрь 2025", timeout=5000)
    qtbot.waitUntil(lambda: "сроков" in _cell(window, 1, 2), timeout=10_000)
    assert _cell(window, 0, 0) == "1"
    # a day of the month: its list; Esc back to every term
    tab.calendar.setFocus()
    tab.calendar.setCurrentCell(1, 2)
    qtbot.keyClick(tab.calendar, Qt.Key.Key_Return)
    assert tab.view_combo.currentText() == "Список" and tab.period_label.text() == (
        "Срок: 10.12.2025"
    )
    qtbot.waitUntil(lambda: [r[2] for r in _rows(window)] == ["10.12.2025"], timeout=10_000)
    qtbot.keyClick(tab.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: tab.period_label.text() == "", timeout=5000)


def _header(dialog: DisciplineDialog) -> str:
    header = dialog.table.horizontalHeaderItem(0)
    return header.text() if header is not None else ""


def test_the_discipline_report_in_the_window(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = DisciplineDialog(window.db, window)
    qtbot.addWidget(dialog)
    dialog.from_edit.setDate(QDate(2025, 12, 1))
    dialog.to_edit.setDate(QDate(2025, 12, 31))
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0 and not dialog.said.text(), timeout=10_000)
    rows = {item(dialog.table, r, 0).text(): r for r in range(dialog.table.rowCount())}
    starchikova = next(r for name, r in rows.items() if "Старчикова" in name)
    # the demo's task of 09.12 is outstanding; the head's of 17.12 done on time
    assert [item(dialog.table, starchikova, c).text() for c in (1, 2, 5)] == ["2", "1", "1"]
    assert item(dialog.table, dialog.table.rowCount() - 1, 0).text() == "Итого"
    dialog.by_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: _header(dialog) == "Подразделение",
                    timeout=10_000)  # fmt: skip
    target = tmp_path / "сводка.xlsx"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *_a: (target, "Excel (*.xlsx)"))
    dialog.save(".xlsx")
    qtbot.waitUntil(target.exists, timeout=10_000)
    qtbot.waitUntil(lambda: dialog.said.text().startswith("Записано"), timeout=10_000)


def test_the_reminders_list_from_the_tab(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """«Напоминания → Список к печати»: the PDF of whose term is near or passed, off the
    window's thread; «Отправить» without the mail server's password says so in a box, nothing
    marked."""
    from PySide6.QtWidgets import QMessageBox

    from tests.support.pdf_facts import page_lines

    tab = window.execution_tab
    monkeypatch.setattr(file_dialogs, "choose_folder", lambda *_a: tmp_path)
    list_action, send_action = tab.remind_button.menu().actions()
    list_action.trigger()
    target = tmp_path / f"напоминания-{DAY}.pdf"
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert "2-вх" in " ".join(page_lines(target.read_bytes()))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: said.append(text))
    send_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert "пароль" in said[0]  # the demo names a server; no keyring holds its password here
    assert tab.remind_button.isEnabled()
    from db.models import TaskEvent

    with window.db.read() as session:
        assert session.query(TaskEvent).filter_by(kind="reminded").count() == 0
