"""Writing a file through a temporary file in the same folder, renamed only when complete.

A crash, a full disk or a failed export never leaves half a file where the old one (or nothing)
stood. OS errors reach the caller unchanged; the temporary file is always removed.
"""

from __future__ import annotations

import mimetypes
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)``, make it durable, then move it over ``path``."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600; a clerk's file gets the usual mode
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _mode_for(path: Path) -> int:
    """The mode of the file being replaced, else what the user's umask gives a new file."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
# names Windows keeps for devices, with any extension: «CON», «con.pdf», «LPT1.txt»
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE)


def safe_file_name(text: str, limit: int = 80, *, fallback: str = "письмо") -> str:
    """A file name (without folder) that Windows and Linux both accept, from a letter number or
    an addressee: «1893/5» → «1893-5»; ``\\ / : * ? " < > |`` and control characters become «-»,
    trailing dots and spaces go, reserved device names get «_» in front, length is capped."""
    name = _UNSAFE.sub("-", text)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    name = name[:limit].rstrip(" .-")
    if _RESERVED.match(name):
        name = f"_{name}"
    return name or fallback


MIME_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def mime_of(name: str) -> str:
    """The MIME type a file's name says (stored files, e-mail attachments)."""
    suffix = Path(name).suffix.lower()
    return (
        MIME_BY_SUFFIX.get(suffix)
        or mimetypes.types_map.get(suffix)
        or ("application/octet-stream")
    )
