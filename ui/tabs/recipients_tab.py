"""«Адресаты»: the directory on the left; the card of the selected recipient (with the live
preview of what a letter prints) and the distribution lists on the right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.directory.recipient_io import export_recipients
from app.services.directory.recipients import (
    RECIPIENT_COUNT_CAP,
    RecipientRow,
    count_recipients,
    deactivate_recipient,
    initials_first,
    list_recipients,
    search_recipients,
)
from app.support.errors import UserError
from db.engine import Database
from ui.dialogs.duplicates_dialog import DuplicatesDialog
from ui.dialogs.import_dialog import ImportDialog
from ui.file_dialogs import announce_saved, save_file
from ui.fit import keep_splitter, scrolling
from ui.read_only import writes
from ui.tabs.list_tab import ListTab
from ui.widgets.lists_panel import ListsPanel
from ui.widgets.recipient_editor import RecipientEditor
from ui.widgets.table_model import Column

TITLE = "Адресаты"


class RecipientsTab(ListTab):
    rows_name = "Адресаты"
    search_placeholder = "Поиск по организации, должности, фамилии, коду, эл. почте"
    search_tooltip = (
        "Слова ищутся в любой форме: «Шапша» найдет и «Шапше», «калужская» — «Калужской»;\n"
        "последнее слово можно не дописывать: «губерн» найдет «Губернатору»."
    )
    count_text = "Адресатов: {count}"
    count_cap = RECIPIENT_COUNT_CAP
    changed = Signal()
    letter_to_recipient_requested = Signal(str)  # code
    letter_to_list_requested = Signal(str)  # list name

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        super().__init__(parent)
        self.set_column_widths([110, 300, 260, 300, 100])
        for hidden in (4, 6, 7):  # salutation, e-mail, lists: in the card
            self.table.setColumnHidden(hidden, True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.editor.organization_edit.setFocus())
        self.editor.saved.connect(self._saved)
        self.editor.write_letter_requested.connect(self.letter_to_recipient_requested)
        self.lists.changed.connect(self.changed)
        self.lists.write_letter_requested.connect(self.letter_to_list_requested)
        self.refreshed.connect(self._after_refresh)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.new_recipient)

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
        return list_recipients(self.db, str(query or ""), offset=offset, limit=limit)

    def count(self, query: Any) -> int:
        return count_recipients(self.db, str(query or ""), cap=self.count_cap)

    def first_page(self, query: Any, limit: int) -> tuple[list[Any], int]:
        return search_recipients(self.db, str(query or ""), limit=limit)

    def _build_layout(self) -> None:
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.search_edit, 1)
        toolbar.addWidget(self.count_label)
        for text, slot, tip in (
            ("Новый адресат", self.new_recipient, "Ctrl+Shift+N"),
            ("Удалить", self.delete_selected, "Убрать из справочника и списков"),
            ("Загрузить…", self.import_file, "Из CSV или XLSX, с предварительным просмотром"),
            ("Выгрузить…", self.export_file, "В CSV или XLSX с теми же столбцами"),
            ("Повторы…", self.find_duplicates, "Одинаковые организация и должностное лицо"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            if text != "Выгрузить…":
                writes(button)
            button.clicked.connect(slot)
            toolbar.addWidget(button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table)
        self.editor = RecipientEditor(self.db)
        self.lists = ListsPanel(self.db)
        self.side = QTabWidget()
        # the card scrolls where the window is lower than the card (1366×768)
        self.editor_page = scrolling(self.editor, stretch_last=True)
        self.side.addTab(self.editor_page, "Карточка")
        self.side.addTab(self.lists, "Списки рассылки")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([700, 560])
        keep_splitter(self.splitter, "recipients")
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.splitter, 1)

    # --- selection and editing ------------------------------------------------------------

    def selected_row(self) -> RecipientRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _row_changed(self) -> None:
        row = self.selected_row()
        self.lists.set_current_recipient(row.id if row else None)
        if row is not None:
            self.editor.load(row.id)

    def reload_profile(self) -> None:
        """The order of initials the preview uses follows the organization's profile."""
        self.editor.initials_first = initials_first(self.db)
        self.editor.update_preview()

    def _after_refresh(self) -> None:
        row = self.selected_row()
        self.lists.set_current_recipient(row.id if row else None)

    def new_recipient(self) -> None:
        self.table.clearSelection()
        self.side.setCurrentWidget(self.editor_page)
        self.editor.clear()
        self.editor.organization_edit.setFocus()

    def _saved(self, _recipient_id: int) -> None:
        name = self.editor.code or self.editor.organization_edit.text().strip()
        self.window().statusBar().showMessage(  # type: ignore[attr-defined]
            f"Адресат «{name}» сохранен", 10_000
        )
        self.refresh()
        self.lists.reload()
        self.changed.emit()

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Удалить адресата «{row.addressee_lines.replace(chr(10), ' ')}» из справочника и "
            "списков рассылки? Зарегистрированные письма сохранят его как напечатано.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            deactivate_recipient(self.db, row.id)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.editor.clear()
        self._saved(row.id)

    # --- files ----------------------------------------------------------------------------

    def import_file(self, path: Path | None = None) -> None:
        result = ImportDialog.run(self.db, self, path if isinstance(path, Path) else None)
        if result is None:
            return
        self._saved(0)
        self.window().statusBar().showMessage(  # type: ignore[attr-defined]
            f"Адресаты загружены: {result.summary}", 15_000
        )

    def export_file(self) -> None:
        chosen = save_file(
            self, "recipients", TITLE, "Адресаты.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
        )
        if chosen is None:
            return
        try:
            count = export_recipients(self.db, chosen[0])
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        announce_saved(chosen[0], f"Выгружено адресатов: {count}")

    def find_duplicates(self) -> None:
        dialog = DuplicatesDialog(self.db, self)
        dialog.exec()
        if dialog.merged:
            self._saved(0)
