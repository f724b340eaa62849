"""A line edit that offers the directory's recipients as the clerk types: the addressee of a
letter, the sender of an incoming one."""

from __future__ import annotations

from PySide6.QtCore import QObject, QStringListModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from app.services.directory.recipients import recipient_choices
from db.engine import Database

MIN_CHARS = 2  # fewer letters typed offer nothing


class RecipientPicker(QObject):
    """The directory's search chooses the lines (word forms: «Шапша» finds «…Шапше»); the
    completer shows them all instead of filtering again by the letters typed. ``choices``:
    label → code of the lines offered now."""

    def __init__(self, db: Database, edit: QLineEdit) -> None:
        super().__init__(edit)
        self.db = db
        self.edit = edit
        self.choices: dict[str, str] = {}
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        edit.setCompleter(self.completer)
        edit.textEdited.connect(self.search)

    def search(self, text: str) -> None:
        found = recipient_choices(self.db, text) if len(text.strip()) >= MIN_CHARS else []
        self.choices = {c.label: c.code for c in found}
        self._model.setStringList(list(self.choices))
        popup = self.completer.popup()
        if found:
            self.completer.complete()
        elif popup is not None:
            popup.hide()
