"""The letter's heading: one paragraph that wraps (headings run to two lines), spell-checked;
Enter never ends it (nor registers the letter), a pasted text comes in as one line."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QWidget

from ui.widgets.spelling import SpellHighlighter, spelling_menu


class HeadingEdit(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lines = self.fontMetrics().lineSpacing()
        self.setFixedHeight(int(lines * 2 + 2 * self.frameWidth() + 10))
        self.highlighter = SpellHighlighter(self.document())

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(" ".join(text.split()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # one paragraph; Ctrl+Enter is the dialog's shortcut
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self.insertPlainText(" ".join(source.text().split()))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        spelling_menu(self, event, self.highlighter).exec(event.globalPos())
