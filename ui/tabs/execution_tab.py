"""«Контроль исполнения»: everything with a term in one view — the executors' tasks on incoming
letters and the reports the recipients of our letters owe — filtered as a head asks (executor,
author, department, what kind, on control / overdue / done late / all, due within a week or a
month), as a list or as a calendar of the week or the month. A day of the calendar opens the list
of that day; a row opens the letter's card. «Сводка…» is the discipline report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.execution.control_view import (
    INCOMING,
    KIND_LABELS,
    REPORT,
    ControlItem,
    ControlQuery,
    control_items,
)
from app.services.organization.profile import list_staff
from app.support import clock
from app.support.text import date_ru, initials_name
from db.engine import Database
from ui import file_dialogs, palette
from ui.background import Background, message_of
from ui.read_only import writes
from ui.widgets.filter_choices import refill

SHOW = (("open", "На контроле"), ("overdue", "Просроченные"),
        ("done_late", "Исполненные с нарушением срока"), ("all", "Все"))  # fmt: skip
KINDS = (("", "Поручения и отчеты"), (INCOMING, "Поручения по входящим"),
         (REPORT, "Отчеты по нашим письмам"))  # fmt: skip
WITHIN = (("", "Любой срок"), ("7", "Срок в ближайшие 7 дней"), ("30", "В ближайшие 30 дней"))
COLUMNS = ("Вид", "Номер", "Дата", "Корреспондент", "Заголовок", "Исполнитель", "Автор",
           "Срок", "Состояние")  # fmt: skip
VIEWS = ("Список", "Неделя", "Месяц")
WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
          "октябрь", "ноябрь", "декабрь")  # fmt: skip
SHOWN = 2000  # rows in the list: the rest are said to be there


def _combo(name: str, choices: tuple[tuple[str, str], ...]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for value, label in choices:
        box.addItem(label, value)
    return box


class ExecutionTab(QWidget):
    incoming_requested = Signal(int)  # an incoming letter's card
    letter_requested = Signal(int)  # our letter's report control
    discipline_requested = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        self.items: list[ControlItem] = []
        self.anchor = clock.today()  # the calendar's week or month is the one of this day
        self.day: dt.date | None = None  # the list narrowed to a day of the calendar
        self.show_combo = _combo("Что показать", SHOW)
        self.kind_combo = _combo("Вид", KINDS)
        self.within_combo = _combo("Срок", WITHIN)
        self.executor_combo = QComboBox()
        self.executor_combo.setAccessibleName("Исполнитель")
        self.author_combo = QComboBox()
        self.author_combo.setAccessibleName("Автор")
        self.department_combo = QComboBox()
        self.department_combo.setAccessibleName("Подразделение")
        self.reload_staff()
        for box in (self.show_combo, self.kind_combo, self.within_combo, self.executor_combo,
                    self.author_combo, self.department_combo):  # fmt: skip
            box.currentIndexChanged.connect(self.refresh)
            # as wide as what they say, not stretched across the window
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.view_combo = _combo("Вид просмотра", tuple((v, v) for v in VIEWS))
        self.view_combo.currentIndexChanged.connect(self._view_changed)
        self.back_button = QPushButton("◀")
        self.back_button.setAccessibleName("Раньше")
        self.back_button.clicked.connect(lambda: self._move(-1))
        self.today_button = QPushButton("Сегодня")
        self.today_button.clicked.connect(self._to_today)
        self.forward_button = QPushButton("▶")
        self.forward_button.setAccessibleName("Позже")
        self.forward_button.clicked.connect(lambda: self._move(1))
        for arrow in (self.back_button, self.forward_button):
            arrow.setMaximumWidth(36)
        self.discipline_button = QPushButton("Сводка по дисциплине…")
        self.discipline_button.clicked.connect(self.discipline_requested)
        self.remind_button = QPushButton("Напоминания")
        self.remind_button.setToolTip(
            "Исполнителям, у кого срок в ближайшие 3 дня или прошел: список к печати или e-mail "
            "(не чаще раза в день)"
        )
        remind = QMenu(self.remind_button)
        remind.addAction("Список к печати (PDF)…", self.print_reminders)
        remind.addAction("Отправить исполнителям по e-mail", self.send_reminders)
        self.remind_button.setMenu(remind)
        writes(self.remind_button)
        self.period_label = QLabel()
        self.count_label = QLabel()

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Сроки исполнения")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        for column, width in enumerate((80, 70, 82, 220, 300, 130, 120, 82, 200)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.calendar = QTableWidget(0, 7)
        self.calendar.setAccessibleName("Календарь сроков")
        self.calendar.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calendar.verticalHeader().hide()
        self.calendar.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # the weeks share the height of the tab, as on a wall calendar
        self.calendar.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.calendar.setWordWrap(True)
        self.calendar.doubleClicked.connect(
            lambda index: self._open_day(index.row(), index.column())
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.calendar)

        filters = QHBoxLayout()
        for widget in (self.show_combo, self.kind_combo, self.within_combo, self.executor_combo,
                       self.author_combo, self.department_combo):  # fmt: skip
            filters.addWidget(widget)
        filters.addStretch(1)
        views = QHBoxLayout()
        row: tuple[QWidget, ...] = (self.view_combo, self.back_button, self.today_button,
                                    self.forward_button, self.period_label)  # fmt: skip
        for part in row:
            views.addWidget(part)
        views.addStretch(1)
        views.addWidget(self.count_label)
        views.addWidget(self.remind_button)
        views.addWidget(self.discipline_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(views)
        layout.addWidget(self.stack, 1)
        self._view_changed()

    # --- what is asked ---------------------------------------------------------------------

    def reload_staff(self) -> None:
        staff = list_staff(self.db)
        people = [(s.code, initials_name(s.last_name, s.first_name, s.middle_name)) for s in staff]
        departments = sorted({s.department for s in staff if s.department})
        refill(self.executor_combo, "Все исполнители", people)
        refill(self.author_combo, "Все авторы", people)
        refill(self.department_combo, "Все подразделения", [(d, d) for d in departments])

    def query(self) -> ControlQuery:
        today = clock.today()
        kind = self.kind_combo.currentData()
        within = self.within_combo.currentData()
        start, end = self._window()
        return ControlQuery(
            executor=self.executor_combo.currentData(),
            author=self.author_combo.currentData(),
            department=self.department_combo.currentData(),
            due_within=int(within) if within else None,
            show=self.show_combo.currentData(),
            kinds=(kind,) if kind else (INCOMING, REPORT),
            due_from=start,
            due_to=end,
            today=today,
        )

    def _window(self) -> tuple[dt.date | None, dt.date | None]:
        """The terms shown: a day of the calendar, the calendar's week or month, or any."""
        view = self.view_combo.currentText()
        if view == "Список":
            return (self.day, self.day) if self.day else (None, None)
        if view == "Неделя":
            monday = self.anchor - dt.timedelta(days=self.anchor.weekday())
            return monday, monday + dt.timedelta(days=6)
        first = self.anchor.replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        return start, start + dt.timedelta(days=41)

    def refresh(self) -> None:
        query = self.query()
        self.count_label.setText("Загрузка…")
        db = self.db
        self.background.run("items", lambda: control_items(db, query), self._show,
                            self._failed)  # fmt: skip

    def _failed(self, error: Exception) -> None:
        self.count_label.setText(message_of(error))

    # --- what is shown ---------------------------------------------------------------------

    def _show(self, items: list[ControlItem]) -> None:
        self.items = items
        today = clock.today()
        overdue = sum(1 for i in items if i.overdue(today))
        said = f"Сроков: {len(items)}" + (f", просрочено: {overdue}" if overdue else "")
        self.count_label.setText(said)
        if self.view_combo.currentText() == "Список":
            self._fill_list(items[:SHOWN], today)
        else:
            self._fill_calendar(items, today)

    def _fill_list(self, items: list[ControlItem], today: dt.date) -> None:
        self.table.setRowCount(len(items))
        for row, i in enumerate(items):
            cells = (KIND_LABELS[i.kind], i.number, date_ru(i.reg_date), i.counterpart,
                     i.subject, i.executor_name + (" (отв.)" if i.responsible else ""),
                     i.author_name, date_ru(i.due), i.state(today))  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if i.overdue(today):
                    item.setForeground(QColor(palette.ERROR))
                elif i.done is not None:
                    item.setForeground(QColor(palette.DIMMED))
                self.table.setItem(row, column, item)

    def _fill_calendar(self, items: list[ControlItem], today: dt.date) -> None:
        start, end = self._window()
        assert start is not None and end is not None
        days = (end - start).days + 1
        by_day: dict[dt.date, list[ControlItem]] = {}
        for i in items:
            by_day.setdefault(i.due, []).append(i)
        self.calendar.setRowCount(days // 7)
        self.calendar.setHorizontalHeaderLabels(list(WEEKDAYS))
        week = self.view_combo.currentText() == "Неделя"
        for n in range(days):
            day = start + dt.timedelta(days=n)
            here = by_day.get(day, [])
            late = sum(1 for i in here if i.overdue(today))
            if week:
                lines = [f"{i.number} — {i.executor_name or i.counterpart[:20]}" for i in here]
                text = "\n".join([date_ru(day), *lines[:12]]) + (
                    f"\n… и еще {len(lines) - 12}" if len(lines) > 12 else "")  # fmt: skip
            else:
                text = f"{day.day}" + (f"\nсроков: {len(here)}" if here else "") + (
                    f"\nпросрочено: {late}" if late else "")  # fmt: skip
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            item.setData(Qt.ItemDataRole.UserRole, day.toordinal())
            if late:
                item.setForeground(QColor(palette.ERROR))
            elif not week and day.month != self.anchor.month:
                item.setForeground(QColor(palette.DIMMED))
            if day == today:
                item.setBackground(QColor("#fff4d6"))
            self.calendar.setItem(n // 7, n % 7, item)

    def _view_changed(self) -> None:
        listing = self.view_combo.currentText() == "Список"
        self.stack.setCurrentWidget(self.table if listing else self.calendar)
        for widget in (self.back_button, self.today_button, self.forward_button):
            widget.setVisible(not listing or self.day is not None)
        self._say_period()
        self.refresh()

    def _say_period(self) -> None:
        view = self.view_combo.currentText()
        if view == "Список":
            self.period_label.setText(f"Срок: {date_ru(self.day)}" if self.day else "")
            return
        start, end = self._window()
        assert start is not None and end is not None
        if view == "Неделя":
            self.period_label.setText(f"{date_ru(start)} — {date_ru(end)}")
        else:
            self.period_label.setText(f"{MONTHS[self.anchor.month - 1]} {self.anchor.year}")

    def _move(self, step: int) -> None:
        view = self.view_combo.currentText()
        if view == "Список" and self.day is not None:
            self.day += dt.timedelta(days=step)
        elif view == "Неделя":
            self.anchor += dt.timedelta(days=7 * step)
        else:
            month = self.anchor.month - 1 + step
            self.anchor = dt.date(self.anchor.year + month // 12, month % 12 + 1, 1)
        self._say_period()
        self.refresh()

    def _to_today(self) -> None:
        self.anchor = clock.today()
        if self.day is not None:
            self.day = self.anchor
        self._say_period()
        self.refresh()

    def _open_day(self, row: int, column: int) -> None:
        """A day of the calendar: the list of its terms."""
        item = self.calendar.item(row, column)
        if item is None:
            return
        self.day = dt.date.fromordinal(int(item.data(Qt.ItemDataRole.UserRole)))
        self.view_combo.setCurrentIndex(0)

    def show_overdue(self) -> None:
        """What the notice at start opens: everything overdue, as a list."""
        self.day = None
        for box, value in ((self.show_combo, "overdue"), (self.kind_combo, ""),
                           (self.within_combo, "")):  # fmt: skip
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        if self.view_combo.currentIndex() != 0:
            self.view_combo.setCurrentIndex(0)
        else:
            self._view_changed()

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.items):
            item = self.items[row]
            signal = self.incoming_requested if item.kind == INCOMING else self.letter_requested
            signal.emit(item.ref_id)

    def print_reminders(self) -> None:
        from app.services.execution.reminders import write_reminder_list

        folder = file_dialogs.choose_folder(self, "reminders", "Папка для списка напоминаний")
        if folder is None:
            return
        db = self.db
        self.background.run("remind", lambda: write_reminder_list(db, folder),
                            lambda path: file_dialogs.announce_saved(path, "Список напоминаний"),
                            self._remind_failed)  # fmt: skip

    def send_reminders(self) -> None:
        from app.services.execution.reminders import send_reminders

        db = self.db
        self.remind_button.setEnabled(False)
        self.background.run("remind", lambda: send_reminders(db), self._reminded,
                            self._remind_failed)  # fmt: skip

    def _reminded(self, done: Any) -> None:
        self.remind_button.setEnabled(True)
        lines = [f"Писем отправлено: {len(done.sent)}", *done.sent]
        if done.already:
            lines.append(f"Уже напомнено сегодня: {done.already}")
        if done.not_sent:
            lines += ["", "Не отправлено:", *done.not_sent]
        QMessageBox.information(self, "Напоминания", "\n".join(lines))
        self.refresh()

    def _remind_failed(self, error: Exception) -> None:
        self.remind_button.setEnabled(True)
        QMessageBox.warning(self, "Напоминания", message_of(error))

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.table.hasFocus() and self.table.currentRow() >= 0:
                self._open(self.table.currentRow())
                return
            if self.calendar.hasFocus() and self.calendar.currentItem() is not None:
                self._open_day(self.calendar.currentRow(), self.calendar.currentColumn())
                return
        if event.key() == Qt.Key.Key_Escape and self.day is not None:
            self.day = None  # back from a day to the whole list
            self._view_changed()
            return
        super().keyPressEvent(event)
