"""Files kept inside the database (replies, logos, sent copies), each with its SHA-256.

Inside the database a file moves with the registry and its backups; the checksum, written once,
shows later that the content is the one received.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.support.errors import UserError
from app.support.files import mime_of, open_for_reading
from db.engine import Database
from db.models import StoredFile, StoredFileChunk

CHUNK = 1024 * 1024  # a stored piece: a file goes in and out a piece at a time

MAX_FILE_BYTES = 100 * 1024 * 1024


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " МБ"


def store_stream_in(
    session: Session, name: str, source: BinaryIO, *, limit: int, mime: str = ""
) -> StoredFile:
    """A file read from ``source`` piece by piece into the database: its size and SHA-256 are
    counted on the way; more than ``limit`` bytes is refused (the transaction rolls back)."""
    stored = StoredFile(name=name, mime=mime or mime_of(name), size=0, sha256="", content=b"")
    session.add(stored)
    session.flush()
    digest = hashlib.sha256()
    size = seq = 0
    while piece := source.read(CHUNK):
        size += len(piece)
        if size > limit:
            raise UserError(f"{name}: файл больше допустимых {megabytes(limit)}")
        digest.update(piece)
        session.execute(insert(StoredFileChunk), {"file_id": stored.id, "seq": seq, "data": piece})
        seq += 1
    stored.size, stored.sha256 = size, digest.hexdigest()
    session.flush()
    return stored


def stored_pieces(session: Session, stored: StoredFile) -> Iterator[bytes]:
    """The content of a stored file, a piece at a time (whole files of old: at once)."""
    if stored.content:
        yield stored.content
        return
    seq = 0
    while True:
        piece = session.scalar(
            select(StoredFileChunk.data).where(
                StoredFileChunk.file_id == stored.id, StoredFileChunk.seq == seq
            )
        )
        if piece is None:
            return
        yield piece
        seq += 1


def save_stored_file(db: Database, file_id: int, out: Path) -> Path:
    """Write a stored file out (atomically, a piece at a time); its SHA-256 is checked on the
    way and a damaged file leaves nothing behind."""
    from app.support.atomic import write_atomically

    def write(tmp: Path) -> None:
        with db.read() as session:
            stored = session.get(StoredFile, file_id)
            if stored is None:
                raise UserError("Файл не найден")
            digest = hashlib.sha256()
            with tmp.open("wb") as target:
                for piece in stored_pieces(session, stored):
                    digest.update(piece)
                    target.write(piece)
            if digest.hexdigest() != stored.sha256:
                raise UserError(
                    f"{stored.name}: файл в базе данных поврежден (контрольная сумма не совпадает)"
                )

    return write_atomically(Path(out), write)


def store_file_in(session: Session, name: str, content: bytes, mime: str = "") -> StoredFile:
    if len(content) > MAX_FILE_BYTES:
        raise UserError(f"{name}: файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ")
    stored = StoredFile(
        name=name,
        mime=mime or mime_of(name),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    session.add(stored)
    session.flush()
    return stored


def plain_name(name: str) -> str:
    """A file name given by someone else (inside a МЭДО package, an e-mail) as a name only: no
    folders, nothing that climbs out, no control characters (a NUL PostgreSQL refuses, a line
    break), at most 250 characters; empty when nothing is left."""
    visible = "".join(c for c in name if c.isprintable() or c == " ")
    base = PurePosixPath(visible.replace("\\", "/")).name.strip()
    return "" if base in ("", ".", "..") else base[:250]


@contextmanager
def open_upload(path: Path) -> Iterator[BinaryIO]:
    """A file the clerk picked, opened for reading; what stops it is one Russian line."""
    with open_for_reading(Path(path)) as source:
        yield source


@contextmanager
def open_uploads(paths: Sequence[Path], what: str = "Файл") -> Iterator[list[BinaryIO]]:
    """The files the clerk picked, all opened before anything is written (one that cannot be
    opened uses no number); a read that fails half way, inside the block, is one Russian line
    naming ``what`` it was."""
    try:
        with ExitStack() as stack:
            yield [stack.enter_context(open_upload(path)) for path in paths]
    except OSError as exc:
        raise UserError(f"{what} не читается ({exc.strerror or exc})") from None


def upload_size(source: BinaryIO) -> int:
    """The size of a file opened for reading, or of a stream in memory (a МЭДО package's)."""
    try:
        return os.fstat(source.fileno()).st_size
    except (OSError, io.UnsupportedOperation):
        here = source.tell()
        size = source.seek(0, io.SEEK_END)
        source.seek(here)
        return size


def read_upload(path: Path) -> tuple[str, bytes]:
    """A file the clerk picked, read whole before any transaction starts."""
    path = Path(path)
    with open_upload(path) as source:
        if upload_size(source) > MAX_FILE_BYTES:
            raise UserError(f"{path.name}: файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ")
        return path.name, source.read()
