"""The four ways a registered letter leaves the program, shared by the registry and the card."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.services.output.letter_export import copy_count, preview_pdf
from app.services.registry.letter_cards import letter_card
from app.support.errors import UserError
from db.engine import Database
from ui.background import message_of


def run_letter_output(db: Database, kind: str, letter_id: int, parent: QWidget) -> None:
    from ui.dialogs.mailing_dialog import MailingDialog
    from ui.dialogs.preview_dialog import PreviewDialog, print_letter, save_letter_as

    try:
        number = letter_card(db, letter_id).registration.number
        if kind == "preview":
            PreviewDialog(db, letter_id, number, parent).exec()
        elif kind == "print":
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                data = preview_pdf(db, letter_id)
            finally:
                QApplication.restoreOverrideCursor()
            print_letter(data, parent)
        elif kind == "save":
            save_letter_as(db, letter_id, number, parent)
        elif kind == "mailing":
            count = copy_count(db, letter_id)
            if not count:
                raise UserError(
                    f"У письма № {number} нет адресатов из справочника: "
                    "персональные копии делать не для кого"
                )
            MailingDialog(db, letter_id, number, count, parent).exec()
    except UserError as exc:
        QMessageBox.warning(parent, "Письмо", message_of(exc))
