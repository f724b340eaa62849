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
