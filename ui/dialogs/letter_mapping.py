"""The letter card's form read into a :class:`LetterCard` and a card shown in the form: the
one place that knows which field holds which part of a letter (drafts and Word drafts go
through here, not through the widgets)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from app.rules.attachment_lines import LineError, line_of, read_line
from app.rules.states import LetterStatus
from app.services.directory.recipients import recipient_choices
from app.services.organization.profile import list_staff
from app.services.registry.draft_import import UnmatchedPerson
from app.services.registry.drafts import DraftSummary
from app.services.registry.letter_cards import (
    PrintedAddressee,
    Registration,
)
from app.services.registry.letters import (
    Addressee,
    AttachmentData,
    LetterCard,
    ReportData,
    missing_requisites,
)
from app.support.errors import UserError
from ui import palette
from ui.dialogs.letter_form import (
    ERROR_STYLE,
    FieldError,
    LetterForm,
    qdate,
    staff_label,
    to_date,
)


class LetterMapping(LetterForm):
    """Form ↔ card."""

    def _addressee(self) -> Addressee:
        mode = self.mode_combo.currentData()
        if mode == "list":
            if not self.list_combo.currentText():
                raise FieldError("addressee", "Нет списков рассылки")
            return Addressee(list=self.list_combo.currentText())
        if mode == "text":
            text = self.text_edit.toPlainText().strip()
            if not text:
                raise FieldError("addressee", "Введите адресата")
            return Addressee(text=text)
        codes = self.recipient_codes()
        if not codes:
            raise FieldError("addressee", "Выберите адресата из справочника")
        return Addressee(recipient=codes[0]) if len(codes) == 1 else Addressee(recipients=codes)

    def _attachments(self) -> list[AttachmentData]:
        items = []
        for line in self.attachments_edit.lines():
            if not line.text.strip():
                if line.file is not None:
                    raise FieldError(
                        "attachments",
                        f"Строка {line.number}: пустая строка с файлом «{line.file.name}» — "
                        "впишите название приложения",
                    )
                continue
            try:
                read = read_line(line.text)
            except LineError as exc:
                raise FieldError("attachments", f"Строка {line.number}: {exc}") from None
            if read is not None:
                items.append(AttachmentData(read.title, read.sheets, read.copies, line.file))
        return items

    def _report(self) -> ReportData | None:
        if not self.report_box.isChecked():
            return None
        columns = [c.strip() for c in self.columns_edit.text().split(";") if c.strip()]
        return ReportData(to_date(self.due_edit.date()), columns, self.rows_spin.value())

    def _reply_to(self) -> tuple[str, dt.date | None]:
        number = self.reply_number_edit.text().strip()
        typed = self.reply_date_edit.text().strip()
        if not typed:
            return number, None
        try:
            date = dt.datetime.strptime(typed, "%d.%m.%Y").date()
        except ValueError:
            raise FieldError("reply", "Дата письма, на которое отвечаем: дд.мм.гггг") from None
        if not number:
            raise FieldError("reply", "Укажите номер письма, на которое отвечаем")
        return number, date

    def collect(self, *, complete: bool = True) -> LetterCard:
        """The card the form describes; raises FieldError naming the field. ``complete``
        False: a card for the preview (text and signatory may still be missing)."""
        for label in self.errors.values():
            label.hide()
        subject = self.subject_edit.text().strip()
        if not subject:
            raise FieldError("subject", "Заголовок обязателен и начинается с «О» или «Об»")
        reply_number, reply_date = self._reply_to()
        card = LetterCard(
            journal=self.journal_combo.currentData() or "",
            subject=subject,
            addressee=self._addressee(),
            date=to_date(self.date_edit.date()),
            number=self._view.card.number if self._view else None,
            case=self.case_edit.text().strip(),
            salutation=self.salutation_edit.text().strip() or None,
            body=self.body_edit.body(),
            closing=self.closing_edit.text().strip() or None,
            reply_to_number=reply_number,
            reply_to_date=reply_date,
            attachments=self._attachments(),
            signatory=self.signatory_combo.currentData(),
            signature=self.signature_combo.currentData(),
            executor=self.executor_combo.currentData(),
            report=self._report(),
            appendices=list(self._view.card.appendices) if self._view else [],
        )
        if self._answering is not None:
            card.reply_to_incoming = self._answering.number
            card.reply_to_incoming_year = self._answering.reg_date.year
        # a letter needs its text and its signatory before it gets a number (one rule: app)
        missing = missing_requisites(card) if complete else {}
        if complete:
            self._refuse_unmatched()
        if "body" in missing:
            raise FieldError("body", "Текст письма пуст")
        if "signatory" in missing:
            raise FieldError("signatory", "Укажите, кто подписывает письмо")
        return card

    @property
    def _registration(self) -> Registration:
        assert self._view is not None  # a letter from the registry
        return self._view.registration

    def _fill_from_card(self) -> None:
        if self._view is None:
            return
        card, reg = self._view.card, self._view.registration
        self.journal_combo.setCurrentIndex(max(0, self.journal_combo.findData(card.journal)))
        if card.date is not None:
            self.date_edit.setDate(qdate(card.date))
        self.case_edit.setText(card.case)
        self._show_content(card)
        self._fill_addressee(card.addressee, reg.addressees_as_printed)
        for combo, value in ((self.signatory_combo, card.signatory),
                             (self.executor_combo, card.executor),
                             (self.signature_combo, card.signature)):  # fmt: skip
            combo.setCurrentIndex(max(0, combo.findData(value)))
        if card.report:
            self.report_box.setChecked(True)
            self.due_edit.setDate(qdate(card.report.due))
            self.columns_edit.setText("; ".join(card.report.columns))
            self.rows_spin.setValue(card.report.rows)
        if reg.status != LetterStatus.REGISTERED:
            self.register_button.setEnabled(reg.status == LetterStatus.RESERVED)
            self.annul_button.setEnabled(reg.status == LetterStatus.RESERVED)
            self.change_button.setEnabled(False)
            self.output_button.setEnabled(False)

    def _fill_addressee(self, addressee: Addressee, printed: list[PrintedAddressee]) -> None:
        if addressee.list is not None:
            mode = "list"
        elif addressee.text is not None:
            mode = "text"
        else:
            mode = "recipients"
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(mode))
        if mode == "list":
            self.list_combo.setCurrentText(addressee.list or "")
        elif mode == "text":
            self.text_edit.setPlainText(addressee.text or "")
        else:
            codes = addressee.recipients or ([addressee.recipient] if addressee.recipient else [])
            for code, item in zip(codes, printed, strict=False):
                self.recipient_list.addItem(f"{item.lines.replace(chr(10), ' ')} — {code}")
                self.recipient_list.item(self.recipient_list.count() - 1).setData(
                    Qt.ItemDataRole.UserRole, code
                )

    def _snapshot(self) -> tuple[object, ...]:
        """What the clerk has typed or chosen, to tell whether closing loses work."""
        return (
            self.journal_combo.currentData(),
            self.case_edit.text(),
            self.subject_edit.text(),
            self.body_edit.body(),
            self.closing_edit.text(),
            self.salutation_edit.text(),
            self.reply_number_edit.text(),
            self.reply_date_edit.text(),
            self.attachments_edit.toPlainText(),
            self.text_edit.toPlainText(),
            tuple(self.recipient_codes()),
            self.signatory_combo.currentData(),
            self.executor_combo.currentData(),
        )

    def _show_content(self, card: LetterCard) -> None:
        """The card's words in the form: heading, text, closing, salutation, reply, attachments."""
        self.subject_edit.setText(card.subject)
        self.body_edit.set_body(card.body)
        self.closing_edit.setText(card.closing or "")
        self.salutation_edit.setText(card.salutation or "")
        self.reply_number_edit.setText(card.reply_to_number)
        self.reply_date_edit.setText(
            card.reply_to_date.strftime("%d.%m.%Y") if card.reply_to_date else ""
        )
        self.attachments_edit.setPlainText(
            "\n".join(line_of(a.title, a.sheets, a.copies) for a in card.attachments)
        )

    def show_card(self, card: LetterCard, unmatched: list[UnmatchedPerson] | None = None) -> None:
        """Fill the form from a card made elsewhere (a Word draft): what it has replaces what the
        form holds; registration data stay. A person the draft names who is not among the staff
        leaves that field empty and marked — never the last letter's person — until the clerk
        chooses one or adds them («Добавить в сотрудники…»)."""
        self._show_content(card)
        if card.addressee.text is not None or card.addressee.recipient or card.addressee.recipients:
            self.recipient_list.clear()
            self.text_edit.clear()
            self._fill_addressee(card.addressee, self._printed_for(card.addressee))
        missing = {person.role: person for person in unmatched or []}
        for role, combo, value in (("signatory", self.signatory_combo, card.signatory),
                                   ("executor", self.executor_combo, card.executor)):  # fmt: skip
            if value:
                combo.setCurrentIndex(max(0, combo.findData(value)))
            elif role in missing:
                combo.setCurrentIndex(0)
        self._unmatched = missing
        self._show_unmatched()

    def _refuse_unmatched(self) -> None:
        """No number while a person the draft names is neither chosen nor added."""
        for person in self._unmatched.values():
            who = "подписанта" if person.role == "signatory" else "исполнителя"
            raise FieldError(
                "signatory",
                f"Номер не выдан: выберите {who} из сотрудников или нажмите «Добавить в "
                f"сотрудники…» ({person.written})",
            )

    def _combo_of(self, role: str) -> QComboBox:
        return self.signatory_combo if role == "signatory" else self.executor_combo

    def _show_unmatched(self) -> None:
        """The draft's people not in the staff: the text beside the fields, each with «Добавить
        в сотрудники…»; their fields marked red while empty."""
        while self.unmatched_layout.count():
            item = self.unmatched_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for role in ("signatory", "executor"):
            person = self._unmatched.get(role)
            self._combo_of(role).setStyleSheet(
                f"QComboBox {{ border: 2px solid {palette.ERROR}; }}" if person else ""
            )
            if person is None:
                continue
            line = QWidget()
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            text = QLabel(person.line)
            text.setWordWrap(True)
            text.setStyleSheet(ERROR_STYLE)
            add = QPushButton("Добавить в сотрудники…")
            add.setObjectName(f"add_{role}")
            add.setToolTip("Новый сотрудник с должностью, именем и телефоном из черновика")
            add.clicked.connect(lambda _c=False, r=role: self.add_unmatched_person(r))
            row.addWidget(text, 1)
            row.addWidget(add)
            self.unmatched_layout.addWidget(line)
        self.unmatched_row.setVisible(bool(self._unmatched))

    def _person_chosen(self, role: str) -> None:
        if role in self._unmatched and self._combo_of(role).currentData() is not None:
            del self._unmatched[role]
            self._show_unmatched()

    def add_unmatched_person(self, role: str) -> None:
        """«Добавить в сотрудники…»: the person as the draft names them, saved to the staff
        and chosen in the field."""
        from app.services.registry.draft_import import staff_suggestion
        from ui.dialogs.staff_dialog import StaffDialog

        person = self._unmatched.get(role)
        if person is None:
            return
        taken = {s.code for s in list_staff(self.db)}
        dialog = StaffDialog(self.db, staff_suggestion(person, taken), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        saved = dialog.saved
        for combo in (self.signatory_combo, self.executor_combo):
            combo.addItem(staff_label(saved), saved.code)
        combo = self._combo_of(role)
        combo.setCurrentIndex(combo.findData(saved.code))

    def _printed_for(self, addressee: Addressee) -> list[PrintedAddressee]:
        code = addressee.recipient
        if not code:
            return []
        choices = [c for c in recipient_choices(self.db, code) if c.code == code]
        lines = choices[0].label.rsplit(" — ", 1)[0] if choices else code
        return [PrintedAddressee(lines, "", "")]

    # the form as a draft keeps it: everything typed or chosen, complete or not, as JSON values

    def form_state(self) -> dict[str, Any]:
        """Everything the clerk typed or chose, as JSON values."""
        return {
            "journal": self.journal_combo.currentData(),
            "date": self.date_edit.date().toString("yyyy-MM-dd"),
            "case": self.case_edit.text(),
            "mode": self.mode_combo.currentData(),
            "recipients": [
                [
                    self.recipient_list.item(i).text(),
                    self.recipient_list.item(i).data(Qt.ItemDataRole.UserRole),
                ]
                for i in range(self.recipient_list.count())
            ],
            "list": self.list_combo.currentText(),
            "text": self.text_edit.toPlainText(),
            "salutation": self.salutation_edit.text(),
            "subject": self.subject_edit.text(),
            "body": self.body_edit.body(),
            "closing": self.closing_edit.text(),
            "reply_number": self.reply_number_edit.text(),
            "reply_date": self.reply_date_edit.text(),
            "attachments": self.attachments_edit.toPlainText(),
            "signatory": self.signatory_combo.currentData(),
            "signature": self.signature_combo.currentData(),
            "executor": self.executor_combo.currentData(),
            "report": {
                "on": self.report_box.isChecked(),
                "due": self.due_edit.date().toString("yyyy-MM-dd"),
                "columns": self.columns_edit.text(),
                "rows": self.rows_spin.value(),
            },
        }

    @staticmethod
    def _kept_text(form: dict[str, Any], key: str) -> str:
        value = form.get(key, "")
        return value if isinstance(value, str) else ""

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def restore_state(self, form: dict[str, Any]) -> None:
        """Put a kept form back (values of another shape are skipped, never trusted)."""
        if self.letter_id is None:
            self._choose(self.journal_combo, form.get("journal"))
            date = QDate.fromString(self._kept_text(form, "date"), "yyyy-MM-dd")
            if date.isValid():
                self.date_edit.setDate(date)
            self.case_edit.setText(self._kept_text(form, "case"))
        self._choose(self.mode_combo, form.get("mode"))
        self.recipient_list.clear()
        for item in form.get("recipients", []):
            if isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item):
                self.recipient_list.addItem(item[0])
                self.recipient_list.item(self.recipient_list.count() - 1).setData(
                    Qt.ItemDataRole.UserRole, item[1]
                )
        self.list_combo.setCurrentText(self._kept_text(form, "list"))
        self.text_edit.setPlainText(self._kept_text(form, "text"))
        self.salutation_edit.setText(self._kept_text(form, "salutation"))
        self.subject_edit.setText(self._kept_text(form, "subject"))
        try:
            self.body_edit.set_body(self._kept_text(form, "body"))
        except UserError:
            self.body_edit.set_body("")
        self.closing_edit.setText(self._kept_text(form, "closing"))
        self.reply_number_edit.setText(self._kept_text(form, "reply_number"))
        self.reply_date_edit.setText(self._kept_text(form, "reply_date"))
        self.attachments_edit.setPlainText(self._kept_text(form, "attachments"))
        self._choose(self.signatory_combo, form.get("signatory"))
        self._choose(self.signature_combo, form.get("signature"))
        self._choose(self.executor_combo, form.get("executor"))
        report = form.get("report")
        if isinstance(report, dict):
            self.report_box.setChecked(bool(report.get("on")))
            due = QDate.fromString(str(report.get("due", "")), "yyyy-MM-dd")
            if due.isValid():
                self.due_edit.setDate(due)
            self.columns_edit.setText(str(report.get("columns", "")))
            rows = report.get("rows")
            if isinstance(rows, int):
                self.rows_spin.setValue(rows)

    def draft_summary(self) -> DraftSummary:
        addressee = (
            self.text_edit.toPlainText()
            or ", ".join(
                self.recipient_list.item(i).text() for i in range(self.recipient_list.count())
            )
            or self.list_combo.currentText()
        )
        return DraftSummary(
            self.journal_combo.currentData() or "",
            self.subject_edit.text(),
            " ".join(addressee.split()),
        )
