"""The notice at program start: reports overdue or due within three days."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class ControlNoticeBar(QFrame):
    open_requested = Signal()
    incoming_requested = Signal()  # the overdue incoming letters

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("control_notice")
        self.setStyleSheet(
            "#control_notice { background: #fdf1e7; border: 1px solid #e0a66b;"
            " border-radius: 4px; }"
        )
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Открыть «Контроль отчетов»", self)
        self.open_button.clicked.connect(self.open_requested)
        self.incoming_button = QPushButton("Открыть просроченные входящие", self)
        self.incoming_button.clicked.connect(self.incoming_requested)
        self.hide_button = QPushButton("Скрыть", self)
        self.hide_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.incoming_button)
        layout.addWidget(self.hide_button)
        self.hide()

    def show_notice(self, text: str, *, reports: bool = True, incoming: bool = False) -> None:
        """``reports``/``incoming``: which part the text speaks of, and so which button shows."""
        self.text.setText(f"<b>{text}</b>" if text else "")
        self.open_button.setVisible(reports)
        self.incoming_button.setVisible(incoming)
        self.setVisible(bool(text))
