"""Shown on an empty database: the two ways to a working program within a minute."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class WelcomeBanner(QFrame):
    fill_requested = Signal()
    demo_requested = Signal()
    setup_file_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome_banner")
        self.setStyleSheet(
            "#welcome_banner { background: #eef4fb; border: 1px solid #9bb8d9;"
            " border-radius: 4px; }"
        )
        text = QLabel(
            "<b>База данных пуста.</b> Заполните сведения об организации, сотрудниках и журналах "
            "регистрации, загрузите их из файла настройки или посмотрите программу на "
            "демонстрационных данных."
        )
        text.setWordWrap(True)
        self.fill_button = QPushButton("Заполнить сведения об организации…")
        self.setup_button = QPushButton("Загрузить файл настройки…")
        self.demo_button = QPushButton("Загрузить демонстрационные данные")
        self.fill_button.clicked.connect(self.fill_requested)
        self.setup_button.clicked.connect(self.setup_file_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        layout = QHBoxLayout(self)
        layout.addWidget(text, 1)
        layout.addWidget(self.fill_button)
        layout.addWidget(self.setup_button)
        layout.addWidget(self.demo_button)
