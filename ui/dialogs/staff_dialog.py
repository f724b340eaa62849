"""«Добавить в сотрудники…»: one person added to the staff from where the clerk meets them (a
Word draft's signatory or executor who is not among the staff), prefilled with what is known."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.organization.profile import StaffData, save_staff
from app.support.errors import UserError
from db.engine import Database
from ui import palette
from ui.widgets.buttons import ok_cancel

TITLE = "Новый сотрудник"


class StaffDialog(QDialog):
    """The person's code, name, position and phone; «Добавить» saves them to the staff."""

    def __init__(self, db: Database, person: StaffData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.db = db
        self.saved: StaffData | None = None
        self._person = person
        self.error = QLabel()
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for key, label in (
            ("last_name", "Фамилия*"),
            ("first_name", "Имя"),
            ("middle_name", "Отчество"),
            ("position", "Должность"),
            ("phone", "Телефон"),
            ("email", "E-mail"),
            ("code", "Код*"),
        ):
            edit = QLineEdit(str(getattr(person, key)))
            edit.setAccessibleName(label.rstrip("*"))
            edit.textChanged.connect(lambda _text: self.error.hide())
            self.edits[key] = edit
            form.addRow(label, edit)
        self.edits["code"].setToolTip(
            "Короткий код латиницей: по нему сотрудник указывается в карточках"
        )
        note = QLabel("Имя и отчество из черновика — инициалы; впишите полностью, если известны.")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {palette.DIMMED};")
        self.error.setStyleSheet(f"color: {palette.ERROR};")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, "Добавить"))

    def accept(self) -> None:
        text = {key: edit.text().strip() for key, edit in self.edits.items()}
        data = StaffData(
            code=text["code"],
            last_name=text["last_name"],
            first_name=text["first_name"],
            middle_name=text["middle_name"],
            position=text["position"],
            department=self._person.department,
            phone=text["phone"],
            email=text["email"],
        )
        try:
            self.saved = save_staff(self.db, data)
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()
