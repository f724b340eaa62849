"""Recipients entered twice (same organization and person): choose the one to keep and merge;
letters and list memberships move to it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.directory.recipients import find_duplicates, merge_recipients
from app.support.errors import UserError
from db.engine import Database
from ui.fit import open_sized

TITLE = "Повторяющиеся адресаты"


class DuplicatesDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.merged = 0
        self.setWindowTitle(TITLE)
        open_sized(self, "duplicates", QSize(760, 480))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Выберите в группе адресата, которого оставить, и нажмите «Объединить»: "
                "письма и списки рассылки перейдут к нему.",
                wordWrap=True,
            )
        )
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Похожие карточки адресатов")
        self.tree.setObjectName("duplicates")
        self.tree.setHeaderLabels(["Адресат", "Код"])
        self.tree.setColumnWidth(0, 560)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.merge_button = buttons.addButton("Объединить", QDialogButtonBox.ButtonRole.ActionRole)
        self.merge_button.clicked.connect(self.merge_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self.tree.clear()
        groups = find_duplicates(self.db)
        for group in groups:
            parent = QTreeWidgetItem([group.label, f"{len(group.ids)} записи"])
            for rid, code in zip(group.ids, group.codes, strict=True):
                child = QTreeWidgetItem([group.label, code])
                child.setData(0, Qt.ItemDataRole.UserRole, rid)
                parent.addChild(child)
            self.tree.addTopLevelItem(parent)
            parent.setExpanded(True)
        top = self.tree.topLevelItem(0)
        first = top.child(0) if top is not None else None
        if first is not None:
            self.tree.setCurrentItem(first)
        self.merge_button.setEnabled(bool(groups))
        self.setWindowTitle(f"{TITLE}: групп {len(groups)}" if groups else f"{TITLE}: нет")

    def merge_selected(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.parent() is None:
            item = item.child(0)
        group = item.parent() if item is not None else None
        if item is None or group is None:
            return
        children = [group.child(i) for i in range(group.childCount())]
        keep = int(item.data(0, Qt.ItemDataRole.UserRole))
        others = [
            int(child.data(0, Qt.ItemDataRole.UserRole))
            for child in children
            if child is not None and child is not item
        ]
        try:
            merge_recipients(self.db, keep, others)
        except UserError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.merged += 1
        self.reload()
