"""The dispatch record: how each copy of a letter went out, when, by whom, with which file, and
what came back. Every step is a row of ``dispatch_event`` (never rewritten) and moves the copy's
state; the letter's own delivery state follows from its copies, so the registry shows a letter as
sent only when every copy is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exporters.table import Table, TableColumn
from app.rules.medo_answers import MedoAnswer, read_answer
from app.rules.states import CopyState, DeliveryState, labels
from app.services.control.reports import recipient_name
from app.services.files.stored_files import store_file_in
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import DispatchEvent, Letter, LetterAddressee

MEDO = "МЭДО"
EMAIL = "Электронная почта"
POST = "Почта"
CHANGED_AFTER = "изменено после отправки"
COPY_STATES = labels(CopyState)
STATE_WORDS = {  # what the CLI and a receipt may say, in Russian or English
    **{key: key for key in COPY_STATES},
    **{label.lower(): key for key, label in COPY_STATES.items()},
}
PREPARED_HINT = {
    MEDO: "контейнер с подписью записан; отправьте его в клиенте МЭДО",
    EMAIL: "письмо .eml записано; отправьте его из почтовой программы",
}


@dataclass(frozen=True)
class CopyDispatch:
    """One copy of a letter: to whom, by which method, and where its sending stands."""

    addressee_id: int
    position: int  # 1-based, the order of the distribution list
    code: str
    name: str
    lines: str  # the addressee as printed
    method: str
    state: str
    at: dt.datetime | None
    by: str
    file_id: int | None
    note: str
    uid: str
    email: str
    medo_id: str
    medo_address: str
    address: str
    postcode: str
    changed_after: bool = False  # the letter was changed after this copy went out

    @property
    def label(self) -> str:
        label = COPY_STATES.get(self.state, self.state)
        return f"{label} · {CHANGED_AFTER}" if self.changed_after else label

    @property
    def done(self) -> bool:
        return self.state in (CopyState.SENT, CopyState.DELIVERED)


@dataclass(frozen=True)
class DispatchStep:
    """One row of a copy's history."""

    addressee_id: int
    at: dt.datetime
    by: str
    method: str
    state: str
    source: str
    file_name: str
    sha256: str
    note: str


@dataclass(frozen=True)
class LetterDispatch:
    letter_id: int
    number: str
    reg_date: dt.date
    subject: str
    state: str
    copies: list[CopyDispatch]
    history: list[DispatchStep]

    def copy(self, ref: str | int) -> CopyDispatch:
        """A copy by the recipient's code or its position («3»)."""
        text = str(ref).strip()
        for c in self.copies:
            if text and (c.code == text or str(c.position) == text):
                return c
        raise UserError(f"В письме № {self.number} нет адресата «{text}» (код или № п/п)")

    def count(self, *states: str) -> int:
        return sum(1 for c in self.copies if c.state in states)


def letter_state(states: list[str]) -> DeliveryState:
    """The letter's delivery state from its copies' states."""
    done = (CopyState.SENT, CopyState.DELIVERED)
    if not states:
        return DeliveryState.NOT_SENT
    if CopyState.ERROR in states:
        return DeliveryState.ERROR
    if all(s == CopyState.DELIVERED for s in states):
        return DeliveryState.DELIVERED
    if all(s in done for s in states):
        return DeliveryState.SENT
    if any(s in done for s in states):
        return DeliveryState.PARTLY_SENT
    if any(s in (CopyState.PREPARED, CopyState.UNSIGNED) for s in states):
        return DeliveryState.PREPARED
    return DeliveryState.NOT_SENT


def _registered(session: Session, letter_id: int) -> Letter:
    from app.services.output.letter_export import registered_letter_in

    letter = registered_letter_in(session, letter_id, "отправляются")
    if not letter.addressees:
        raise UserError(
            f"У письма № {letter.number} адресат указан текстом, без адресатов из справочника: "
            "отметьте отправку в карточке письма"
        )
    return letter


