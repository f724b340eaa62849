"""Files kept inside the database (replies, logos, sent copies), each with its SHA-256.

Inside the database a file moves with the registry and its backups; the checksum, written once,
shows later that the content is the one received.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from sqlalchemy.orm import Session

from app.errors import UserError
from db.models import StoredFile

MAX_FILE_BYTES = 100 * 1024 * 1024
MIME_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def store_file_in(session: Session, name: str, content: bytes, mime: str = "") -> StoredFile:
    if len(content) > MAX_FILE_BYTES:
        raise UserError(f"{name}: файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ")
    suffix = Path(name).suffix.lower()
    mime = mime or MIME_BY_SUFFIX.get(suffix) or mimetypes.types_map.get(suffix, "")
    stored = StoredFile(
        name=name,
        mime=mime or "application/octet-stream",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    session.add(stored)
    session.flush()
    return stored


def read_upload(path: Path) -> tuple[str, bytes]:
    """A file the clerk picked, read whole before any transaction starts."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserError(f"{path.name}: файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ")
        return path.name, path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Файл не найден: {path}") from None
    except IsADirectoryError:
        raise UserError(f"{path}: это папка, а не файл") from None
    except PermissionError:
        raise UserError(f"{path}: нет доступа к файлу") from None
