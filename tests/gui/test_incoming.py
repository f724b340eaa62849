"""The «Входящие» tab driven through its widgets: the demo's incoming letters, search and
filters, registration with a sender from the directory and the duplicate question, the card
with a resolution and its execution, and «Ответить»."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QRadioButton,
)
from pytestqt.qtbot import QtBot

from app.services.incoming.detail import incoming_detail
from app.services.links.replies import incoming_id_by_number
from app.support import clock
from db.engine import Database
from tests.gui.driving import settle, shown_window, type_text
from tests.gui.qt_items import item
from ui import file_dialogs
from ui.dialogs.incoming_dialogs import IncomingCardDialog, IncomingDialog
from ui.dialogs.letter_dialog import LetterDialog
from ui.dialogs.resolution_dialogs import (
    DoneDialog,
    ExtendDialog,
    ProgressDialog,
    ResolutionDialog,
)
from ui.main_window import MainWindow

DEMO_DAY = "2025-12-05"  # the day the demo's dates were written for


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setenv("SECRETARIAT_TODAY", DEMO_DAY)
    win = shown_window(qtbot, demo_db)
    win.tabs.setCurrentWidget(win.incoming_tab)
    return win


def _numbers(window: MainWindow) -> list[str]:
    tab = window.incoming_tab
    return [tab.model.row_at(r).number for r in range(tab.model.rowCount())]


def test_the_tab_searches_and_filters(window: MainWindow, qtbot: QtBot) -> None:
    tab = window.incoming_tab
    assert _numbers(window) == ["3-вх", "2-вх", "1-вх"]
    assert tab.count_label.text() == "Входящих: 3"
    tab.search_edit.setFocus()
    type_text(tab.search_edit, "жюри конкурса")
    qtbot.waitUntil(lambda: _numbers(window) == ["3-вх"], timeout=5000)
    tab.search_edit.clear()
    qtbot.waitUntil(lambda: len(_numbers(window)) == 3, timeout=5000)
    tab.control_filter.setCurrentIndex(tab.control_filter.findData("overdue"))
    qtbot.waitUntil(lambda: _numbers(window) == ["2-вх"], timeout=5000)
    overdue = tab.model.index(0, 7)
    assert tab.model.data(overdue) == "Просрочено"
    assert tab.model.data(overdue, Qt.ItemDataRole.ForegroundRole) is not None
    tab.control_filter.setCurrentIndex(0)
    tab.executor_filter.setCurrentIndex(tab.executor_filter.findData("tabolova"))
    qtbot.waitUntil(lambda: _numbers(window) == ["1-вх"], timeout=5000)
    # one notice at start: our overdue tasks beside the reports owed to us; it opens
    # «Контроль исполнения» on what is overdue
    assert "поручений по входящим — 1" in window.notice.text.text()
    tab.executor_filter.setCurrentIndex(0)
    window.tabs.setCurrentWidget(window.registry_tab)
    window.notice.open_button.click()
    control = window.execution_tab
    assert window.tabs.currentWidget() is control
    assert control.show_combo.currentData() == "overdue"
    qtbot.waitUntil(lambda: control.table.rowCount() > 0, timeout=5000)
    kinds = {item(control.table, r, 0).text() for r in range(control.table.rowCount())}
    numbers = {item(control.table, r, 1).text() for r in range(control.table.rowCount())}
    assert "2-вх" in numbers and kinds == {"Входящее", "Отчет"}


def test_register_with_a_sender_from_the_directory(
    window: MainWindow, qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = IncomingDialog(demo_db, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sender_edit.setFocus()
    type_text(dialog.sender_edit, "промышленности")
    label = next(text for text in dialog._choices if "minpromtorg" in text)
    dialog._choose_sender(label)
    assert dialog.sender_note.text() == "из справочника: minpromtorg"
    dialog.sender_number_edit.setText("ЕВ-1/2")
    assert dialog.sender_date_edit.text() == ""  # not today: the clerk types the letter's date
    dialog.subject_edit.setFocus()
    type_text(dialog.subject_edit, "О проведении совещания")
    dialog.delivery_combo.setCurrentIndex(dialog.delivery_combo.findData("МЭДО"))
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result_letter is None and "дату письма отправителя" in dialog.error_label.text()
    dialog.sender_date_edit.setText("31.02.2025")
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result_letter is None and "«31.02.2025»" in dialog.error_label.text()
    dialog.sender_date_edit.setText(clock.today().strftime("%d.%m.%Y"))
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result_letter is not None and dialog.result_letter.number == "4-вх"
    detail = incoming_detail(demo_db, dialog.result_letter.id)
    assert (detail.sender_code, detail.sender_number, detail.delivery) == (
        "minpromtorg",
        "ЕВ-1/2",
        "МЭДО",
    )
    # the same letter again: asked, and not registered unless confirmed
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    again = IncomingDialog(demo_db, window)
    qtbot.addWidget(again)
    again.set_sender("minpromtorg", label)
    again.sender_number_edit.setText("ЕВ-1/2")
    again.sender_date_edit.setText(dialog.sender_date_edit.text())
    again.subject_edit.setText("О проведении совещания")
    again.register()
    assert again.result_letter is None and "уже зарегистрировано: № 4-вх" in asked[0]
    again.register()
    assert again.result_letter is not None and again.result_letter.number == "5-вх"


def test_the_card_resolution_and_execution(
    window: MainWindow,
    qtbot: QtBot,
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    incoming_id = incoming_id_by_number(demo_db, "3-вх")
    card = IncomingCardDialog(demo_db, incoming_id, window)
    qtbot.addWidget(card)
    text = card.text.toPlainText()
    assert "Отправитель: Правительство Камчатского края" in text
    assert "Исполнение: Исполнено" in text and "Кандидатура включена" in text
    assert not card.done_button.isEnabled()
    fresh = IncomingCardDialog(demo_db, incoming_id_by_number(demo_db, "1-вх"), window)
    qtbot.addWidget(fresh)
    resolution = ResolutionDialog(demo_db, fresh.detail, fresh)
    qtbot.addWidget(resolution)
    resolution.table.removeRow(0)
    _ok(resolution)  # nobody named: said in the form, the form stays
    assert resolution.error_label.text() == "Укажите исполнителя" and not resolution.result()
    resolution.author_combo.setCurrentIndex(resolution.author_combo.findData("protasov"))
    resolution.text_edit.setPlainText("Проверить предложения")
    resolution.add_executor("chekushov", "+5")
    resolution.add_executor("tabolova", "31.12.2025")
    lead = resolution.table.cellWidget(1, 2)
    assert isinstance(lead, QRadioButton)
    lead.setChecked(True)  # Таболова answers for it; Чекушов no longer
    assert [r[2] for r in resolution.rows()] == [False, True]
    _ok(resolution)
    assert resolution.error_label.text() == "", resolution.error_label.text()
    assert resolution.result() == QDialog.DialogCode.Accepted
    fresh.reload()
    # (the text box gives a no-break space back as a space)
    text = fresh.text.toPlainText()
    assert "Резолюция" in text and "(М.А. Протасов, " in text and "Проверить предложения" in text
    assert "Р.А. Чекушов — срок 12.12.2025" in text  # five working days from 05.12
    assert "А.В. Таболова (ответственный) — срок 31.12.2025" in text

    progress = ProgressDialog(demo_db, fresh.detail, fresh)
    qtbot.addWidget(progress)
    progress.executor_combo.setCurrentIndex(progress.executor_combo.findData("chekushov"))
    progress.note_edit.setPlainText("Запрошены сведения")
    _ok(progress)
    extend = ExtendDialog(demo_db, fresh.detail, fresh)
    qtbot.addWidget(extend)
    extend.executor_combo.setCurrentIndex(extend.executor_combo.findData("chekushov"))
    assert extend.by_combo.currentData() == "protasov"  # the resolution's author, filled in
    extend.due_edit.set_date(dt.date(2025, 12, 19))
    _ok(extend)  # no reason: said, the form stays
    assert "причину" in extend.error_label.text()
    extend.reason_edit.setText("Ждем сведения")
    _ok(extend)
    assert extend.result() == QDialog.DialogCode.Accepted
    fresh.reload()
    text = fresh.text.toPlainText()
    assert "срок 19.12.2025 (первый срок 12.12.2025)" in text and "Запрошены сведения" in text

    # the sheet to sign, from the card's menu
    sheet = tmp_path / "лист.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *_a: (sheet, "PDF (*.pdf)"))
    menu = fresh.execution_button.menu()
    next(a for a in menu.actions() if a.text().startswith("Лист резолюции")).trigger()
    assert sheet.read_bytes().startswith(b"%PDF")

    part = DoneDialog(demo_db, fresh.detail, fresh)
    qtbot.addWidget(part)
    part.part_combo.setCurrentIndex(part.part_combo.findData("chekushov"))
    _ok(part)
    fresh.reload()
    assert "Исполнение: На контроле" in fresh.text.toPlainText()
    done = DoneDialog(demo_db, fresh.detail, fresh)
    qtbot.addWidget(done)
    done.note_edit.setPlainText("Предложения направлены")
    _ok(done)
    fresh.reload()
    assert "Исполнение: Исполнено" in fresh.text.toPlainText()
    assert not fresh.done_button.isEnabled() and not fresh.execution_button.isEnabled()


def _ok(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_reply_opens_an_outgoing_letter_with_their_number(
    window: MainWindow, qtbot: QtBot, demo_db: Database
) -> None:
    incoming_id = incoming_id_by_number(demo_db, "1-вх")
    dialog = LetterDialog(demo_db, window, answering=incoming_id)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Ответ на входящее № 1-вх"
    assert dialog.reply_number_edit.text() == "ЕВ-45871/08"
    assert dialog.reply_date_edit.text() == "19.11.2025"
    assert dialog.recipient_codes() == ["minpromtorg"]
    dialog.subject_edit.setText("О предложениях в план мероприятий")
    dialog.body_edit.setPlainText("Направляем предложения.")
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    card = dialog.collect()
    assert (card.reply_to_incoming, card.reply_to_incoming_year) == ("1-вх", 2025)
    settle(qtbot, window)


def test_register_from_medo_and_email(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """«Из МЭДО…» registers the packages of a folder and says what it did; «Из e-mail…»
    registers a message and opens its card."""
    from tests.support.medo import OLD_PASSPORT

    folder = tmp_path / "inbox" / "p1"
    folder.mkdir(parents=True)
    (folder / "document.xml").write_text(OLD_PASSPORT, encoding="utf-8")
    (folder / "письмо.pdf").write_bytes(b"%PDF-1.4 old")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: said.append(text))
    monkeypatch.setattr(file_dialogs, "choose_folder", lambda *_a: tmp_path / "inbox")
    window.incoming_tab.medo_button.click()
    assert said == ["Зарегистрировано из МЭДО: 1 (4-вх)"]
    qtbot.waitUntil(lambda: "4-вх" in _numbers(window), timeout=5000)
    window.incoming_tab.medo_button.click()
    assert said[-1].startswith("Зарегистрировано из МЭДО: 0\nПропущено — p1: уже")
    mail = tmp_path / "m.eml"
    mail.write_bytes(b"From: Petrov <p@example.ru>\r\nSubject: =?utf-8?b?0J4g0L/RgNC40LXQvNC1?=\r\n"
                     b"Message-ID: <1@example.ru>\r\n\r\nText\r\n")  # fmt: skip
    monkeypatch.setattr(file_dialogs, "open_file", lambda *_a: mail)
    seen: list[tuple[str, str, list[str]]] = []

    def complete(dialog: IncomingDialog) -> int:  # the clerk adds the number the mail lacks
        files = [dialog.files_list.item(i).text() for i in range(dialog.files_list.count())]
        seen.append((dialog.sender_edit.text(), dialog.subject_edit.text(), files))
        dialog.sender_number_edit.setText("12/3")
        dialog.sender_date_edit.setText(clock.today().strftime("%d.%m.%Y"))
        dialog.register()
        return IncomingDialog.DialogCode.Accepted

    monkeypatch.setattr(IncomingDialog, "exec", complete)
    window.incoming_tab.mail_button.click()
    assert seen == [("Petrov <p@example.ru>", "О приеме", ["Текст письма.txt"])]
    assert "№ 5-вх" in window.statusBar().currentMessage()
    # the bar says the incoming number just issued, not the last outgoing one
    bar = window.registered_bar
    assert bar.isVisible() and "входящее <b>№ 5-вх</b>" in bar.text.text()
    assert not bar.buttons["dispatch"].isVisible()
    bar.copy_button.click()
    assert QApplication.clipboard().text() == "5-вх"
    opened: list[int] = []
    monkeypatch.setattr(window.incoming_desk, "open_incoming", opened.append)
    bar.buttons["card"].click()
    assert opened == [incoming_id_by_number(window.db, "5-вх")]
    detail = incoming_detail(window.db, incoming_id_by_number(window.db, "5-вх"))
    assert (detail.sender_number, detail.delivery) == ("12/3", "Электронная почта")
    asked: list[str] = []

    def no(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", no)
    window.incoming_tab.mail_button.click()  # the same message: asked, not registered again
    assert asked and "уже зарегистрировано: № 5-вх" in asked[0]


def test_the_control_card_opens_the_incoming_letter(
    window: MainWindow, qtbot: QtBot, demo_db: Database
) -> None:
    import datetime as dt

    from app.services.incoming.cards import IncomingCard
    from app.services.incoming.registration import register_incoming
    from app.services.registry.letters import Addressee, ReportData, register_letter
    from tests.support.builders import make_card
    from ui.dialogs.control_dialog import ControlDialog

    day = dt.date(2025, 12, 1)
    letter = register_letter(
        demo_db,
        make_card(
            addressee=Addressee(recipient="minpromtorg"),
            date=day,
            report=ReportData(dt.date(2025, 12, 20), ["Показатель"]),
        ),
    )
    reply = register_incoming(
        demo_db,
        IncomingCard(
            journal="ВХ", subject="Об отчете", sender_code="minpromtorg", sender_number="7",
            sender_date=dt.date(2025, 12, 3), date=dt.date(2025, 12, 4), reply_to=letter.number,
        ),
        today=dt.date(2025, 12, 5),
    )  # fmt: skip
    dialog = ControlDialog(demo_db, letter.id, window)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert dialog.incoming_button.isEnabled()
    assert f"входящее № {reply.number}" in dialog.detail_title.text()
    with qtbot.waitSignal(dialog.incoming_requested) as opened:
        dialog.incoming_button.click()
    assert opened.args == [reply.id]


def test_the_card_corrects_and_annuls(
    window: MainWindow,
    qtbot: QtBot,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    card = IncomingCardDialog(demo_db, incoming_id_by_number(demo_db, "2-вх"), window)
    qtbot.addWidget(card)
    card.changed.connect(window.hub.letters_changed)  # as the window opens it

    def correct(dialog: IncomingDialog) -> int:
        assert dialog.windowTitle() == "Исправление входящего № 2-вх"
        assert not dialog.journal_combo.isEnabled() and not dialog.date_edit.isEnabled()
        assert dialog.sender_edit.text() == "Петрова Анна Сергеевна, г. Курск"
        dialog.subject_edit.setText("Обращение о сроках конкурса")
        dialog.register()
        return int(dialog.result())

    monkeypatch.setattr(IncomingDialog, "exec", correct)
    card.edit_button.click()
    assert "Заголовок: Обращение о сроках конкурса" in card.text.toPlainText()
    scan = tmp_path / "скан.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(scan)], ""))
    card.attach_button.click()
    assert [card.files_list.item(i).text() for i in range(card.files_list.count())] == ["скан.pdf"]
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Ошибочная регистрация", True))
    card.annul_button.click()
    assert "АННУЛИРОВАН: Ошибочная регистрация" in card.text.toPlainText()
    assert not card.assign_button.isEnabled() and not card.edit_button.isEnabled()
    settle(qtbot, window)
    tab = window.incoming_tab
    qtbot.waitUntil(lambda: "Аннулировано" in [
        tab.model.data(tab.model.index(r, 7)) for r in range(tab.model.rowCount())
    ], timeout=5000)  # fmt: skip


def test_the_card_saves_the_document_with_the_mark_and_a_label(
    demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """«Отметка…» on the card: the document with the mark and the label, written off the
    window's thread; a letter without a PDF is told so in a message, not a traceback."""
    from app.services.incoming.registration import attach_to_incoming
    from app.services.output.letter_export import preview_pdf
    from app.services.registry.letters import letter_id_by_number
    from tests.support.pdf_facts import page_lines

    letter = tmp_path / "letter.pdf"
    letter.write_bytes(preview_pdf(demo_db, letter_id_by_number(demo_db, "710/5")))
    first = incoming_id_by_number(demo_db, "1-вх")
    attach_to_incoming(demo_db, first, [letter])
    targets = iter([tmp_path / "stamped.pdf", tmp_path / "label.pdf", tmp_path / "none.pdf"])
    monkeypatch.setattr(file_dialogs, "save_file", lambda *_a: (next(targets), "PDF (*.pdf)"))
    dialog = IncomingCardDialog(demo_db, first)
    qtbot.addWidget(dialog)
    dialog.show()
    stamped, label_58, _a4 = dialog.mark_button.menu().actions()
    stamped.trigger()
    qtbot.waitUntil(lambda: dialog.mark_button.isEnabled(), timeout=20_000)
    assert "Вх. № 1-вх" in page_lines((tmp_path / "stamped.pdf").read_bytes())[0]
    assert "внизу справа" in dialog.mark_button.toolTip()
    label_58.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "label.pdf").exists(), timeout=20_000)
    qtbot.waitUntil(lambda: dialog.mark_button.isEnabled(), timeout=20_000)
    assert "Вх. № 1-вх" in page_lines((tmp_path / "label.pdf").read_bytes())[0]

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: shown.append(text))
    other = IncomingCardDialog(demo_db, incoming_id_by_number(demo_db, "2-вх"))
    qtbot.addWidget(other)
    other.mark_button.menu().actions()[0].trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "нет документа PDF" in shown[0]
    assert not (tmp_path / "none.pdf").exists()


