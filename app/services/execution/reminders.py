"""Reminders to executors whose term is near (within three days) or passed: a list to print
(PDF, a page section per executor), or e-mails through the organization's SMTP server — the one
dispatch uses — each executor one message with their tasks. Never twice a day: a task reminded
today (an event ``reminded`` in its history, written once the server took the message) is not
in the next reminder of the same day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.exporters.eml import Mail, build_message, valid_address
from app.exporters.table import Table, TableColumn
from app.services.execution.control_view import INCOMING, ControlItem, ControlQuery, control_items
from app.services.organization.profile import get_organization
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import IncomingAssignment, Staff, TaskEvent

REMIND_DAYS = 3  # a term within three days, or passed


@dataclass
class Reminder:
    executor: str
    name: str
    email: str
    items: list[ControlItem] = field(default_factory=list)


@dataclass(frozen=True)
class Reminded:
    sent: list[str]  # «М.С. Старчикова <ms@…>: 2 поручения»
    not_sent: list[str]  # who has no address, what the server refused
    already: int  # tasks reminded earlier today, left out


def due_reminders(db: Database, *, today: dt.date | None = None) -> tuple[list[Reminder], int]:
    """Per executor, their open tasks due within three days or overdue, without those reminded
    today; and how many were left out as reminded today."""
    today = today or clock.today()
    items = control_items(db, ControlQuery(due_within=REMIND_DAYS, kinds=(INCOMING,), today=today))
    with db.read() as session:
        reminded = set(
            session.scalars(
                select(TaskEvent.assignment_id).where(
                    TaskEvent.kind == "reminded", TaskEvent.day == today
                )
            )
        )
        emails = {code: email for code, email in session.execute(select(Staff.code, Staff.email))}
    out: dict[str, Reminder] = {}
    left_out = 0
    for item in items:
        if item.task_id in reminded:
            left_out += 1
            continue
        who = out.setdefault(
            item.executor,
            Reminder(item.executor, item.executor_name, emails.get(item.executor, "")),
        )
        who.items.append(item)
    return sorted(out.values(), key=lambda r: r.name), left_out


def reminder_table(reminders: list[Reminder], today: dt.date) -> Table:
    return Table(
        title="Напоминание о сроках исполнения",
        subtitle=f"На {date_ru(today)}: сроки до {date_ru(today + dt.timedelta(days=REMIND_DAYS))}"
        " и просроченные",
        columns=[
            TableColumn("Исполнитель", 22),
            TableColumn("Вх. №", 10),
            TableColumn("Отправитель", 28),
            TableColumn("Заголовок", 45),
            TableColumn("Срок", 11),
            TableColumn("Состояние", 20),
        ],
        rows=[
            [r.name, i.number, i.counterpart, i.subject, date_ru(i.due), i.state(today)]
            for r in reminders
            for i in r.items
        ],
    )


def write_reminder_list(db: Database, folder: Path, *, today: dt.date | None = None) -> Path:
    """The list to print, as ``folder/напоминания-ГГГГ-ММ-ДД.pdf``."""
    from app.exporters.pdf_table import write_table_pdf

    today = today or clock.today()
    if not Path(folder).is_dir():
        raise UserError(f"{folder}: папки нет")
    reminders, _left_out = due_reminders(db, today=today)
    return write_table_pdf(
        reminder_table(reminders, today), Path(folder) / f"напоминания-{today}.pdf"
    )


def _body(reminder: Reminder, organization: str, today: dt.date) -> str:
    lines = [
        f"{reminder.name}, добрый день!",
        "",
        f"Напоминаем о сроках исполнения поручений (на {date_ru(today)}):",
        "",
    ]
    for i in reminder.items:
        lines.append(f"— входящее № {i.number} от {date_ru(i.reg_date)} «{i.subject}»: срок "
                     f"{date_ru(i.due)}, {i.state(today)}")  # fmt: skip
    lines += ["", organization, "Канцелярия"]
    return "\n".join(lines)


def send_reminders(
    db: Database, *, today: dt.date | None = None, password: str | None = None
) -> Reminded:
    """One e-mail per executor with an address; the tasks of those the server took marked as
    reminded today, in one transaction after the sending."""
    from app.services.dispatch.smtp_send import send_messages, smtp_settings
    from app.services.organization.mail_servers import stored_password

    today = today or clock.today()
    org = get_organization(db)
    if org is None:
        raise UserError("Сведения об организации не заполнены")
    settings = smtp_settings(org)
    settings.validate()
    sender = org.mail_from or org.email
    if not valid_address(sender):
        raise UserError("Адрес отправителя не указан: Настройки → Отправка почты")
    reminders, already = due_reminders(db, today=today)
    with_address = [r for r in reminders if valid_address(r.email)]
    not_sent = [f"{r.name}: нет адреса e-mail в карточке сотрудника" for r in reminders
                if not valid_address(r.email)]  # fmt: skip
    if not with_address:
        return Reminded([], not_sent, already)
    secret = stored_password(settings) if password is None else password
    now = dt.datetime.now(dt.UTC)
    messages = {
        n: build_message(
            Mail(
                sender,
                org.short_name or org.name,
                r.email,
                r.name,
                "Напоминание о сроках исполнения",
                _body(r, org.name, today),
                "",
                b"",
                now,
            )
        )
        for n, r in enumerate(with_address)
    }
    results = send_messages(settings, secret, messages)
    sent = []
    taken = []
    for n, r in enumerate(with_address):
        if results.get(n, "не отправлено"):
            not_sent.append(f"{r.name}: {results.get(n, 'не отправлено')}")
            continue
        sent.append(f"{r.name} <{r.email}>: {len(r.items)}")
        taken.append(r)
    _mark_reminded(db, taken, today)
    return Reminded(sent, not_sent, already)


def _mark_reminded(db: Database, reminders: list[Reminder], today: dt.date) -> None:
    if not reminders:
        return
    with db.write() as session:
        for r in reminders:
            for item in r.items:
                task = session.get(IncomingAssignment, item.task_id)
                if task is None or task.done_date is not None:
                    continue  # done meanwhile at another workstation
                event = TaskEvent(kind="reminded", day=today, by_user=audit.os_user())
                event.note = r.email
                task.events.append(event)
                session.flush()
                audit.record(session, "incoming", item.ref_id, "reminded",
                             executor=r.executor, email=r.email)  # fmt: skip
