"""«Адресаты»: officials and organizations of the directory."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app.services.recipients import count_recipients, list_recipients
from db.engine import Database
from ui.table_model import Column
from ui.tabs.list_tab import ListTab


class RecipientsTab(ListTab):
    search_placeholder = "Поиск по организации, должности, фамилии, коду, эл. почте"
    count_text = "Адресатов: {count}"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        super().__init__(parent)
        self.set_column_widths([120, 380, 260, 300, 240, 130, 200])

    def columns(self) -> list[Column]:
        return [
            Column("Код", lambda r: r.code),
            Column("Организация", lambda r: r.organization),
            Column("Должностное лицо", lambda r: r.official),
            Column("Адресат (как печатается)", lambda r: r.addressee_lines.replace("\n", " / ")),
            Column("Обращение", lambda r: r.salutation),
            Column("Способ доставки", lambda r: r.delivery),
            Column("Эл. почта", lambda r: r.email),
            Column("Списки рассылки", lambda r: r.lists),
        ]

    def fetch(self, query: Any, offset: int, limit: int) -> list[Any]:
        search = str(query or "")
        return list_recipients(self.db, search, offset=offset, limit=limit)

    def count(self, query: Any) -> int:
        return count_recipients(self.db, str(query or ""))
