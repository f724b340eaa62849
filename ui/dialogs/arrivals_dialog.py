"""«Поступившие»: what the МЭДО client and the mail brought, waiting for the clerk. Nothing here
is registered until the clerk registers it: the card opens prefilled from the package or the
message, to be corrected first; a refusal takes a reason. A МЭДО sender is told either way when
the set-up names the МЭДО client's outgoing folder (Настройки → Обмен). «Получить» reads the
МЭДО inbox and the mailbox the set-up names, off the window's thread."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.rules.medo_refusals import REASONS
from app.rules.states import ArrivalState
from app.services.arrivals.fetch import Fetched, FetchRun, fetch_arrivals
from app.services.arrivals.queue import (
    ArrivalLine,
    list_arrivals,
    refuse_arrival,
)
from app.services.arrivals.review import arrival_card, arrival_document, register_arrival_card
from app.services.arrivals.sources import exchange_folders, mailbox_settings
from app.services.incoming.registration import RegisteredIncoming
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from ui import file_dialogs, palette
from ui.background import Background, message_of
from ui.fit import keep_splitter, open_sized
from ui.keyboard import key_tip
from ui.read_only import writes

TITLE = "Поступившие"
COLUMNS = ("Получено", "Канал", "Состояние", "Отправитель", "Исх. № и дата", "Заголовок")


def _state(line: ArrivalLine) -> str:
    if line.registered_as and line.state == ArrivalState.WAITING:
        return f"Уже зарегистрировано: № {line.registered_as}"
    if line.state == ArrivalState.REGISTERED:
        return f"Зарегистрировано: № {line.registered_as}"
    return line.state.label


class ArrivalsDialog(QDialog):
    registered = Signal(object)  # RegisteredIncoming: a letter registered from the queue
    changed = Signal()  # the queue changed (fetched, refused)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(TITLE)
        open_sized(self, "arrivals", QSize(1150, 640))
        self.background = Background(self)
        self.lines: list[ArrivalLine] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Поступившие письма")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        for column, width in enumerate((122, 70, 130, 200, 120, 320)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.doubleClicked.connect(lambda _i: self.register_selected())
        self.preview = QLabel("Выберите поступление — здесь будет первая страница документа")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("Первая страница документа")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.info)
        side.addWidget(scroll, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        keep_splitter(self.splitter, "arrivals")

        self.fetch_button = QPushButton("Получить")
        self.fetch_button.setToolTip(
            "Прочитать в очередь пакеты из папки входящих МЭДО и письма из почтового ящика "
            "(Настройки → Обмен); если они не заданы — выбрать папку с пакетами МЭДО"
        )
        self.fetch_button.clicked.connect(self.fetch_configured)
        self.mail_button = QPushButton("Файлы .eml…")
        self.mail_button.setToolTip("Прочитать в очередь письма, сохраненные файлами .eml")
        self.mail_button.clicked.connect(self.fetch_mail)
        self.register_button = QPushButton("Зарегистрировать…")
        self.register_button.clicked.connect(self.register_selected)
        self.refuse_button = QPushButton("Отклонить…")
        self.refuse_button.clicked.connect(self.refuse_selected)
        close = QPushButton("Закрыть")
        close.clicked.connect(self.accept)
        writes(self.fetch_button, self.mail_button, self.register_button, self.refuse_button)
        row = QHBoxLayout()
        for button in (self.fetch_button, self.mail_button, self.register_button,
                       self.refuse_button):  # fmt: skip
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        for button in (self.fetch_button, self.mail_button, self.refuse_button, close):
            button.setAutoDefault(False)
        self.register_button.setDefault(True)  # Enter on the queue: register the one chosen
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(row)
        self._update_notify_tip()
        self.reload()

    # the queue

    def reload(self) -> None:
        self.lines = list_arrivals(self.db)
        self.table.setRowCount(len(self.lines))
        for r, line in enumerate(self.lines):
            theirs = line.sender_number + (
                f" от {date_ru(line.sender_date)}" if line.sender_date else ""
            )
            values = (f"{line.received_at:%d.%m.%Y %H:%M}", line.channel, _state(line),
                      line.sender, theirs, line.subject)  # fmt: skip
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if line.state == ArrivalState.UNREADABLE or line.registered_as:
                    item.setForeground(QColor(palette.ERROR))
                self.table.setItem(r, c, item)
        self.setWindowTitle(f"{TITLE}: ждут регистрации — {self._waiting()}")
        if self.lines:
            self.table.selectRow(0)
        else:
            self.info.setText("Очередь пуста: всё поступившее рассмотрено.")
            self.preview.setPixmap(QPixmap())
            self.preview.setText("")
        self._enable()

    def _waiting(self) -> int:
        return sum(1 for line in self.lines if line.state == ArrivalState.WAITING)

    def selected(self) -> ArrivalLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.lines[rows[0].row()] if rows else None

    def _enable(self) -> None:
        line = self.selected()
        writable = not self.db.read_only
        self.register_button.setEnabled(
            writable and line is not None and line.state == ArrivalState.WAITING
        )
        self.refuse_button.setEnabled(writable and line is not None)

    def _show_selected(self) -> None:
        self._enable()
        line = self.selected()
        if line is None:
            return
        parts = [f"<b>{line.subject or 'Без заголовка'}</b>", f"Отправитель: {line.sender}"]
        if line.registered_as:
            parts.append(f"<span style='color:{palette.ERROR}'>Это письмо уже зарегистрировано: "
                         f"№ {line.registered_as}</span>")  # fmt: skip
        if line.signature:
            colour = palette.ERROR if line.signature_fails else "inherit"
            parts.append(f"<span style='color:{colour}'>{line.signature}</span>")
        if line.note:
            parts.append(f"<span style='color:{palette.ERROR}'>{line.note}</span>")
        self.info.setText("<br>".join(parts))
        self.preview.setPixmap(QPixmap())
        self.preview.setText("Документ открывается…")
        if line.state == ArrivalState.UNREADABLE:
            self.preview.setText("Пакет не читается — его можно только отклонить.")
            return
        db, arrival = self.db, line.id
        self.background.run("preview", lambda: _first_page(db, arrival), self._show_page,
                            self._no_page)  # fmt: skip

    def _show_page(self, image: QImage | None) -> None:
        if image is None:
            self.preview.setText("В поступлении нет документа PDF.")
            return
        width = max(300, self.preview.width() - 20)
        pixmap = QPixmap.fromImage(image)
        self.preview.setPixmap(
            pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        )

    def _no_page(self, error: Exception) -> None:
        self.preview.setText(f"Документ не показать: {message_of(error)}")

    # what the clerk does

    def fetch_configured(self) -> None:
        """The МЭДО inbox and the mailbox the set-up names, off the window's thread; a МЭДО
        folder asked for when the set-up names neither."""
        from app.services.arrivals.fetch import fetch_configured

        inbox, _outbox = exchange_folders(self.db)
        if inbox is None and mailbox_settings(self.db) is None:
            folder = file_dialogs.choose_folder(self, "medo-inbox", "Папка входящих пакетов МЭДО")
            if folder is not None:
                self._fetch([folder], [])
            return
        self.fetch_button.setEnabled(False)
        self.fetch_button.setText("Получение…")
        db = self.db
        self.background.run("fetch", lambda: fetch_configured(db), self._fetched,
                            self._fetch_failed)  # fmt: skip

    def _fetched(self, run: FetchRun) -> None:
        self._fetch_done()
        self._said(run.items, run.problems)

    def _fetch_failed(self, error: Exception) -> None:
        self._fetch_done()
        QMessageBox.warning(self, TITLE, message_of(error))

    def _fetch_done(self) -> None:
        self.fetch_button.setText("Получить")
        self.fetch_button.setEnabled(True)

    def fetch_mail(self) -> None:
        chosen = file_dialogs.open_files(
            self, "eml-inbox", "Письма e-mail", "Письма (*.eml);;Все файлы (*)"
        )
        if chosen:
            self._fetch([], chosen)

    def _fetch(self, medo: list[Path], eml: list[Path]) -> None:
        try:
            done = fetch_arrivals(self.db, medo, eml)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self._said(done, [])

    def _said(self, done: list[Fetched], problems: list[str]) -> None:
        new = sum(1 for item in done if item.new)
        broken = sum(1 for item in done if item.new and item.state == ArrivalState.UNREADABLE)
        said = f"Новых в очереди: {new}, уже были: {len(done) - new}"
        if broken:
            said += f"; не читаются: {broken}"
        self.reload()
        self.changed.emit()
        if problems:
            QMessageBox.warning(self, TITLE, said + "\n\nНе получено:\n" + "\n".join(problems))
        else:
            QMessageBox.information(self, TITLE, said)

    def _notify_folder(self) -> Path | None:
        return exchange_folders(self.db)[1]

    def _update_notify_tip(self) -> None:
        folder = self._notify_folder()
        said = (
            f"отправителю МЭДО — уведомление в {folder}"
            if folder
            else "исходящая папка МЭДО не задана (Настройки → Обмен): без уведомления"
        )
        key_tip(
            self.register_button, "Enter", f"Карточка заполнена из поступления — проверьте; {said}"
        )
        self.refuse_button.setToolTip(f"С причиной; {said}")

    def register_selected(self) -> None:
        from ui.dialogs.incoming_dialogs import IncomingDialog

        line = self.selected()
        if line is None or line.state != ArrivalState.WAITING or self.db.read_only:
            return
        with tempfile.TemporaryDirectory(prefix="secretariat-arrival-") as folder:
            try:
                card, label = arrival_card(self.db, line.id, Path(folder))
            except UserError as exc:
                QMessageBox.warning(self, TITLE, str(exc))
                return
            dialog = IncomingDialog(self.db, self)
            dialog.prefill(card, label)
            dialog.registrar = lambda card, again: register_arrival_card(
                self.db, line.id, card, again=again
            )
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            done = dialog.result_letter
            dialog.deleteLater()
        if not accepted or done is None:
            return
        self._notify_accepted(done, line)
        self.reload()
        self.registered.emit(done)

    def _notify_accepted(self, done: RegisteredIncoming, line: ArrivalLine) -> None:
        from app.services.incoming import medo_notify

        folder = self._notify_folder()
        if folder is None or line.channel != "МЭДО":
            return
        written, said = medo_notify.notify(
            lambda: medo_notify.accepted_notice(self.db, done.id), folder
        )
        if not written:
            QMessageBox.warning(self, TITLE, f"Письмо зарегистрировано, но {said}")

    def refuse_selected(self) -> None:
        line = self.selected()
        if line is None or self.db.read_only:
            return
        reason, ok = QInputDialog.getItem(
            self, TITLE, f"Причина отказа в регистрации «{line.subject[:80]}»:", list(REASONS),
            0, True,
        )  # fmt: skip
        if not ok or not reason.strip():
            return
        folder = self._notify_folder() if line.channel == "МЭДО" else None
        try:
            done = refuse_arrival(self.db, line.id, reason, notify_to=folder)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.reload()
        self.changed.emit()
        if "не записано" in done.note:
            QMessageBox.warning(self, TITLE, done.note)


def _first_page(db: Database, arrival_id: int) -> QImage | None:
    """Page 1 of the arrival's document, rendered off the window's thread."""
    from ui.widgets.pdf_pages import page_images

    found = arrival_document(db, arrival_id)
    if found is None:
        return None
    return next(page_images(found[1], dpi=110), None)
