"""A database busy with another workstation's write: the clerk waits, is told so, and the write
goes through; past the limit it is one Russian line, nothing written — never an internal error."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.cli import main
from db import engine
from db.engine import Database
from tests.conftest import make_card


class Holder:
    """Another workstation's write transaction holding the lock until released — by the
    waiting side itself once it has said it waits, so the test never races a clock."""

    def __init__(self, path: Path) -> None:
        self.other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.other.execute("BEGIN IMMEDIATE")
        self.waits: list[float] = []

    def release_when_waited(self, waited: float) -> None:
        self.waits.append(waited)
        if self.other.in_transaction:
            self.other.commit()


@contextmanager
def held_lock(path: Path, *, released_on_wait: bool = True) -> Iterator[Holder]:
    holder = Holder(path)
    hook = holder.release_when_waited if released_on_wait else holder.waits.append
    engine.add_busy_hook(hook)
    try:
        yield holder
    finally:
        engine.remove_busy_hook(hook)
        if holder.other.in_transaction:
            holder.other.commit()
        holder.other.close()


def test_the_cli_waits_says_so_and_registers(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    with held_lock(db_path):
        assert main(["--db", str(db_path), "letters", "reserve", "--journal", "ИСХ",
                     "--case", "5"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert err == "secretariat: база занята другим рабочим местом, ожидание…\n"
    assert out.strip()  # the number reserved


def test_past_the_limit_nothing_is_written_and_the_clerk_is_told(
    demo_db: Database, db_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from app.services.registry.letter_list import LetterQuery, count_letters

    monkeypatch.setattr(engine, "BEGIN_WAIT_LIMIT_S", 0.6)
    before = count_letters(demo_db, LetterQuery())
    capsys.readouterr()
    with held_lock(db_path, released_on_wait=False):
        code = main(["--db", str(db_path), "letters", "reserve", "--journal", "ИСХ",
                     "--case", "5"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("secretariat: база занята другим рабочим местом дольше 1 мин")
    assert count_letters(demo_db, LetterQuery()) == before


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
    from tests.test_gui_registry import pick_recipient

    pick_recipient(dialog, "губернатор")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    with held_lock(db_path):
        dialog.register()
    assert dialog.result_letter is not None, dialog.form_error.text()
    assert shown and shown[0].startswith("База занята другим рабочим местом — ожидание записи")
