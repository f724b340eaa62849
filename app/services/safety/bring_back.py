"""Letters a restore left out, registered again from the kept-aside file under their numbers.

After a restore the copy lacks what was registered since it was taken (``restore_guard``
lists it). ``bring_back`` takes those numbered rows from the kept-aside database — outgoing
letters with their files, incoming letters with their files, resolutions, execution and links,
reservations and annulled numbers of both kinds — and writes them into the restored registry
under their own numbers and dates, in one transaction. The files are read out of the
kept-aside file before that transaction (spooled), so the lock is held only for the write.

A recipient or employee the restored directory does not know is kept as printed (an outgoing
addressee, an incoming sender); a resolution whose executor is not in the staff is left out and
named in the audit event. A letter filed to a case comes back filed to the case of the same index
and year, when the restored nomenclature has it open; otherwise it comes back unfiled, and the
list of letters brought back says why (a case is never taken by its id: the ids of the two files
need not match, and a case set up after the copy is not in it).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.states import LetterStatus
from app.services.safety.restore_guard import MissingLetter, missing_letters
from app.storage import audit
from app.support.errors import UserError
from db.engine import Database
from db.models import (
    CaseFile,
    IncomingAssignment,
    IncomingFile,
    IncomingLetter,
    Journal,
    Letter,
    LetterFile,
    Recipient,
    Staff,
)

Number = tuple[str, str, int]  # journal code, period, sequence: a number in either file
_FILING = ("case_id", "filed_on", "filed_by")
SPOOL_IN_MEMORY = 4 << 20  # a file's bytes kept in memory before the spool goes to disk


@dataclass
class _File:
    """A file of a row, read out of the kept-aside database."""

    name: str
    spool: IO[bytes]
    pages: int
    kind: str = "attachment"
    title: str = ""
    added_by: str = ""


@dataclass(frozen=True)
class _Filed:
    """The case a row was filed to in the kept-aside file, by what names it in either file."""

    index: str
    year: int
    on: dt.date | None
    by: str


@dataclass
class _Outgoing:
    item: MissingLetter
    card: dict[str, Any]
    status: str
    reason: str
    filed: _Filed | None = None
    files: list[_File] = field(default_factory=list)
    answered: list[Number] = field(default_factory=list)  # incoming it answered
    id: int = 0
    unfiled: str = ""


@dataclass
class _Incoming:
    item: MissingLetter
    row: dict[str, Any]
    sender_code: str
    reply_to: Number | None  # our letter it answers: journal, period, seq
    answered_by: Number | None
    filed: _Filed | None = None
    assignments: list[dict[str, Any]] = field(default_factory=list)
    files: list[_File] = field(default_factory=list)
    unfiled: str = ""


def bring_back(db: Database, aside: Path, numbers: list[str] | None = None) -> list[MissingLetter]:
    """Register what the restored database lacks again, from the kept-aside file, under the
    same numbers and dates (one transaction). ``numbers`` limits it to those numbers (an
    incoming number may be written «вх. 4-вх» or «4-вх»)."""

    target = db.sqlite_path
    if target is None:
        raise UserError("Возврат писем — только для встроенной базы SQLite")
    if not aside.is_file():
        raise UserError(f"{aside}: файл не найден")
    missing = missing_letters(aside, target)
    if numbers:
        wanted = {n.removeprefix("вх.").strip() for n in numbers}
        unknown = sorted(wanted - {m.number for m in missing})
        if unknown:
            raise UserError(f"Среди недостающих писем нет номеров: {', '.join(unknown)}")
        missing = [m for m in missing if m.number in wanted]
    if not missing:
        return []
    with _readable(aside) as source, source.read() as session:
        incoming = [_read_incoming(session, m) for m in missing if m.incoming]
        outgoing = [_read_outgoing(session, m) for m in missing if not m.incoming]
    try:
        with db.write() as session:
            for entry in incoming:
                _incoming_again(session, entry)
            for letter in outgoing:
                _outgoing_again(session, letter)
            session.flush()
            for entry in incoming:
                _link_incoming(session, entry)
            for letter in outgoing:
                _link_answered(session, letter)
    finally:
        for files in [e.files for e in incoming] + [e.files for e in outgoing]:
            for file in files:
                file.spool.close()
    entries: list[_Incoming | _Outgoing] = [*incoming, *outgoing]
    unfiled = {id(e.item): e.unfiled for e in entries if e.unfiled}
    return [replace(m, unfiled=unfiled[id(m)]) if id(m) in unfiled else m for m in missing]


# --- reading the kept-aside file ------------------------------------------------------------


@contextmanager
def _readable(aside: Path) -> Iterator[Database]:
    """The kept-aside database, read as it is when it is at this program's schema; one from an
    older program (kept aside before an upgrade) is copied and the copy brought up to date —
    the aside itself is never changed."""
    import shutil
    import sqlite3

    from app.services.safety.opening import open_registry
    from app.storage.hooks import open_store
    from db.schema import HEAD_REVISION, current_revision

    source = open_store(str(aside), read_only=True)
    try:
        if current_revision(source) == HEAD_REVISION:
            yield source
            return
    finally:
        source.dispose()
    folder = tempfile.mkdtemp(prefix="secretariat-aside-")
    try:
        copy = Path(folder) / aside.name
        with sqlite3.connect(f"{aside.resolve().as_uri()}?mode=ro", uri=True) as old:
            new = sqlite3.connect(copy)
            old.backup(new)
            new.close()
        upgraded = open_registry(str(copy))
        try:
            yield upgraded
        finally:
            upgraded.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _by_number(session: Session, model: Any, number: Number | None) -> Any:
    """The outgoing or incoming row holding ``number`` in this session's file, or None."""
    if number is None:
        return None
    code, key, seq = number
    return session.scalars(
        select(model).where(model.journal.has(code=code), model.period_key == key, model.seq == seq)
    ).first()


