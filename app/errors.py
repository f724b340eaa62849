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