def dispatch_in(session: Session, letter_id: int) -> LetterDispatch:
    letter = _registered(session, letter_id)
    copies = []
    for pos, row in enumerate(letter.addressees, 1):
        r = row.recipient
        copies.append(
            CopyDispatch(
                addressee_id=row.id,
                position=pos,
                code=(r.code or "") if r is not None else "",
                name=recipient_name(row, r),
                lines=row.addressee_lines,
                method=row.delivery,
                state=row.dispatch_state,
                at=row.dispatched_at,
                by=row.dispatched_by,
                file_id=row.dispatch_file_id,
                note=row.dispatch_note,
                uid=row.dispatch_uid,
                email=r.email if r is not None else "",
                medo_id=r.medo_id if r is not None else "",
                medo_address=r.medo_address if r is not None else "",
                address=r.address if r is not None else "",
                postcode=r.postcode if r is not None else "",
                changed_after=row.changed_after_dispatch,
            )
        )
    events = session.scalars(
        select(DispatchEvent)
        .where(DispatchEvent.letter_id == letter_id)
        .order_by(DispatchEvent.id)  # as recorded (a receipt may tell an earlier time)
    )
    history = [
        DispatchStep(
            e.addressee_id,
            e.at,
            e.os_user,
            e.method,
            e.state,
            e.source,
            e.file_name,
            e.sha256,
            e.note,
        )
        for e in events
    ]
    return LetterDispatch(
        letter.id,
        letter.number,
        letter.reg_date,
        letter.subject,
        letter.delivery_state,
        copies,
        history,
    )


def dispatch_status(db: Database, letter_id: int) -> LetterDispatch:
    with db.read() as session:
        return dispatch_in(session, letter_id)


@dataclass
class Step:
    """A step to record for one copy (what the export, the SMTP run or the clerk did)."""

    addressee_id: int
    state: str
    source: str = "manual"
    file_name: str = ""
    content: bytes = b""  # the file sent, kept in the database with its checksum
    uid: str = ""
    note: str = ""
    at: dt.datetime | None = None


def record_in(session: Session, letter_id: int, steps: list[Step]) -> None:
    """Write the steps, move each copy's state, and the letter's; one audit event per copy."""
    letter = _registered(session, letter_id)
    rows = {row.id: row for row in letter.addressees}
    when = clock.now()
    for step in steps:
        if step.state not in COPY_STATES:
            raise UserError(f"Состояние «{step.state}»: допустимо {', '.join(COPY_STATES)}")
        row = rows.get(step.addressee_id)
        if row is None:
            raise UserError(f"Адресат не относится к письму № {letter.number}")
        at = step.at or when
        file_id, sha = None, ""
        if step.content:
            stored = store_file_in(session, step.file_name, step.content)
            file_id, sha = stored.id, stored.sha256
        old = row.dispatch_state
        session.add(
            DispatchEvent(
                letter_id=letter.id,
                addressee_id=row.id,
                method=row.delivery,
                state=step.state,
                source=step.source,
                at=at,
                os_user=audit.os_user(),
                file_id=file_id,
                file_name=step.file_name,
                sha256=sha,
                uid=step.uid,
                note=step.note,
            )
        )
        row.dispatch_state = step.state
        row.dispatch_note = step.note
        if step.state in (CopyState.PREPARED, CopyState.SENT) or row.dispatched_at is None:
            row.dispatched_at, row.dispatched_by = at, audit.os_user()
        if step.state == CopyState.NOT_SENT:
            row.dispatched_at, row.dispatched_by = None, ""
        if file_id is not None:
            row.dispatch_file_id = file_id
        if step.uid:
            row.dispatch_uid = step.uid
        audit.record(
            session,
            "letter",
            letter.id,
            "dispatch",
            number=letter.number,
            recipient=recipient_name(row, row.recipient),
            addressee=row.id,
            method=row.delivery,
            old=old,
            new=step.state,
            source=step.source,
            file=step.file_name,
            sha256=sha,
            note=step.note,
        )
    letter.delivery_state = letter_state([row.dispatch_state for row in letter.addressees])
    session.flush()


def parse_state(word: str) -> str:
    state = STATE_WORDS.get(word.strip().lower())
    if state is None:
        allowed = ", ".join(label.lower() for label in COPY_STATES.values())
        raise UserError(f"Состояние «{word}»: допустимо {allowed}")
    return state


