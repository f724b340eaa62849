"""«Поступившие» (issue 40, in part): the queue of what МЭДО and the mail brought, driven as a
clerk drives it — fetched from the exchange folder, looked at (page 1 of the document), the card
prefilled and corrected before registration, a refusal with a reason of the schema's list, the
sender told in a notification; the «Входящие» tab says how many wait."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.rules.states import ArrivalState
from app.services.arrivals.imap_mailbox import STORED
from app.services.arrivals.queue import list_arrivals
from app.services.incoming.detail import incoming_detail
from app.services.organization.profile import get_organization, save_organization
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from tests.gui.driving import shown_window
from tests.gui.qt_items import item
from tests.support.builders import an_appeal
from tests.support.imap_server import Mailbox
from tests.support.medo import assert_valid_message, sign_and_send
from tests.support.registries import Fresh
from ui import file_dialogs
from ui.dialogs.arrivals_dialog import ArrivalsDialog
from ui.dialogs.incoming_dialogs import IncomingDialog
from ui.dialogs.resolution_dialogs import ResolutionDialog

pytestmark = pytest.mark.usefixtures("program_date")  # the demo's day: its certificates are valid

THEIR_MEDO_ID = "0b6a4c1e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"


@pytest.fixture
def inbox(mailing_db: Database, tmp_path: Path) -> Path:
    """The МЭДО client's incoming folder with our letters 1961/5 and 710/5 in it."""
    from app.services.dispatch.record import mark

    folder = tmp_path / "medo-in"
    folder.mkdir()
    for n, number in enumerate(("1961/5", "710/5")):
        letter = letter_id_by_number(mailing_db, number)
        if number == "710/5":
            mark(mailing_db, letter, [], "не отправлено")
        out = tmp_path / f"out{n}"
        sign_and_send(mailing_db, letter, out)
        (package,) = [p for p in (out / "МЭДО").iterdir() if p.name != "На подпись"]
        shutil.copytree(package, folder / f"p{n}")
    return folder


def test_the_queue_from_fetch_to_registration_and_refusal(
    fresh: Fresh,
    inbox: Path,
    tmp_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    outbox = tmp_path / "medo-out"
    outbox.mkdir()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *_a: said.append(text))
    monkeypatch.setattr(file_dialogs, "choose_folder", lambda *_a: inbox)
    with fresh(path=tmp_path / "receiver.db") as receiver:
        org = get_organization(receiver)
        assert org is not None
        save_organization(receiver, replace(org, medo_id=THEIR_MEDO_ID, medo_outbox=str(outbox)))
        window = shown_window(qtbot, receiver)
        tab = window.incoming_tab
        assert tab.arrivals_button.text() == "Поступившие"
        dialog = ArrivalsDialog(receiver, window)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.table.rowCount() == 0
        dialog.fetch_button.click()  # nothing set up: a МЭДО folder is asked for
        assert said == ["Новых в очереди: 2, уже были: 0"]
        assert dialog.table.rowCount() == 2 and "ждут регистрации — 2" in dialog.windowTitle()
        tab.count_arrivals()
        assert tab.arrivals_button.text() == "Поступившие (2)" and tab.arrivals_button.font().bold()
        # the first page of the chosen one's document, rendered off the window's thread
        qtbot.waitUntil(lambda: dialog.preview.pixmap() is not None
                        and not dialog.preview.pixmap().isNull(), timeout=20_000)  # fmt: skip
        subjects = {item(dialog.table, r, 5).text() for r in range(2)}
        assert any("Недели качества" in s for s in subjects)

        # registered: the card opens prefilled, the clerk corrects it, then registers
        seen: list[tuple[str, str, str]] = []

        def correct(card: IncomingDialog) -> int:
            seen.append((card.sender_number_edit.text(), card.subject_edit.text(),
                         card.delivery_combo.currentData()))  # fmt: skip
            card.subject_edit.setText(card.subject_edit.text() + " (исправлено)")
            card.register()
            assert card.result_letter is not None, card.error_label.text()
            return IncomingDialog.DialogCode.Accepted

        monkeypatch.setattr(IncomingDialog, "exec", correct)
        dialog.table.selectRow(0)
        first = dialog.selected()
        assert first is not None
        registered: list[object] = []
        dialog.registered.connect(registered.append)
        dialog.register_button.click()
        assert seen and seen[0][0] == first.sender_number and seen[0][2] == "МЭДО"
        (done,) = registered
        detail = incoming_detail(receiver, done.id)  # type: ignore[attr-defined]
        assert detail.subject.endswith("(исправлено)") and detail.files
        (notice,) = outbox.iterdir()
        assert_valid_message((notice / "message.xml").read_bytes())
        assert dialog.table.rowCount() == 1

        # given to an executor on the card: the sender told who executes it (a setting)
        org = get_organization(receiver)
        assert org is not None
        save_organization(receiver, replace(org, medo_notify_executor=True))
        assign = ResolutionDialog(receiver, detail, window)
        qtbot.addWidget(assign)
        assign.save()  # the first of the staff, no term
        assert assign.told[0], assign.told[1]
        (told,) = [p for p in outbox.iterdir() if p != notice]
        assert b"executorAssigned" in (told / "message.xml").read_bytes()
        assert_valid_message((told / "message.xml").read_bytes())

        # refused with a reason of the schema's list: the sender told
        monkeypatch.setattr(
            QInputDialog, "getItem", lambda *_a, **_k: ("Документ неверно адресован", True)
        )
        dialog.refuse_button.click()
        assert dialog.table.rowCount() == 0 and "Очередь пуста" in dialog.info.text()
        assert len(list(outbox.iterdir())) == 3
        states = sorted(a.state for a in list_arrivals(receiver, everything=True))
        assert states == sorted([ArrivalState.REGISTERED, ArrivalState.REFUSED])
        dialog.close()
        window.close()


