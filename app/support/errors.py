"""Errors a clerk can fix: their message is Russian and shown as is, never as a traceback."""


class UserError(Exception):
    """Bad input or an unusable database; ``str(exc)`` is the message for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConflictError(UserError):
    """Someone else changed the record since it was read."""


class UnusableDatabaseError(UserError):
    """The database file is damaged, foreign or newer; for a SQLite file ``path`` is the file and
    ``latest_backup`` the newest copy found for it (or None)."""

    def __init__(self, message: str, path: object = None, latest_backup: object = None) -> None:
        super().__init__(message)
        self.path = path
        self.latest_backup = latest_backup


READ_ONLY_MESSAGE = "База данных открыта только для чтения: изменения недоступны"


# what SQLite says when a page of the file is damaged, or the disk is full
_DAMAGE = ("malformed", "not a database", "disk i/o error", "corrupt", "vtable constructor failed")
_FULL = ("database or disk is full", "no space left")


def database_reason(exc: BaseException) -> str:
    """The server's own first line, not the statement with its parameters (a copy of a row
    with a 10 MB text printed 22 KB)."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return first[:300]


def damaged_database_message(exc: BaseException) -> str | None:
    """A clerk's message for a database error that is no bug of the program (a damaged file,
    a full disk), or None. Nothing was written: the transaction was rolled back."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "42501":  # PostgreSQL: insufficient privilege
        said = str(orig).splitlines()[0] if str(orig) else ""
        if said.startswith("permission denied for "):
            said = f"нет права на {said.removeprefix('permission denied for ')}"
        return (
            f"недостаточно прав в базе данных: {said}; ничего не записано. Права выдает "
            "администратор (secretariat users grant ПОЛЬЗОВАТЕЛЬ reader|registrar|admin)"
        )
    from db.engine import DatabaseBusyError

    busy = next((e for e in (exc, orig) if isinstance(e, DatabaseBusyError)), None)
    if busy is not None:
        waited = max(1, round(busy.waited / 60))
        return (
            f"база занята другим рабочим местом дольше {waited} мин; ничего не записано — "
            "повторите, когда оно закончит (долгий импорт, восстановление)"
        )
    text = " ".join(str(e).lower() for e in (exc, orig) if e is not None)
    if "database is locked" in text:
        return "база занята другим рабочим местом; ничего не записано — повторите через минуту"
    # sqlite3 raises its bare DatabaseError (no subclass) for SQLITE_CORRUPT and SQLITE_NOTADB
    bare = type(orig).__module__ == "sqlite3" and type(orig).__name__ == "DatabaseError"
    if any(marker in text for marker in _FULL):
        return "на диске нет места; ничего не записано — освободите место и повторите"
    if bare or any(marker in text for marker in _DAMAGE):
        return (
            "файл базы данных поврежден; ничего не записано. Проверьте его (secretariat check) "
            "и восстановите из резервной копии (secretariat restore --latest)"
        )
    return None


_OS_ERRORS = {
    "ENAMETOOLONG": "слишком длинное имя файла",
    "ENOENT": "файл или папка не найдены",
    "EACCES": "нет доступа",
    "EPERM": "нет доступа",
    "ENOSPC": "на диске нет места",
    "EISDIR": "это папка, а не файл",
    "ENOTDIR": "часть пути — не папка",
    "EROFS": "диск только для чтения",
    "EEXIST": "файл уже существует",
    "EINVAL": "недопустимое имя файла",
}


def os_error_message(exc: OSError) -> str:
    """An error of the file system, in a clerk's words, naming the file (shortened)."""
    import errno

    code = errno.errorcode.get(exc.errno or 0, "")
    reason = _OS_ERRORS.get(code, exc.strerror or type(exc).__name__)
    name = str(exc.filename or "")
    if len(name) > 120:
        name = name[:60] + "…" + name[-40:]
    return f"{name}: {reason}" if name else reason
