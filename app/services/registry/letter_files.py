"""The letter's own files: the signed scan, the attachments' files, the executor's draft.

Kept in the database with the letter (size, SHA-256, who and when), a piece at a time so a large
file is never whole in memory; read back byte for byte with the checksum verified. Removal needs
a reason and is audited. The per-file limit is the organization's setting (50 MB by default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.exporters.pdf_stamp import Stamped
from app.rules.field_rules import check_text
from app.services.files.file_store import count_pages, store_letter_file_in
from app.services.files.stored_files import (
    megabytes,
    open_upload,
    save_stored_file,
    store_stream_in,
    upload_size,
)
from app.services.organization.profile import limit_bytes
from app.services.registry.letters import (
    LetterCard,
    RegisteredLetter,
    refuse_incomplete,
    register_letter,
)
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.files import safe_file_name
from app.support.text import date_ru
from db.engine import Database
from db.models import Letter, LetterFile, StoredFile

KINDS = {
    "scan": "скан подписанного письма",
    "attachment": "файл приложения",
    "draft": "черновик",
    "document": "документ письма (PDF)",  # a letter made elsewhere, registered as it is
}
ATTACHED_KINDS = ("scan", "attachment", "draft")  # what a clerk attaches; the document comes


# with the registration (register_with_document)
@dataclass(frozen=True)
class LetterFileRow:
    id: int
    name: str
    kind: str
    title: str
    size: int
    sha256: str
    pages: int  # 0: not counted (not a PDF or an image)
    added_by: str
    added_at: dt.datetime  # local time


def _letter(session: Session, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise UserError("Письмо не найдено")
    return letter


def attach_file(
    db: Database, letter_id: int, path: Path, *, kind: str = "attachment", title: str = ""
) -> LetterFileRow:
    """Store the file with the letter; refused beyond the limit, nothing written then."""
    path = Path(path)
    if kind not in ATTACHED_KINDS:
        raise UserError(f"Вид файла «{kind}»: допустимо {', '.join(ATTACHED_KINDS)}")
    check_text(title, "название файла", limit=500)
    check_text(path.name, "имя файла", limit=300)
    pages = count_pages(path)  # before the write transaction: it reads the whole file
    try:
        with open_upload(path) as source, db.write() as session:
            letter = _letter(session, letter_id)
            row, stored = store_letter_file_in(
                session, letter, path.name, source,
                kind=kind, title=title, pages=pages, limit=limit_bytes(session),
            )  # fmt: skip
            return _row(row, stored)
    except OSError as exc:  # a read that fails half way
        raise UserError(f"{path}: файл не читается ({exc.strerror or exc})") from None


def _row(row: LetterFile, stored: StoredFile) -> LetterFileRow:
    added = row.added_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    return LetterFileRow(
        row.id, row.name, row.kind, row.title, stored.size, stored.sha256, row.pages,
        row.added_by, added,
    )  # fmt: skip


def letter_files(db: Database, letter_id: int) -> list[LetterFileRow]:
    with db.read() as session:
        _letter(session, letter_id)
        rows = session.execute(
            select(LetterFile, StoredFile)
            .join(StoredFile, StoredFile.id == LetterFile.file_id)
            .where(LetterFile.letter_id == letter_id)
            .order_by(LetterFile.id)
        ).all()
        return [_row(row, stored) for row, stored in rows]


def _named(session: Session, letter_id: int, name: str) -> LetterFile:
    row = session.scalars(
        select(LetterFile).where(LetterFile.letter_id == letter_id, LetterFile.name == name)
    ).first()
    if row is None:
        raise UserError(f"У письма нет файла «{name}»")
    return row


def save_letter_file(db: Database, letter_id: int, name: str, out: Path) -> Path:
    """The file written to ``out`` byte for byte (checksum verified; nothing left on a fault)."""
    with db.read() as session:
        file_id = _named(session, letter_id, name).file_id
    return save_stored_file(db, file_id, out)


def detach_file(db: Database, letter_id: int, name: str, reason: str) -> None:
    """Remove a file of the letter, with the reason; the audit keeps its name and checksum."""
    if not reason.strip():
        raise UserError("Укажите причину удаления файла")
    check_text(reason, "причина", limit=1000)
    with db.write() as session:
        letter = _letter(session, letter_id)
        row = _named(session, letter_id, name)
        stored = session.get(StoredFile, row.file_id)
        details: dict[str, object] = {"name": row.name, "kind": row.kind}
        if stored is not None:
            details |= {"size": stored.size, "sha256": stored.sha256}
        session.delete(row)
        session.flush()
        session.execute(delete(StoredFile).where(StoredFile.id == row.file_id))
        audit.record(
            session,
            "letter",
            letter_id,
            "file_removed",
            number=letter.number,
            reason=reason.strip(),
            **details,
        )


DOCUMENT_TITLE = "Документ письма"


def _document_data(db: Database, path: Path) -> tuple[bytes, int]:
    """The letter made elsewhere as PDF bytes (a scan made a PDF a page a picture), and the
    file limit it was read under; refused with one line when it is neither, or over it."""
    from app.exporters.scan_pdf import image_file_pdf, is_image, page_sizes_checked

    path = Path(path)
    with db.read() as session:
        limit = limit_bytes(session)
    try:
        with open_upload(path) as source:
            if upload_size(source) > limit:
                raise UserError(f"{path.name}: файл больше допустимых {megabytes(limit)}")
            data = source.read()
    except OSError as exc:  # a read that fails half way
        raise UserError(f"{path}: файл не читается ({exc.strerror or exc})") from None
    if path.suffix.lower() in (".docx", ".doc", ".odt", ".rtf"):
        raise UserError(
            f"{path.name}: документ Word регистрируется через «Загрузить из Word…» "
            "(letters from-docx) — его текст становится текстом письма; здесь — PDF или скан"
        )
    if is_image(path):  # a scan of the signed letter: its pages become the document
        return image_file_pdf(data, path.name), limit
    if not data.startswith(b"%PDF-"):
        raise UserError(f"{path.name}: это не документ PDF и не скан (JPEG, PNG, TIFF)")
    page_sizes_checked(data)  # a 14,400 pt page would take gigabytes to render later
    return data, limit


def _expected_number(db: Database, card: LetterCard, date: dt.date) -> str:
    from app.services.registry.letters import correspondent_of, preview_number

    if card.number:
        return card.number
    return preview_number(
        db, card.journal, date, case=card.case, corr=correspondent_of(card.addressee)
    )


def preview_document(
    db: Database, card: LetterCard, path: Path, *, today: dt.date | None = None
) -> Stamped:
    """The letter made elsewhere stamped with the number its registration would get now —
    nothing registered, no number issued (``letters register … --preview``, the window's look
    before «Зарегистрировать»)."""
    from app.exporters.pdf_stamp import stamp_registration

    date = card.date or today or clock.today()
    data, _limit = _document_data(db, path)
    return stamp_registration(data, _expected_number(db, card, date), date_ru(date))


class _NumberMoved(Exception):
    """Another registration took the number the document was stamped with: stamp again."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