def test_labels_for_several_letters_chosen_in_the_list(
    demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Letters chosen together in «Входящие», their marks printed as labels for the paper
    originals at once: the list's context menu, one PDF, a label each."""
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    from tests.support.pdf_facts import page_lines

    target = tmp_path / "labels.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *_a: (target, "PDF (*.pdf)"))
    window = shown_window(qtbot, demo_db)
    window.tabs.setCurrentWidget(window.incoming_tab)
    tab = window.incoming_tab
    settle(qtbot, window)
    qtbot.waitUntil(lambda: tab.model.rowCount() >= 3, timeout=5000)
    rows = QItemSelection(tab.model.index(0, 0), tab.model.index(2, 0))
    flags = QItemSelectionModel.SelectionFlag
    # as Shift+↓ twice chooses them (a Shift held by a simulated key would stay held in Qt's
    # state for the tests after this one)
    tab.table.selectionModel().select(rows, flags.ClearAndSelect | flags.Rows)
    chosen = tab.selected_ids()
    assert len(chosen) == 3
    numbers = [tab.model.row_at(r).number for r in range(3)]
    menu = tab.row_menu()
    labels = [a for a in menu.actions() if a.text().startswith("Этикетки отметки 58×40")]
    assert labels and labels[0].text().endswith("(3)…")
    labels[0].trigger()
    qtbot.waitUntil(target.exists, timeout=20_000)
    text = " ".join(page_lines(target.read_bytes()))  # 58×40: a label a page
    assert all(f"Вх. № {number}" in text for number in numbers), text
    tab.table.selectionModel().select(
        tab.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert tab.selected_ids() == [chosen[0]]
    window.close()
