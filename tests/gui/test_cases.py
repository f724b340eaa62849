"""The nomenclature of cases in the window (issue 42): the editor in «Настройки → Номенклатура дел»
(import, a case added by the keyboard, printed), the draft from the indexes on letters, filing our
letter and an incoming one, and the letter form naming the case of a new number."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, update

from app.services.cases.filing import case_contents
from app.services.cases.nomenclature import nomenclature
from app.services.links.replies import incoming_id_by_number
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from db.models import CaseFile, IncomingLetter, Letter
from tests.gui.driving import type_text
from tests.gui.qt_items import item
from tests.support.nomenclature import CLEAN_ROWS, form_file
from tests.support.pdf_facts import page_lines
from ui import file_dialogs
from ui.dialogs.file_to_case import FileToCaseDialog
from ui.dialogs.incoming_dialogs import IncomingCardDialog
from ui.dialogs.nomenclature_page import CaseDialog, NomenclaturePage
from ui.dialogs.resolution_dialogs import DoneDialog
from ui.dialogs.settings_dialog import SettingsDialog


@pytest.fixture
def day_2025(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRETARIAT_TODAY", "2025-12-03")


def _indexes(page: NomenclaturePage) -> list[str]:
    return [item(page.case_table, r, 0).text() for r in range(page.case_table.rowCount())]


def test_the_editor_in_settings(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, day_2025: None
) -> None:
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(n) for n in range(dialog.tabs.count())]
    assert titles[-1] == "Номенклатура дел"
    page = dialog.nomenclature
    assert page.year == 2025 and _indexes(page) == []
    page.import_path(form_file(tmp_path / "nom.xlsx", CLEAN_ROWS))
    assert _indexes(page) == ["01-01", "01-02", "02-01", "02-02", "02-03"]
    assert item(page.case_table, 3, 4).text() == "50 лет ЭПК, ст. 444б"

    case = CaseDialog(db, page.year, None, ["02. Канцелярия"], page)
    qtbot.addWidget(case)
    case.show()
    case.index_edit.setFocus()
    type_text(case.index_edit, "02-04")
    qtbot.keyClick(case.index_edit, Qt.Key.Key_Tab)
    type_text(case.title_edit, "Акты проверок")
    case.section_combo.setCurrentText("02. Канцелярия")
    case.period_combo.setCurrentText("вечно")
    case.accept()
    assert "срок хранения «вечно» не прочитан" in case.error_label.text()
    case.period_combo.setCurrentText("5 лет ЭПК")
    case.accept()
    assert case.result() == QDialog.DialogCode.Accepted
    page.refresh()
    assert _indexes(page)[-1] == "02-04"

    out = tmp_path / "nomenclature.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *_a: (out, "PDF (*.pdf)"))
    page.print_nomenclature()
    text = "\n".join(page_lines(out.read_bytes()))
    assert "Номенклатура дел на 2025 год" in text and "02. Канцелярия" in text
    assert "Акты проверок" in text


def test_a_draft_from_the_letters(qtbot: QtBot, demo_db: Database, day_2025: None) -> None:
    with demo_db.write() as session:
        session.execute(update(Letter).values(case_id=None))
        session.execute(update(IncomingLetter).values(case_id=None))
        session.execute(delete(CaseFile))
    page = NomenclaturePage(demo_db)
    qtbot.addWidget(page)
    page.show()
    assert page.draft_button.isVisible()
    assert "5" in page.draft_label.text()
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    assert _indexes(page) == ["5"]
    assert item(page.case_table, 0, 1).text() == "(заполнить)"
    assert not page.draft_button.isVisible()
    page.case_table.selectRow(0)
    assert page.document_table.rowCount() == 2  # 710/5 and 1893/5, filed to the draft case


def test_contents_closing_and_inventory(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    day_2025: None,
) -> None:  # fmt: skip
    page = NomenclaturePage(demo_db)
    qtbot.addWidget(page)
    row = _indexes(page).index("5")
    page.case_table.selectRow(row)
    numbers = [item(page.document_table, r, 1).text() for r in range(2)]
    assert numbers == ["710/5", "1893/5"]
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getInt", lambda *_a, **_k: (7, True))
    page.close_case()
    case, _documents = case_contents(demo_db, "5", 2025)
    assert case.closed_on is not None and case.sheets == 7
    assert item(page.case_table, row, 6).text().startswith("закрыто")
    out = tmp_path / "opis.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *_a: (out, "PDF (*.pdf)"))
    page.print_internal()
    assert "Внутренняя опись документов дела № 5" in "\n".join(page_lines(out.read_bytes()))


def test_our_letter_moved_to_another_case(qtbot: QtBot, demo_db: Database) -> None:
    letter = letter_id_by_number(demo_db, "710/5")
    dialog = FileToCaseDialog(
        demo_db, incoming=False, row_id=letter, number="710/5", year=2025, proposed="5"
    )
    qtbot.addWidget(dialog)
    assert dialog.case_box.currentData() == "5"
    dialog.case_box.setFocus()
    while dialog.case_box.currentData() != "7":
        qtbot.keyClick(dialog.case_box, Qt.Key.Key_Down)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    _case, documents = case_contents(demo_db, "7", 2025)
    assert "710/5" in [d.number for d in documents]


def test_done_files_the_incoming_letter(qtbot: QtBot, demo_db: Database, day_2025: None) -> None:
    from app.services.incoming.detail import incoming_detail

    incoming = incoming_id_by_number(demo_db, "2-вх")
    dialog = DoneDialog(demo_db, incoming_detail(demo_db, incoming))
    qtbot.addWidget(dialog)
    dialog.case_box.setCurrentIndex(dialog.case_box.findData("02-03"))
    type_text(dialog.note_edit, "Дан ответ заявителю")
    dialog.try_save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    _case, documents = case_contents(demo_db, "02-03", 2025)
    assert [d.number for d in documents] == ["2-вх"]
    card = IncomingCardDialog(demo_db, incoming)
    qtbot.addWidget(card)
    assert "В дело № 02-03 (2025)" in card.text.toPlainText()


def test_the_letter_form_names_the_case(qtbot: QtBot, demo_db: Database, day_2025: None) -> None:
    from ui.dialogs.letter_dialog import LetterDialog

    dialog = LetterDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.case_edit.setText("5")
    assert "· в дело: Переписка с органами" in dialog.number_label.text()
    dialog.case_edit.setText("55")
    assert dialog.number_label.text() == "Дела «55» нет в номенклатуре 2025 года"
    completer = dialog.case_edit.completer()
    assert completer is not None and completer.model().rowCount() == len(
        [c for c in nomenclature(demo_db, 2025).cases if c.closed_on is None]
    )


def test_the_act_from_the_page(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 02.01.2030 the demo's cases of 2024 kept 5 years have run out: the clerk is asked
    (the cases named), the act is written and the cases show it."""
    monkeypatch.setenv("SECRETARIAT_TODAY", "2030-01-02")
    page = NomenclaturePage(demo_db)
    qtbot.addWidget(page)
    page.year_spin.setValue(2024)
    out = tmp_path / "act.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *_a: (out, "PDF (*.pdf)"))
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    page.make_act()
    assert "Сроки хранения истекли у дел: 4" in asked[0]
    text = "\n".join(page_lines(out.read_bytes()))
    assert "Акт № 1 от 02.01.2030" in text
    states = {item(page.case_table, r, 0).text(): item(page.case_table, r, 6).text()
              for r in range(page.case_table.rowCount())}  # fmt: skip
    assert states["7"] == "уничтожено, акт № 1 от 02.01.2030"
    assert states["01-01"] == "открыто"
