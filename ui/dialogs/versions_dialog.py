"""«Прежние редакции»: what a letter said before it was changed after it was sent."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.rules.letter_body import plain_text
from app.services.registry.letters import EarlierVersion, letter_versions
from db.engine import Database
from ui.fit import open_sized


def version_text(version: EarlierVersion) -> str:
    """The earlier content, as a clerk reads it."""
    c = version.content
    lines = [
        f"Изменено: {version.saved_at:%d.%m.%Y %H:%M}, {version.saved_by}",
        f"Причина: {version.reason}",
        "",
        f"Адресат: {c.get('addressee', '')}",
        f"Заголовок: {c.get('subject', '')}",
    ]
    if c.get("salutation"):
        lines.append(f"Обращение: {c['salutation']}")
    lines += ["", plain_text(c.get("body", "")) or "(без текста)"]
    if c.get("closing"):
        lines += ["", c["closing"]]
    for item in c.get("attachments", []):
        lines.append(f"Приложение: {item.get('title', '')} на {item.get('sheets', 1)} л.")
    if c.get("signatory"):
        lines.append(f"Подписант: {c['signatory']}")
    return "\n".join(lines)


class VersionsDialog(QDialog):
    def __init__(
        self, db: Database, letter_id: int, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Прежние редакции письма № {number}")
        open_sized(self, "versions", QSize(820, 520))
        self.versions = letter_versions(db, letter_id)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setMaximumWidth(260)
        self.list.setAccessibleName("Редакции письма")
        for v in self.versions:
            self.list.addItem(f"{v.saved_at:%d.%m.%Y %H:%M} — {v.reason[:30]}")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab moves on, as in every field
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Текст редакции")
        row.addWidget(self.list)
        row.addWidget(self.text, 1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        if self.versions:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.versions):
            self.text.setPlainText(version_text(self.versions[row]))
