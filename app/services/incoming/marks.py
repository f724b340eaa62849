"""The registration mark of an incoming letter: on a copy of its document
(``incoming stamp NUMBER --out FILE.pdf``) and as labels for paper originals (``incoming label
NUMBER… --out FILE.pdf``). The mark says what the registry holds: the organization's short name,
the number, the date and time of registration, how the letter came."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.exporters.incoming_mark import labels_pdf, stamp_incoming
from app.exporters.pdf_stamp import Stamped
from app.rules.incoming_mark import FiledMark, IncomingMark
from app.services.files.stored_files import stored_pieces
from app.services.organization.profile import get_organization
from app.support import clock
from app.support.atomic import write_atomically
from app.support.errors import UserError
from db.engine import Database
from db.models import CaseFile, IncomingLetter

MAX_LABELS = 2_400  # a hundred A4 sheets


def _short_name(db: Database) -> str:
    org = get_organization(db)
    if org is None:
        return ""
    return org.short_name or (org.letterhead[0] if org.letterhead else "") or org.name


def mark_of(db: Database, incoming_id: int) -> IncomingMark:
    organization = _short_name(db)
    with db.read() as session:
        letter = session.get(IncomingLetter, incoming_id)
        if letter is None:
            raise UserError(f"Входящее письмо {incoming_id} не найдено")
        return IncomingMark(
            organization=organization,
            number=letter.number,
            date=letter.reg_date,
            time=_time_of(letter),
            delivery=letter.delivery,
        )


def filed_mark_of(db: Database, incoming_id: int) -> FiledMark | None:
    """The «В дело» mark of a filed letter; None while it is not filed."""
    with db.read() as session:
        letter = session.get(IncomingLetter, incoming_id)
        case = session.get(CaseFile, letter.case_id) if letter and letter.case_id else None
        return FiledMark(case.case_index, letter.filed_on) if case and letter else None


def _time_of(letter: IncomingLetter) -> dt.time | None:
    """The time of registration, when it was that day: a letter entered later under an earlier
    date (a journal brought in, a date corrected) has no time to show."""
    if letter.created_at is None:
        return None
    local = clock.local_time(letter.created_at)
    return (
        local.time().replace(second=0, microsecond=0) if local.date() == letter.reg_date else None
    )


def _document(db: Database, incoming_id: int) -> tuple[str, bytes]:
    """The letter's document: its first PDF file (the original, not a copy stamped since)."""
    with db.read() as session:
        letter = session.get(IncomingLetter, incoming_id)
        if letter is None:
            raise UserError(f"Входящее письмо {incoming_id} не найдено")
        files = sorted(letter.files, key=lambda f: f.id)
        pdf = next((f for f in files if f.name.lower().endswith(".pdf")), None)
        if pdf is None:
            raise UserError(
                f"У входящего № {letter.number} нет документа PDF: отметку о поступлении "
                "можно напечатать этикеткой (incoming label)"
            )
        return pdf.name, b"".join(stored_pieces(session, pdf.file))


def stamped_document(db: Database, incoming_id: int) -> Stamped:
    """A copy of the letter's document with the mark; the stored original stays as it came."""
    return _stamped(db, incoming_id)[1]


def _stamped(db: Database, incoming_id: int) -> tuple[str, Stamped]:
    """The document's name and its stamped copy (the document read once)."""
    mark = mark_of(db, incoming_id)
    filed = filed_mark_of(db, incoming_id)
    name, data = _document(db, incoming_id)
    try:
        return name, stamp_incoming(data, mark, filed=filed)
    except UserError as exc:
        raise UserError(f"{name}: {exc}") from None


def export_stamped(db: Database, incoming_id: int, out: Path) -> tuple[Path, str]:
    """The stamped copy written to ``out`` (whole or not at all); the path and where the mark
    went."""
    stamped = stamped_document(db, incoming_id)
    path = write_atomically(Path(out), lambda tmp: tmp.write_bytes(stamped.pdf))
    return path, stamped.place


def export_labels(db: Database, incoming_ids: list[int], out: Path, size: str) -> Path:
    if len(incoming_ids) > MAX_LABELS:
        raise UserError(f"Этикеток за раз — не больше {MAX_LABELS}")
    marks = [mark_of(db, i) for i in incoming_ids]
    data = labels_pdf(marks, size)
    return write_atomically(Path(out), lambda tmp: tmp.write_bytes(data))


STAMPED_TITLE = "Копия с отметкой о поступлении"


def keep_stamped_copy(db: Database, incoming_id: int) -> str:
    """After registration: the document's copy with the mark kept beside the untouched original,
    as a file of its own («…-с-отметкой.pdf»). Stamped before the write; a letter whose document
    cannot be stamped stays registered, and the note says why there is no copy."""
    import io

    from app.services.incoming.registration import registered_in, store_files_in
    from app.storage import audit

    try:
        name, stamped = _stamped(db, incoming_id)
    except UserError as exc:
        return f"копия с отметкой не сделана: {exc}"
    copy_name = f"{Path(name).stem}-с-отметкой.pdf"
    with db.write() as session:
        row = registered_in(session, incoming_id)
        kept = store_files_in(
            session, row, [(copy_name, io.BytesIO(stamped.pdf))], [stamped.pages], [STAMPED_TITLE]
        )
        audit.record(session, "incoming", row.id, "stamped", number=row.number, file=kept[0].name)
    return f"копия с отметкой о поступлении сохранена ({kept[0].name})"
