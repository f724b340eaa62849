"""«В дело…»: a letter of either kind filed to a case of the nomenclature (the requisite
«отметка о направлении документа в дело»)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from app.services.cases.filing import file_incoming, file_letter
from app.support.errors import UserError
from db.engine import Database
from ui.widgets.buttons import ok_cancel, refusal_label
from ui.widgets.case_choice import case_combo, fill_cases


class FileToCaseDialog(QDialog):
    """The case chosen from the year's open cases (the proposed one first chosen)."""

    def __init__(
        self,
        db: Database,
        *,
        incoming: bool,
        row_id: int,
        number: str,
        year: int,
        proposed: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.incoming, self.row_id = db, incoming, row_id
        what = "Входящее" if incoming else "Письмо"
        self.setWindowTitle(f"{what} № {number} — в дело")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2200)
        self.year_spin.setValue(year)
        self.year_spin.setAccessibleName("Год номенклатуры")
        self.case_box = case_combo(db, year, proposed)
        self.year_spin.valueChanged.connect(self._year_changed)
        self.error_label = refusal_label()
        form = QFormLayout(self)
        form.addRow("Номенклатура года", self.year_spin)
        form.addRow("В дело №", self.case_box)
        form.addRow(self.error_label)
        form.addRow(ok_cancel(self, "Подшить"))
        self.resize(620, self.sizeHint().height())

    def _year_changed(self, year: int) -> None:
        fill_cases(self.case_box, self.db, year, self.case_box.currentData() or "")

    def accept(self) -> None:
        index = self.case_box.currentData()
        if not index:
            self.error_label.setText("Выберите дело")
            self.error_label.show()
            return
        year = self.year_spin.value()
        try:
            if self.incoming:
                file_incoming(self.db, self.row_id, index, year=year)
            else:
                file_letter(self.db, self.row_id, index, year=year)
        except UserError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        super().accept()
