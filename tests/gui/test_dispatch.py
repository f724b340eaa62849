"""«Отправка письма» driven through the real widgets: demo letter 1961/5 to a mixed list (МЭДО,
e-mail, two by post), the program's date 3 December 2025."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from app.services.dispatch.record import dispatch_status
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from tests.gui.driving import settle, shown_window
from tests.gui.qt_items import item
from tests.support.cms_signer import sign_detached
from tests.support.gost_signer import make_gost_signer
from ui.dialogs.dispatch_dialog import DispatchDialog
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def december(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRETARIAT_TODAY", "2025-12-03")


@pytest.fixture
def window(qtbot: QtBot, mailing_db: Database) -> MainWindow:
    return shown_window(qtbot, mailing_db)


def _registry_state(qtbot: QtBot, window: MainWindow, number: str) -> str:
    tab = window.registry_tab
    settle(qtbot, window)
    for row in range(tab.model.rowCount()):
        letter = tab.model.row_at(row)
        if letter.number == number:
            return str(letter.delivery_state)
    raise AssertionError(number)


def test_send_all_mark_and_see_it_in_the_registry(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    questions: list[str],
) -> None:
    letter = letter_id_by_number(window.db, "1961/5")
    opened: list[DispatchDialog] = []

    def open_it(self: DispatchDialog) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(DispatchDialog, "exec", open_it)
    window.registry_tab.select_letter(letter)
    menu = window.registry_tab.row_menu()
    assert window.registry_tab.dispatch_action in menu.actions()
    assert window.registry_tab.dispatch_action.isEnabled()
    window.registry_tab.dispatch_action.trigger()
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 4
    assert item(dialog.table, 0, 2).text() == "МЭДО"
    assert item(dialog.table, 2, 3).text() == "109012, г. Москва, ул. Ильинка, д. 6/1, стр. 1"
    assert "отправлено <b>0</b> из 4" in dialog.header.text()

    dialog.folder.setText(str(tmp_path / "отправка"))
    dialog.envelope.setCurrentIndex(dialog.envelope.findData("C5"))
    dialog.buttons["send"].click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    report = dialog.report.text()
    assert "МЭДО: на подпись 1" in report and "Почта: отправлено 2" in report
    assert "Подпишите открепленной подписью" in report and "document.pdf" in report
    states = [item(dialog.table, r, 4).text() for r in range(4)]
    assert states == [
        "Подготовлено (не подписано)",
        "Подготовлено",
        "Отправлено",
        "Отправлено",
    ]
    assert (tmp_path / "отправка" / "Почта" / "1961-5 от 02.12.2025 - конверты C5.pdf").is_file()
    assert _registry_state(qtbot, window, "1961/5") == "partly_sent"

    # the signatory signs document.pdf; the clerk gives the signature back in the dialog
    (document,) = (tmp_path / "отправка" / "МЭДО" / "На подпись").rglob("document.pdf")
    signer = make_gost_signer(valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))  # as КриптоПро
    wrong = tmp_path / "wrong.sig"
    wrong.write_bytes(sign_detached(b"another file", signer))
    dialog.signatures.setText(str(wrong))
    dialog.outcome = None
    dialog.buttons["send"].click()
    qtbot.waitUntil(lambda: dialog.buttons["send"].isEnabled(), timeout=30_000)
    assert "подпись сделана к другому файлу" in dialog.report.text()
    assert item(dialog.table, 0, 4).text() == "Подготовлено (не подписано)"
    good = document.with_name("document.pdf.sig")
    good.write_bytes(sign_detached(document.read_bytes(), signer))
    monkeypatch.setattr(
        "ui.dialogs.dispatch_dialog.QFileDialog.getOpenFileNames",
        lambda *args, **kwargs: ([str(good)], ""),
    )
    dialog._choose_signatures()
    assert dialog.signatures.text() == str(good)
    dialog.buttons["send"].click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    report = dialog.report.text()
    assert "МЭДО: подготовлено 1" in report and "Протасов Максим Александрович" in report
    # 1961/5 is Р.А. Чекушов's: the clerk was asked, and said yes (recorded in the audit)
    assert any(
        "Сертификат подписи — не подписанта письма" in q and "Р.А. Чекушов" in q for q in questions
    )
    assert "отправьте их в клиенте МЭДО" in report
    assert item(dialog.table, 0, 4).text() == "Подготовлено"

    dialog.table.selectRow(0)
    assert dialog.history.rowCount() == 2
    assert item(dialog.history, 0, 4).text() == "document.pdf"
    assert item(dialog.history, 1, 4).text().endswith(".zip")
    assert len(item(dialog.history, 1, 5).text()) == 16  # the checksum of the file sent

    monkeypatch.setattr(
        "ui.dialogs.dispatch_dialog.QInputDialog.getText",
        lambda *args, **kwargs: ("адресат не подключен к МЭДО", True),
    )
    dialog.mark_selected("error")
    assert item(dialog.table, 0, 4).text() == "Ошибка"
    assert item(dialog.table, 0, 7).text() == "адресат не подключен к МЭДО"
    assert _registry_state(qtbot, window, "1961/5") == "error"

    dialog.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (0, 1):
        dialog.table.selectionModel().select(dialog.table.model().index(row, 0), flags)
    assert len(dialog.selected()) == 2
    dialog.mark_selected("sent")
    assert dispatch_status(window.db, letter).state == "sent"
    assert "отправлено <b>4</b> из 4" in dialog.header.text()
    assert _registry_state(qtbot, window, "1961/5") == "sent"

    dialog.save_sheet(str(tmp_path / "лист.xlsx"))
    assert "Лист рассылки записан" in dialog.report.text()
    dialog.save_post_list(str(tmp_path / "f103.pdf"))
    assert "Список ф. 103 за 03.12.2025 записан" in dialog.report.text()


def test_problems_are_named_and_the_others_go(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from db.models import Recipient

    with window.db.write() as session:
        r = session.scalars(select(Recipient).where(Recipient.code == "rspp")).one()
        r.postcode = ""
    dialog = DispatchDialog(window.db, letter_id_by_number(window.db, "1961/5"), window, tmp_path)
    qtbot.addWidget(dialog)
    dialog.send()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert "Не отправлено: № 4 Общероссийская общественная организация" in dialog.report.text()
    assert "нет почтового индекса" in dialog.report.text()
    assert "#" in dialog.report.styleSheet()  # shown in the error colour
    assert item(dialog.table, 3, 4).text() == "Не отправлено"
    assert item(dialog.table, 2, 4).text() == "Отправлено"


def test_envelopes_print_on_the_envelope_not_on_a4(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrintDialog

    seen: list[tuple[str, QPageSize.PageSizeId, QPageLayout.Orientation]] = []

    def cancel(self: QPrintDialog) -> int:
        layout = self.printer().pageLayout()
        seen.append((self.windowTitle(), layout.pageSize().id(), layout.orientation()))
        return 0

    monkeypatch.setattr(QPrintDialog, "exec", cancel)
    dialog = DispatchDialog(window.db, letter_id_by_number(window.db, "1961/5"), window, tmp_path)
    qtbot.addWidget(dialog)
    dialog.envelope.setCurrentIndex(dialog.envelope.findData("DL"))
    dialog.print_envelopes()
    assert seen == [
        ("Печать конвертов DL", QPageSize.PageSizeId.DLE, QPageLayout.Orientation.Landscape)
    ]


def test_text_addressee_letter_says_why_it_cannot_be_dispatched(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", shown.append)
    window.open_dispatch(letter_id_by_number(window.db, "2174-РСК"))
    assert shown and "адресат указан текстом" in shown[0]


def test_smtp_password_goes_to_the_keyring(
    qtbot: QtBot, window: MainWindow, memory_keyring: dict[tuple[str, str], str]
) -> None:
    from app.services.organization.profile import get_organization
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.db, window)
    qtbot.addWidget(dialog)
    dialog.email_subject_edit.setText("Исх. {nomer}")
    dialog.smtp_password_edit.setText("пароль")
    dialog.accept()
    assert "неизвестное поле {nomer}" in dialog.error_label.text()
    assert memory_keyring == {}
    dialog.email_subject_edit.setText("Исх. № {number} от {date}")
    dialog.accept()
    assert memory_keyring == {
        ("Секретариат: SMTP", "kancelyaria@mail.roskachestvo.gov.ru:587"): "пароль"
    }
    org = get_organization(window.db)
    assert org is not None and org.email_subject == "Исх. № {number} от {date}"
