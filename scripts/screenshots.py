"""Render the main screens to PNG (offscreen) for docs/screenshots/ and for a look at the UI.

Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [OUT_DIR]
Works on throw-away databases and settings; never touches the user's profile.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


SCREEN = (1366, 728)  # an office monitor, less the task bar


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="secretariat-shots-"))
    os.environ["SECRETARIAT_CONFIG_DIR"] = str(tmp / "config")
    os.environ["SECRETARIAT_DATA_DIR"] = str(tmp / "data")
    os.environ["SECRETARIAT_TODAY"] = "2025-12-03"  # the demo letter's reports are two days late

    from PySide6.QtWidgets import QApplication

    from app.services.demo import load_demo
    from app.services.safety.opening import open_registry
    from ui.dialogs.letter_dialog import LetterDialog
    from ui.dialogs.settings_dialog import SettingsDialog
    from ui.main_window import MainWindow
    from ui.translations import install_russian

    app = QApplication.instance() or QApplication([])
    install_russian(app)
    from PySide6.QtWidgets import QMessageBox

    # nobody is there to answer: «Закрыть без сохранения?» and the like are answered «Да»
    QMessageBox.question = lambda *_a, **_k: QMessageBox.StandardButton.Yes  # type: ignore[method-assign,assignment]

    def shoot(widget, name: str, size: tuple[int, int] = SCREEN) -> None:  # type: ignore[no-untyped-def]
        """At most what a 1366×768 screen has free (less a 40 px task bar)."""
        widget.show()
        widget.resize(min(size[0], SCREEN[0]), min(size[1], SCREEN[1]))
        for _ in range(5):
            app.processEvents()
        widget.grab().save(str(out / name))
        print(out / name)

    empty = open_registry(str(tmp / "empty.db"))
    window = MainWindow(empty)
    window.registry_tab.background.wait()
    shoot(window, "first-start.png")
    ready = SettingsDialog(empty, window)
    ready.tabs.setCurrentIndex(2)
    shoot(ready, "settings-journals-new.png", (1100, 620))
    ready.preset_button.showMenu = lambda: None  # type: ignore[method-assign]
    ready.close()
    window.close()
    from PySide6.QtWidgets import QFileDialog

    files = QFileDialog(None, "Сводный отчет", str(tmp), "Excel (*.xlsx);;Word (*.docx)")
    files.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    files.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    files.selectFile("сводный-отчет-1893-5.xlsx")
    shoot(files, "file-dialog.png", (820, 480))
    files.close()

    demo = open_registry(str(tmp / "demo.db"))
    load_demo(demo, mixed_mailing=True)
    from app.services.registry.first_page import read_first_page

    page = read_first_page(tmp / "demo.db", limit=200, cap=1000)
    assert page is not None
    starting = MainWindow()  # the frame at start, the first page painted before the window
    starting.show_first_page(page)
    shoot(starting, "start-first-page.png")
    starting.close()
    window = MainWindow(demo)
    tabs = (window.registry_tab, window.incoming_tab, window.recipients_tab, window.reports_tab)
    for tab in tabs:
        tab.background.wait()
        app.processEvents()
    for tab, name in zip(
        tabs, ("registry.png", "incoming.png", "recipients.png", "reports.png"), strict=True
    ):
        window.tabs.setCurrentWidget(tab)
        if name == "recipients.png":
            window.recipients_tab.table.selectRow(0)
            window.recipients_tab.new_recipient()
            editor = window.recipients_tab.editor
            editor.organization_edit.setText("Министерство финансов Камчатского края")
            editor.position_edit.setPlainText("Первый заместитель министра финансов")
            editor.last_edit.setText("Сорокина")
            editor.first_edit.setText("Ольга")
            editor.middle_edit.setText("Николаевна")
            editor.delivery_combo.setCurrentText("МЭДО")
        shoot(window, name)
    window.tabs.setCurrentIndex(0)
    window.registry_tab.search_edit.setText("проведенное мероприятие")
    window.registry_tab.refresh()
    window.registry_tab.background.wait()
    app.processEvents()
    shoot(window, "registry-search.png")
    window.registry_tab.search_edit.clear()
    window.registry_tab.refresh()
    window.registry_tab.background.wait()
    from ui.index_progress import IndexProgress

    building = IndexProgress("Секретариат")
    building("писем", 420_000, 1_000_000)
    assert building.dialog is not None
    shoot(building.dialog, "index-progress.png", (560, 170))
    building.close()
    _incoming(demo, window, shoot, out)
    _execution(demo, window, shoot)
    window.tabs.setCurrentWidget(window.recipients_tab)
    window.recipients_tab.side.setCurrentIndex(1)
    shoot(window, "recipients-lists.png")
    window.recipients_tab.side.setCurrentIndex(0)
    for index, name in enumerate(
        (
            "settings-organization.png",
            "settings-staff.png",
            "settings-journals.png",
            "settings-dispatch.png",
        )
    ):
        dialog = SettingsDialog(demo, window)
        dialog.tabs.setCurrentIndex(index)
        shoot(dialog, name, (1100, 620))
        dialog.close()
    dialog = SettingsDialog(demo, window)  # «Обмен», as an office fills it in (not saved)
    page = dialog.exchange
    page.medo_inbox_edit.setText("/srv/medo/in")
    page.medo_outbox_edit.setText("/srv/medo/out")
    page.notify_executor_check.setChecked(True)
    page.imap_host_edit.setText("mail.roskachestvo.gov.ru")
    page.imap_login_edit.setText("kanc")
    page.imap_done_edit.setText("Принятые")
    page.check_label.setText("Вход выполнен; в папке «INBOX» новых писем: 4")
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    shoot(dialog, "settings-exchange.png", (1100, 620))
    dialog.close()
    from app.services.directory.recipient_io import plan_import
    from ui.dialogs.import_dialog import ImportDialog

    sample = tmp / "Адресаты-регионы.csv"
    rows = (
        (
            Path(__file__).resolve().parent.parent
            / "resources"
            / "samples"
            / "regional-executive-bodies.csv"
        )
        .read_text(encoding="utf-8-sig")
        .splitlines()
    )
    rows[3] = rows[3].replace("МЭДО", "Курьер")
    rows += [
        "minfin-kam;Министерство финансов Камчатского края;МЭДО;",
        "bad-1;Мэрия города;Голубиная почта;",
    ]
    sample.write_text("\n".join(rows), encoding="cp1251")
    preview = ImportDialog(demo, plan_import(demo, sample), window)
    shoot(preview, "recipients-import-preview.png", (980, 620))
    preview.close()
    dialog = LetterDialog(demo, window)
    dialog.case_edit.setText("5")
    dialog.recipient_picker.search("губернатор")
    dialog._add_recipient(next(iter(dialog._choices)))
    dialog.subject_edit.setText("О поддержке Конкурса «Лидер качества»")
    dialog.body_edit.setPlainText(
        "Роскачество в целях реализации задач, поставленных Президентом Российской Федерации, "
        "проводит ежегодный Всероссийский конкурс «Лидер качества».\n\n"
        "Прошу Вас поддержать информационную кампанию Конкурса."
    )
    dialog.signatory_combo.setCurrentIndex(dialog.signatory_combo.findData("protasov"))
    dialog.executor_combo.setCurrentIndex(dialog.executor_combo.findData("starchikova"))
    from app.services.output.letter_export import preview_pdf
    from app.services.registry.letter_files import attach_file

    shown_id = window.registry_tab.model.row_at(0).id
    regulations = tmp / "Положение о Конкурсе.pdf"
    regulations.write_bytes(preview_pdf(demo, shown_id))
    dialog.add_attachment_files([regulations])
    shoot(dialog, "new-letter.png", (980, 800))
    dialog.close()
    scan = tmp / "Скан подписанного письма.pdf"
    scan.write_bytes(preview_pdf(demo, shown_id))
    attach_file(demo, shown_id, scan, kind="scan")
    card = LetterDialog(demo, window, letter_id=shown_id)
    shoot(card, "letter-card.png", (1000, 960))
    card.close()
    _letters(demo, window, shoot, out)
    _editor(demo, window, shoot, out, tmp)
    _reports(demo, window, shoot, tmp)
    _dispatch(demo, window, shoot, tmp, out)
    _safety(demo, window, shoot, tmp, app)
    _journal(demo, window, shoot, tmp, app)
    _cases(demo, window, shoot, tmp, out)
    window.close()
    return 0


def _cases(demo, window, shoot, tmp: Path, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The nomenclature of cases: the page in the settings with case 5 chosen, the form as
    printed, the internal inventory of case 5, the year's inventory of permanent storage."""
    import pypdfium2

    from app.exporters.table_file import write_table
    from app.services.cases.filing import case_contents, close_case, file_incoming
    from app.services.cases.year_end import export_inventory, export_nomenclature
    from app.services.links.replies import incoming_id_by_number
    from ui.dialogs.settings_dialog import SettingsDialog

    file_incoming(demo, incoming_id_by_number(demo, "3-вх"), "5")
    for index in ("01-01", "01-02", "03-01"):
        close_case(demo, index, 2025)
    dialog = SettingsDialog(demo, window)
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    page = dialog.nomenclature
    page.case_table.selectRow([c.index for c in page.cases].index("5"))
    shoot(dialog, "nomenclature.png", (1100, 620))
    dialog.close()

    def first_page(pdf: Path, png: str) -> None:
        document = pypdfium2.PdfDocument(str(pdf))
        document[0].render(scale=1.3).to_pil().save(str(out / png))
        document.close()
        print(out / png)

    export_nomenclature(demo, 2025, tmp / "nomenclature.pdf")
    first_page(tmp / "nomenclature.pdf", "nomenclature-form-page1.png")
    from app.services.cases.filing import internal_inventory

    case, documents = case_contents(demo, "5", 2025)
    write_table(internal_inventory(case, documents), tmp / "inner.pdf", "внутренняя опись")
    first_page(tmp / "inner.pdf", "case-inventory-page1.png")
    export_inventory(demo, 2025, "permanent", tmp / "permanent.pdf")
    first_page(tmp / "permanent.pdf", "inventory-permanent-page1.png")
    from app.services.journal.printouts import export_journal

    export_journal(demo, dt.date(2024, 1, 1), dt.date(2025, 12, 31), tmp / "journal.pdf")
    first_page(tmp / "journal.pdf", "journal-page1.png")


