"""Letters filed to cases («В дело № …»), a case's contents and its internal inventory, a case
closed with its date range and sheets.

An outgoing letter is filed when it is registered, to the case its number names (the journal's
``{case}``); once the year has a nomenclature an index not in it is refused, so a typo no longer
makes a new «case». An incoming letter is filed when it is done, to the case the clerk chooses —
proposed from our reply's case or the responsible executor's department. A closed case takes no
more documents; a letter is moved to another case only while both are open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.exporters.table import Table, TableColumn
from app.services.cases.nomenclature import (
    OPEN,
    SIGNATURES,
    CaseView,
    case_by_index_in,
    case_view,
    filed_count,
    find_case_in,
    has_nomenclature_in,
    is_open,
)
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from db.engine import Database
from db.models import (
    CaseFile,
    IncomingLetter,
    Letter,
    LetterAttachment,
    LetterFile,
    NomenclatureSection,
    Staff,
)

OUTGOING, INCOMING = "outgoing", "incoming"


@dataclass(frozen=True)
class FiledDocument:
    kind: str  # OUTGOING or INCOMING
    id: int
    number: str
    date: dt.date
    title: str
    correspondent: str  # whom we wrote to, who wrote to us
    sheets: int
    filed_on: dt.date | None

    @property
    def kind_label(self) -> str:
        return "исх." if self.kind == OUTGOING else "вх."


def case_for_number_in(
    session: Session, index: str, date: dt.date, *, strict: bool = True
) -> CaseFile | None:
    """The case a new outgoing number names: None for no index or a year without a
    nomenclature (free text, as before); refused for an index the nomenclature lacks, or a case
    closed or destroyed. Not ``strict`` (a number brought back after a restore, as it was):
    None instead of a refusal — the number is never lost for want of a case."""
    index = index.strip()
    if not index or not has_nomenclature_in(session, date.year):
        return None
    if not strict:
        row = case_by_index_in(session, index, date.year)
        return row if row is not None and is_open(row) else None
    row = find_case_in(session, index, date.year)
    _refuse_closed(row)
    return row


def case_title(db: Database, index: str, date: dt.date) -> str:
    """What the letter form shows beside a new number: the title of the case its index names
    («» when the index is empty or the year has no nomenclature); refused as registration
    would refuse it."""
    with db.read() as session:
        row = case_for_number_in(session, index, date)
        return row.title if row is not None else ""


def open_indexes(db: Database, year: int) -> list[tuple[str, str]]:
    """The year's open cases as (index, title), in the nomenclature's order."""
    with db.read() as session:
        rows = session.execute(
            select(CaseFile.case_index, CaseFile.title)
            .where(CaseFile.year == year, *OPEN)
            .order_by(CaseFile.section_id, CaseFile.position)
        ).all()
        return [(str(i), str(t)) for i, t in rows]


def _refuse_closed(row: CaseFile) -> None:
    if row.act_id is not None:
        raise UserError(f"Дело «{row.case_index}» ({row.year}) уничтожено; в него не подшить")
    if row.closed_on is not None:
        raise UserError(
            f"Дело «{row.case_index}» ({row.year}) закрыто {row.closed_on:%d.%m.%Y}; "
            "в него больше не подшивают документы"
        )


def filing_mark_in(session: Session, case_id: int | None, filed_on: dt.date | None) -> str:
    """The requisite «отметка о направлении документа в дело» as the cards show it: «В дело
    № 5 (2025), 03.11.2025», and the act when the case was destroyed; "" when not filed."""
    case = session.get(CaseFile, case_id) if case_id is not None else None
    if case is None:
        return ""
    day = f", {filed_on:%d.%m.%Y}" if filed_on else ""
    mark = f"В дело № {case.case_index} ({case.year}){day}"
    if case.act is not None:
        mark += f"; дело уничтожено — акт № {case.act.number} от {case.act.day:%d.%m.%Y}"
    return mark


def _file_row(session: Session, row: Letter | IncomingLetter, case: CaseFile, what: str) -> None:
    _refuse_closed(case)
    if row.case_id == case.id:
        return
    if row.case_id is not None:
        old = session.get(CaseFile, row.case_id)
        if old is not None:
            _refuse_closed(old)
    if row.status != "registered":
        raise UserError(f"{what} № {row.number} не зарегистрировано; подшивать нечего")
    row.case_id = case.id
    row.filed_on = clock.today()
    row.filed_by = audit.os_user()
    audit.record(
        session,
        "letter" if isinstance(row, Letter) else "incoming",
        row.id,
        "filed",
        number=row.number,
        case=case.case_index,
        year=case.year,
    )


def file_letter(db: Database, letter_id: int, index: str, *, year: int | None = None) -> CaseView:
    """File our letter to the case ``index`` of ``year`` (its registration year by default)."""
    with db.write() as session:
        case = file_letter_in(session, letter_id, index, year=year)
        return case_view(case, filed_count(session, case.id))


def file_letter_in(
    session: Session, letter_id: int, index: str, *, year: int | None = None
) -> CaseFile:
    row = session.get(Letter, letter_id)
    if row is None:
        raise UserError("Письмо не найдено")
    case = find_case_in(session, index, year or row.reg_date.year)
    _file_row(session, row, case, "Письмо")
    session.flush()
    return case


def file_incoming(
    db: Database, incoming_id: int, index: str, *, year: int | None = None
) -> CaseView:
    """File an incoming letter to the case ``index`` of ``year`` (by default the year it was
    done in, or received in while it is not done)."""
    with db.write() as session:
        case = file_incoming_in(session, incoming_id, index, year=year)
        return case_view(case, filed_count(session, case.id))


def file_incoming_in(
    session: Session, incoming_id: int, index: str, *, year: int | None = None
) -> CaseFile:
    row = session.get(IncomingLetter, incoming_id)
    if row is None:
        raise UserError("Входящее письмо не найдено")
    case = find_case_in(session, index, year or incoming_year(row))
    _file_row(session, row, case, "Входящее")
    session.flush()
    return case


def incoming_year(row: IncomingLetter) -> int:
    return (row.done_date or row.reg_date).year


def filed_index(db: Database, letter_id: int) -> str:
    """The index of the case our letter is filed to ("" when none)."""
    with db.read() as session:
        row = session.get(Letter, letter_id)
        case = session.get(CaseFile, row.case_id) if row and row.case_id else None
        return case.case_index if case is not None else ""


def proposed_case(db: Database, incoming_id: int) -> str:
    """The case to propose for a done incoming letter: the one it is filed to; our reply's
    case; a case of the responsible executor's department (its section); "" when none."""
    with db.read() as session:
        row = session.get(IncomingLetter, incoming_id)
        if row is None:
            return ""
        if row.case_id is not None:
            case = session.get(CaseFile, row.case_id)
            return case.case_index if case is not None else ""
        year = incoming_year(row)
        replies = [row.answered_by_id, *(a.reply_id for a in row.assignments)]
        for reply_id in replies:
            reply = session.get(Letter, reply_id) if reply_id else None
            if reply is not None and reply.case_id is not None:
                case = session.get(CaseFile, reply.case_id)
                if case is not None and case.year == year and is_open(case):
                    return case.case_index
        return _department_case(session, row, year)


