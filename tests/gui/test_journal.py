"""Journal import and numbering gaps, driven through their dialogs from the main window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from app.services.registry.letter_list import LetterQuery, count_letters, list_letters
from app.services.registry.letters import annul_letter, letter_id_by_number
from db.engine import Database
from tests.gui.driving import settle, shown_window
from ui.dialogs.gaps_dialog import GapsDialog
from ui.dialogs.journal_import_dialog import JournalImportDialog
from ui.main_window import MainWindow

HEADER = "Дата;Регистрационный номер;Адресат;Краткое содержание;Подписал;Исполнитель"
GOOD = [
    "10.01.2026;1/5;Минфин России;О бюджете;Протасов М.А.;Старчикова",
    "12.01.2026;2/5;Минпромторг России;О качестве;Иванов И.И.;",
    "15.01.2026;7/12;Правительство Москвы;О Дне качества;;",
]
BAD = "32.01.2026;3/5;Губернатору Курской области;О конкурсе;;"


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _cells(dialog: JournalImportDialog) -> list[list[str]]:
    model = dialog.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _checked(qtbot: QtBot, dialog: JournalImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)


def test_import_shows_rejected_rows_then_loads_the_fixed_file(
    demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = shown_window(qtbot, demo_db)
    path = _csv(tmp_path / "журнал 2026.csv", [*GOOD, BAD])
    shown: list[JournalImportDialog] = []

    def drive(self: JournalImportDialog) -> int:
        shown.append(self)
        self.show()
        _checked(qtbot, self)
        rows = _cells(self)
        assert rows[0][:3] == ["5", "32.01.2026", "3/5"]  # rejected first, as typed
        assert rows[0][5].startswith("отклонена: дата «32.01.2026» не распознана")
        assert [r[2] for r in rows[1:]] == ["1/5", "2/5", "7/12"]
        assert rows[1][5] == "загрузить"
        assert rows[2][5] == "загрузить; Подписант «Иванов И.И.» не найден среди сотрудников"
        assert "к загрузке — 3, отклонено — 1" in self.summary.text()
        assert "ничего не записано" in self.summary.text()
        assert not self.load_button.isEnabled()  # a journal is loaded whole or not at all
        _csv(path, [*GOOD, BAD.replace("32.01", "31.01")])  # fixed in Excel meanwhile
        self.recheck_button.click()
        _checked(qtbot, self)
        assert "к загрузке — 4, отклонено — 0" in self.summary.text()
        assert "2026: следующий № 8" in self.summary.text()
        assert self.load_button.text() == "Загрузить писем: 4"
        self.load_button.click()
        self.reject()  # Esc while writing: the dialog stays until the import is done
        assert self.writing and self.isVisible()
        qtbot.waitUntil(lambda: self.loaded == 4, timeout=10_000)
        return int(self.result())

    monkeypatch.setattr(JournalImportDialog, "exec", drive)
    win.journal_desk.import_journal(path)
    settle(qtbot, win)
    assert shown and shown[0].journal_combo.currentData() == "ИСХ"
    assert count_letters(demo_db, LetterQuery(search="курской")) == 1
    january = LetterQuery(
        journal="ИСХ", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31)
    )
    kept = {r.number: r.reg_date for r in list_letters(demo_db, january)}
    assert kept == {"1/5": dt.date(2026, 1, 10), "2/5": dt.date(2026, 1, 12),
                    "3/5": dt.date(2026, 1, 31), "7/12": dt.date(2026, 1, 15)}  # fmt: skip
    assert "загружено писем: 4" in win.statusBar().currentMessage()
    assert win.registry_tab.model.total == count_letters(demo_db, win.registry_tab.make_query())


def test_import_into_another_journal_rechecks(
    demo_db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = JournalImportDialog(demo_db, _csv(tmp_path / "j.csv", GOOD), "ИСХ")
    qtbot.addWidget(dialog)
    _checked(qtbot, dialog)
    assert dialog.load_button.isEnabled()
    dialog.journal_combo.setCurrentIndex(dialog.journal_combo.findData("РСК"))
    _checked(qtbot, dialog)
    assert "отклонено — 3" in dialog.summary.text()  # 1/5 is not a number of {seq}-РСК
    assert "шаблону {seq}-РСК" in _cells(dialog)[0][5]
    assert not dialog.load_button.isEnabled()


def test_import_of_a_file_without_the_columns_says_why(
    demo_db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "список.csv"
    path.write_text("Фамилия;Должность\nИванов;директор\n", encoding="utf-8")
    dialog = JournalImportDialog(demo_db, path, "ИСХ")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "нет столбцов" in dialog.summary.text(), timeout=10_000)
    assert "Дата, Номер" in dialog.summary.text()
    assert not dialog.load_button.isEnabled()


@pytest.fixture
def gaps_window(demo_db: Database, qtbot: QtBot) -> MainWindow:
    annul_letter(demo_db, letter_id_by_number(demo_db, "710/5"), "ошибка в адресате")
    return shown_window(qtbot, demo_db)


def test_gaps_dialog_lists_and_opens_the_annulled_letter(
    gaps_window: MainWindow, demo_db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = GapsDialog(demo_db, "ИСХ", gaps_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.gaps), timeout=10_000)
    model = dialog.model
    rows = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    assert ["ИСХ", "2025", "710/5", "аннулирован", "ошибка в адресате"] in rows
    assert ["ИСХ", "2025", "№ 711–1892", "номер не выдавался (пропуск в нумерации)", ""] in rows
    assert "Номеров без зарегистрированного письма: 1183" in dialog.summary.text()
    opened: list[int] = []
    dialog.open_requested.connect(opened.append)
    skipped = next(r for r, row in enumerate(rows) if row[2].startswith("№"))
    dialog.table.selectRow(skipped)
    assert not dialog.open_button.isEnabled()  # a number never issued has no card
    dialog.table.selectRow(rows.index(["ИСХ", "2025", "710/5", "аннулирован", "ошибка в адресате"]))
    assert dialog.open_button.isEnabled()
    dialog.open_button.click()
    assert opened == [letter_id_by_number(demo_db, "710/5")]
    written = dialog.save_to(tmp_path / "пропуски.xlsx")
    assert written is not None and "Список записан" in dialog.summary.text()
    sheet = load_workbook(written).active
    values = list(sheet.iter_rows(values_only=True))
    assert any(row[:4] == ("ИСХ", "2025", "710/5", "аннулирован") for row in values)


def test_gaps_dialog_from_the_menu_follows_the_journal_filter(
    gaps_window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = gaps_window
    win.registry_tab.journal_filter.setCurrentIndex(win.registry_tab.journal_filter.findData("РСК"))
    shown: list[GapsDialog] = []

    def look(self: GapsDialog) -> int:
        shown.append(self)
        qtbot.waitUntil(lambda: bool(self.status), timeout=10_000)
        return 0

    monkeypatch.setattr(GapsDialog, "exec", look)
    menu: Any = win.menuBar().actions()[0].menu()
    action = next(a for a in menu.actions() if a.text().replace("&", "") == "Пропуски в нумерации…")
    assert action.shortcut().toString() == "Ctrl+Shift+G"
    action.trigger()
    assert shown[0].journal_code() == "РСК"
    assert shown[0].status.startswith("Пропусков нет")
    shown[0].journal_combo.setCurrentIndex(0)  # all journals
    qtbot.waitUntil(lambda: shown[0].status.startswith("Номеров"), timeout=10_000)
