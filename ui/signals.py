"""One hub for application-wide events; tabs refresh themselves when these fire."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.rules.changes import Changed


class SignalHub(QObject):
    letters_changed = Signal()
    recipients_changed = Signal()
    profile_changed = Signal()

    def announce(self, changed: Changed) -> None:
        """The views of what ``changed`` refresh: the one place a write becomes signals."""
        if Changed.PROFILE in changed:
            self.profile_changed.emit()
        if Changed.RECIPIENTS in changed:
            self.recipients_changed.emit()
        if Changed.LETTERS in changed:
            self.letters_changed.emit()

    def everything_changed(self) -> None:
        self.announce(Changed.EVERYTHING)