def _department_case(session: Session, row: IncomingLetter, year: int) -> str:
    found = session.execute(
        select(CaseFile.case_index, NomenclatureSection.title)
        .join(NomenclatureSection, CaseFile.section_id == NomenclatureSection.id)
        .where(CaseFile.year == year, *OPEN)
        .order_by(NomenclatureSection.position, CaseFile.position)
    ).all()
    responsible = sorted(row.assignments, key=lambda a: (not a.responsible, a.position))
    for assignment in responsible:
        person = session.get(Staff, assignment.executor_id)
        department = (person.department if person is not None else "").strip().casefold()
        if not department:
            continue
        for index, title in found:
            if department in str(title).casefold():
                return str(index)
    return ""


def _outgoing_sheets(session: Session, ids: list[int]) -> dict[int, int]:
    """Sheets of our letters' copies in the case: the signed scan's pages (1 when unknown) and
    the sheets of the attachments."""
    scans = dict(
        session.execute(
            select(LetterFile.letter_id, func.sum(LetterFile.pages))
            .where(LetterFile.letter_id.in_(ids), LetterFile.kind == "scan")
            .group_by(LetterFile.letter_id)
        ).all()
    )
    extra = dict(
        session.execute(
            select(LetterAttachment.letter_id, func.sum(LetterAttachment.sheets))
            .where(LetterAttachment.letter_id.in_(ids))
            .group_by(LetterAttachment.letter_id)
        ).all()
    )
    return {i: max(1, int(scans.get(i) or 0)) + int(extra.get(i) or 0) for i in ids}


