"""Choosing a case of the nomenclature: the index typed with its cases offered as «индекс —
заголовок» (the letter form), or a list to choose from (filing a letter)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.services.cases.filing import open_indexes
from db.engine import Database

INDEX_ROLE = Qt.ItemDataRole.UserRole + 1


def case_completer(db: Database, year: int, parent: QWidget) -> QCompleter:
    """Completion of a case index from the year's open cases; the popup shows each title,
    choosing one puts the index alone into the field."""
    model = QStandardItemModel(parent)
    for index, title in open_indexes(db, year):
        row = QStandardItem(f"{index} — {title}")
        row.setData(index, INDEX_ROLE)
        model.appendRow(row)
    completer = QCompleter(model, parent)
    completer.setCompletionRole(INDEX_ROLE)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return completer


def case_combo(db: Database, year: int, proposed: str = "") -> QComboBox:
    """The year's open cases to choose from, «(не подшивать)» first; ``proposed`` chosen."""
    box = QComboBox()
    box.setAccessibleName("Дело номенклатуры")
    fill_cases(box, db, year, proposed)
    return box


def fill_cases(box: QComboBox, db: Database, year: int, chosen: str = "") -> None:
    """The box's choices made the cases of ``year``; ``chosen`` kept when that year has it."""
    box.clear()
    box.addItem("(не подшивать)", "")
    for index, title in open_indexes(db, year):
        box.addItem(f"{index} — {title}", index)
    box.setCurrentIndex(max(0, box.findData(chosen)))
