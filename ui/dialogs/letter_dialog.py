"""«Новое письмо» and the letter card: collect a letter, show the number it will get, register.

The dialog collects and validates; registration, reservation and edits go through the letters
service, one transaction each.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.rules.states import LetterStatus
from app.services.directory.distribution_lists import list_lists
from app.services.incoming.detail import incoming_detail
from app.services.registry.letter_cards import (
    letter_card,
)
from app.services.registry.letters import (
    Addressee,
    LetterCard,
    RegisteredLetter,
    annul_letter,
    change_registration,
    missing_requisites,
    register_letter,
    reserve_number,
    similar_today,
    update_letter,
)
from app.support.errors import UserError
from db.engine import Database
from ui import palette
from ui.dialogs.draft_keeper import DraftKeeper
from ui.dialogs.letter_form import (
    LARGE_MAILING,
    TITLE,
    FieldError,
    error_label,
    to_date,
)
from ui.dialogs.letter_mapping import LetterMapping
from ui.file_dialogs import open_file
from ui.fit import open_sized, scrolling
from ui.keyboard import key_tip
from ui.widgets.files_panel import FilesPanel


class LetterDialog(LetterMapping):
    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        letter_id: int | None = None,
        addressee: Addressee | None = None,
        draft_id: int | None = None,
        answering: int | None = None,
    ) -> None:
        super().__init__(parent)
        form: dict[str, object] | None = None
        if draft_id is not None:
            from app.services.registry.drafts import load_draft

            kept, form = load_draft(db, draft_id)
            letter_id = kept.letter_id
        self.db = db
        self.letter_id = letter_id
        self.result_letter: RegisteredLetter | None = None
        self._view = letter_card(db, letter_id) if letter_id else None
        self.setWindowTitle("Новое письмо" if letter_id is None else "Карточка письма")
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        parts: list[QWidget] = [
            self._build_registration(), self._build_addressee(), self._build_content()
        ]  # fmt: skip
        if self.letter_id is not None:
            self.files_panel = FilesPanel(db, self.letter_id)
            parts.append(self.files_panel)
        parts.append(self._build_control())
        # the form scrolls on a small screen; the buttons below it are always in sight
        layout.addWidget(scrolling(*parts), 1)
        open_sized(self, "letter", QSize(1000, 860))
        self.form_error = error_label()
        layout.addWidget(self.form_error)
        self.draft_label = QLabel()
        self.draft_label.setObjectName("draft_state")
        self.draft_label.setStyleSheet(f"color: {palette.DIMMED};")
        layout.addLayout(self._build_buttons())
        self._clear_errors_on_edit()
        self._remembered_case = ""
        self._fill_from_card()
        if letter_id is None and draft_id is None:
            self._remember_people()
        self._answering = None
        if answering is not None and letter_id is None:
            self._answer(answering)
        if addressee and letter_id is None:
            self._fill_addressee(addressee, self._printed_for(addressee))
        self._journal_changed()
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # no button takes Enter
            button.setDefault(False)
        self._opened_as = self._snapshot()
        self.keeper = DraftKeeper(self, draft_id)
        if form is not None:
            self.keeper.opened_form = form
            self.restore_state(form)
            self._update_number()
            self.keeper.saved_as = self.keeper.opened_as = self._snapshot()  # as kept
            self.draft_label.setText("Открыт черновик")

    # --- building -------------------------------------------------------------------------

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.register_button = QPushButton(
            "Зарегистрировать" if self.letter_id is None else "Сохранить"
        )
        # Enter in a one-line field must not register (a number would be used up): only the
        # button or Ctrl+Enter does
        key_tip(self.register_button, "Ctrl+Return")
        self.register_button.clicked.connect(self.register)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.register)
        cancel = QPushButton("Отмена")
        cancel.clicked.connect(self.reject)
        if self.letter_id is None:
            self.word_button = QPushButton("Загрузить из Word…")
            self.word_button.setToolTip(
                "Черновик исполнителя (.docx): адресат, заголовок, текст, подписант и исполнитель"
            )
            self.word_button.clicked.connect(self.load_word_draft)
            row.addWidget(self.word_button)
            self.document_button = QPushButton("Зарегистрировать готовый документ…")
            self.document_button.setToolTip(
                "Письмо, подготовленное в другой системе (PDF), или скан подписанного письма "
                "(JPEG, PNG, TIFF): карточка дает реквизиты, номер и дата ставятся на документ"
            )
            self.document_button.clicked.connect(lambda: self.register_document())
            row.addWidget(self.document_button)
            self.preview_button = QPushButton("Просмотр (F3)")
            key_tip(
                self.preview_button, "F3", "Письмо, как оно будет напечатано; номер и дата — пусто"
            )
            self.preview_button.clicked.connect(self.preview)
            QShortcut(QKeySequence("F3"), self).activated.connect(self.preview)
            row.addWidget(self.preview_button)
            self.reserve_button = QPushButton("Зарезервировать номер")
            self.reserve_button.clicked.connect(self.reserve)
            row.addWidget(self.reserve_button)
        else:
            self.change_button = QPushButton("Изменить регистрационные данные…")
            self.change_button.clicked.connect(self.change_registration)
            self.annul_button = QPushButton("Аннулировать…")
            self.annul_button.clicked.connect(self.annul)
            row.addWidget(self.change_button)
            row.addWidget(self.annul_button)
            row.addWidget(self._output_button())
            earlier = self._registration.earlier_versions
            self.versions_button = QPushButton(f"Прежние редакции ({earlier})…")
            self.versions_button.setToolTip(
                "Текст письма до изменений, сделанных после отправки: кто, когда и почему изменил"
            )
            self.versions_button.setVisible(earlier > 0)
            self.versions_button.clicked.connect(self.show_versions)
            row.addWidget(self.versions_button)
        row.addWidget(self.draft_label)
        row.addStretch(1)
        row.addWidget(self.register_button)
        row.addWidget(cancel)
        return row

    def _output_button(self) -> QPushButton:
        """«Письмо ▾»: preview, print, save and personalised copies of the saved letter."""
        from PySide6.QtWidgets import QMenu

        from ui.letter_output import run_letter_output

        self.output_button = QPushButton("Письмо")
        menu = QMenu(self.output_button)
        for label, kind in (
            ("Просмотр…", "preview"),
            ("Печать…", "print"),
            ("Сохранить как PDF или DOCX…", "save"),
            ("Персональные копии…", "mailing"),
        ):
            action = menu.addAction(label)
            action.triggered.connect(
                lambda _=False, k=kind: run_letter_output(self.db, k, self.letter_id or 0, self)
            )
        dispatch = menu.addAction("Отправка: копии и их состояние…")
        dispatch.triggered.connect(self._open_dispatch)
        self.output_button.setMenu(menu)
        return self.output_button

    def _open_dispatch(self) -> None:
        from ui.dialogs.dispatch_dialog import DispatchDialog

        try:
            DispatchDialog(self.db, self.letter_id or 0, self).exec()
        except UserError as exc:
            self.form_error.setText(str(exc))
            self.form_error.show()

    # --- live behaviour -------------------------------------------------------------------

    # --- reading the form -----------------------------------------------------------------

    # --- actions --------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, «Отмена» or the window's cross: a changed letter is kept as a draft or thrown
        away only when the clerk says so."""
        keeper = self.keeper
        if self.result_letter is None and keeper.changed():
            answer = QMessageBox.question(
                self,
                TITLE,
                "Сохранить черновик? Его можно открыть в реестре (состояние «Черновики»). "
                "«Нет» — закрыть, не сохраняя введенное.",
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Yes:
                if not keeper.save(kept=True):
                    return
            else:
                keeper.drop_changes()
        elif self.result_letter is None:
            keeper.close_unchanged()
        keeper.timer.stop()
        super().reject()

    def accept(self) -> None:
        """The letter registered, saved, reserved or annulled: its draft is done with."""
        self.keeper.discard()
        super().accept()

    def _confirmed(self, card: LetterCard) -> bool:
        """The heading rule as a warning, and a large mailing confirmed with its number, count
        and signatory, before a number is issued."""
        if not re.match(r"^(О|Об|Обо)\s", card.subject):
            answer = QMessageBox.question(
                self,
                TITLE,
                f"Заголовок «{card.subject}» не начинается с «О» или «Об», как требует "
                "ГОСТ Р 7.0.97-2025. Зарегистрировать с таким заголовком?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.subject_edit.setFocus()
                return False
        count = self._recipient_count(card)
        if count > LARGE_MAILING:
            signer = self.signatory_combo.currentText()
            number = self.number_label.text().removeprefix("Будет присвоен номер: ")
            answer = QMessageBox.question(
                self,
                TITLE,
                f"Зарегистрировать письмо № {number} на {count} адресатов? Подписывает: {signer}.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return True

    def _recipient_count(self, card: LetterCard) -> int:
        if card.addressee.list:
            sizes = {summary.name: summary.size for summary in list_lists(self.db)}
            return sizes.get(card.addressee.list, 0)
        return len(card.addressee.recipients or [])

    def register(self) -> None:
        self._clear_errors()
        try:
            card = self.collect()
            registered = self._view is not None and (
                self._view.registration.status == LetterStatus.REGISTERED
            )
            if self.letter_id is not None and registered:
                reason = self._reason_for_sent_letter()
                if reason is None:
                    return
                update_letter(
                    self.db, self.letter_id, card, version=self._card_version(), reason=reason
                )
                self.accept()
                return
            if not card.number and not self._confirm_twin(card):
                return
            if not self._confirmed(card):
                return
            self.result_letter = register_letter(self.db, card)
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def register_document(self, path: str | None = None) -> None:
        """«Зарегистрировать готовый документ…»: the letter is the chosen PDF (or scan), its
        number stamped on it."""
        from app.services.registry.letter_files import register_with_document

        self._clear_errors()
        try:
            card = self.collect(complete=False)
            missing = missing_requisites(card, document=True)
            self._refuse_unmatched()
            if "signatory" in missing:
                raise FieldError("signatory", "Укажите, кто подписывает письмо")
        except UserError as exc:
            self._show_error(exc)
            return
        if path is None:
            picked = open_file(
                self,
                "documents",
                "Письмо, подготовленное в другой системе",
                "Документ PDF или скан (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)",
            )
            if picked is None:
                return
            path = str(picked)
        if not self._confirmed(card) or not self._document_looks_right(card, Path(path)):
            return
        try:
            self.result_letter, place = register_with_document(self.db, card, Path(path))
        except UserError as exc:
            self._show_error(exc)
            return
        self.document_place = place
        self.accept()

    def _document_looks_right(self, card: LetterCard, path: Path) -> bool:
        """The document with the stamp it will get, seen before the number is issued: where
        the number goes, and «Зарегистрировать» or «Отмена»."""
        from app.services.registry.letter_files import preview_document
        from ui.dialogs.preview_dialog import PreviewDialog

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            stamped = preview_document(self.db, card, path)
        except UserError as exc:
            self._show_error(exc)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        look = PreviewDialog(
            self.db, 0, "", self, pdf=stamped.pdf, confirm="Зарегистрировать",
            note=f"Номер и дата будут поставлены {stamped.place}. Так документ будет "
            "зарегистрирован и отправлен; номер еще не выдан.",
        )  # fmt: skip
        look.setWindowTitle(f"{path.name} — номер еще не выдан")
        return look.exec() == QDialog.DialogCode.Accepted

    def preview(self) -> None:
        """F3: the letter as it will print, before a number is issued."""
        from app.services.output.letter_export import preview_card_pdf
        from ui.dialogs.preview_dialog import PreviewDialog

        self.form_error.hide()
        try:
            card = self.collect(complete=False)
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                pdf = preview_card_pdf(self.db, card)
            finally:
                QApplication.restoreOverrideCursor()
        except UserError as exc:
            self._show_error(exc)
            return
        self.preview_dialog = PreviewDialog(self.db, 0, "", self, pdf=pdf)
        self.preview_dialog.open()

    def load_word_draft(self, path: str | None = None) -> None:
        """«Загрузить из Word…»: what the draft gave is shown first; the card is filled only
        when the clerk agrees; nothing is registered."""
        from ui.dialogs.draft_dialog import DraftDialog, choose_draft

        chosen = path or choose_draft(self)
        if not chosen:
            return
        dialog = DraftDialog(self.db, Path(chosen), self.journal_combo.currentData() or None, self)
        if dialog.result_card is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.show_card(dialog.result_card, dialog.unmatched)

    def _reason_for_sent_letter(self) -> str | None:
        """ "" for a letter not sent yet; the clerk's reason for one already sent; None when
        the clerk cancels."""
        sent = self._registration.sent_copies
        if not sent:
            return ""
        reason, ok = QInputDialog.getText(
            self,
            "Изменение отправленного письма",
            f"Письмо уже отправлено (копий: {sent}). Прежняя редакция сохранится в карточке, "
            "отправленные копии будут отмечены «изменено после отправки».\n\n"
            "Причина изменения:",
        )
        if not ok:
            return None
        if not reason.strip():
            self.form_error.setText("Укажите причину изменения отправленного письма")
            self.form_error.show()
            return None
        return reason.strip()

    def show_versions(self) -> None:
        from ui.dialogs.versions_dialog import VersionsDialog

        assert self.letter_id is not None
        VersionsDialog(self.db, self.letter_id, self._registration.number, self).exec()

    def _card_version(self) -> int:
        return self._registration.version

    def _confirm_twin(self, card: LetterCard) -> bool:
        twins = similar_today(self.db, card)
        if not twins:
            return True
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Сегодня уже зарегистрировано письмо с тем же заголовком и адресатом: "
            f"{', '.join(twins)}.\nЗарегистрировать еще одно?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def reserve(self) -> None:
        code = self.journal_combo.currentData()
        try:
            if code is None:
                raise UserError("Нет журнала для резервирования")
            self.result_letter = reserve_number(
                self.db, code, date=to_date(self.date_edit.date()),
                case=self.case_edit.text().strip(), note=self.subject_edit.text().strip(),
            )  # fmt: skip
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def annul(self) -> None:
        assert self.letter_id is not None
        reason, ok = ask_annul_reason(
            self,
            self._registration.number,
            self._view.card.date if self._view else None,
            self.subject_edit.text(),
        )
        if not ok:
            return
        try:
            annul_letter(self.db, self.letter_id, reason)
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def change_registration(self) -> None:
        assert self.letter_id is not None
        text, ok = QInputDialog.getText(
            self, TITLE, "Новая дата регистрации (ДД.ММ.ГГГГ) и причина через «;»:"
        )
        if not ok:
            return
        date_text, _, reason = text.partition(";")
        try:
            from app.support.text import parse_date_ru

            try:
                date = parse_date_ru(date_text)
            except ValueError:
                raise UserError(f"«{date_text.strip()}» — не дата ДД.ММ.ГГГГ") from None
            change_registration(
                self.db, self.letter_id, date=date, version=self._card_version(), reason=reason
            )
        except UserError as exc:
            self._show_error(exc)
            return
        self.accept()

    def _answer(self, incoming_id: int) -> None:
        """A reply to an incoming letter: to its sender, «На № … от …» from it."""
        theirs = incoming_detail(self.db, incoming_id)
        self._answering = theirs
        self.setWindowTitle(f"Ответ на входящее № {theirs.number}")
        self.reply_number_edit.setText(theirs.sender_number)
        self.reply_date_edit.setText(
            theirs.sender_date.strftime("%d.%m.%Y") if theirs.sender_date else ""
        )
        for edit in (self.reply_number_edit, self.reply_date_edit):
            edit.setReadOnly(True)
            edit.setToolTip(f"Из входящего № {theirs.number}")
        if theirs.sender_code:
            sender = Addressee(recipient=theirs.sender_code)
            self._fill_addressee(sender, self._printed_for(sender))

    @classmethod
    def register_new(
        cls,
        db: Database,
        parent: QWidget | None = None,
        addressee: Addressee | None = None,
        *,
        answering: int | None = None,
    ) -> RegisteredLetter | None:
        """The new-letter dialog; ``addressee`` pre-fills it (``Addressee(list=NAME)`` and the
        like); ``answering``: the incoming letter it answers."""
        dialog = cls(db, parent, addressee=addressee, answering=answering)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_letter
        return None

    @classmethod
    def open_card(cls, db: Database, letter_id: int, parent: QWidget | None = None) -> bool:
        return cls(db, parent, letter_id=letter_id).exec() == QDialog.DialogCode.Accepted


def ask_annul_reason(
    parent: QWidget, number: str, date: dt.date | None, subject: str
) -> tuple[str, bool]:
    """«Аннулировать письмо № 1893/5 от 14.11.2025 «О …»?» and the reason: the clerk sees which
    number goes before giving it."""
    dated = f" от {date:%d.%m.%Y}" if date else ""
    about = f"\n«{subject.strip()[:120]}»" if subject.strip() else ""
    return QInputDialog.getText(
        parent,
        f"Аннулировать № {number}",
        f"Аннулировать письмо № {number}{dated}?{about}\n\nНомер останется в журнале с "
        "отметкой «аннулирован».\nПричина аннулирования:",
    )
