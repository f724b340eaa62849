"""Writing a file through a temporary file in the same folder, renamed only when complete.

A crash, a full disk or a failed export never leaves half a file where the old one (or nothing)
stood. OS errors reach the caller unchanged; the temporary file is always removed.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from app.support.errors import UserError


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


LINK_REFUSED = "{name}: это ссылка на другой файл, а не файл — не принят"


def open_regular(path: Path, *, follow_links: bool = True) -> BinaryIO:
    """``path`` opened for reading only when it is a regular file: a device (``/dev/zero``), a
    FIFO (opened without waiting for a writer) or a folder is refused, and with
    ``follow_links`` false a symbolic link too (a file inside someone else's package)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    if not follow_links and path.is_symlink():  # also where O_NOFOLLOW does not exist
        raise UserError(LINK_REFUSED.format(name=path.name))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UserError(LINK_REFUSED.format(name=path.name)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "это папка", str(path))
        if not stat.S_ISREG(mode):
            raise UserError(f"{path}: это не обычный файл (устройство или канал) — не читается")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_for_reading(path: Path) -> BinaryIO:
    """:func:`open_regular` with what stops it said in one Russian line."""
    try:
        return open_regular(path)
    except FileNotFoundError:
        raise UserError(f"Файл не найден: {path}") from None
    except IsADirectoryError:
        raise UserError(f"{path}: это папка, а не файл") from None
    except PermissionError:
        raise UserError(f"{path}: нет доступа к файлу") from None
    except OSError as exc:
        raise UserError(f"{path}: файл не читается ({exc.strerror or exc})") from None


def read_regular(path: Path, limit: int, what: str) -> bytes:
    """A file named by the clerk (or inside someone's package) read whole, but only a regular
    file and at most ``limit`` bytes: ``/dev/zero``, a FIFO or a folder is one Russian line,
    never a read without end."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise UserError(f"{path}: файл не найден")
    with open_for_reading(path) as source:
        try:
            data = source.read(limit + 1)
        except OSError as exc:
            raise UserError(f"{path}: файл не читается ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise UserError(f"{path}: файл больше {limit // 1_000_000} МБ — это не {what}")
    return data