def _numbered(session: Session, model: Any, item: MissingLetter) -> Any:
    row = _by_number(session, model, (item.journal, item.period, item.seq))
    assert row is not None  # listed from this very file
    return row


def _spooled(session: Session, file_id: int) -> IO[bytes]:
    from app.services.files.stored_files import stored_pieces
    from db.models import StoredFile

    stored = session.get(StoredFile, file_id)
    # closed by bring_back once written (or on failure): it outlives this function
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    if stored is not None:
        for piece in stored_pieces(session, stored):
            spool.write(piece)
    spool.seek(0)
    return spool


def _read_outgoing(session: Session, item: MissingLetter) -> _Outgoing:
    from app.services.registry.letter_cards import card_to_json

    letter = _numbered(session, Letter, item)
    entry = _Outgoing(
        item,
        card_to_json(session, letter),
        letter.status,
        letter.annul_reason,
        filed=_filed(session, letter),
    )
    for row in session.scalars(
        select(LetterFile).where(LetterFile.letter_id == letter.id).order_by(LetterFile.id)
    ):
        entry.files.append(
            _File(
                row.name,
                _spooled(session, row.file_id),
                row.pages,
                kind=row.kind,
                title=row.title,
                added_by=row.added_by,
            )
        )
    for code, key, seq in session.execute(
        select(Journal.code, IncomingLetter.period_key, IncomingLetter.seq)
        .join(Journal, Journal.id == IncomingLetter.journal_id)
        .where(IncomingLetter.answered_by_id == letter.id)
    ):
        entry.answered.append((code, key, seq))
    return entry


def _filed(session: Session, row: Letter | IncomingLetter) -> _Filed | None:
    case = session.get(CaseFile, row.case_id) if row.case_id else None
    return _Filed(case.case_index, case.year, row.filed_on, row.filed_by) if case else None


def _number_of(letter: Letter | None) -> Number | None:
    if letter is None:
        return None
    return (letter.journal.code, letter.period_key, letter.seq)