def mark(
    db: Database,
    letter_id: int,
    refs: list[str],
    state: str,
    note: str = "",
    *,
    at: dt.datetime | None = None,
) -> LetterDispatch:
    """The clerk's own mark for some copies (all when ``refs`` is empty): sent by courier,
    delivered as the МЭДО client shows, an error the operator reported."""
    state = parse_state(state)
    if state == CopyState.ERROR and not note.strip():
        raise UserError("Укажите, что за ошибка (как сообщил оператор или получатель)")
    with db.write() as session:
        current = dispatch_in(session, letter_id)
        chosen = [current.copy(ref) for ref in refs] if refs else current.copies
        steps = [Step(c.addressee_id, state, "manual", note=note.strip(), at=at) for c in chosen]
        record_in(session, letter_id, steps)
        return dispatch_in(session, letter_id)


# --- the dispatch sheet (лист рассылки) ---------------------------------------------------


def when_text(at: dt.datetime | None) -> str:
    return f"{date_ru(at.date())} {at:%H:%M}" if at else ""


def dispatch_table(status: LetterDispatch) -> Table:
    rows: list[list[Any]] = []
    for c in status.copies:
        where = {MEDO: c.medo_address or c.medo_id, EMAIL: c.email}.get(
            c.method, ", ".join(p for p in (c.postcode, c.address) if p)
        )
        state = c.label + (f": {c.note}" if c.note else "")
        rows.append([c.position, c.name, c.method or "—", where, state, when_text(c.at), c.by])
    done = status.count(CopyState.SENT, CopyState.DELIVERED)
    return Table(
        f"Лист рассылки письма № {status.number} от {date_ru(status.reg_date)}",
        [
            TableColumn("№ п/п", 4, numeric=True),
            TableColumn("Адресат", 30),
            TableColumn("Способ", 10),
            TableColumn("Куда", 22),
            TableColumn("Состояние", 16),
            TableColumn("Когда", 10),
            TableColumn("Кто", 8),
        ],
        rows,
        subtitle=status.subject,
        notes=[f"Отправлено {done} из {len(status.copies)}."],
    )


def export_dispatch_sheet(db: Database, letter_id: int, out: Path) -> Path:
    from app.exporters.table_file import check_suffix, write_table

    check_suffix(out, "лист рассылки", (".pdf", ".xlsx"))
    return write_table(
        dispatch_table(dispatch_status(db, letter_id)), out, "лист рассылки", (".pdf", ".xlsx")
    )


# --- МЭДО receipts ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptResult:
    number: str
    recipient: str
    state: str
    note: str


MAX_RECEIPT_BYTES = 10_000_000


def _parse_answer(path: Path) -> MedoAnswer:
    try:
        if path.stat().st_size > MAX_RECEIPT_BYTES:
            raise UserError(f"{path.name}: файл больше 10 МБ — это не квитанция МЭДО")
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path.name}: не читается: {exc.strerror or exc}") from exc
    return read_answer(data, path.name)


def apply_receipt(db: Database, path: Path) -> ReceiptResult:
    """A receipt or a notification from the МЭДО client about a copy we sent: a receipt makes it
    «Доставлено» or «Ошибка»; the receiver's «Зарегистрирован» shows its number and date,
    «Отказано в регистрации» its reason; other events go to the copy's history."""
    answer = _parse_answer(Path(path))
    if not answer.uid:
        raise UserError(f"{Path(path).name}: в квитанции нет идентификатора сообщения")
    with db.write() as session:
        rows = list(
            session.scalars(
                select(LetterAddressee).where(LetterAddressee.dispatch_uid == answer.uid)
            )
        )
        if len(rows) > 1:  # one container for the whole mailing: the answer's sender tells whom
            rows = [
                r for r in rows if r.recipient is not None and r.recipient.medo_id == answer.source
            ]
        if len(rows) != 1:
            raise UserError(
                f"{Path(path).name}: квитанция на сообщение {answer.uid}, которое не найдено среди "
                "отправленных копий"
            )
        row = rows[0]
        state = answer.state or row.dispatch_state
        step = Step(row.id, state, "receipt", note=answer.note, at=answer.time)
        record_in(session, row.letter_id, [step])
        letter = row.letter
        return ReceiptResult(letter.number, recipient_name(row, row.recipient), state, answer.note)
