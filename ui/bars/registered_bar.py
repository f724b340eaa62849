"""After «Зарегистрировать»: the number, large, and what a clerk does next with the letter.

A status-bar line was all a registration showed; the number is what the clerk writes on the
paper letter and says on the phone, so it stays in view until the clerk hides it or registers
the next letter, with the next steps one click away.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.services.registry.letters import RegisteredLetter
from app.support.text import date_ru
from ui import palette

OUTGOING_ACTIONS = ("preview", "print", "dispatch")


class RegisteredBar(QFrame):
    """``action_requested(kind, letter_id)``: ``card``, ``preview``, ``print``, ``dispatch`` of
    an outgoing letter; ``incoming_card`` of an incoming one (whose bar has only its card)."""

    action_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registered_bar")
        self.setStyleSheet(
            "#registered_bar { background: #e9f5ec; border: 1px solid #7cbf8c;"
            " border-radius: 4px; }"
        )
        self.letter: RegisteredLetter | None = None  # the outgoing letter shown
        self.number = ""  # the number shown, of either kind
        self._incoming_id: int | None = None
        self.text = QLabel(self)
        self.text.setStyleSheet(f"color: {palette.GOOD}; font-size: 15px;")
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        self.buttons: dict[str, QPushButton] = {}
        for kind, label in (
            ("card", "Карточка"),
            ("preview", "Просмотр"),
            ("print", "Печать…"),
            ("dispatch", "Отправка…"),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(lambda _=False, k=kind: self._request(k))
            layout.addWidget(button)
            self.buttons[kind] = button
        self.copy_button = QPushButton("Копировать номер", self)
        self.copy_button.setToolTip("Номер письма в буфер обмена")
        self.copy_button.clicked.connect(self.copy_number)
        layout.addWidget(self.copy_button)
        hide = QPushButton("Скрыть", self)
        hide.clicked.connect(self.hide)
        layout.addWidget(hide)
        self.hide()

    def show_letter(self, letter: RegisteredLetter) -> None:
        self.letter, self._incoming_id, self.number = letter, None, letter.number
        self.copy_button.setText("Копировать номер")
        self.text.setText(
            f"Зарегистрировано письмо <b>№ {letter.number}</b> от {date_ru(letter.date)}"
        )
        for kind in OUTGOING_ACTIONS:
            self.buttons[kind].show()
        self.show()

    def show_incoming(self, incoming_id: int, number: str, date: dt.date, note: str = "") -> None:
        """An incoming letter just registered: its number, and its card one click away."""
        self.letter, self._incoming_id, self.number = None, incoming_id, number
        self.copy_button.setText("Копировать номер")
        extra = f"; {html.escape(note)}" if note else ""
        self.text.setText(
            f"Зарегистрировано входящее <b>№ {html.escape(number)}</b> от {date_ru(date)}{extra}"
        )
        self.text.setWordWrap(bool(note))
        for kind in OUTGOING_ACTIONS:
            self.buttons[kind].hide()
        self.show()

    def copy_number(self) -> None:
        if self.number:
            QGuiApplication.clipboard().setText(self.number)
            self.copy_button.setText("Номер скопирован")

    def _request(self, kind: str) -> None:
        if self._incoming_id is not None:
            if kind == "card":
                self.action_requested.emit("incoming_card", self._incoming_id)
        elif self.letter is not None:
            self.action_requested.emit(kind, self.letter.id)
