"""What a МЭДО message about one of our documents says: a receipt of the МЭДО client (delivered,
or an error) or a notification of the receiver (registered under its number, refused for a
reason, or another event of its work on the document). Read from bytes someone else wrote:
parsed only as XML of the IEDMS message namespaces, everything else one Russian line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from app.rules.states import CopyState
from app.support.errors import UserError
from app.support.text import date_ru

MESSAGE_NAMESPACES = ("urn:IEDMS:MESSAGE", "http://www.infpres.com/IEDMS")


@dataclass(frozen=True)
class MedoAnswer:
    uid: str  # the message or document it answers: a copy's dispatch uid
    source: str  # the answering side's МЭДО id
    state: CopyState | None  # the copy's new state; None: the state stays, the event is history
    note: str
    time: dt.datetime | None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Message:
    def __init__(self, root: ET.Element, ns: str) -> None:
        self.root, self.ns = root, ns

    def find(self, element: ET.Element | None, path: str) -> ET.Element | None:
        if element is None:
            return None
        return element.find("/".join(f"{{{self.ns}}}{p}" for p in path.split("/")))

    def text(self, element: ET.Element | None, path: str) -> str:
        found = self.find(element, path)
        return " ".join((found.text or "").split()) if found is not None else ""

    def attr(self, element: ET.Element | None, name: str) -> str:
        if element is None:
            return ""
        return element.get(f"{{{self.ns}}}{name}", element.get(name, ""))

    def time(self, element: ET.Element | None) -> dt.datetime | None:
        text = self.text(element, "time")
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=None) if text else None
        except ValueError:
            return None


def read_answer(data: bytes, name: str) -> MedoAnswer:
    """The answer in ``data`` (a file called ``name``, for the messages)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UserError(f"{name}: не читается как квитанция МЭДО (XML): {exc}") from exc
    except (LookupError, ValueError, UnicodeError) as exc:  # an encoding expat does not know
        raise UserError(
            f"{name}: квитанция в неизвестной кодировке ({type(exc).__name__}); "
            "ожидается UTF-8 или Windows-1251"
        ) from exc
    ns = root.tag.partition("}")[0].lstrip("{")
    if _local(root.tag) != "communication" or ns not in MESSAGE_NAMESPACES:
        raise UserError(f"{name}: это не сообщение МЭДО (communication)")
    message = _Message(root, ns)
    header = message.find(root, "header")
    if header is None:
        raise UserError(f"{name}: в сообщении МЭДО нет заголовка (header)")
    source = message.attr(message.find(header, "source"), "uid")
    ack = message.find(root, "acknowledgment")
    if ack is not None:
        return _receipt(message, ack, source)
    notice = message.find(root, "notification")
    if notice is not None:
        return _notification(message, notice, source)
    raise UserError(f"{name}: в сообщении нет ни квитанции, ни уведомления МЭДО")


def _receipt(message: _Message, ack: ET.Element, source: str) -> MedoAnswer:
    accepted = message.text(ack, "accepted").lower() == "true"
    errors = "; ".join(
        " ".join((e.text or "").split())
        for e in ack.iter()
        if _local(e.tag) in ("errorText", "error", "comment") and (e.text or "").strip()
    )
    if accepted:
        state, note = CopyState.DELIVERED, "квитанция МЭДО: доставлено"
    else:
        state, note = CopyState.ERROR, f"квитанция МЭДО: {errors or 'отказ'}"
    return MedoAnswer(message.attr(ack, "uid"), source, state, note, message.time(ack))


def _notification(message: _Message, notice: ET.Element, source: str) -> MedoAnswer:
    uid = message.attr(notice, "uid")
    comment = message.text(notice, "comment")
    event = next(iter(notice), None)
    kind = _local(event.tag) if event is not None else ""
    when = message.time(event)
    if kind == "documentAccepted":
        number = message.text(event, "num/number") or "—"
        day = message.text(event, "num/date")
        try:
            on = f" от {date_ru(dt.date.fromisoformat(day[:10]))}" if day else ""
        except ValueError:
            on = ""
        note = f"Зарегистрировано у адресата № {number}{on}"
        return MedoAnswer(uid, source, CopyState.DELIVERED, note, when)
    if kind == "documentRefused":
        why = "; ".join(x for x in (message.text(event, "reason"), comment) if x)
        note = f"Отказано в регистрации: {why or 'причина не указана'}"
        return MedoAnswer(uid, source, CopyState.ERROR, note, when)
    what = message.attr(notice, "type") or kind or "событие"
    note = f"Уведомление МЭДО: {what}" + (f" ({comment})" if comment else "")
    return MedoAnswer(uid, source, None, note, when)
