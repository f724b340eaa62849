"""«Контроль отчетов» driven through the real widgets, on the demo registry with the clock set to
5 December 2025 (four days after the due date of the 89-recipient letter)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.control.reports import letter_control
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from db.models import Letter
from tests.gui.driving import settle, shown_window
from tests.gui.qt_items import item
from ui.dialogs.control_dialog import ControlDialog
from ui.dialogs.control_dialogs import RemindDialog
from ui.dialogs.receive_dialog import ReceiveDialog
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def december(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRETARIAT_TODAY", "2025-12-05")


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> MainWindow:
    win = shown_window(qtbot, demo_db)
    win.show_reports()
    return win


def overview(window: MainWindow) -> tuple[int, int, int]:
    row = window.reports_tab.model.row_at(0)
    return row.received, row.overdue, row.total


def card(qtbot: QtBot, window: MainWindow) -> ControlDialog:
    letter_id = window.reports_tab.model.row_at(0).letter_id
    dialog = ControlDialog(window.db, letter_id, window)
    dialog.changed.connect(window.hub.letters_changed)
    qtbot.addWidget(dialog)
    return dialog


def test_notice_at_start_and_overview(window: MainWindow) -> None:
    assert window.notice.isVisible()
    assert "отчетов адресатов — 82" in window.notice.text.text()
    assert overview(window) == (7, 82, 89)
    assert window.reports_tab.count_label.text() == "Писем: 1"


def test_marking_a_reply_received_changes_the_overview(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = card(qtbot, window)
    dialog.select_code("region-20")
    assert dialog.buttons["receive"].isEnabled()
    scan = tmp_path / "ответ Карелии.pdf"
    scan.write_bytes(b"%PDF-1.4 reply")

    def fill_and_accept(receive: ReceiveDialog) -> int:
        receive.number_edit.setText("37-1/2")
        receive.files.addItem(str(scan))
        receive.add_row(["Республика Карелия", "Форум", "г. Петрозаводск", "1", "много"])
        receive.accept()  # a word in a numeric column: refused, the dialog stays open
        assert "«много» — не число" in receive.errors.text()
        assert receive.result() != QDialog.DialogCode.Accepted
        item(receive.table, 1, 4).setText("150")
        receive.accept()
        return int(receive.result())

    monkeypatch.setattr(ReceiveDialog, "exec", fill_and_accept)
    dialog.receive()
    settle(qtbot, window)
    assert overview(window) == (8, 81, 89)
    got = dialog.control.recipient("region-20")  # type: ignore[union-attr]
    assert (got.label, got.reply_number, got.rows, got.files) == (
        "Получен с опозданием",  # received on the 5th, due the 1st
        "37-1/2",
        1,
        1,
    )
    assert "получен с опозданием" in dialog.detail_title.text()
    assert item(dialog.rows, 0, 4).text() == "150"
    assert dialog.files.count() == 1


def test_receive_dialog_loads_a_filled_form(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from app.services.output.letter_export import export_report_form

    letter_id = letter_id_by_number(demo_db, "1893/5")
    form = export_report_form(demo_db, letter_id, tmp_path / "форма.xlsx")
    wb = load_workbook(form)
    wb.active["B3"], wb.active["E3"], wb.active["F3"] = "Республика Карелия", 2, "двести"
    wb.save(form)
    control = letter_control(demo_db, letter_id)
    dialog = ReceiveDialog(demo_db, control, control.recipient("region-20"))
    qtbot.addWidget(dialog)
    dialog.load_form_file(form)
    assert "ячейка F3, столбец «Количество участников»: «двести» — не число" in dialog.errors.text()
    wb.active["F3"] = 200
    wb.save(form)
    dialog.load_form_file(form)
    assert dialog.errors.text() == ""
    assert [item(dialog.table, 0, c).text() for c in (0, 3, 4)] == [
        "Республика Карелия",
        "2",
        "200",
    ]
    assert dialog.files.count() == 1  # the filled form is kept as a reply file


def test_remind_registers_a_letter_and_moves_the_states(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = card(qtbot, window)
    monkeypatch.setattr(RemindDialog, "exec", lambda self: 1)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.remind()
    with window.db.read() as session:
        reminder = session.scalars(select(Letter).where(Letter.number == "1894/5")).one()
        assert len(reminder.addressees) == 82
    assert dialog.control is not None and dialog.control.count("overdue") == 82
    assert {r.reminder_number for r in dialog.control.recipients if r.state == "reminded"} == {
        "1894/5"
    }
    settle(qtbot, window)
    window.registry_tab.refresh()
    settle(qtbot, window)
    assert window.registry_tab.model.total == 4


def test_closed_letter_disables_the_actions(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    dialog = card(qtbot, window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("период завершен", True))
    dialog.close_letter()
    assert dialog.control is not None and dialog.control.closed
    dialog.select_code("region-02")
    assert not dialog.buttons["receive"].isEnabled() and not dialog.buttons["remind"].isEnabled()
    assert "Письмо снято с контроля" in dialog.header.text()
    settle(qtbot, window)
    window.reports_tab.show_combo.setCurrentIndex(window.reports_tab.show_combo.findData("done"))
    settle(qtbot, window)
    assert window.reports_tab.model.row_at(0).closed


def test_registry_opens_the_control_of_a_letter(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.gui.driving import select_letter

    opened: list[str] = []

    def exec_(dialog: ControlDialog) -> int:
        assert dialog.control is not None
        opened.append(dialog.control.number)
        return 0

    monkeypatch.setattr(ControlDialog, "exec", exec_)
    tab = window.registry_tab
    select_letter(window, "710/5")
    tab.row_menu()
    assert not tab.control_action.isEnabled()  # no report asked
    select_letter(window, "1893/5")
    tab.row_menu()
    assert tab.control_action.isEnabled()
    with qtbot.waitSignal(tab.control_requested) as blocker:
        tab.control_action.trigger()
    assert blocker.args == [letter_id_by_number(window.db, "1893/5")]
    assert opened == ["1893/5"]


def test_overview_period_filter(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.reports_tab
    tab.show_combo.setCurrentIndex(tab.show_combo.findData("all"))
    for period, letters in (("this_month", 1), ("next_month", 0), ("year", 1), ("last_year", 0)):
        tab.period_combo.setCurrentIndex(tab.period_combo.findData(period))
        settle(qtbot, window)
        assert tab.model.total == letters, period


def _receive(qtbot: QtBot, demo_db: Database) -> ReceiveDialog:
    letter_id = letter_id_by_number(demo_db, "1893/5")
    control = letter_control(demo_db, letter_id)
    dialog = ReceiveDialog(demo_db, control, control.recipient("region-20"))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_ctrl_v_on_a_selected_cell_pastes_an_excel_block(qtbot: QtBot, demo_db: Database) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    dialog = _receive(qtbot, demo_db)
    grid = dialog.table
    assert grid.rowCount() == 1
    grid.setCurrentCell(0, 1)  # selected, not being edited
    QGuiApplication.clipboard().setText(
        'Москва\t2\t"строка\nс переносом"\r\nКазань\t3\t4\tлишняя\tи еще\r\n'
    )  # as Excel copies two rows: CRLF, a quoted cell with a line break, a trailing line end
    qtbot.keyClick(grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    columns = grid.columnCount()
    assert grid.rowCount() == 2  # a row added for the block
    assert [item(grid, 0, c).text() for c in (1, 2, 3)] == ["Москва", "2", "строка\nс переносом"]
    assert [item(grid, 1, c).text() for c in (1, 2, 3)] == ["Казань", "3", "4"]
    assert grid.pasted_beyond == max(0, 5 - (columns - 1))
    grid.clearSelection()
    grid.selectRow(1)
    qtbot.keyClick(grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().startswith("\tКазань\t3\t4")
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert all(item(grid, 1, c).text() == "" for c in range(columns))


def test_a_receipt_without_rows_asks_first(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog = _receive(qtbot, demo_db)
    dialog.number_edit.setText("01-12/345")
    dialog.accept()
    assert len(asked) == 1 and "не заполнено ни одной строки" in asked[0]
    assert dialog.isVisible()  # «Нет»: nothing recorded, the dialog stays
    control = letter_control(demo_db, letter_id_by_number(demo_db, "1893/5"))
    assert control.recipient("region-20").received_date is None
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    dialog.accept()
    assert dialog.errors.text() == ""
    control = letter_control(demo_db, letter_id_by_number(demo_db, "1893/5"))
    assert control.recipient("region-20").received_date is not None
