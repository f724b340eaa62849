"""A МЭДО transport container, format version 2.7.1, ready for the organization's МЭДО client.

What is written (the client signs the document and the container, then sends it):

- ``<uid>.zip`` — the container: ``passport.xml`` (namespace ``urn:IEDMS:CONTAINER``: the
  document's kind and annotation, the author organization with the registration number and date,
  the signer, the addressees with their МЭДО ids, the document with its page count, the
  attachments), ``document.pdf`` and the attachments;
- ``document.xml`` — the ``communication`` (namespace ``urn:IEDMS:MESSAGE``, version 2.7.1) of
  type «Транспортный контейнер», its header naming the sender by МЭДО id, the body naming the zip;
- ``envelope.ini`` — the envelope for the transport, in Windows-1251 with CRLF line ends.

No signature is made here: ``documentSignature`` and the container signature are the МЭДО
client's work, with the signer's key.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from app.text import xml_safe

CONTAINER_NS = "urn:IEDMS:CONTAINER"
MESSAGE_NS = "urn:IEDMS:MESSAGE"
VERSION = "2.7.1"
ENVELOPE = "envelope.ini"
COMMUNICATION = "document.xml"
PASSPORT = "passport.xml"
DOCUMENT = "document.pdf"
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


@dataclass(frozen=True)
class Party:
    """An organization in the passport, optionally with a person (post and name)."""

    title: str
    medo_id: str = ""
    post: str = ""
    name: str = ""


@dataclass(frozen=True)
class Attachment:
    file_name: str  # inside the container: ASCII, so that every МЭДО client reads it
    content: bytes
    description: str


@dataclass(frozen=True)
class MedoLetter:
    uid: str  # the message uid (also the container's); a receipt refers back to it
    created: dt.datetime  # aware
    kind: str
    annotation: str
    number: str
    date: dt.date
    author: Party  # the sender organization, with its МЭДО id
    signer: Party  # post and name of the signatory
    addressees: list[Party]
    pdf: bytes
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def zip_name(self) -> str:
        return f"{self.uid}.zip"


def page_count(pdf: bytes) -> int:
    """Pages of a PDF our writer made (page objects are not compressed there)."""
    return max(1, len(_PAGE.findall(pdf)))


# line breaks where one line is meant (INI values)
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f\u2028\u2029]+")


def ini_value(value: str) -> str:
    """One INI line's value: a line break would start another key or section."""
    return _NOT_ONE_LINE.sub(" ", value).strip()


def _sub(
    parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str
) -> ET.Element:
    element = ET.SubElement(
        parent, f"{{{ns}}}{tag}", {f"{{{ns}}}{k}": xml_safe(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = xml_safe(text)
    return element


def _organization(parent: ET.Element, party: Party) -> None:
    org = _sub(parent, CONTAINER_NS, "organization")
    if party.medo_id:
        org.set(f"{{{CONTAINER_NS}}}uid", xml_safe(party.medo_id))
    _sub(org, CONTAINER_NS, "title", party.title)


def _person(parent: ET.Element, party: Party) -> None:
    if party.post or party.name:
        person = _sub(parent, CONTAINER_NS, "person")
        _sub(person, CONTAINER_NS, "post", party.post or "—")
        _sub(person, CONTAINER_NS, "name", party.name or "—")


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def passport_xml(letter: MedoLetter) -> bytes:
    ET.register_namespace("c", CONTAINER_NS)
    root = ET.Element(
        f"{{{CONTAINER_NS}}}container",
        {f"{{{CONTAINER_NS}}}uid": letter.uid, f"{{{CONTAINER_NS}}}version": "1.0"},
    )
    requisites = _sub(root, CONTAINER_NS, "requisites")
    _sub(requisites, CONTAINER_NS, "documentKind", letter.kind)
    _sub(requisites, CONTAINER_NS, "annotation", letter.annotation)
    author = _sub(_sub(root, CONTAINER_NS, "authors"), CONTAINER_NS, "author")
    _organization(author, letter.author)
    registration = _sub(author, CONTAINER_NS, "registration")
    _sub(registration, CONTAINER_NS, "number", letter.number)
    _sub(registration, CONTAINER_NS, "date", letter.date.isoformat())
    sign = _sub(author, CONTAINER_NS, "sign")
    _person(sign, letter.signer)
    addressees = _sub(root, CONTAINER_NS, "addressees")
    for party in letter.addressees:
        addressee = _sub(addressees, CONTAINER_NS, "addressee")
        _organization(addressee, party)
        _person(addressee, party)
    document = _sub(root, CONTAINER_NS, "document", localName=DOCUMENT)
    _sub(document, CONTAINER_NS, "pagesQuantity", str(page_count(letter.pdf)))
    if letter.attachments:
        attachments = _sub(root, CONTAINER_NS, "attachments")
        for order, item in enumerate(letter.attachments):
            attachment = _sub(attachments, CONTAINER_NS, "attachment", localName=item.file_name)
            _sub(attachment, CONTAINER_NS, "order", str(order))
            _sub(attachment, CONTAINER_NS, "description", item.description)
    return _xml(root)


def communication_xml(letter: MedoLetter) -> bytes:
    ET.register_namespace("xdms", MESSAGE_NS)
    root = ET.Element(f"{{{MESSAGE_NS}}}communication", {f"{{{MESSAGE_NS}}}version": VERSION})
    header = _sub(
        root,
        MESSAGE_NS,
        "header",
        type="Транспортный контейнер",
        uid=letter.uid,
        created=letter.created.isoformat(timespec="seconds"),
    )
    source = _sub(header, MESSAGE_NS, "source", uid=letter.author.medo_id)
    _sub(source, MESSAGE_NS, "organization", letter.author.title)
    container = _sub(root, MESSAGE_NS, "container")
    _sub(container, MESSAGE_NS, "body", letter.zip_name)
    return _xml(root)


def envelope_ini(letter: MedoLetter) -> bytes:
    lines = [
        "[ПИСЬМО КП ПС СЗИ]",
        f"ТЕМА=ЭСД МЭДО (№ {ini_value(letter.number)} от {letter.date:%d.%m.%Y})",
        "ШИФРОВАНИЕ=0",
        "ЭЦП=1",
        "ДОСТАВЛЕНО=1",
        "ПРОЧТЕНО=1",
        "[АДРЕСАТЫ]",
        *(f"{i}={ini_value(party.medo_id)}" for i, party in enumerate(letter.addressees)),
        "[ФАЙЛЫ]",
        f"0={COMMUNICATION}",
        f"1={ini_value(letter.zip_name)}",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251", errors="replace")


def container_zip(letter: MedoLetter) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PASSPORT, passport_xml(letter))
        archive.writestr(DOCUMENT, letter.pdf)
        for item in letter.attachments:
            archive.writestr(item.file_name, item.content)
    return buffer.getvalue()


def build_package(letter: MedoLetter) -> dict[str, bytes]:
    """The files of one transport package, by name."""
    if not letter.author.medo_id:
        raise ValueError("the sender's МЭДО id is required")
    missing = [p.title for p in letter.addressees if not p.medo_id]
    if missing:
        raise ValueError(f"addressees without a МЭДО id: {missing}")
    return {
        ENVELOPE: envelope_ini(letter),
        COMMUNICATION: communication_xml(letter),
        letter.zip_name: container_zip(letter),
    }
