"""One hub for application-wide events; tabs refresh themselves when these fire."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class SignalHub(QObject):
    letters_changed = Signal()
    recipients_changed = Signal()
    profile_changed = Signal()

    def everything_changed(self) -> None:
        self.profile_changed.emit()
        self.recipients_changed.emit()
        self.letters_changed.emit()