def _short(text: str, limit: int = 120) -> str:
    """A correspondent for a line of the inventory: the words that fit, then «…»."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;—- ") + "…"


def documents_in(session: Session, case_id: int) -> list[FiledDocument]:
    """The case's documents, oldest first (by date, then number)."""
    letters = list(
        session.scalars(
            select(Letter).where(Letter.case_id == case_id, Letter.status == "registered")
        )
    )
    sheets = _outgoing_sheets(session, [r.id for r in letters])
    found = [
        FiledDocument(
            OUTGOING,
            r.id,
            r.number,
            r.reg_date,
            r.subject,
            _short(r.addressee_text),
            sheets.get(r.id, 1),
            r.filed_on,
        )
        for r in letters
    ]
    incoming = select(IncomingLetter).where(
        IncomingLetter.case_id == case_id, IncomingLetter.status == "registered"
    )
    for r in session.scalars(incoming):
        pages = r.pages or sum(f.pages for f in r.files) or 1
        sender = r.sender_text or (r.sender.organization if r.sender is not None else "")
        found.append(
            FiledDocument(
                INCOMING,
                r.id,
                r.number,
                r.reg_date,
                r.subject,
                _short(sender),
                pages,
                r.filed_on,
            )
        )
    found.sort(key=lambda d: (d.date, d.kind, d.number, d.id))
    return found


def case_contents(db: Database, index: str, year: int) -> tuple[CaseView, list[FiledDocument]]:
    with db.read() as session:
        row = find_case_in(session, index, year)
        documents = documents_in(session, row.id)
        return case_view(row, len(documents)), documents


def close_case(
    db: Database, index: str, year: int, *, sheets: int | None = None, today: dt.date | None = None
) -> CaseView:
    """Close the case: its date range from its documents, its sheets counted from them (or as
    the clerk counted them after binding); no document is filed to it after."""
    with db.write() as session:
        row = find_case_in(session, index, year)
        _refuse_closed(row)
        documents = documents_in(session, row.id)
        if sheets is not None and not 1 <= sheets <= 100_000:
            raise UserError("Листов в деле: от 1 до 100 000")
        row.closed_on = today or clock.today()
        row.date_from = min((d.date for d in documents), default=None)
        row.date_to = max((d.date for d in documents), default=None)
        row.sheets = sheets if sheets is not None else sum(d.sheets for d in documents)
        audit.record(
            session,
            "case",
            row.id,
            "case_closed",
            year=year,
            index=row.case_index,
            documents=len(documents),
            sheets=row.sheets,
        )
        session.flush()
        return case_view(row, len(documents))


def reopen_case(db: Database, index: str, year: int) -> CaseView:
    """Open a closed case again (not one in an act)."""
    with db.write() as session:
        row = find_case_in(session, index, year)
        if row.act_id is not None:
            raise UserError(f"Дело «{row.case_index}» уничтожено; его не открыть")
        if row.closed_on is None:
            raise UserError(f"Дело «{row.case_index}» не закрыто")
        row.closed_on = None
        audit.record(session, "case", row.id, "reopened", year=year, index=row.case_index)
        session.flush()
        return case_view(row, filed_count(session, row.id))


def internal_inventory(case: CaseView, documents: list[FiledDocument]) -> Table:
    """The internal inventory of a case's documents (внутренняя опись): each document with the
    sheets it takes, counted on from the first."""
    rows: list[list[object]] = []
    first = 1
    for n, d in enumerate(documents, 1):
        last = first + d.sheets - 1
        rows.append(
            [
                n,
                f"{d.kind_label} № {d.number}",
                f"{d.date:%d.%m.%Y}",
                d.title,
                f"{first}–{last}" if last > first else str(first),
                d.correspondent,
            ]
        )
        first = last + 1
    total = first - 1
    return Table(
        title=f"Внутренняя опись документов дела № {case.index}",
        subtitle=f"{case.title} ({case.year})",
        columns=[
            TableColumn("№ п/п", 6, numeric=True),
            TableColumn("Регистрационный индекс документа", 18),
            TableColumn("Дата документа", 11),
            TableColumn("Заголовок документа", 45),
            TableColumn("Номера листов дела", 10),
            TableColumn("Примечание", 24),
        ],
        rows=rows,
        notes=[
            f"Итого {len(documents)} документов. Листов документов: {total}.",
            "Количество листов внутренней описи: 1.",
            *SIGNATURES,
        ],
    )
