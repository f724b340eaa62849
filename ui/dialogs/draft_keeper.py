"""The letter dialog's draft: the form kept in the database as the clerk types (every few
seconds and on close), given back when the draft is opened again."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QLabel,
)

from app.services.registry.drafts import DraftSummary, discard_draft, save_draft
from app.support.errors import UserError
from db.engine import Database


class KeptForm(Protocol):
    """What a draft keeps of the letter dialog: its form as JSON values (the mapping,
    ui.dialogs.letter_mapping.LetterMapping, knows the fields) and where to say how it went."""

    db: Database
    letter_id: int | None

    @property
    def result_letter(self) -> object | None: ...

    _opened_as: tuple[object, ...]
    form_error: QLabel
    draft_label: QLabel

    def _snapshot(self) -> tuple[object, ...]: ...
    def form_state(self) -> dict[str, Any]: ...
    def restore_state(self, form: dict[str, Any]) -> None: ...
    def draft_summary(self) -> DraftSummary: ...


AUTOSAVE_MS = 5_000


class DraftKeeper(QObject):
    """Saves the dialog's form as a draft when it changed; removes it when the letter is done."""

    def __init__(self, dialog: KeptForm, draft_id: int | None = None) -> None:
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
                d.form_state(),
                d.draft_summary(),
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
                    self.dialog.draft_summary(),
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
