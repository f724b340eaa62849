"""«Файл → Подключение к базе…» (issue 44): the workstation's registry chosen once, with the
keyboard; a server checked before it is kept; the choice read at the next start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.support.connection import DatabaseSource, database_choice
from app.support.paths import SYSTEM_CONFIG_ENV
from app.support.settings import chosen_database
from db.engine import Database
from tests.gui.driving import shown_window
from ui.dialogs.connection_dialog import ConnectionDialog, server_parts, server_url


@pytest.fixture
def no_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    conf = tmp_path / "secretariat.conf"
    conf.write_text("SECRETARIAT_DB=/srv/all.db\n", encoding="utf-8")
    monkeypatch.setenv(SYSTEM_CONFIG_ENV, str(conf))
    monkeypatch.delenv("SECRETARIAT_DB")
    return conf


def test_a_server_line_made_and_read_back() -> None:
    url = server_url("srv.local:5433", "secretariat", "ivanova")
    assert url == "postgresql+psycopg://ivanova@srv.local:5433/secretariat"
    assert server_parts(url) == ("srv.local:5433", "secretariat", "ivanova")
    assert server_url("srv", "reg", "") == "postgresql+psycopg://srv/reg"  # the login name
    assert server_parts("postgresql+psycopg://a:secret@srv/reg?sslmode=require") == (
        "srv", "reg", "a",
    )  # fmt: skip
    assert server_parts("/home/me/secretariat.db") is None
    # names in Cyrillic come back as typed, so that saving the dialog again does not quote twice
    named = server_url("srv", "реестр", "иванова")
    shown = server_parts(named)
    assert shown == ("srv", "реестр", "иванова")
    assert server_url(*shown) == named


def test_an_embedded_file_chosen_with_the_keyboard(qtbot: QtBot, no_env: Path) -> None:
    dialog = ConnectionDialog("/home/me/secretariat.db")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.computer.isChecked()  # nothing chosen yet: the computer's setting
    assert "/srv/all.db" in dialog.computer.text()
    qtbot.keyClicks(dialog.path, "/home/me/other.db")
    assert dialog.embedded.isChecked()  # typing there chooses it
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # Enter: the dialog's «OK»
    assert dialog.result() == ConnectionDialog.DialogCode.Accepted
    assert chosen_database() == "/home/me/other.db"
    assert database_choice().source is DatabaseSource.CHOSEN

    again = ConnectionDialog("/home/me/other.db")  # opened again: the choice shown
    qtbot.addWidget(again)
    assert again.embedded.isChecked() and again.path.text() == "/home/me/other.db"
    again.computer.setChecked(True)
    again.accept()
    assert chosen_database() is None  # back to the computer's setting
    assert database_choice().target == "/srv/all.db"


def test_a_server_out_of_reach_is_not_kept(qtbot: QtBot, no_env: Path) -> None:
    dialog = ConnectionDialog("/home/me/secretariat.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.host, "127.0.0.1:1")  # nothing listens on port 1
    assert dialog.server.isChecked()
    dialog.accept()
    assert dialog.result() != ConnectionDialog.DialogCode.Accepted
    assert dialog.error.isVisible() and dialog.error.text()
    assert "Traceback" not in dialog.error.text()
    assert chosen_database() is None
    qtbot.keyClicks(dialog.database, "")  # a half-filled server is refused in Russian
    dialog.database.clear()
    dialog.accept()
    assert dialog.error.text() == "Укажите сервер и базу PostgreSQL"


def test_an_address_given_outside_the_program_is_said_to_come_first(qtbot: QtBot) -> None:
    assert os.environ.get("SECRETARIAT_DB")  # the tests' own registry, through the variable
    dialog = ConnectionDialog(os.environ["SECRETARIAT_DB"])
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.verdict)))
    assert "переменная окружения SECRETARIAT_DB" in texts
    assert "важнее выбора здесь" in texts


def test_the_file_menu_opens_it_and_says_when_it_takes_effect(
    qtbot: QtBot, db: Database, told: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = shown_window(qtbot, db)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    action = next(
        a for a in file_menu.actions() if a.text().replace("&", "") == "Подключение к базе…"
    )
    opened: list[str] = []

    def kept(dialog: ConnectionDialog) -> int:
        opened.append(dialog.windowTitle())
        dialog.chosen = "/srv/kanc/secretariat.db"
        return ConnectionDialog.DialogCode.Accepted

    monkeypatch.setattr(ConnectionDialog, "exec", kept)
    action.trigger()
    assert opened == ["Подключение к базе"]
    assert told == [
        "Подключение сохранено: /srv/kanc/secretariat.db.\n"
        "Программа откроет эту базу при следующем запуске."
    ]
