"""The notice at program start: reports overdue or due within three days."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class ControlNoticeBar(QFrame):
    """One notice at start for everything with a term: our overdue tasks, the reports owed to
    us, what comes due soon; its button opens «Контроль исполнения» on what is overdue."""

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("control_notice")
        self.setStyleSheet(
            "#control_notice { background: #fdf1e7; border: 1px solid #e0a66b;"
            " border-radius: 4px; }"
        )
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Открыть «Контроль исполнения»", self)
        self.open_button.clicked.connect(self.open_requested)
        self.hide_button = QPushButton("Скрыть", self)
        self.hide_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.hide_button)
        self.hide()

    def show_notice(self, text: str) -> None:
        self.text.setText(f"<b>{text}</b>" if text else "")
        self.setVisible(bool(text))