def _stamped_page(demo, incoming_id: int, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Letter 1893/5 come back as the incoming 1-вх's document, filed: page 1 with the receipt
    mark and «В дело»."""
    import pypdfium2 as pdfium

    from app.services.cases.filing import file_incoming
    from app.services.incoming.marks import stamped_document
    from app.services.incoming.registration import attach_to_incoming
    from app.services.output.letter_export import preview_pdf
    from app.services.registry.letters import letter_id_by_number

    tmp = Path(tempfile.mkdtemp(prefix="secretariat-mark-")) / "document.pdf"
    tmp.write_bytes(preview_pdf(demo, letter_id_by_number(demo, "1893/5")))
    attach_to_incoming(demo, incoming_id, [tmp])
    file_incoming(demo, incoming_id, "02-03", year=2025)
    document = pdfium.PdfDocument(stamped_document(demo, incoming_id).pdf)
    try:
        document[0].render(scale=1.3).to_pil().save(str(out / "incoming-stamped-page1.png"))
    finally:
        document.close()
    print(out / "incoming-stamped-page1.png")


def _arrivals(demo, window, shoot) -> None:  # type: ignore[no-untyped-def]
    """«Поступившие»: a letter with its PDF and an appeal by e-mail, a broken МЭДО package."""
    from email.message import EmailMessage

    from app.services.arrivals.fetch import fetch_arrivals
    from app.services.output.letter_export import preview_pdf
    from app.services.registry.letters import letter_id_by_number
    from ui.dialogs.arrivals_dialog import ArrivalsDialog

    tmp = Path(tempfile.mkdtemp(prefix="secretariat-arrivals-"))
    letter = EmailMessage()
    letter["From"] = "Министерство промышленности Курской области <minprom@kursk.example>"
    letter["Subject"] = "О проведении Недели качества и Дня качества в 2025 году"
    letter["Message-ID"] = "<week@kursk.example>"
    letter.set_content("Направляем письмо № 1893/5 от 28.10.2025.")
    pdf = preview_pdf(demo, letter_id_by_number(demo, "1893/5"))
    letter.add_attachment(pdf, maintype="application", subtype="pdf", filename="письмо.pdf")
    (tmp / "week.eml").write_bytes(bytes(letter))
    appeal = EmailMessage()
    appeal["From"] = "Иван Петров <petrov@example.org>"
    appeal["Subject"] = "Обращение по поводу участия в конкурсе «Лидер качества»"
    appeal["Message-ID"] = "<appeal@example.org>"
    appeal.set_content("Прошу разъяснить порядок участия.")
    (tmp / "appeal.eml").write_bytes(bytes(appeal))
    broken = tmp / "medo-in" / "package-1"
    broken.mkdir(parents=True)
    (broken / "message.xml").write_text("<communication>", encoding="utf-8")
    fetch_arrivals(demo, [tmp / "medo-in"], [tmp / "appeal.eml", tmp / "week.eml"])
    dialog = ArrivalsDialog(demo, window)
    dialog.show()
    dialog.background.wait()
    shoot(dialog, "arrivals.png", (1150, 640))
    dialog.close()


def _incoming(demo, window, shoot, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The card of an incoming letter on control, and the registration dialog."""
    from app.services.links.replies import incoming_id_by_number
    from ui.dialogs.incoming_dialogs import IncomingCardDialog, IncomingDialog

    first = incoming_id_by_number(demo, "1-вх")
    _stamped_page(demo, first, out)
    _resolutions(demo, first)
    card = IncomingCardDialog(demo, first, window)
    shoot(card, "incoming-card.png", (760, 560))
    from ui.dialogs.resolution_dialogs import ResolutionDialog

    form = ResolutionDialog(demo, card.detail, card)
    form.author_combo.setCurrentIndex(form.author_combo.findData("protasov"))
    form.text_edit.setPlainText("Подготовить предложения в план мероприятий к совещанию")
    form.table.removeRow(0)
    for code, term in (("chekushov", "+10"), ("starchikova", "26.12.2025"),
                       ("tabolova", "26.12.2025")):  # fmt: skip
        form.add_executor(code, term)
    shoot(form, "incoming-resolution.png", (720, 560))
    form.close()
    card.close()
    _arrivals(demo, window, shoot)
    dialog = IncomingDialog(demo, window)
    dialog.set_sender("minpromtorg", "Министерство промышленности и торговли Российской Федерации")
    dialog.sender_number_edit.setText("ЕВ-46120/08")
    dialog.sender_date_edit.setText("01.12.2025")
    dialog.subject_edit.setText("О проведении совещания по итогам Недели качества")
    dialog.delivery_combo.setCurrentIndex(dialog.delivery_combo.findData("МЭДО"))
    dialog.pages_spin.setValue(2)
    dialog.reply_edit.setText("1893/5")
    shoot(dialog, "incoming-register.png", (760, 600))
    dialog.close()


def _resolutions(demo, incoming_id: int) -> None:  # type: ignore[no-untyped-def]
    """The head's resolution on the letter, the deputy's to their person, a progress note."""
    import datetime as dt

    from app.rules.executor_terms import ExecutorTerm
    from app.services.incoming.resolutions import ResolutionData, resolve_incoming
    from app.services.incoming.tasks import add_progress

    head = resolve_incoming(demo, incoming_id, ResolutionData(
        [ExecutorTerm("chekushov", dt.date(2025, 12, 17)),
         ExecutorTerm("tabolova", dt.date(2025, 12, 19))],
        text="Подготовить предложения в план мероприятий", author="protasov",
        responsible="chekushov",
    ))  # fmt: skip
    resolve_incoming(demo, incoming_id, ResolutionData(
        [ExecutorTerm("starchikova", dt.date(2025, 12, 15))], text="Свести сведения отделов",
        author="chekushov", parent=head.resolution_id,
    ))  # fmt: skip
    add_progress(demo, incoming_id, "starchikova", "Запрошены сведения у отделов")


def _execution(demo, window, shoot) -> None:  # type: ignore[no-untyped-def]
    """«Контроль исполнения»: the list, the week, the month; the discipline report."""
    import datetime as dt

    from ui.dialogs.discipline_dialog import DisciplineDialog

    tab = window.execution_tab
    window.tabs.setCurrentWidget(tab)
    tab.show_combo.setCurrentIndex(tab.show_combo.findData("all"))
    tab.background.wait()
    shoot(window, "execution.png")
    tab.view_combo.setCurrentIndex(1)
    tab.forward_button.click()
    tab.forward_button.click()  # the week of the resolutions' terms
    tab.background.wait()
    shoot(window, "execution-week.png")
    tab.view_combo.setCurrentIndex(2)
    tab.background.wait()
    shoot(window, "execution-month.png")
    tab.view_combo.setCurrentIndex(0)
    dialog = DisciplineDialog(demo, window)
    dialog.from_edit.setDate(dt.date(2025, 11, 1))
    dialog.to_edit.setDate(dt.date(2025, 12, 31))
    dialog.background.wait()
    shoot(dialog, "discipline.png", (900, 420))
    dialog.close()


def _journal(demo, window, shoot, tmp: Path, app) -> None:  # type: ignore[no-untyped-def]
    """The check of an Excel journal before import, and the gaps in numbering."""
    import datetime as dt

    from app.services.registry.letters import annul_letter, letter_id_by_number, reserve_number
    from ui.dialogs.gaps_dialog import GapsDialog
    from ui.dialogs.journal_import_dialog import JournalImportDialog

    sample = tmp / "журнал исходящих 2024.csv"
    rows = [
        "Дата;Регистрационный номер;Адресат;Краткое содержание;Подписал;Исполнитель",
        "09.01.2024;1/5;Министерство финансов Российской Федерации;О бюджетной заявке на 2025 год"
        ";Протасов М.А.;Старчикова Е.С.",
        "10.01.2024;2/12;Правительство Москвы;О проведении Дня качества;Протасов М.А.;",
        "11.01.2024;3/5;Губернатору Курской области;О конкурсе «Лидер качества»;Петров П.П.;",
        "12.01.2024;4/5;Минпромторг России;О подготовке доклада;Протасов М.А.;Старчикова Е.С.",
        "12.01.2024;4/5;Минпромторг России;О подготовке доклада (повтор);;",
        "31.01.2024;б/н;Администрация Курской области;О согласовании;;",
        "15.01.2024;5/5;Росстандарт;О методических рекомендациях;;",
    ]
    sample.write_text("\n".join(rows) + "\n", encoding="utf-8")
    dialog = JournalImportDialog(demo, sample, "ИСХ", window)
    dialog.background.wait()
    app.processEvents()
    shoot(dialog, "journal-import.png", (1100, 520))
    dialog.close()
    day = dt.date(2025, 12, 2)
    note = "письмо в Минфин России, текст согласуется"
    reserve_number(demo, "ИСХ", date=day, case="5", note=note)
    annul_letter(demo, letter_id_by_number(demo, "710/5"), "ошибка в адресате, направлено повторно")
    from ui.dialogs.journal_print_dialog import JournalPrintDialog

    printing = JournalPrintDialog(demo, dt.date(2025, 1, 1), dt.date(2025, 12, 31), None, window)
    shoot(printing, "journal-print.png", printing.sizeHint().toTuple())
    from ui.long_job import progress_dialog

    writing = progress_dialog(
        window, "Печать журнала", "Журнал записывается в журнал-2025-01-01-2025-12-31.pdf…"
    )
    writing.setMaximum(1000)
    writing.setValue(430)
    shoot(writing, "journal-progress.png", writing.sizeHint().toTuple())
    writing.close()
    printing.close()
    gaps = GapsDialog(demo, None, window)
    gaps.background.wait()
    app.processEvents()
    gaps.table.selectRow(1)
    shoot(gaps, "journal-gaps.png", (900, 360))
    gaps.close()


def _changed_after_dispatch(demo, window, shoot) -> None:  # type: ignore[no-untyped-def]
    """The bar after a registration; 710/5 sent by courier, then a sentence added with a
    reason; the earlier text; the
    question for the last numbers when a restore replaces an unreadable database."""
    import datetime as dt
    from dataclasses import replace

    from app.services.dispatch.record import mark
    from app.services.registry.letter_cards import letter_card
    from app.services.registry.letters import letter_id_by_number, update_letter
    from ui.dialogs.versions_dialog import VersionsDialog
    from ui.restore_flow import LastNumbersDialog

    letter_id = letter_id_by_number(demo, "710/5")
    mark(demo, letter_id, [], "sent", "курьером")
    shown = letter_card(demo, letter_id)
    card = replace(shown.card, body=shown.card.body + "\n\nПросим сообщить о принятом решении.")
    version = shown.registration.version
    update_letter(demo, letter_id, card, version=version, reason="Добавлена просьба ответить")
    from app.services.registry.letters import RegisteredLetter

    window.registered_bar.show_letter(
        RegisteredLetter(letter_id, "710/5", dt.date(2025, 4, 29), "ИСХ")
    )
    tab, notice = window.tabs.currentIndex(), window.notice.isVisible()
    window.tabs.setCurrentIndex(0)
    window.notice.hide()
    shoot(window, "registered.png")
    window.registered_bar.hide()
    window.notice.setVisible(notice)
    window.tabs.setCurrentIndex(tab)
    dialog = VersionsDialog(demo, letter_id, "710/5", window)
    shoot(dialog, "letter-versions.png", (900, 520))
    dialog.close()
    ask = LastNumbersDialog({"ИСХ": 1893, "РСК": 2174}, window)
    shoot(ask, "restore-last-numbers.png", (560, 260))
    ask.close()


def _safety(demo, window, shoot, tmp: Path, app) -> None:  # type: ignore[no-untyped-def]
    """Backups, the audit viewer, and the window on a read-only database."""
    import datetime as dt

    from app.services.directory.recipients import get_recipient, list_recipients, save_recipient
    from app.services.safety.backup import create_backup
    from app.services.safety.opening import open_registry
    from ui.dialogs.audit_dialog import AuditDialog
    from ui.dialogs.backup_dialog import BackupDialog
    from ui.main_window import MainWindow

    _changed_after_dispatch(demo, window, shoot)
    code = list_recipients(demo, "")[0].code
    data = get_recipient(demo, code).data
    data.phone = "+7 (4152) 42-00-00"
    save_recipient(demo, data)
    folder = tmp / "backups"
    window.settings.set("backup/folder", str(folder))
    for days, kind in ((2, "daily"), (1, "exit"), (0, "manual")):
        when = dt.datetime(2025, 12, 3, 17, 30) - dt.timedelta(days=days)
        create_backup(demo, folder, kind, when=when)
    dialog = BackupDialog(demo, window.settings, window)
    shoot(dialog, "backups.png", (820, 420))
    dialog.close()
    audit = AuditDialog(demo, window)
    audit.from_edit.setDate(audit.from_edit.date().addYears(-5))
    audit.show()
    for _ in range(5):
        app.processEvents()  # the chain's state, checked in the background
    shoot(audit, "audit.png", (1200, 560))
    audit.close()
    from app.services.safety.identity import CopyOf
    from ui.copy_question import copy_box

    question = copy_box(
        window,
        CopyOf(Path("/srv/kanc/registry.db"), Path("/home/ivanova/Документы/registry.db")),
        "Секретариат",
    )
    shoot(question, "registry-copy-question.png", question.sizeHint().toTuple())
    question.close()
    _connection(window, shoot, tmp)
    os.environ["SECRETARIAT_READ_ONLY"] = "1"
    read_only = open_registry(str(demo.sqlite_path))
    del os.environ["SECRETARIAT_READ_ONLY"]
    viewer = MainWindow(read_only)
    viewer.registry_tab.background.wait()
    app.processEvents()
    viewer.registry_tab.table.selectRow(0)
    shoot(viewer, "read-only.png")
    viewer.close()
    read_only.dispose()


def _connection(window, shoot, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """«Подключение к базе…» on a workstation the administrator pointed at a server."""
    from ui.dialogs.connection_dialog import ConnectionDialog

    conf = tmp / "secretariat.conf"
    conf.write_text("SECRETARIAT_DB=postgresql+psycopg://kanc-srv/secretariat\n", encoding="utf-8")
    saved = {name: os.environ.pop(name, None) for name in ("SECRETARIAT_DB",)}
    os.environ["SECRETARIAT_SYSTEM_CONFIG"] = str(conf)
    dialog = ConnectionDialog("/home/ivanova/.local/share/secretariat/secretariat.db", window)
    dialog.server.setChecked(True)
    dialog.host.setText("kanc-srv")
    dialog.user.setText("ivanova")
    shoot(dialog, "connection.png", (640, 420))
    dialog.close()
    del os.environ["SECRETARIAT_SYSTEM_CONFIG"]
    for name, value in saved.items():
        if value is not None:
            os.environ[name] = value


def _dispatch(demo, window, shoot, tmp: Path, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The mixed mailing 1961/5 sent by one action (the МЭДО copy to sign, then signed), the
    МЭДО stamps, and one of its DL envelopes."""
    import datetime as dt

    import pypdfium2

    from app.services.registry.letters import letter_id_by_number
    from ui.dialogs.dispatch_dialog import DispatchDialog

    letter = letter_id_by_number(demo, "1961/5")
    dialog = DispatchDialog(demo, letter, window, tmp / "Отправка 1961-5")
    dialog.send()
    dialog.background.wait()
    for _ in range(5):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
    dialog.table.selectRow(0)
    shoot(dialog, "dispatch.png", (1180, 720))
    # the signatory signs document.pdf in their own tool; the clerk gives the signature back
    from tests.support.cms_signer import make_signer, sign_detached

    folder = tmp / "Отправка 1961-5" / "МЭДО"
    document = next((folder / "На подпись").rglob("document.pdf"))
    signature = document.with_name("document.pdf.sig")
    signer = make_signer(valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    signature.write_bytes(sign_detached(document.read_bytes(), signer))
    dialog.signatures.setText(str(signature))
    dialog.send()
    dialog.background.wait()
    for _ in range(5):
        QApplication.processEvents()
    dialog.table.selectRow(0)
    shoot(dialog, "dispatch-signed.png", (1180, 720))
    dialog.close()
    _medo_stamps(next(folder.glob("*/*.zip")), out / "medo-stamps.png")
    envelopes = next((tmp / "Отправка 1961-5" / "Почта").glob("*конверты DL.pdf"))
    page = pypdfium2.PdfDocument(str(envelopes))[0]
    page.render(scale=2).to_pil().save(str(out / "dispatch-envelope-dl.png"))
    print(out / "dispatch-envelope-dl.png")


def _medo_stamps(container: Path, png: Path) -> None:
    """Page 1 of a МЭДО document with its two stamps laid where the passport puts them."""
    import io
    import zipfile
    from xml.etree import ElementTree as ET

    import pypdfium2
    from PIL import Image

    c = "{urn:IEDMS:CONTAINER}"
    scale = 110 / 25.4  # pixels per millimetre
    with zipfile.ZipFile(container) as archive:
        passport = ET.fromstring(archive.read("passport.xml"))
        page = pypdfium2.PdfDocument(archive.read("document.pdf"))[0]
        image = page.render(scale=110 / 72).to_pil().convert("RGBA")
        for tag in ("registrationStamp", "signatureStamp"):
            stamp = passport.find(f".//{c}{tag}")
            assert stamp is not None

            def mm(path: str, element: ET.Element = stamp) -> int:
                return int(element.findtext(f"{c}position/{path}", "0"))

            picture = Image.open(io.BytesIO(archive.read(stamp.get(f"{c}localName", ""))))
            size = (
                round(mm(f"{c}dimension/{c}w") * scale),
                round(mm(f"{c}dimension/{c}h") * scale),
            )
            at = (round(mm(f"{c}topLeft/{c}x") * scale), round(mm(f"{c}topLeft/{c}y") * scale))
            image.alpha_composite(picture.convert("RGBA").resize(size), at)
    image.convert("RGB").save(png)
    print(png)


def _reports(demo, window, shoot, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """The control card of the 89-recipient letter, a reply being registered, an extension."""
    import datetime as dt

    from app.services.control.reports import list_controls
    from app.services.output.letter_export import export_report_form
    from ui.dialogs.control_dialog import ControlDialog
    from ui.dialogs.control_dialogs import ExtendDialog, RemindDialog
    from ui.dialogs.receive_dialog import ReceiveDialog

    letter_id = list_controls(demo)[0].letter_id
    card = ControlDialog(demo, letter_id, window)
    card.select_code("region-01")
    shoot(card, "report-control-card.png", (1280, 800))
    card.filter.setCurrentIndex(card.filter.findData("received"))
    card.close()

    from openpyxl import load_workbook

    form = export_report_form(demo, letter_id, tmp / "форма.xlsx")
    wb = load_workbook(form)
    ws = wb.active
    for col, value in zip(
        "BCDEF",
        (
            "Республика Карелия",
            "Форум «Карелия — качество»",
            "г. Петрозаводск, ПетрГУ",
            "1",
            "много",
        ),
        strict=True,
    ):
        ws[f"{col}3"] = value
    wb.save(form)
    assert card.control is not None
    dialog = ReceiveDialog(demo, card.control, card.control.recipient("region-20"), window)
    dialog.number_edit.setText("37-1/2")
    dialog.load_form_file(form)
    ws["F3"] = 150
    wb.save(form)
    dialog.load_form_file(form)
    dialog.add_row()
    dialog.table.setCurrentCell(1, 0)
    dialog.table.paste_text(  # a block copied from Excel, pasted with Ctrl+V on a cell
        "Республика Карелия\tСеминар\tг. Сортавала\t2\tмного\r\n"
        "Республика Карелия\tКруглый стол\tг. Кондопога\t1\t40\r\n"
    )
    shoot(dialog, "report-receive.png", (1100, 640))
    dialog.close()
    extend = ExtendDialog(card.control, 0, window)
    extend.due.set_date(dt.date(2025, 12, 13))
    extend.reason.setText("письма субъектов с просьбой о продлении")
    shoot(extend, "report-extend.png", (620, 300))
    extend.close()
    remind = RemindDialog(card.control, 0, window)
    shoot(remind, "report-remind.png", (620, 280))
    remind.close()
    window.update_control_notice()
    window.tabs.setCurrentWidget(window.reports_tab)
    shoot(window, "reports.png")


def _letters(demo, window, shoot, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The letter preview dialog, the mailing dialog, and every PDF page of the three fixture
    letters (to compare with the real letters the fixtures come from)."""
    from app.services.output.letter_export import preview_pdf
    from app.services.registry.letters import letter_id_by_number
    from ui.dialogs.mailing_dialog import MailingDialog
    from ui.dialogs.preview_dialog import PreviewDialog
    from ui.widgets.pdf_pages import page_images

    governor = letter_id_by_number(demo, "710/5")
    preview = PreviewDialog(demo, governor, "710/5", window)
    shoot(preview, "letter-preview.png", (900, 1000))
    preview.close()
    listed = letter_id_by_number(demo, "1893/5")
    mailing = MailingDialog(demo, listed, "1893/5", 89, window, folder=Path.home() / "Письма")
    mailing.progress.setValue(37)
    shoot(mailing, "letter-mailing.png", (620, 220))
    mailing.close()
    for number, stem in (
        ("710/5", "letter-710-5"),
        ("2174-РСК", "letter-2174-rsk"),
        ("1893/5", "letter-1893-5"),
    ):
        for page, image in enumerate(
            page_images(preview_pdf(demo, letter_id_by_number(demo, number)), 110), 1
        ):
            name = out / f"{stem}-page{page}.png"
            image.save(str(name))
            print(name)


def _editor(demo, window, shoot, out: Path, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """The body editor after a paste from Word (with a misspelt word underlined), what a Word
    draft gave, and the preview (F3) of a letter with lists and a table before registration."""
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QTextCursor

    from app.services.output.letter_export import preview_card_pdf
    from app.services.registry.letter_cards import card_from_json
    from tests.support.builders import rich_card
    from tests.support.drafts import report_request_tabbed
    from ui.dialogs.draft_dialog import DraftDialog
    from ui.dialogs.letter_dialog import LetterDialog
    from ui.widgets.pdf_pages import page_images

    root = Path(__file__).resolve().parent.parent
    dialog = LetterDialog(demo, window)
    dialog.recipient_picker.search("губернатор")
    dialog._add_recipient(next(iter(dialog._choices)))
    dialog.subject_edit.setText("О представлении сведений о мероприятиях")
    mime = QMimeData()
    mime.setHtml((root / "tests" / "fixtures" / "clipboard" / "word.html").read_text("utf-8"))
    dialog.body_edit.edit.insertFromMimeData(mime)
    dialog.body_edit.edit.moveCursor(QTextCursor.MoveOperation.End)
    dialog.body_edit.edit.insertPlainText("\nПросим прадставить сведения до 1 декабря.")
    shoot(dialog, "letter-editor.png", (980, 900))
    dialog.close()
    draft = report_request_tabbed(tmp / "Проект письма.docx")
    recognised = DraftDialog(demo, draft, "РСК", window)
    shoot(recognised, "letter-from-word.png", (820, 560))
    recognised.close()
    from app.services.registry.draft_import import card_from_draft

    stranger = report_request_tabbed(
        tmp / "Проект с новым подписантом.docx",
        position=("Начальник управления",),
        signatory="К.В. Дождиков",
    )
    read = card_from_draft(demo, stranger, "РСК")
    filled = LetterDialog(demo, window)
    filled.show_card(read.card, read.unmatched)
    filled.register()  # refused: the draft's signatory is not among the staff
    shoot(filled, "letter-from-word-new-signatory.png", (1000, 900))
    filled.close()
    from app.services.registry.letter_files import preview_document
    from app.services.registry.letters import Addressee, LetterCard
    from ui.dialogs.preview_dialog import PreviewDialog

    card = LetterCard(
        journal="ИСХ",
        subject="О представлении сведений",
        case="5",
        addressee=Addressee(recipient="kamchatka-governor"),
        signatory="protasov",
        body="Просим представить сведения о мероприятиях Недели качества.",
    )
    signed = tmp / "Подписанное письмо.pdf"  # made elsewhere, its number left blank
    signed.write_bytes(preview_card_pdf(demo, card))
    stamped = preview_document(demo, card, signed)
    look = PreviewDialog(
        demo, 0, "", window, pdf=stamped.pdf, confirm="Зарегистрировать",
        note=f"Номер и дата будут поставлены {stamped.place}. Так документ будет "
        "зарегистрирован и отправлен; номер еще не выдан.",
    )  # fmt: skip
    look.setWindowTitle(f"{signed.name} — номер еще не выдан")
    shoot(look, "document-preview.png", (900, 720))
    look.close()
    pdf = preview_card_pdf(demo, card_from_json(rich_card()))
    for page, image in enumerate(page_images(pdf, 110), 1):
        if page <= 2:
            name = out / f"letter-table-page{page}.png"
            image.save(str(name))
            print(name)


if __name__ == "__main__":
    sys.exit(main())
