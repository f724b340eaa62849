"""Distribution lists: members in order (drag or Ctrl+↑/↓ to reorder), a delivery method per
member, and «Написать письмо по списку»."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.directory.distribution_lists import (
    delete_list,
    list_lists,
    list_members,
    rename_list,
    set_members,
)
from app.services.directory.recipients import DELIVERY_METHODS, get_recipient
from app.support.errors import UserError
from db.engine import Database
from ui.keyboard import label_for
from ui.read_only import writes

TITLE = "Списки рассылки"
_ID = Qt.ItemDataRole.UserRole
_DELIVERY = Qt.ItemDataRole.UserRole + 1
_LABEL = Qt.ItemDataRole.UserRole + 2
_DEFAULT = Qt.ItemDataRole.UserRole + 3


class ListsPanel(QWidget):
    changed = Signal()
    write_letter_requested = Signal(str)  # list name

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.current_recipient: int | None = None
        self._dirty = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.list_combo = QComboBox()
        self.list_combo.setAccessibleName("Список рассылки")
        self.list_combo.setObjectName("list_combo")
        self.list_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.list_combo.setMinimumContentsLength(24)
        self.list_combo.currentIndexChanged.connect(self._load_members)
        new = QPushButton("Новый…")
        new.clicked.connect(self.new_list)
        rename = QPushButton("Переименовать…")
        rename.clicked.connect(self.rename_list)
        remove = QPushButton("Удалить список")
        remove.clicked.connect(self.delete_list)
        top.addWidget(self.list_combo, 1)
        for button in (new, rename, remove):
            top.addWidget(button)
        writes(new, rename, remove)
        layout.addLayout(top)
        self.heading_edit = QLineEdit()
        self.heading_edit.setPlaceholderText("Как печатать в письме (по умолчанию — название)")
        self.heading_edit.textEdited.connect(self._touch)
        self.heading_edit.setAccessibleName("Адресат в письме")
        heading = QHBoxLayout()
        heading.addWidget(QLabel("Адресат в письме:"))
        heading.addWidget(self.heading_edit, 1)
        layout.addLayout(heading)
        self.members = QListWidget()
        self.members.setObjectName("list_members")
        self.members.setAccessibleName("Адресаты списка")
        self.members.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.members.model().rowsMoved.connect(self._renumber)
        self.members.currentItemChanged.connect(self._show_delivery)
        layout.addWidget(self.members, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Добавить выбранного адресата")
        self.add_button.clicked.connect(self.add_current)
        remove_member = QPushButton("Исключить")
        remove_member.clicked.connect(self.remove_selected)
        up, down = QPushButton("↑"), QPushButton("↓")
        up.setToolTip("Выше (Ctrl+↑)")
        down.setToolTip("Ниже (Ctrl+↓)")
        up.clicked.connect(lambda: self.move_member(-1))
        down.clicked.connect(lambda: self.move_member(1))
        QShortcut(QKeySequence("Ctrl+Up"), self.members, lambda: self.move_member(-1))
        QShortcut(QKeySequence("Ctrl+Down"), self.members, lambda: self.move_member(1))
        QShortcut(QKeySequence.StandardKey.Delete, self.members, self.remove_selected)
        for widget in (self.add_button, remove_member, up, down):
            row.addWidget(widget)
        writes(self.add_button, remove_member, up, down)
        layout.addLayout(row)
        delivery = QHBoxLayout()
        self.delivery_combo = QComboBox()
        delivery.addWidget(label_for("Способ доставки участника:", self.delivery_combo))
        self.delivery_combo.addItem("как у адресата", "")
        for method in DELIVERY_METHODS:
            self.delivery_combo.addItem(method, method)
        self.delivery_combo.activated.connect(self._set_delivery)
        delivery.addWidget(self.delivery_combo, 1)
        layout.addLayout(delivery)
        bottom = QHBoxLayout()
        self.status = QLabel()
        self.save_button = QPushButton("Сохранить список")
        self.save_button.clicked.connect(self.save)
        self.letter_button = QPushButton("Написать письмо по списку")
        self.letter_button.clicked.connect(self._write_letter)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.letter_button)
        writes(self.save_button, self.letter_button)
        layout.addLayout(bottom)
        self.reload()

    # --- lists ----------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        current = select or self.list_combo.currentText()
        self.list_combo.blockSignals(True)
        self.list_combo.clear()
        for item in list_lists(self.db):
            self.list_combo.addItem(item.name, item.heading)
        self.list_combo.setCurrentIndex(max(0, self.list_combo.findText(current)))
        self.list_combo.blockSignals(False)
        self._load_members()

    def name(self) -> str:
        return self.list_combo.currentText()

    def _load_members(self) -> None:
        self.members.clear()
        name = self.name()
        self.heading_edit.setText(str(self.list_combo.currentData() or ""))
        self.heading_edit.setCursorPosition(0)
        if name:
            for m in list_members(self.db, name):
                self._append(m.recipient_id, m.addressee, m.delivery, m.recipient_delivery)
        self._renumber()
        self._set_dirty(False)

    def _append(self, recipient_id: int, label: str, delivery: str, default: str) -> None:
        item = QListWidgetItem()
        item.setData(_ID, recipient_id)
        item.setData(_DELIVERY, delivery)
        item.setData(_LABEL, label)
        item.setData(_DEFAULT, default)
        self.members.addItem(item)

    def _renumber(self, *_args: object) -> None:
        for row in range(self.members.count()):
            item = self.members.item(row)
            delivery = item.data(_DELIVERY) or item.data(_DEFAULT) or "—"
            own = "" if item.data(_DELIVERY) else " (как у адресата)"
            item.setText(f"{row + 1}. {item.data(_LABEL)} — {delivery}{own}")
        enabled = bool(self.name())
        self.letter_button.setEnabled(enabled and self.members.count() > 0)
        self.save_button.setEnabled(enabled)
        if _args:
            self._touch()

    def _touch(self) -> None:
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        count = self.members.count()
        self.status.setText(f"Участников: {count}" + (" — не сохранено" if dirty else ""))

    # --- members --------------------------------------------------------------------------

    def set_current_recipient(self, recipient_id: int | None) -> None:
        self.current_recipient = recipient_id
        self.add_button.setEnabled(recipient_id is not None and bool(self.name()))

    def add_current(self) -> None:
        if self.current_recipient is None or not self.name():
            return
        ids = {self.members.item(r).data(_ID) for r in range(self.members.count())}
        if self.current_recipient in ids:
            self.status.setText("Этот адресат уже в списке")
            return
        detail = get_recipient(self.db, self.current_recipient)
        label = (detail.data.addressee_lines or detail.data.organization).replace("\n", " ")
        self._append(detail.id, label, "", detail.data.delivery)
        self._renumber(True)

    def remove_selected(self) -> None:
        for item in self.members.selectedItems():
            self.members.takeItem(self.members.row(item))
        self._renumber(True)

    def move_member(self, step: int) -> None:
        row = self.members.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.members.count():
            return
        item = self.members.takeItem(row)
        self.members.insertItem(target, item)
        self.members.setCurrentRow(target)
        self._renumber(True)

    def _show_delivery(self, item: QListWidgetItem | None) -> None:
        value = item.data(_DELIVERY) if item else ""
        self.delivery_combo.setCurrentIndex(max(0, self.delivery_combo.findData(value)))

    def _set_delivery(self) -> None:
        value = str(self.delivery_combo.currentData() or "")
        for item in self.members.selectedItems():
            item.setData(_DELIVERY, value)
        self._renumber(True)

    def member_ids(self) -> list[tuple[int, str]]:
        return [
            (int(self.members.item(r).data(_ID)), str(self.members.item(r).data(_DELIVERY) or ""))
            for r in range(self.members.count())
        ]

    def save(self) -> bool:
        if not self.name():
            return False
        name, members, heading = self.name(), self.member_ids(), self.heading_edit.text()
        return self._apply(lambda: set_members(self.db, name, members, heading=heading), name)

    def _apply(self, change: Callable[[], object], select: str) -> bool:
        """Run a change of the lists; show its refusal, or reload showing ``select``."""
        try:
            change()
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return False
        self.reload(select)
        self.changed.emit()
        return True

    def _write_letter(self) -> None:
        if self._dirty and not self.save():
            return
        self.write_letter_requested.emit(self.name())

    # --- list operations ------------------------------------------------------------------

    def new_list(self) -> None:
        name, ok = QInputDialog.getText(self, TITLE, "Название нового списка:")
        if not ok or not name.strip():
            return
        self._apply(lambda: set_members(self.db, name, [], heading=name), name.strip())

    def rename_list(self) -> None:
        old = self.name()
        if not old:
            return
        new, ok = QInputDialog.getText(self, TITLE, "Новое название списка:", text=old)
        if not ok:
            return
        heading = self.heading_edit.text() if self.heading_edit.text() != old else new
        self._apply(lambda: rename_list(self.db, old, new, heading), new.strip())

    def delete_list(self) -> None:
        name = self.name()
        if not name:
            return
        answer = QMessageBox.question(
            self, TITLE, f"Удалить список «{name}»? Адресаты останутся в справочнике."
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        delete_list(self.db, name)
        self.reload()
        self.changed.emit()