def test_the_window_reads_the_medo_inbox_and_the_mailbox_the_set_up_names(
    fresh: Fresh,
    inbox: Path,
    tmp_path: Path,
    qtbot: QtBot,
    mailbox: Mailbox,
    memory_keyring: dict[tuple[str, str], str],
) -> None:
    """While the window is open the МЭДО inbox and the mailbox (Dovecot on loopback) are read
    into «Поступившие» on a timer, off the window's thread; the tab counts what waits and the
    status bar says what came."""
    from dataclasses import replace

    server = mailbox.settings()
    memory_keyring[("Секретариат: IMAP", server.account)] = mailbox.password
    mailbox.deliver(an_appeal())
    with fresh(path=tmp_path / "receiver.db") as receiver:
        org = get_organization(receiver)
        assert org is not None
        save_organization(receiver, replace(
            org, medo_inbox=str(inbox), imap_host=server.host, imap_port=server.port,
            imap_security="none", imap_login=server.login,
        ))  # fmt: skip
        window = shown_window(qtbot, receiver)
        desk = window.incoming_desk
        assert desk.exchange_timer.isActive() and desk.exchange_timer.interval() == 5 * 60_000
        desk.fetch_exchange()  # what the timer does
        qtbot.waitUntil(
            lambda: window.incoming_tab.arrivals_button.text() == "Поступившие (3)", timeout=20_000
        )
        assert "Поступило новых: 3" in window.statusBar().currentMessage()
        assert [p.name for p in inbox.iterdir()] == ["Принятые"]
        assert all(STORED in flags for flags in mailbox.look().values())
        window.close()


def test_the_exchange_settings_and_the_mailbox_check(
    fresh: Fresh,
    tmp_path: Path,
    qtbot: QtBot,
    mailbox: Mailbox,
    memory_keyring: dict[tuple[str, str], str],
) -> None:
    """«Настройки → Обмен»: the МЭДО folders and the mailbox typed in, «Проверить ящик» logs in
    (off the window's thread) and counts the new messages; saved, the password goes to the OS
    keyring, never into the registry."""
    from ui.dialogs.settings_dialog import SettingsDialog

    mailbox.deliver(an_appeal())
    with fresh(path=tmp_path / "registry.db") as db:
        dialog = SettingsDialog(db)
        qtbot.addWidget(dialog)
        page = dialog.exchange
        tab = next(n for n in range(dialog.tabs.count()) if dialog.tabs.tabText(n) == "Обмен")
        widget = dialog.tabs.widget(tab)
        assert widget is not None and widget.isAncestorOf(page)
        page.medo_inbox_edit.setText(str(tmp_path / "in"))
        page.notify_executor_check.setChecked(True)
        page.imap_host_edit.setText("127.0.0.1")
        page.imap_port_spin.setValue(mailbox.server.port)
        page.imap_security_combo.setCurrentIndex(page.imap_security_combo.findData("none"))
        page.imap_login_edit.setText(mailbox.login)
        page.imap_done_edit.setText("Принятые")
        page.check_button.click()  # no password typed, none kept
        assert "Пароль IMAP" in page.check_label.text()
        page.imap_password_edit.setText(mailbox.password)
        page.check_button.click()
        qtbot.waitUntil(lambda: "новых писем: 1" in page.check_label.text(), timeout=20_000)
        dialog.accept()
        assert dialog.result() == SettingsDialog.DialogCode.Accepted, dialog.error_label.text()
        org = get_organization(db)
        assert org is not None and org.imap_login == mailbox.login
        assert org.medo_notify_executor and org.imap_done_folder == "Принятые"
        assert memory_keyring[("Секретариат: IMAP", mailbox.settings().account)] == (
            mailbox.password
        )
        assert mailbox.password not in str(org)
