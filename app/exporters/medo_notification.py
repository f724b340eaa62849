"""МЭДО notifications a receiver sends back about a document it got: «Зарегистрирован» with its
own number and date (``documentAccepted``), «Отказано в регистрации» with a reason
(``documentRefused``), «Назначен исполнитель» with who gave the letter to whom
(``executorAssigned``: the secretary — the head or deputy who gave it, the executor's manager, the
executor; each an ``addressee`` whose parts are all optional). The message schema is the IEDMS
``communication`` (namespace
``urn:IEDMS:MESSAGE``; ``tests/schemas/medo/communication_2.6_ns_urnIEDMSMESSAGE_adapted.xsd``):
a header of type «Уведомление» and a ``notification`` whose ``uid`` is the document's (the uid of
the package that brought it).

A notification package is a folder of two files, as the МЭДО client sends it: ``message.xml``
and ``envelope.ini`` (the sender's МЭДО mail address, when the directory knows it).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from app.exporters.medo import (
    ENVELOPE,
    MESSAGE,
    MESSAGE_NS,
    communication,
    envelope,
    one_line,
    sub_element,
    valid_address,
    xml_bytes,
)
from app.rules.medo_refusals import refusal_of

GUID = re.compile(r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}")
MAX_NUMBER = 31  # the schema's documentNumber
ACCEPTED = "Зарегистрирован"
REFUSED = "Отказано в регистрации"
ASSIGNED = "Назначен исполнитель"


@dataclass(frozen=True)
class Person:
    """Somebody of ours in an ``executorAssigned``: any part may be empty."""

    organization: str = ""
    name: str = ""
    department: str = ""
    post: str = ""


def is_guid(value: str) -> bool:
    return GUID.fullmatch(value.strip()) is not None


@dataclass(frozen=True)
class Notification:
    """What one notification says: about which document (its uid), from whom (our organization
    and its МЭДО id, a GUID), to whom (the sender, and its МЭДО mail address if known), and the
    event: accepted under ``number``/``date``, or refused for ``reason``."""

    document_uid: str
    source_title: str
    source_medo_id: str
    time: dt.datetime
    destination_title: str = ""
    destination_medo_id: str = ""
    destination_address: str = ""
    number: str = ""
    date: dt.date | None = None
    reason: str = ""  # set: a refusal
    # set: an executor assigned — who gave it (secretary), the executor's manager, the executor
    executor: Person | None = None
    secretary: Person | None = None
    manager: Person | None = None

    @property
    def kind(self) -> str:
        if self.reason:
            return REFUSED
        return ASSIGNED if self.executor is not None else ACCEPTED


def notification_xml(note: Notification, *, message_uid: str | None = None) -> bytes:
    if not is_guid(note.document_uid):
        raise ValueError(f"the document's uid is not a GUID: {note.document_uid!r}")
    if not is_guid(note.source_medo_id):
        raise ValueError(f"our МЭДО id is not a GUID: {note.source_medo_id!r}")
    root = communication(
        "Уведомление", message_uid or str(uuid.uuid4()), note.time, note.source_medo_id.strip(),
        one_line(note.source_title),
    )  # fmt: skip
    notification = sub_element(
        root, MESSAGE_NS, "notification", type=note.kind, uid=note.document_uid.strip()
    )
    comment = ""
    if note.executor is not None:
        event = sub_element(notification, MESSAGE_NS, "executorAssigned")
        sub_element(event, MESSAGE_NS, "time", note.time.isoformat(timespec="seconds"))
        empty = Person(organization=note.source_title)
        people = (
            ("secretary", note.secretary or empty),
            ("manager", note.manager or empty),
            ("executor", note.executor),
        )
        for tag, person in people:
            _person(sub_element(event, MESSAGE_NS, tag), person)
    elif note.reason:
        reason, comment = refusal_of(note.reason)
        event = sub_element(notification, MESSAGE_NS, "documentRefused")
        sub_element(event, MESSAGE_NS, "time", note.time.isoformat(timespec="seconds"))
        sub_element(event, MESSAGE_NS, "reason", reason)
    else:
        if not note.number.strip():
            raise ValueError("an accepted document needs our number")
        event = sub_element(notification, MESSAGE_NS, "documentAccepted")
        sub_element(event, MESSAGE_NS, "time", note.time.isoformat(timespec="seconds"))
        num = sub_element(event, MESSAGE_NS, "num")
        sub_element(num, MESSAGE_NS, "number", " ".join(note.number.split())[:MAX_NUMBER])
        if note.date is not None:
            sub_element(num, MESSAGE_NS, "date", note.date.isoformat())
    if comment:
        sub_element(notification, MESSAGE_NS, "comment", comment[:2047])
    if is_guid(note.destination_medo_id):
        index = sub_element(root, MESSAGE_NS, "deliveryIndex")
        destination = sub_element(index, MESSAGE_NS, "destination")
        partner = sub_element(destination, MESSAGE_NS, "destination", uid=note.destination_medo_id)
        sub_element(partner, MESSAGE_NS, "organization", one_line(note.destination_title))
    return xml_bytes(root)


def _person(element: ET.Element, person: Person) -> None:
    """An ``addressee``: its parts in the schema's order, the empty ones left out."""
    for tag, value in (
        ("organization", person.organization),
        ("person", person.name),
        ("department", person.department),
        ("post", person.post),
    ):
        if value.strip():
            sub_element(element, MESSAGE_NS, tag, one_line(value))


def envelope_ini(note: Notification) -> bytes:
    to = [note.destination_address] if valid_address(note.destination_address) else []
    return envelope(f"Уведомление МЭДО: {note.kind}", note.time, to, [MESSAGE], signed=False)


def notification_package(note: Notification) -> dict[str, bytes]:
    """The files of one notification package, by name."""
    return {ENVELOPE: envelope_ini(note), MESSAGE: notification_xml(note)}
