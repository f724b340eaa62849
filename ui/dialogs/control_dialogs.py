"""Small dialogs of the control card: «Продлить срок» and «Напомнить»."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.control.reports import LetterControl
from app.support import clock
from ui.widgets.buttons import ok_cancel
from ui.widgets.due_date_edit import DueDateEdit


def _suggested_due(current: dt.date) -> dt.date:
    return max(current, clock.today()) + dt.timedelta(days=7)


class ExtendDialog(QDialog):
    """New due date (weekday and day-off warning shown), reason, whole letter or selected."""

    def __init__(
        self, control: LetterControl, selected: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Продление срока — письмо № {control.number}")
        self.due = DueDateEdit(_suggested_due(control.due), self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("например: письмо адресата с просьбой о продлении")
        self.whole = QRadioButton(f"для всего письма (сейчас срок {control.due:%d.%m.%Y})")
        self.selected = QRadioButton(f"для выбранных адресатов ({selected})")
        self.selected.setEnabled(selected > 0)
        (self.selected if selected else self.whole).setChecked(True)
        form = QFormLayout()
        form.addRow("Новый срок:", self.due)
        form.addRow("Причина:", self.reason)
        form.addRow("Продлить:", self.whole)
        form.addRow("", self.selected)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            QLabel("Прежний срок сохраняется в истории продлений с причиной и исполнителем.")
        )
        layout.addWidget(ok_cancel(self, "Продлить срок"))


class RemindDialog(QDialog):
    """Who gets the reminder letter, and an optional new due date written into it."""

    def __init__(
        self, control: LetterControl, selected: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Напоминание — письмо № {control.number}")
        waiting = control.outstanding
        self.everyone = QRadioButton(f"всем, кто не представил отчет ({waiting})")
        self.selected = QRadioButton(f"выбранным адресатам ({selected})")
        self.selected.setEnabled(selected > 0)
        (self.selected if selected else self.everyone).setChecked(True)
        self.everyone.setEnabled(waiting > 0)
        self.new_due = QCheckBox("назначить новый срок:")
        self.due = DueDateEdit(_suggested_due(control.due), self)
        self.due.setEnabled(False)
        self.new_due.toggled.connect(self.due.setEnabled)
        form = QFormLayout()
        form.addRow("Адресаты:", self.everyone)
        form.addRow("", self.selected)
        form.addRow(self.new_due, self.due)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Напоминание регистрируется как исходящее письмо в журнале исходного письма и "
                "ссылается на него по номеру и дате.\nАдресаты переходят в состояние "
                "«напоминание отправлено»."
            )
        )
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, "Зарегистрировать напоминание"))

    def chosen_due(self) -> dt.date | None:
        return self.due.date() if self.new_due.isChecked() else None
