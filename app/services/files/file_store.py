"""Storing one file with a letter, inside the caller's transaction: the per-file limit, the page
count, a free name, the row and its audit event. ``letter_files`` (a file attached to a
registered letter) and ``letters.register_letter`` (the attachments' files given with the card)
both store through here."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.files.stored_files import megabytes, store_stream_in, upload_size
from app.storage import audit
from app.support.errors import UserError
from db.models import Letter, LetterFile, StoredFile

PAGED_SUFFIXES = (".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg")


def count_pages(path: Path, content: bytes | None = None) -> int:
    """Pages of a PDF or a (multi-page) image; 0 when it is neither or cannot be read.
    ``content``: the file's bytes, already in memory (a МЭДО package's, an e-mail's); ``path``
    then only names it."""
    suffix = path.suffix.lower()
    if suffix not in PAGED_SUFFIXES:
        return 0
    source = str(path) if content is None else content
    try:
        if suffix == ".pdf":
            import pypdfium2 as pdfium

            document = pdfium.PdfDocument(source)
            try:
                return len(document)
            finally:
                document.close()
        from PIL import Image

        with Image.open(path if content is None else io.BytesIO(content)) as image:
            return int(getattr(image, "n_frames", 1))
    except Exception:  # a damaged or foreign file: stored all the same, pages unknown
        return 0


def _free_name(session: Session, letter_id: int, name: str) -> str:
    taken = set(session.scalars(select(LetterFile.name).where(LetterFile.letter_id == letter_id)))
    return free_name(taken, name)


def free_name(taken: set[str], name: str) -> str:
    """The file's name, or «name (2).ext» when a file so named is there already."""
    if name not in taken:
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while f"{stem} ({n}){suffix}" in taken:
        n += 1
    return f"{stem} ({n}){suffix}"


def store_letter_file_in(
    session: Session,
    letter: Letter,
    name: str,
    source: BinaryIO,
    *,
    kind: str,
    title: str,
    pages: int,
    limit: int,
) -> tuple[LetterFile, StoredFile]:
    """The file read from ``source`` kept with the letter; refused beyond ``limit`` bytes (the
    organization's, ``organization.profile.limit_bytes``)."""
    if upload_size(source) > limit:
        raise UserError(f"{name}: файл больше допустимых {megabytes(limit)}")
    name = _free_name(session, letter.id, name)
    stored = store_stream_in(session, name, source, limit=limit)
    row = LetterFile(
        letter_id=letter.id,
        file_id=stored.id,
        name=name,
        kind=kind,
        title=title.strip(),
        pages=pages,
        added_by=audit.os_user(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "letter",
        letter.id,
        "file_attached",
        number=letter.number,
        name=name,
        kind=kind,
        size=stored.size,
        sha256=stored.sha256,
    )
    return row, stored
