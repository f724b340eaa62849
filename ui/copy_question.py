"""The question asked when the window opens a file copy of another registry (one identity for two
files): a registry of its own, or the same one moved here (app/services/safety/identity.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.safety.identity import CopyOf, confirm_moved, copy_of, renew_identity
from db.engine import Database

NEW, MOVED, LATER = "new", "moved", "later"


def copy_box(parent: QWidget | None, copy: CopyOf, title: str) -> QMessageBox:
    """The question, its buttons named «new», «moved», «later» (object names)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        f"База {copy.here} — копия реестра {copy.home}: у них одна идентичность, и резервные "
        "копии одной базы сошли бы за копии другой.\n\n"
        "Это отдельный реестр или тот же, перенесенный сюда?\n"
        "Пока это не решено, резервные копии этой базы не создаются.",
        parent=parent,
    )
    box.setObjectName("copyQuestion")
    new = box.addButton("&Отдельный реестр", QMessageBox.ButtonRole.AcceptRole)
    moved = box.addButton("&Тот же, перенесен сюда", QMessageBox.ButtonRole.ActionRole)
    later = box.addButton("Решить &позже", QMessageBox.ButtonRole.RejectRole)
    for button, name in ((new, NEW), (moved, MOVED), (later, LATER)):
        button.setObjectName(name)
    box.setDefaultButton(new)
    box.setEscapeButton(later)
    return box


def ask_about_copy(parent: QWidget | None, copy: CopyOf, title: str) -> str:
    box = copy_box(parent, copy, title)
    box.exec()
    clicked = box.clickedButton()
    return clicked.objectName() if clicked is not None else LATER


def settle_copy(parent: QWidget | None, db: Database, title: str) -> str:
    """Ask when the open database is an undecided copy, and do what the clerk chose."""
    copy = copy_of(db)
    if copy is None:
        return ""
    answer = ask_about_copy(parent, copy, title)
    if answer == NEW:
        renew_identity(db)
    elif answer == MOVED:
        confirm_moved(db)
    return answer