def _read_incoming(session: Session, item: MissingLetter) -> _Incoming:
    row = _numbered(session, IncomingLetter, item)
    columns = {
        c.key: getattr(row, c.key)
        for c in IncomingLetter.__table__.columns
        if c.key not in ("id", "journal_id", "sender_id", "reply_to_id", "answered_by_id")
        and c.key not in ("search_vector", "version", *_FILING)
    }
    entry = _Incoming(
        item,
        columns,
        row.sender.code if row.sender is not None else "",
        _number_of(session.get(Letter, row.reply_to_id) if row.reply_to_id else None),
        _number_of(session.get(Letter, row.answered_by_id) if row.answered_by_id else None),
        filed=_filed(session, row),
    )
    for a in row.assignments:
        entry.assignments.append(
            {
                "executor": a.executor.code,
                "position": a.position,
                "responsible": a.responsible,
                "task": a.task,
                "due_date": a.due_date,
                "assigned_at": a.assigned_at,
            }
        )
    for f in row.files:
        entry.files.append(_File(f.name, _spooled(session, f.file_id), f.pages, title=f.title))
    return entry


# --- writing into the restored registry ---------------------------------------------------


def _store(session: Session, file: _File) -> Any:
    from app.services.files.stored_files import store_stream_in

    file.spool.seek(0)
    return store_stream_in(session, file.name, cast(BinaryIO, file.spool), limit=1 << 62)


def _journal(session: Session, code: str) -> Journal:
    journal = session.scalars(select(Journal).where(Journal.code == code)).first()
    if journal is None:
        raise UserError(f"Журнала «{code}» нет в восстановленной базе")
    return journal


def _incoming_again(session: Session, entry: _Incoming) -> None:
    from app.services.numbers.counters import issue_number

    item = entry.item
    journal = _journal(session, item.journal)
    issued = issue_number(session, journal, item.date, seq=item.seq, reuse=True)
    sender = None
    if entry.sender_code:
        sender = session.scalars(
            select(Recipient).where(Recipient.code == entry.sender_code)
        ).first()
    row = IncomingLetter(**entry.row)
    row.journal_id, row.journal = journal.id, journal
    row.period_key, row.seq, row.number = issued.period_key, issued.seq, issued.number
    row.sender_id = sender.id if sender is not None else None
    entry.unfiled = _refile(session, row, entry.filed)
    session.add(row)
    session.flush()
    left_out = []
    staff = {s.code: s.id for s in session.scalars(select(Staff))}
    for a in entry.assignments:
        if a["executor"] not in staff:
            left_out.append(a["executor"])
            continue
        session.add(
            IncomingAssignment(
                incoming_id=row.id,
                executor_id=staff[a["executor"]],
                **{k: v for k, v in a.items() if k != "executor"},
            )
        )
    for file in entry.files:
        stored = _store(session, file)
        session.add(
            IncomingFile(
                incoming_id=row.id,
                file_id=stored.id,
                name=file.name,
                pages=file.pages,
                title=file.title,
            )
        )
    session.flush()
    entry.row["id"] = row.id
    _brought_back(
        session, "incoming", row, entry.files, assignments_left_out=left_out,
        **_case_left_out(entry.unfiled),
    )  # fmt: skip


def _link_incoming(session: Session, entry: _Incoming) -> None:
    """The links of an incoming letter brought back: our letter it answers (and that letter's
    report control, when the reply brought the sender's report), and our letter that answered
    it — where those letters are in the registry now."""
    from db.models import LetterAddressee, ReportControl

    row = session.get(IncomingLetter, entry.row["id"])
    assert row is not None
    asked = _by_number(session, Letter, entry.reply_to)
    if asked is not None:
        row.reply_to_id = asked.id
        if row.sender_id is not None:
            control = session.scalars(
                select(ReportControl)
                .join(LetterAddressee, LetterAddressee.id == ReportControl.addressee_id)
                .where(
                    LetterAddressee.letter_id == asked.id,
                    LetterAddressee.recipient_id == row.sender_id,
                    ReportControl.incoming_id.is_(None),
                    ReportControl.reply_number.in_([row.sender_number, row.number]),
                )
            ).first()
            if control is not None:
                control.incoming_id = row.id
    answer = _by_number(session, Letter, entry.answered_by)
    if answer is not None:
        row.answered_by_id = answer.id
    session.flush()


