"""What a МЭДО message about one of our documents says: a receipt of the МЭДО client (delivered,
or an error) or a notification of the receiver (registered under its number, refused for a
reason, or another event of its work on the document). Read from bytes someone else wrote:
parsed only as XML of the IEDMS message namespaces, everything else one Russian line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from app.rules.medo_xml import attr, child, date_of, local, text
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


def _time(element: ET.Element | None) -> dt.datetime | None:
    value = text(element, "time")
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None) if value else None
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
    if local(root.tag) != "communication" or ns not in MESSAGE_NAMESPACES:
        raise UserError(f"{name}: это не сообщение МЭДО (communication)")
    header = child(root, "header")
    if header is None:
        raise UserError(f"{name}: в сообщении МЭДО нет заголовка (header)")
    source = attr(child(header, "source"), "uid")
    ack = child(root, "acknowledgment")
    if ack is not None:
        return _receipt(ack, source)
    notice = child(root, "notification")
    if notice is not None:
        return _notification(notice, source)
    raise UserError(f"{name}: в сообщении нет ни квитанции, ни уведомления МЭДО")


def _receipt(ack: ET.Element, source: str) -> MedoAnswer:
    accepted = text(ack, "accepted").lower() == "true"
    errors = "; ".join(
        " ".join((e.text or "").split())
        for e in ack.iter()
        if local(e.tag) in ("errorText", "error", "comment") and (e.text or "").strip()
    )
    if accepted:
        state, note = CopyState.DELIVERED, "квитанция МЭДО: доставлено"
    else:
        state, note = CopyState.ERROR, f"квитанция МЭДО: {errors or 'отказ'}"
    return MedoAnswer(attr(ack, "uid"), source, state, note, _time(ack))


def _notification(notice: ET.Element, source: str) -> MedoAnswer:
    uid = attr(notice, "uid")
    comment = text(notice, "comment")
    event = next(iter(notice), None)
    kind = local(event.tag) if event is not None else ""
    when = _time(event)
    if kind == "documentAccepted":
        number = text(event, "num", "number") or "—"
        day = date_of(text(event, "num", "date"))
        on = f" от {date_ru(day)}" if day else ""
        note = f"Зарегистрировано у адресата № {number}{on}"
        return MedoAnswer(uid, source, CopyState.DELIVERED, note, when)
    if kind == "documentRefused":
        why = "; ".join(x for x in (text(event, "reason"), comment) if x)
        note = f"Отказано в регистрации: {why or 'причина не указана'}"
        return MedoAnswer(uid, source, CopyState.ERROR, note, when)
    if kind == "executorAssigned":
        who = ", ".join(
            x
            for x in (text(event, "executor", "person"), text(event, "executor", "department"))
            if x
        )
        note = f"У адресата назначен исполнитель: {who or 'не указан'}"
        return MedoAnswer(uid, source, None, note, when)
    what = attr(notice, "type") or kind or "событие"
    note = f"Уведомление МЭДО: {what}" + (f" ({comment})" if comment else "")
    return MedoAnswer(uid, source, None, note, when)
