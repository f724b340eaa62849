"""A database busy with another workstation's write: the window waits, says so, registers."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from db.engine import Database
from tests.support.builders import make_card
from tests.support.registry_files import held_lock


def test_the_window_shows_the_wait_and_registers(
    qtbot: QtBot, demo_db: Database, db_path: Path
) -> None:
    from ui.dialogs.letter_dialog import LetterDialog
    from ui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    shown: list[str] = []
    window.busy_notice.waiting.connect(lambda _w: shown.append(window.statusBar().currentMessage()))
    dialog = LetterDialog(demo_db, window)
    qtbot.addWidget(dialog)
    dialog.show_card(make_card(body="Просим поддержать."))
    dialog.case_edit.setText("5")
    from tests.gui.driving import pick_recipient

    pick_recipient(dialog, "губернатор")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    with held_lock(db_path):
        dialog.register()
    assert dialog.result_letter is not None, dialog.form_error.text()
    assert shown and shown[0].startswith("База занята другим рабочим местом — ожидание записи")
