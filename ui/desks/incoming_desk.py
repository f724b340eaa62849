"""The incoming desk: an incoming letter registered by hand, from МЭДО packages or from an
e-mail, and its card opened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from app.rules.changes import Changed
from app.support.text import date_ru
from ui import file_dialogs
from ui.background import Background, message_of
from ui.desks import APP_TITLE, Window
from ui.operation import attempt

if TYPE_CHECKING:
    from app.services.arrivals.fetch import FetchRun
    from app.services.incoming.registration import RegisteredIncoming


FETCH_EVERY_MS = 5 * 60_000  # the МЭДО inbox and the mailbox read into «Поступившие» meanwhile
FIRST_FETCH_MS = 15_000  # not during start-up


class IncomingDesk:
    def __init__(self, window: Window, parent: QWidget) -> None:
        self.window, self.parent = window, parent
        self.background = Background(parent)
        self.exchange_timer = QTimer(parent)
        self.exchange_timer.setInterval(FETCH_EVERY_MS)
        self.exchange_timer.timeout.connect(self.fetch_exchange)

    def watch_exchange(self) -> None:
        """While the window is open, the МЭДО inbox the set-up names is read into «Поступившие»
        every few minutes, off the window's thread (nothing is registered)."""
        self.exchange_timer.start()
        # a timer of the window's, not a free single shot: it goes with the window
        first = QTimer(self.parent)
        first.setSingleShot(True)
        first.timeout.connect(self.fetch_exchange)
        first.start(FIRST_FETCH_MS)

    def fetch_exchange(self) -> None:
        from app.services.access.roles import RANK, current_role
        from app.services.arrivals.fetch import fetch_configured

        db = self.window.db
        if db.read_only or self.background.is_busy() or not self.parent.isVisible():
            return  # a closed window reads nothing
        try:
            role = current_role(db)
        except Exception as exc:  # the server gone a moment: said, tried again next time
            self._fetch_failed(exc)
            return
        if RANK.get(role, -1) < RANK["registrar"]:
            return  # a reader's window does not take packages out of the exchange folder
        self.background.run("exchange", lambda: fetch_configured(db), self._fetched,
                            self._fetch_failed)  # fmt: skip

    def _fetched(self, run: FetchRun) -> None:
        if run.new:
            self.window.hub.announce(Changed.LETTERS)
            self.window.statusBar().showMessage(
                f"Поступило новых: {run.new} — «Поступившие»", 30_000
            )
        elif run.problems:  # said in the status bar, not in a box every few minutes
            self.window.statusBar().showMessage("Не получено: " + "; ".join(run.problems), 30_000)

    def _fetch_failed(self, error: Exception) -> None:
        self.window.statusBar().showMessage(f"Поступления не получены: {message_of(error)}", 30_000)

    def print_labels(self, incoming_ids: list[int], size: str) -> None:
        """The registration marks of the letters chosen, as labels for their paper originals
        (one PDF), made off the window's thread."""
        from app.services.incoming.marks import export_labels

        name = "этикетки-отметок.pdf" if len(incoming_ids) > 1 else "этикетка-отметки.pdf"
        chosen = file_dialogs.save_file(
            self.parent, "incoming-mark", "Этикетки отметки о поступлении", name, "PDF (*.pdf)"
        )
        if chosen is None:
            return
        db, target = self.window.db, chosen[0]
        self.background.run(
            "labels",
            lambda: export_labels(db, incoming_ids, target, size),
            lambda path: file_dialogs.announce_saved(path, f"Этикеток: {len(incoming_ids)}"),
            self._labels_failed,
        )

    def _labels_failed(self, error: Exception) -> None:
        QMessageBox.warning(self.parent, APP_TITLE, message_of(error))

    def register_incoming(self) -> None:
        from ui.dialogs.incoming_dialogs import IncomingDialog

        dialog = IncomingDialog(self.window.db, self.parent)
        accepted = dialog.exec() == IncomingDialog.DialogCode.Accepted
        done = dialog.result_letter
        # not left a child of the window for the whole session: left so, the dialog crashed
        # the program at its exit (a bus error or a segmentation fault once the window went)
        dialog.deleteLater()
        if accepted and done is not None:
            self._registered_incoming(done)

    def _registered_incoming(self, done: RegisteredIncoming) -> None:
        """The number just issued in the bar (not the last outgoing one), with its card."""
        self.window.hub.announce(Changed.LETTERS)
        self.window.update_control_notice()
        self.window.registered_bar.show_incoming(done.id, done.number, done.reg_date, done.report)
        message = f"Входящее зарегистрировано: № {done.number} от {date_ru(done.reg_date)}"
        if done.report:
            message += f"; {done.report}"
        self.window.statusBar().showMessage(message, 15_000)

    def open_arrivals(self) -> None:
        """«Поступившие»: the queue of what МЭДО and the mail brought."""
        from ui.dialogs.arrivals_dialog import ArrivalsDialog

        dialog = ArrivalsDialog(self.window.db, self.parent)
        dialog.registered.connect(self._registered_incoming)
        dialog.changed.connect(lambda: self.window.hub.announce(Changed.LETTERS))
        dialog.exec()
        dialog.deleteLater()  # see register_incoming
        self.window.hub.announce(Changed.LETTERS)

    def import_incoming_medo(self) -> None:
        """«Из МЭДО…»: the packages of a folder registered; what was skipped, and why, said."""
        from app.services.incoming.medo_import import import_medo

        folder = file_dialogs.choose_folder(
            self.parent, "medo-inbox", "Папка с полученными пакетами МЭДО"
        )
        if folder is None:
            return
        done = attempt(
            self.window, lambda: import_medo(self.window.db, folder), changed=Changed.LETTERS
        )
        if done is None:
            return
        new = [d.registered.number for d in done if d.registered is not None]
        skipped = [f"{d.folder.name}: {d.note}" for d in done if d.registered is None]
        lines = [f"Зарегистрировано из МЭДО: {len(new)}" + (f" ({', '.join(new)})" if new else "")]
        if skipped:
            lines.append("Пропущено — " + "; ".join(skipped))
        QMessageBox.information(self.parent, APP_TITLE, "\n".join(lines))

    def import_incoming_mail(self) -> None:
        """«Из e-mail…»: the registration form filled from an .eml (sender, subject, text and
        attachments as files); the clerk adds the sender's number and date, which an e-mail
        does not carry, and registers."""
        import tempfile

        from app.services.incoming.cards import IncomingCard
        from app.services.incoming.eml_import import mail_limit, read_mail, sender_of
        from ui.dialogs.incoming_dialogs import IncomingDialog

        path = file_dialogs.open_file(
            self.parent, "eml-inbox", "Письмо e-mail", "Письма (*.eml);;Все файлы (*)"
        )
        if path is None:
            return
        mail = attempt(self.window, lambda: read_mail(path, mail_limit(self.window.db)))
        if mail is None:
            return
        with tempfile.TemporaryDirectory(prefix="secretariat-eml-") as folder:
            files = []
            for n, (name, content) in enumerate(mail.files):
                place = Path(folder) / str(n)
                place.mkdir()
                (place / name).write_bytes(content)
                files.append(place / name)
            known = sender_of(self.window.db, mail.address)
            card = IncomingCard(
                journal="",
                subject=mail.subject,
                sender_code=known[0] if known else "",
                sender_text="" if known else mail.sender,
                delivery="Электронная почта",
                files=files,
                uid=mail.uid,
            )
            dialog = IncomingDialog(self.window.db, self.parent)
            dialog.prefill(card, known[1] if known else "")
            accepted = dialog.exec() == IncomingDialog.DialogCode.Accepted
            done = dialog.result_letter
            dialog.deleteLater()  # see register_incoming
            if not accepted or done is None:
                return
        self._registered_incoming(done)

    def open_incoming(self, incoming_id: int) -> None:
        from ui.dialogs.incoming_dialogs import IncomingCardDialog

        dialog = IncomingCardDialog(self.window.db, incoming_id, self.parent)
        dialog.changed.connect(self.window.hub.letters_changed)
        dialog.changed.connect(self.window.update_control_notice)
        dialog.reply_requested.connect(self.window.answer_incoming)
        dialog.exec()
        dialog.deleteLater()  # see register_incoming
