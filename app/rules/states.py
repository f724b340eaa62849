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


class ControlState(StrEnum):
    """A recipient's report, as stored (``app.services.control``)."""

    EXPECTED = "expected"
    REMINDED = "reminded"
    RECEIVED = "received"
    CLOSED = "closed"  # taken off control
    EXCUSED = "excused"  # «не требуется»

    @property
    def label(self) -> str:
        return _CONTROL[self]


# a recipient's report that no longer waits (received, taken off, not needed), and those still
# waited for: one rule for the control view, the journal list and the overdue notice
OUTSTANDING = (ControlState.EXPECTED, ControlState.REMINDED)
DONE_STATES = (ControlState.RECEIVED, ControlState.CLOSED, ControlState.EXCUSED)
OFF_CONTROL = (ControlState.EXCUSED, ControlState.CLOSED)  # no report is waited for


class ControlStatus(StrEnum):
    """A recipient's report as the clerk sees it on a day: the stored state, with «overdue» and
    «received in time / late» worked out from the dates."""

    EXPECTED = "expected"
    REMINDED = "reminded"
    OVERDUE = "overdue"
    RECEIVED_IN_TIME = "received_in_time"
    RECEIVED_LATE = "received_late"
    CLOSED = "closed"
    EXCUSED = "excused"

    @property
    def label(self) -> str:
        return _CONTROL_STATUS[self]


class Execution(StrEnum):
    """An incoming letter's execution (``app.services.incoming``): given to executors with a
    due date it is on control until answered or done."""

    NONE = "none"  # registered, no resolution with a due date
    ON_CONTROL = "on_control"
    ANSWERED = "answered"  # an outgoing letter answered it
    DONE = "done"  # executed otherwise, taken off control

    @property
    def label(self) -> str:
        return _EXECUTION[self]


class ArrivalState(StrEnum):
    """What became of a МЭДО package or an e-mail that arrived (``app.services.arrivals``):
    it waits for the clerk until registered or refused; one that cannot be read says why."""

    WAITING = "waiting"
    REGISTERED = "registered"
    REFUSED = "refused"
    UNREADABLE = "unreadable"

    @property
    def label(self) -> str:
        return _ARRIVAL[self]


_ARRIVAL = {
    ArrivalState.WAITING: "Ждет регистрации",
    ArrivalState.REGISTERED: "Зарегистрировано",
    ArrivalState.REFUSED: "Отказано",
    ArrivalState.UNREADABLE: "Не читается",
}
_EXECUTION = {
    Execution.NONE: "Без контроля",
    Execution.ON_CONTROL: "На контроле",
    Execution.ANSWERED: "Дан ответ",
    Execution.DONE: "Исполнено",
}
_CONTROL = {
    ControlState.EXPECTED: "Ожидается",
    ControlState.REMINDED: "Напоминание отправлено",
    ControlState.RECEIVED: "Получен",
    ControlState.CLOSED: "Снят с контроля",
    ControlState.EXCUSED: "Не требуется",
}
_CONTROL_STATUS = {
    ControlStatus.EXPECTED: "Ожидается",
    ControlStatus.REMINDED: "Напоминание отправлено",
    ControlStatus.OVERDUE: "Просрочен",
    ControlStatus.RECEIVED_IN_TIME: "Получен в срок",
    ControlStatus.RECEIVED_LATE: "Получен с опозданием",
    ControlStatus.CLOSED: "Снят с контроля",
    ControlStatus.EXCUSED: "Не требуется",
}
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


Family = (
    type[LetterStatus]
    | type[CopyState]
    | type[DeliveryState]
    | type[ControlState]
    | type[ControlStatus]
    | type[Execution]
)


def labels(*families: Family) -> dict[str, str]:
    """Value → label of one family (or several), for the places that look labels up by the
    stored value."""
    return {member.value: member.label for family in families for member in family}
