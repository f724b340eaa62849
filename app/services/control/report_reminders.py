"""«Напомнить»: a reminder letter to every recipient whose report has not come.

The reminder is itself a registered outgoing letter, in the journal of the original, that refers
to the original by number and date and repeats the request and the due date. It goes to each
recipient as a personalised copy (their own addressee lines and salutation), by the delivery the
original used for them; the recipients move to «напоминание отправлено». Registration and the
state change are one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.rules.states import OUTSTANDING, ControlState
from app.services.control.reports import LetterControl, RecipientControl, control_in
from app.services.registry.letters import Addressee, LetterCard, register_in
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru, date_words_ru
from db.engine import Database
from db.models import Letter, LetterAddressee, Recipient, ReportControl, ReportDueChange


@dataclass(frozen=True)
class Reminder:
    letter_id: int
    number: str
    date: dt.date
    recipients: int


def reminder_subject(letter: LetterControl) -> str:
    return f"О представлении отчета (к письму от {date_ru(letter.reg_date)} № {letter.number})"


def reminder_body(
    letter: LetterControl, due: dt.date, today: dt.date, new_due: dt.date | None
) -> str:
    first = (
        f"Напоминаем, что письмом от {date_ru(letter.reg_date)} № {letter.number} "
        f"«{letter.subject}» был запрошен отчет по форме, приложенной к письму. Срок "
        f"представления отчета — {date_words_ru(due)} включительно."
    )
    if new_due is not None:
        second = (
            f"На сегодня отчет не поступил. Просим представить его в срок до "
            f"{date_words_ru(new_due)}."
        )
    elif today > due:
        second = "На сегодня отчет не поступил. Просим представить его в кратчайший срок."
    else:
        second = "Просим представить отчет в установленный срок."
    return f"{first}\n\n{second}"


def remind(
    db: Database,
    letter_id: int,
    *,
    recipients: list[str | int] | None = None,
    new_due: dt.date | None = None,
    today: dt.date | None = None,
) -> Reminder:
    """Register the reminder letter and mark its recipients reminded.

    ``recipients`` (codes, positions or control ids) narrows the reminder; by default every
    recipient still expected. ``new_due`` also extends their due date to it.
    """
    today = today or clock.today()
    if new_due is not None and new_due <= today:
        raise UserError(f"Новый срок {date_ru(new_due)} должен быть позже сегодняшнего дня")
    with db.write() as session:
        letter = control_in(session, letter_id, today=today)
        if letter.closed:
            raise UserError(f"Письмо № {letter.number} снято с контроля")
        targets = _targets(letter, recipients)
        original = session.get(Letter, letter_id)
        assert original is not None
        controls = [session.get(ReportControl, t.control_id) for t in targets]
        rows = [c.addressee for c in controls if c is not None]
        codes = _codes(session, rows)
        dues = {t.due for t in targets}
        due = dues.pop() if len(dues) == 1 else letter.due
        card = LetterCard(
            journal=original.journal.code,
            case=original.case_index,
            date=today,
            subject=reminder_subject(letter),
            addressee=Addressee(recipients=codes),
            body=reminder_body(letter, due, today, new_due),
            closing=original.closing or None,
            signatory=original.signatory.code if original.signatory else None,
            signature=original.signature_kind,
            executor=original.executor.code if original.executor else None,
            appendices=["distribution_list"] if len(codes) > 4 else [],
        )
        registered = register_in(session, card, today=today)
        _same_delivery(session, registered.id, rows)
        now = dt.datetime.now()
        for control, target in zip(controls, targets, strict=True):
            assert control is not None
            old = control.state
            control.state = ControlState.REMINDED
            control.reminded_at = now
            control.reminder_number = registered.number
            if new_due is not None and new_due > target.due:
                control.due_date = new_due
                original.report.due_changes.append(  # type: ignore[union-attr]
                    ReportDueChange(
                        control_id=control.id,
                        old_due=target.due,
                        new_due=new_due,
                        reason=f"Напоминание № {registered.number}",
                        os_user=audit.os_user(),
                    )
                )
            audit.record(
                session,
                "report_control",
                control.id,
                "reminded",
                letter=letter.number,
                recipient=target.name,
                old_state=old,
                reminder=registered.number,
                new_due=new_due.isoformat() if new_due else None,
            )
        return Reminder(registered.id, registered.number, registered.date, len(targets))


def _targets(letter: LetterControl, refs: list[str | int] | None) -> list[RecipientControl]:
    if refs is None:
        waiting = [r for r in letter.recipients if r.state in OUTSTANDING]
        if not waiting:
            raise UserError(f"По письму № {letter.number} все отчеты получены или сняты с контроля")
        return waiting
    targets: list[RecipientControl] = []
    for ref in refs:
        target = letter.recipient(ref)
        if target.state not in OUTSTANDING:
            raise UserError(
                f"Адресат «{target.name}»: {target.label.lower()} — напоминание не нужно"
            )
        targets.append(target)
    if not targets:
        raise UserError("Не выбраны адресаты для напоминания")
    return targets


def _codes(session: Session, rows: list[LetterAddressee]) -> list[str]:
    codes = []
    for row in rows:
        recipient = session.get(Recipient, row.recipient_id) if row.recipient_id else None
        if recipient is None or not recipient.code:
            who = row.addressee_lines.splitlines()[0] if row.addressee_lines else "адресат"
            raise UserError(
                f"«{who}» нет в справочнике адресатов с кодом: напоминание ему составьте вручную"
            )
        codes.append(recipient.code)
    return codes


def _same_delivery(session: Session, letter_id: int, originals: list[LetterAddressee]) -> None:
    """The reminder goes the way the original went to each recipient (МЭДО, e-mail, post)."""
    delivery = {row.recipient_id: row.delivery for row in originals}
    reminder = session.get(Letter, letter_id)
    assert reminder is not None
    for row in reminder.addressees:
        row.delivery = delivery.get(row.recipient_id, row.delivery)
