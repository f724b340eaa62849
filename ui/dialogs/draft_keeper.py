"""The letter dialog's draft: the form kept in the database as the clerk types (every few
seconds and on close), given back when the draft is opened again."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, Protocol

from PySide6.QtCore import QDate, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
)

from app.services.registry.drafts import DraftSummary, discard_draft, save_draft
from app.support.errors import UserError
from db.engine import Database
from ui.widgets.attachments_edit import AttachmentsEdit
from ui.widgets.body_editor import BodyEditor
from ui.widgets.heading_edit import HeadingEdit


class LetterForm(Protocol):
    """What of the letter dialog a draft keeps (ui.dialogs.letter_form.LetterForm)."""

    db: Database
    letter_id: int | None

    @property
    def result_letter(self) -> object | None: ...

    _opened_as: tuple[object, ...]
    form_error: QLabel
    draft_label: QLabel
    journal_combo: QComboBox
    date_edit: QDateEdit
    case_edit: QLineEdit
    mode_combo: QComboBox
    recipient_list: QListWidget
    list_combo: QComboBox
    text_edit: QPlainTextEdit
    salutation_edit: QLineEdit
    subject_edit: HeadingEdit
    body_edit: BodyEditor
    closing_edit: QLineEdit
    reply_number_edit: QLineEdit
    reply_date_edit: QLineEdit
    attachments_edit: AttachmentsEdit
    signatory_combo: QComboBox
    signature_combo: QComboBox
    executor_combo: QComboBox
    report_box: QGroupBox
    due_edit: QDateEdit
    columns_edit: QLineEdit
    rows_spin: QSpinBox

    def _snapshot(self) -> tuple[object, ...]: ...


AUTOSAVE_MS = 5_000


def form_state(d: LetterForm) -> dict[str, Any]:
    """Everything the clerk typed or chose, as JSON values."""
    return {
        "journal": d.journal_combo.currentData(),
        "date": d.date_edit.date().toString("yyyy-MM-dd"),
        "case": d.case_edit.text(),
        "mode": d.mode_combo.currentData(),
        "recipients": [
            [
                d.recipient_list.item(i).text(),
                d.recipient_list.item(i).data(Qt.ItemDataRole.UserRole),
            ]
            for i in range(d.recipient_list.count())
        ],
        "list": d.list_combo.currentText(),
        "text": d.text_edit.toPlainText(),
        "salutation": d.salutation_edit.text(),
        "subject": d.subject_edit.text(),
        "body": d.body_edit.body(),
        "closing": d.closing_edit.text(),
        "reply_number": d.reply_number_edit.text(),
        "reply_date": d.reply_date_edit.text(),
        "attachments": d.attachments_edit.toPlainText(),
        "signatory": d.signatory_combo.currentData(),
        "signature": d.signature_combo.currentData(),
        "executor": d.executor_combo.currentData(),
        "report": {
            "on": d.report_box.isChecked(),
            "due": d.due_edit.date().toString("yyyy-MM-dd"),
            "columns": d.columns_edit.text(),
            "rows": d.rows_spin.value(),
        },
    }


def _text(form: dict[str, Any], key: str) -> str:
    value = form.get(key, "")
    return value if isinstance(value, str) else ""


def _choose(combo: Any, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def restore_form(d: LetterForm, form: dict[str, Any]) -> None:
    """Put a kept form back (values of another shape are skipped, never trusted)."""
    if d.letter_id is None:
        _choose(d.journal_combo, form.get("journal"))
        date = QDate.fromString(_text(form, "date"), "yyyy-MM-dd")
        if date.isValid():
            d.date_edit.setDate(date)
        d.case_edit.setText(_text(form, "case"))
    _choose(d.mode_combo, form.get("mode"))
    d.recipient_list.clear()
    for item in form.get("recipients", []):
        if isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item):
            d.recipient_list.addItem(item[0])
            d.recipient_list.item(d.recipient_list.count() - 1).setData(
                Qt.ItemDataRole.UserRole, item[1]
            )
    d.list_combo.setCurrentText(_text(form, "list"))
    d.text_edit.setPlainText(_text(form, "text"))
    d.salutation_edit.setText(_text(form, "salutation"))
    d.subject_edit.setText(_text(form, "subject"))
    try:
        d.body_edit.set_body(_text(form, "body"))
    except UserError:
        d.body_edit.set_body("")
    d.closing_edit.setText(_text(form, "closing"))
    d.reply_number_edit.setText(_text(form, "reply_number"))
    d.reply_date_edit.setText(_text(form, "reply_date"))
    d.attachments_edit.setPlainText(_text(form, "attachments"))
    _choose(d.signatory_combo, form.get("signatory"))
    _choose(d.signature_combo, form.get("signature"))
    _choose(d.executor_combo, form.get("executor"))
    report = form.get("report")
    if isinstance(report, dict):
        d.report_box.setChecked(bool(report.get("on")))
        due = QDate.fromString(str(report.get("due", "")), "yyyy-MM-dd")
        if due.isValid():
            d.due_edit.setDate(due)
        d.columns_edit.setText(str(report.get("columns", "")))
        rows = report.get("rows")
        if isinstance(rows, int):
            d.rows_spin.setValue(rows)


def summary_of(d: LetterForm) -> DraftSummary:
    addressee = (
        d.text_edit.toPlainText()
        or ", ".join(d.recipient_list.item(i).text() for i in range(d.recipient_list.count()))
        or d.list_combo.currentText()
    )
    return DraftSummary(
        d.journal_combo.currentData() or "",
        d.subject_edit.text(),
        " ".join(addressee.split()),
    )


class DraftKeeper(QObject):
    """Saves the dialog's form as a draft when it changed; removes it when the letter is done."""

    def __init__(self, dialog: LetterForm, draft_id: int | None = None) -> None:
        super().__init__(dialog if isinstance(dialog, QObject) else None)
        self.dialog = dialog
        self.draft_id = draft_id
        self.saved_as: tuple[object, ...] | None = None  # the snapshot last kept
        self.opened_form: dict[str, Any] | None = None  # a draft opened again, as it was
        self.opened_as: tuple[object, ...] | None = None  # and its snapshot
        self.saved_at: dt.datetime | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        if not dialog.db.read_only:
            self.timer.start()

    def changed(self) -> bool:
        """The form differs from the letter (or the draft) as it was opened."""
        return self.dialog._snapshot() != (self.opened_as or self.dialog._opened_as)

    def autosave(self) -> None:
        fresh = self.dialog._snapshot() != self.saved_as
        if self.dialog.result_letter is None and self.changed() and fresh:
            self.save(kept=False)

    def close_unchanged(self) -> None:
        """Closed as opened: a draft opened again stays kept; one the autosave made goes."""
        if self.opened_form is not None:
            if self.draft_id is not None and self.saved_as != self.opened_as:
                self.drop_changes()  # typed and undone: the draft as it was
        else:
            self.discard()

    def save(self, *, kept: bool) -> bool:
        """Keep the form now; False (and a note in the dialog) when it cannot be written."""
        d = self.dialog
        try:
            self.draft_id = save_draft(
                d.db,
                form_state(d),
                summary_of(d),
                draft_id=self.draft_id,
                letter_id=d.letter_id,
                kept=kept,
            )
        except UserError as exc:
            d.form_error.setText(f"Черновик не сохранен: {exc}")
            d.form_error.show()
            return False
        self.saved_as = d._snapshot()
        self.saved_at = dt.datetime.now()
        d.draft_label.setText(f"Черновик сохранен в {self.saved_at:%H:%M:%S}")
        return True

    def drop_changes(self) -> None:
        """«Не сохранять»: a draft opened again goes back to what it was; a new one goes."""
        if self.opened_form is not None and self.draft_id is not None:
            self.timer.stop()
            with contextlib.suppress(UserError):
                save_draft(
                    self.dialog.db,
                    self.opened_form,
                    summary_of(self.dialog),
                    draft_id=self.draft_id,
                    letter_id=self.dialog.letter_id,
                    kept=True,
                )
            return
        self.discard()

    def discard(self) -> None:
        self.timer.stop()
        if self.draft_id is not None:
            with contextlib.suppress(UserError):  # a read-only database: nothing to remove there
                discard_draft(self.dialog.db, self.draft_id)
            self.draft_id = None
