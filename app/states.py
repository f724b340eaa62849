"""The state families of the registry, one definition each, with the Russian labels beside them.

The database stores the values (``"registered"``, ``"prepared"``…); code compares with the enum
members, which are those strings (``StrEnum``), and a clerk reads ``.label``.
"""

from __future__ import annotations

from enum import StrEnum


class LetterStatus(StrEnum):
    """A registration journal entry."""

    RESERVED = "reserved"
    REGISTERED = "registered"
    ANNULLED = "annulled"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _LETTER_STATUS[self]


class CopyState(StrEnum):
    """How one copy of a letter went out (``app.services.dispatch.record``)."""

    NOT_SENT = "not_sent"
    UNSIGNED = "unsigned"  # МЭДО: the document waits for its detached signature
    PREPARED = "prepared"
    SENT = "sent"
    DELIVERED = "delivered"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _COPY_STATE[self]


class DeliveryState(StrEnum):
    """A letter's delivery, from the states of its copies."""

    NOT_SENT = "not_sent"
    PREPARED = "prepared"
    PARTLY_SENT = "partly_sent"
    SENT = "sent"
    DELIVERED = "delivered"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _DELIVERY_STATE[self]


_LETTER_STATUS = {
    LetterStatus.RESERVED: "Зарезервирован",
    LetterStatus.REGISTERED: "Зарегистрировано",
    LetterStatus.ANNULLED: "Аннулировано",
    LetterStatus.CANCELLED: "Резерв отменен",
}
_COPY_STATE = {
    CopyState.NOT_SENT: "Не отправлено",
    CopyState.UNSIGNED: "Подготовлено (не подписано)",
    CopyState.PREPARED: "Подготовлено",
    CopyState.SENT: "Отправлено",
    CopyState.DELIVERED: "Доставлено",
    CopyState.ERROR: "Ошибка",
}
_DELIVERY_STATE = {
    DeliveryState.NOT_SENT: "Не отправлено",
    DeliveryState.PREPARED: "Подготовлено к отправке",
    DeliveryState.PARTLY_SENT: "Отправлено частично",
    DeliveryState.SENT: "Отправлено",
    DeliveryState.DELIVERED: "Доставлено",
    DeliveryState.ERROR: "Ошибка доставки",
}


def labels(family: type[LetterStatus] | type[CopyState] | type[DeliveryState]) -> dict[str, str]:
    """Value → label of a family, for the places that look labels up by stored value."""
    return {member.value: member.label for member in family}