def _outgoing_again(session: Session, entry: _Outgoing) -> None:
    from app.services.registry.letter_cards import card_from_json
    from app.services.registry.letters import Addressee, register_in, reserve_in
    from db.models import DistributionList

    item, data = entry.item, dict(entry.card)
    data.pop("number", None)  # a reservation of the old file: the number is taken by seq below
    if entry.status in (LetterStatus.RESERVED, LetterStatus.CANCELLED):
        # a number without a letter yet: its case index and note, nothing to check
        reserved = reserve_in(
            session, _journal(session, item.journal), item.date,
            case=str(data.get("case") or ""), note=item.subject, seq=item.seq, reuse=True,
        )  # fmt: skip
        reserved.status, reserved.annul_reason = entry.status, entry.reason
        _outgoing_files(session, entry, reserved)
        return
    card = card_from_json(data)
    spec = card.addressee
    codes = [c for c in [spec.recipient, *(spec.recipients or [])] if c]
    known = set(session.scalars(select(Recipient.code).where(Recipient.code.in_(codes))))
    lost_list = (
        bool(spec.list)
        and session.scalars(
            select(DistributionList.id).where(DistributionList.name == spec.list)
        ).first()
        is None
    )
    if set(codes) - known or lost_list:
        printed = data.get("registration", {}).get("addressees_as_printed") or []
        text = "\n\n".join(row["lines"] for row in printed) or item.addressee
        card = replace(card, addressee=Addressee(text=text or item.addressee))
    staff = set(session.scalars(select(Staff.code)))
    if card.signatory and card.signatory not in staff:
        card = replace(card, signatory=None)
    if card.executor and card.executor not in staff:
        card = replace(card, executor=None)
    card = replace(card, date=item.date)
    registered = register_in(session, card, seq=item.seq, reuse=True)
    letter = session.get(Letter, registered.id)
    assert letter is not None
    if entry.status != LetterStatus.REGISTERED:
        letter.status = entry.status
        letter.annul_reason = entry.reason
    _outgoing_files(session, entry, letter)


def _refile(session: Session, row: Letter | IncomingLetter, filed: _Filed | None) -> str:
    """The row filed as it was in the kept-aside file: to the case of the same index and year,
    when the restored nomenclature has it open. "" when so (or when it was not filed); else why
    it stays unfiled."""
    from app.services.cases.nomenclature import case_by_index_in, is_open

    row.case_id, row.filed_on, row.filed_by = None, None, ""
    if filed is None:
        return ""
    case = case_by_index_in(session, filed.index, filed.year)
    if case is None:
        return f"дела {filed.index} ({filed.year}) нет в восстановленной номенклатуре"
    if not is_open(case):
        return f"дело {filed.index} ({filed.year}) закрыто"
    row.case_id, row.filed_on, row.filed_by = case.id, filed.on, filed.by
    return ""


def _outgoing_files(session: Session, entry: _Outgoing, letter: Letter) -> None:
    entry.unfiled = _refile(session, letter, entry.filed)
    for file in entry.files:
        stored = _store(session, file)
        session.add(
            LetterFile(
                letter_id=letter.id, file_id=stored.id, name=file.name, kind=file.kind,
                title=file.title, pages=file.pages, added_by=file.added_by,
            )
        )  # fmt: skip
    session.flush()
    entry.id = letter.id
    _brought_back(session, "letter", letter, entry.files, **_case_left_out(entry.unfiled))


def _case_left_out(why: str) -> dict[str, str]:
    return {"case_left_out": why} if why else {}


def _brought_back(
    session: Session, entity: str, row: Letter | IncomingLetter, files: list[_File], **more: Any
) -> None:
    audit.record(
        session, entity, row.id, "brought_back",
        number=row.number, status=row.status, files=[f.name for f in files], **more,
    )  # fmt: skip


def _link_answered(session: Session, entry: _Outgoing) -> None:
    """An incoming letter our letter brought back had answered is linked to it again."""
    from app.rules.states import Execution

    for number in entry.answered:
        row = _by_number(session, IncomingLetter, number)
        if row is None or row.answered_by_id is not None:
            continue
        row.answered_by_id = entry.id
        if row.execution in (Execution.NONE, Execution.ON_CONTROL):
            row.execution = Execution.ANSWERED
            row.done_date = entry.item.date
    session.flush()
