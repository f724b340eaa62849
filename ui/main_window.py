"""The main window: builds the tabs, the menus and the status bar, and wires signals."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.rules.changes import Changed
from app.support.errors import READ_ONLY_MESSAGE, UserError
from app.support.settings import Settings
from app.support.text import date_ru
from app.version import __version__
from ui.desks import APP_TITLE

if TYPE_CHECKING:
    from app.services.registry.first_page import FirstPage
    from app.services.registry.letters import Addressee, RegisteredLetter
    from db.engine import Database
    from ui.tabs.list_tab import ListTab

# What the frame needs is imported above; the tabs, the desks and the services (the ORM with
# them) are imported by ``build``, after the frame is painted (docs/architecture.md, start-up).


class MainWindow(QMainWindow):
    def __init__(self, db: Database | None = None, settings: Settings | None = None) -> None:
        """The frame: title, size and place; with ``db``, the whole window (``build``). At
        start the frame is shown and painted first, and built when the registry is open."""
        super().__init__()
        self.settings = settings or Settings()
        self.reopen_requested = False  # set after a restore: the window is built again
        self.started = False  # the tab in front has shown its first page, the rest follows
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 760)
        geometry = self.settings.get("main_window/geometry")
        if isinstance(geometry, str):
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        self.built = False
        self.first_page: FirstPage | None = None  # painted at start, before ``build``
        opening = QLabel("Открывается база данных…")
        opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        opening.setEnabled(False)  # grey: nothing to do here yet
        self.setCentralWidget(opening)
        if db is not None:
            self.build(db)

    def _saved_tab(self) -> int:
        """The tab the clerk left in front (0, the registry, when none is remembered)."""
        tab = self.settings.get("main_window/tab", 0)
        return tab if isinstance(tab, int) and tab >= 0 else 0

    def opens_on_registry(self) -> bool:
        """The registry is the tab in front at start (the tab the clerk left open)."""
        return self._saved_tab() == 0

    def show_first_page(self, page: FirstPage) -> None:
        """The registry's first page in the frame, read before the window is built."""
        from ui.first_page_view import FirstPageView

        self.first_page = page
        self.setCentralWidget(FirstPageView(page))

    def build(self, db: Database) -> None:
        """The tabs, the menus, the bars and their wiring, on the open registry; the tab in
        front asks for its first page, and the rest follows it (``_after_first_page``)."""
        from app.services.access.roles import current_role
        from ui.desks.house_desk import HouseDesk
        from ui.desks.incoming_desk import IncomingDesk
        from ui.desks.journal_desk import JournalDesk
        from ui.mnemonics import give_mnemonics
        from ui.signals import SignalHub

        self.db = db
        self.built = True
        self.role = "admin" if db.read_only else current_role(db)  # reader|registrar|admin|""
        self.hub = SignalHub(self)
        self.incoming_desk = IncomingDesk(self, self)
        self.journal_desk = JournalDesk(self, self)
        self.house_desk = HouseDesk(self, self)
        self._build_tabs()
        self._build_central()
        self._build_menus()
        give_mnemonics(self.menuBar())  # every item reachable by Alt and a letter
        self._build_status_bar()
        self.hub.letters_changed.connect(self.registry_tab.refresh)
        self.hub.letters_changed.connect(self.incoming_tab.refresh)
        self.hub.letters_changed.connect(self.reports_tab.refresh)
        self.hub.letters_changed.connect(self.execution_tab.refresh)
        self.hub.profile_changed.connect(self.execution_tab.reload_staff)
        self.execution_tab.incoming_requested.connect(self.incoming_desk.open_incoming)
        self.execution_tab.letter_requested.connect(self.open_control)
        self.execution_tab.discipline_requested.connect(self.open_discipline)
        self.hub.recipients_changed.connect(self.recipients_tab.refresh)
        self.hub.profile_changed.connect(self._update_profile_view)
        self.hub.profile_changed.connect(self.registry_tab.reload_journals)
        self.hub.profile_changed.connect(self.incoming_tab.reload_journals)
        self.incoming_tab.register_requested.connect(self.incoming_desk.register_incoming)
        self.incoming_tab.medo_requested.connect(self.incoming_desk.import_incoming_medo)
        self.incoming_tab.mail_requested.connect(self.incoming_desk.import_incoming_mail)
        self.incoming_tab.arrivals_requested.connect(self.incoming_desk.open_arrivals)
        self.incoming_desk.watch_exchange()
        self.incoming_tab.open_requested.connect(self.incoming_desk.open_incoming)
        self.incoming_tab.labels_requested.connect(self.incoming_desk.print_labels)
        self.hub.profile_changed.connect(self.recipients_tab.reload_profile)
        self.registry_tab.new_letter_requested.connect(self.new_letter)
        self.registry_tab.open_requested.connect(self.open_letter)
        self.registry_tab.draft_requested.connect(self.open_draft)
        self.registry_tab.annul_requested.connect(self.annul_letter)
        self.registry_tab.letter_requested.connect(self.letter_output)
        self.registry_tab.export_requested.connect(self.journal_desk.export_journal)
        self.recipients_tab.letter_to_recipient_requested.connect(self._letter_to_recipient)
        self.recipients_tab.letter_to_list_requested.connect(self._letter_to_list)
        self.reports_tab.open_requested.connect(self.open_control)
        self.registry_tab.control_requested.connect(self.open_control)
        self.registry_tab.dispatch_requested.connect(self.open_dispatch)
        if self._saved_tab() < self.tabs.count():
            self.tabs.setCurrentIndex(self._saved_tab())
        self._update_profile_view()
        if db.read_only:
            self._enter_read_only()
        else:
            self._limit_to_role()
        QTimer.singleShot(
            0, self, self.offer_drafts
        )  # after the window is shown; not after it is gone
        self._first = self._first_tab()
        if self.first_page is not None and self._first is self.registry_tab:
            self.registry_tab.show_rows(self.first_page.rows, self.first_page.count)
        self._first.refreshed.connect(self._after_first_page)
        self._first.refresh()

    def _letter_to_recipient(self, code: str) -> None:
        from app.services.registry.letters import Addressee

        self.new_letter(Addressee(recipient=code))

    def _letter_to_list(self, name: str) -> None:
        from app.services.registry.letters import Addressee

        self.new_letter(Addressee(list=name))

    def _first_tab(self) -> ListTab:
        from ui.tabs.list_tab import ListTab

        tab = self.tabs.currentWidget()
        return tab if isinstance(tab, ListTab) else self.registry_tab

    def _after_first_page(self) -> None:
        """The tab in front first, alone; then the other tabs, the notice of terms and the
        dictionary of word forms (0.2 s) — while the clerk looks at the first page, not when
        the first word is typed into a search."""
        from app.rules import search_terms
        from app.services.execution.control_view import execution_notice

        first = self._first
        first.refreshed.disconnect(self._after_first_page)
        self.started = True
        for tab in (self.registry_tab, self.incoming_tab, self.recipients_tab, self.reports_tab):
            if tab is not first:
                tab.refresh()
        self.execution_tab.refresh()
        db, background = self.db, self.registry_tab.background
        background.run(
            "notice",
            lambda: execution_notice(db).text,
            self.notice.show_notice,
            lambda _error: self.notice.show_notice(""),
        )
        background.run("dictionary", search_terms.ready, lambda _done: None)

    # --- building -------------------------------------------------------------------------

    def _build_tabs(self) -> None:
        from ui.tabs.execution_tab import ExecutionTab
        from ui.tabs.incoming_tab import IncomingTab
        from ui.tabs.recipients_tab import RecipientsTab
        from ui.tabs.registry_tab import RegistryTab
        from ui.tabs.reports_tab import ReportsTab

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.registry_tab = RegistryTab(self.db)
        self.incoming_tab = IncomingTab(self.db)
        self.recipients_tab = RecipientsTab(self.db)
        self.reports_tab = ReportsTab(self.db)
        self.execution_tab = ExecutionTab(self.db)
        self.tabs.addTab(self.registry_tab, "Реестр исходящих")
        self.tabs.addTab(self.incoming_tab, "Входящие")
        self.tabs.addTab(self.recipients_tab, "Адресаты")
        self.tabs.addTab(self.reports_tab, "Контроль отчетов")
        self.tabs.addTab(self.execution_tab, "Контроль исполнения")
        for index in range(self.tabs.count()):  # Ctrl+1 … Ctrl+5: a tab from anywhere
            key = QKeySequence(f"Ctrl+{index + 1}")
            shortcut = QShortcut(key, self)
            shortcut.activated.connect(lambda i=index: self._to_tab(i))
            self.tabs.setTabToolTip(index, f"{self.tabs.tabText(index)} ({key.toString()})")

    def _to_tab(self, index: int) -> None:
        from ui.tabs.list_tab import ListTab

        self.tabs.setCurrentIndex(index)
        tab = self.tabs.currentWidget()
        if isinstance(tab, ListTab):
            tab.focus_search()

    def _build_central(self) -> None:
        from ui.bars.control_notice_bar import ControlNoticeBar
        from ui.bars.registered_bar import RegisteredBar
        from ui.bars.welcome_banner import WelcomeBanner

        self.notice = ControlNoticeBar()
        self.notice.open_requested.connect(self.show_overdue)
        self.welcome = WelcomeBanner()
        self.welcome.fill_requested.connect(self.open_settings)
        self.welcome.demo_requested.connect(self.house_desk.load_demo_data)
        self.welcome.setup_file_requested.connect(self.house_desk.load_setup_file)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        self.read_only_banner = QLabel(
            f"<b>{READ_ONLY_MESSAGE}.</b> Файл базы защищен от записи или открыт с "
            "SECRETARIAT_READ_ONLY=1; письма можно искать, смотреть, печатать и выгружать."
        )
        self.read_only_banner.setObjectName("read_only_banner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(
            "#read_only_banner { background: #fff4e0; border: 1px solid #e0a040;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.read_only_banner.hide()
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.welcome)
        layout.addWidget(self.notice)
        self.registered_bar = RegisteredBar()
        self.registered_bar.action_requested.connect(self._after_registration)
        layout.addWidget(self.registered_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        from ui.read_only import writes

        bar = self.menuBar()
        file_menu = bar.addMenu("&Файл")
        self.new_letter_action = self._action("Новое письмо…", self.new_letter, "Ctrl+N")
        file_menu.addAction(self.new_letter_action)
        self.new_incoming_action = self._action(
            "Зарегистрировать входящее…", self.incoming_desk.register_incoming, "Ctrl+I"
        )
        file_menu.addAction(self.new_incoming_action)
        file_menu.addAction(
            self._action(
                "Поступившие (МЭДО, e-mail)…", self.incoming_desk.open_arrivals, "Ctrl+Shift+I"
            )
        )
        file_menu.addAction(
            self._action(
                "Печать журнала за период…", self.journal_desk.export_journal, "Ctrl+Shift+P"
            )
        )
        file_menu.addAction(
            self._action("Пропуски в нумерации…", self.journal_desk.show_gaps, "Ctrl+Shift+G")
        )
        file_menu.addSeparator()
        import_action = self._action(
            "Загрузить адресатов (CSV, XLSX)…", self.recipients_tab.import_file
        )
        journal_import_action = self._action(
            "Загрузить журнал из Excel (XLSX, CSV)…", self.journal_desk.import_journal
        )
        setup_action = self._action("Загрузить файл настройки…", self.house_desk.load_setup_file)
        file_menu.addAction(import_action)
        file_menu.addAction(journal_import_action)
        file_menu.addAction(setup_action)
        file_menu.addSeparator()
        self.backup_action = self._action(
            "Создать резервную копию", self.house_desk.backup_now, "Ctrl+Shift+B"
        )
        file_menu.addAction(self.backup_action)
        file_menu.addAction(
            self._action("Резервные копии и восстановление…", self.house_desk.open_backups)
        )
        file_menu.addAction(self._action("Подключение к базе…", self.house_desk.choose_connection))
        file_menu.addSeparator()
        file_menu.addAction(self._action("Выход", self.close, QKeySequence.StandardKey.Quit))
        edit_menu = bar.addMenu("&Правка")
        edit_menu.addAction(self._action("Найти", self.focus_search, QKeySequence.StandardKey.Find))
        edit_menu.addAction(self._action("Обновить", self.hub.everything_changed, "F5"))
        service_menu = bar.addMenu("&Сервис")
        self.settings_action = self._action("Настройки…", self.open_settings, "Ctrl+,")
        service_menu.addAction(self.settings_action)
        self.nomenclature_action = self._action("Номенклатура дел…", self.open_nomenclature)
        service_menu.addAction(self.nomenclature_action)
        service_menu.addAction(
            self._action("Проверить базу данных", self.house_desk.check_database)
        )
        service_menu.addAction(
            self._action("Журнал изменений…", self.house_desk.open_audit, "Ctrl+Shift+J")
        )
        self.demo_action = self._action(
            "Загрузить демонстрационные данные", self.house_desk.load_demo_data
        )
        service_menu.addAction(self.demo_action)
        writes(
            self.new_letter_action, self.new_incoming_action, import_action,
            journal_import_action, setup_action, self.settings_action, self.demo_action,
            self.nomenclature_action,
        )  # fmt: skip
        self.admin_actions = [journal_import_action, setup_action, self.settings_action]
        self.admin_actions.append(self.demo_action)
        for menu in (file_menu, service_menu):
            menu.setToolTipsVisible(True)  # a disabled action says why
        help_menu = bar.addMenu("Сп&равка")
        help_menu.addAction(self._action("О программе", self.show_about))

    def _build_status_bar(self) -> None:
        from ui.busy import BusyNotice

        self.db_label = QLabel(f"База данных: {self._db_display()}")
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.db_label)
        self.busy_notice = BusyNotice(self.statusBar())  # «База занята…» while a write waits

    def _db_display(self) -> str:
        path = self.db.sqlite_path
        return str(path) if path is not None else self.db.url

    # --- state ----------------------------------------------------------------------------

    def save_state(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.settings.set("main_window/geometry", geometry)
        if self.built:
            self.settings.set("main_window/tab", self.tabs.currentIndex())
        # losing the window position is no reason to stop the clerk from closing
        with contextlib.suppress(OSError):
            self.settings.save()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

    def _enter_read_only(self) -> None:
        from ui.read_only import lock_writes

        self.read_only_banner.show()
        self.welcome.setVisible(False)
        lock_writes(self)
        self.db_label.setText(f"База данных (только чтение): {self._db_display()}")

    def _limit_to_role(self) -> None:
        """On a shared server: a reader's window writes nothing, a registrar's changes no
        set-up; each disabled action says which role it needs (the server refuses anyway)."""
        from app.services.access.roles import LABELS
        from ui.read_only import WRITES, lock_actions, lock_writes

        role = self.role
        have = f"ваша роль — «{LABELS[role]}»" if role else "у вас нет роли в этой базе"
        if role in ("", "reader"):
            self.read_only_banner.setText(
                f"<b>Только чтение: {have}.</b> Письма можно искать, смотреть, печатать и "
                "выгружать; изменять их может регистратор (права выдает администратор)."
            )
            self.read_only_banner.show()
            self.welcome.setVisible(False)
            lock_writes(self)
            need = f"Нужна роль «{LABELS['registrar']}»; {have}"
            for action in self.findChildren(QAction):
                if action.property(WRITES):
                    action.setToolTip(need)
            for button in self.findChildren(QAbstractButton):
                if button.property(WRITES):
                    button.setToolTip(need)
        if role != "admin":
            lock_actions(self.admin_actions, f"Нужна роль «{LABELS['admin']}»; {have}")

    def _update_profile_view(self) -> None:
        from app.services.organization.profile import get_organization

        org = get_organization(self.db)
        self.welcome.setVisible(org is None and not self.db.read_only and self.role == "admin")
        self.demo_action.setEnabled(org is None and self.role == "admin")
        name = (org.short_name or org.name) if org else "организация не заполнена"
        self.setWindowTitle(f"{APP_TITLE} — {name}")

    # --- actions --------------------------------------------------------------------------

    def current_list_tab(self) -> ListTab:
        from ui.tabs.list_tab import ListTab

        tab = self.tabs.currentWidget()
        assert isinstance(tab, ListTab)
        return tab

    def focus_search(self) -> None:
        self.current_list_tab().focus_search()

    def update_control_notice(self) -> None:
        """At start: one notice of what is overdue or due within three days — our tasks on
        incoming letters and the reports owed to us."""
        from app.services.execution.control_view import execution_notice

        try:
            self.notice.show_notice(execution_notice(self.db).text)
        except UserError:
            self.notice.show_notice("")

    def show_overdue(self) -> None:
        self.tabs.setCurrentWidget(self.execution_tab)
        self.execution_tab.show_overdue()

    def open_discipline(self) -> None:
        from ui.dialogs.discipline_dialog import DisciplineDialog

        dialog = DisciplineDialog(self.db, self)
        dialog.exec()
        dialog.deleteLater()

    def show_reports(self) -> None:
        self.tabs.setCurrentWidget(self.reports_tab)

    def open_control(self, letter_id: int) -> None:
        from ui.dialogs.control_dialog import ControlDialog

        dialog = ControlDialog(self.db, letter_id, self)
        dialog.changed.connect(self.hub.letters_changed)
        dialog.mailing_requested.connect(
            lambda reminder_id: self.letter_output("mailing", reminder_id)
        )
        dialog.incoming_requested.connect(self.incoming_desk.open_incoming)
        dialog.exec()
        self.update_control_notice()

    def open_dispatch(self, letter_id: int) -> None:
        from ui.background import message_of
        from ui.dialogs.dispatch_dialog import DispatchDialog

        try:
            dialog = DispatchDialog(self.db, letter_id, self)
        except UserError as exc:
            self.show_error(message_of(exc))
            return
        dialog.changed.connect(self.hub.letters_changed)
        dialog.exec()

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, APP_TITLE, message)

    def open_settings(self) -> None:
        from ui.dialogs.settings_dialog import SettingsDialog

        if SettingsDialog.edit(self.db, self):
            self.hub.announce(Changed.EVERYTHING)

    def open_nomenclature(self) -> None:
        from ui.dialogs.nomenclature_page import NomenclatureDialog

        NomenclatureDialog(self.db, self).exec()
        self.hub.announce(Changed.LETTERS)

    def new_letter(self, addressee: Addressee | None = None) -> None:
        from app.services.registry.letters import Addressee
        from ui.dialogs.letter_dialog import LetterDialog

        registered = LetterDialog.register_new(
            self.db, self, addressee if isinstance(addressee, Addressee) else None
        )
        self._registered(registered)

    def answer_incoming(self, incoming_id: int) -> None:
        """«Ответить»: a new outgoing letter to the sender, «На № … от …» of that letter."""
        from ui.dialogs.letter_dialog import LetterDialog

        self._registered(LetterDialog.register_new(self.db, self, answering=incoming_id))

    def _registered(self, registered: RegisteredLetter | None) -> None:
        self.hub.announce(Changed.LETTERS)  # a draft may have gone even when nothing registered
        if registered is None:
            return
        self.registered_bar.show_letter(registered)
        self.statusBar().showMessage(
            f"Письмо зарегистрировано: № {registered.number} от {date_ru(registered.date)}", 15_000
        )

    def open_draft(self, draft_id: int) -> None:
        """A draft from the registry («Черновики») or left by a crash, in its letter dialog."""
        from ui.dialogs.letter_dialog import LetterDialog

        try:
            dialog = LetterDialog(self.db, self, draft_id=draft_id)
        except UserError as exc:
            self.show_error(str(exc))
            self.hub.announce(Changed.LETTERS)  # the draft that could not open may have gone
            return
        dialog.finished.connect(lambda _result: self._registered(dialog.result_letter))
        dialog.open()

    def offer_drafts(self) -> None:
        """At start: letters being written when the program last stopped without a word."""
        from app.services.registry.drafts import keep_drafts, left_by_a_crash

        if self.db.read_only:
            return
        drafts = left_by_a_crash(self.db)
        if not drafts:
            return
        keep_drafts(self.db, [d.id for d in drafts])
        answer = QMessageBox.question(
            self,
            APP_TITLE,
            f"После прошлого запуска остались несохраненные письма: {len(drafts)}. "
            f"Открыть последнее («{drafts[0].subject or 'без заголовка'}»)? Все они — в реестре, "
            "состояние «Черновики».",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.open_draft(drafts[0].id)

    def _after_registration(self, kind: str, letter_id: int) -> None:
        """A button of the bar shown after a registration."""
        if kind == "card":
            self.open_letter(letter_id)
        elif kind == "incoming_card":
            self.incoming_desk.open_incoming(letter_id)
        elif kind == "dispatch":
            self.open_dispatch(letter_id)
        else:
            self.letter_output(kind, letter_id)

    def open_letter(self, letter_id: int) -> None:
        from ui.dialogs.letter_dialog import LetterDialog

        if LetterDialog.open_card(self.db, letter_id, self):
            self.hub.announce(Changed.LETTERS)

    def letter_output(self, kind: str, letter_id: int) -> None:
        """Preview, print, save or personalise a registered letter (from the registry)."""
        from ui.letter_output import run_letter_output

        run_letter_output(self.db, kind, letter_id, self)

    def annul_letter(self, letter_id: int) -> None:
        from app.services.registry.letter_cards import letter_card
        from app.services.registry.letters import annul_letter
        from ui.dialogs.letter_dialog import ask_annul_reason
        from ui.operation import attempt

        view = letter_card(self.db, letter_id)
        reason, ok = ask_annul_reason(
            self, view.registration.number, view.card.date, view.card.subject
        )
        if not ok:
            return
        attempt(
            self,
            lambda: annul_letter(self.db, letter_id, reason),
            changed=Changed.LETTERS,
            said=lambda number: f"Письмо № {number} аннулировано",
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "О программе",
            f"<b>{APP_TITLE}</b> {__version__}<br>Реестр исходящих писем, адресаты, письма на "
            f"бланке по ГОСТ Р 7.0.97-2025, контроль отчетов.<br><br>"
            f"База данных: {self._db_display()}",
        )