STAMP_TRIES = 5


def register_with_document(
    db: Database, card: LetterCard, path: Path, *, today: dt.date | None = None
) -> tuple[RegisteredLetter, str]:
    """A letter made elsewhere: the card gives the registration data, the PDF (or the scan of the
    signed paper, JPEG/PNG/TIFF, made a PDF a page a picture) is the letter. The number and
    date are stamped on it (``app.exporters.pdf_stamp``) before the write — with the number the
    registration is expected to get — and the write only stores it: when another clerk took
    that number meanwhile, the write is undone and the document stamped again with the next.
    A PDF that cannot be read or stamped uses no number. Returns the registration and where
    the number was written."""
    from io import BytesIO

    from app.exporters.pdf_stamp import stamp_registration

    path = Path(path)
    refuse_incomplete(card, document=True)
    data, limit = _document_data(db, path)
    date = card.date or today or clock.today()
    expected = _expected_number(db, card, date)
    for _try in range(STAMP_TRIES):
        stamped = stamp_registration(data, expected, date_ru(date))  # the long part, outside

        def keep(
            session: Session, letter: Letter, stamped: Stamped = stamped, expected: str = expected
        ) -> None:
            if letter.number != expected:
                raise _NumberMoved(letter.number)  # rolls the registration back
            name = f"{safe_file_name(f'Письмо {letter.number} от {date_ru(letter.reg_date)}')}.pdf"
            stored = store_stream_in(
                session, name, BytesIO(stamped.pdf), limit=max(limit, len(stamped.pdf))
            )
            session.add(
                LetterFile(
                    letter_id=letter.id,
                    file_id=stored.id,
                    name=name,
                    kind="document",
                    title=DOCUMENT_TITLE,
                    pages=stamped.pages,
                    added_by=audit.os_user(),
                )
            )
            audit.record(
                session,
                "letter",
                letter.id,
                "document_registered",
                number=letter.number,
                source=path.name,
                pages=stamped.pages,
                sha256=stored.sha256,
                place=stamped.place,
            )

        try:
            registered = register_letter(db, card, today=date, document=keep)
        except _NumberMoved as moved:
            expected = moved.number
            continue
        return registered, stamped.place
    raise UserError(
        "Номер для документа не выдан: пока ставился штамп, другие рабочие места заняли "
        f"номера {STAMP_TRIES} раз подряд; повторите регистрацию"
    )


def letter_document_in(session: Session, letter_id: int) -> bytes:
    """The letter's own PDF when it was registered as a document made elsewhere, else b""."""
    from app.services.files.stored_files import stored_pieces

    stored = session.scalars(
        select(StoredFile)
        .join(LetterFile, LetterFile.file_id == StoredFile.id)
        .where(LetterFile.letter_id == letter_id, LetterFile.kind == "document")
    ).first()
    return b"".join(stored_pieces(session, stored)) if stored is not None else b""
