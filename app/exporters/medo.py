"""A МЭДО transport package, format version 2.7.1, for the organization's МЭДО client.

The program does not sign. A package is made in two steps:

1. the document to sign: ``document.pdf`` (PDF/A-1b, the same bytes every time for the same
   letter version), which the signatory signs in their own tool (КриптоАРМ, the МЭДО client)
   with a detached CMS signature;
2. the package, once the signature is given back and checked against that very file:

- ``<uid>.zip`` — the container: ``passport.xml`` (namespace ``urn:IEDMS:CONTAINER``, valid
  against the 2.7.1 container schema: the document's kind and annotation; the author
  organization with ``c:id``, the registration number and date with the registration stamp;
  the signer with the document signature and its stamp; the addressees; the document with its
  page count; the attachments), ``document.pdf``, ``document.sig``, the two stamps as PNG and
  the attachments;
- ``message.xml`` — the ``communication`` (namespace ``urn:IEDMS:MESSAGE``, version 2.7.1) of
  type «Транспортный контейнер»; UTF-8, its first line exactly
  ``<?xml version="1.0" encoding="UTF-8"?>`` as the requirements text asks;
- ``envelope.ini`` — the transport envelope, Windows-1251 with CRLF line ends: the addressees'
  МЭДО mail addresses (``ИМЯ~ДОМЕН``) under ``[АДРЕСАТЫ]``, ``АВТООТПРАВКА=1`` and ``ДАТА=``.

Stamp positions are in millimetres from the page's top-left corner.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from app.support.text import xml_safe

CONTAINER_NS = "urn:IEDMS:CONTAINER"
MESSAGE_NS = "urn:IEDMS:MESSAGE"
VERSION = "2.7.1"
ENVELOPE = "envelope.ini"
MESSAGE = "message.xml"
PASSPORT = "passport.xml"
DOCUMENT = "document.pdf"
SIGNATURE = "document.sig"
REGISTRATION_STAMP = "registration_stamp.png"
SIGNATURE_STAMP = "signature_stamp.png"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
MAX_NUMBER = 31  # the schema's limit for a registration number
_ADDRESS = re.compile(r"[A-Za-z0-9_.\-]+~[A-Za-z0-9_.\-]+")
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def valid_address(address: str) -> bool:
    """A МЭДО mail address: ``ИМЯ~ДОМЕН`` in Latin letters, digits, «_», «.», «-»."""
    return bool(_ADDRESS.fullmatch(address.strip()))


@dataclass(frozen=True)
class Party:
    """An organization in the passport, optionally with a person (post and name)."""

    title: str
    medo_id: str = ""
    post: str = ""
    name: str = ""
    address: str = ""  # the МЭДО mail address, ИМЯ~ДОМЕН, for the envelope
    phone: str = ""


@dataclass(frozen=True)
class Attachment:
    file_name: str  # inside the container: ASCII, so that every МЭДО client reads it
    content: bytes
    description: str
    original_name: str = ""  # as the clerk attached it (an e-mail attachment keeps it)

    @property
    def name(self) -> str:
        """The name the clerk knows: as attached, else the container's."""
        return self.original_name or self.file_name


@dataclass(frozen=True)
class Placement:
    """Where a stamp lies on the document: page (from 1), top-left and size, in millimetres."""

    page: int
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class StampImage:
    file_name: str
    png: bytes
    place: Placement


@dataclass(frozen=True)
class DocumentSignature:
    """The signatory's detached CMS signature of ``document.pdf`` and its visible stamp."""

    content: bytes
    stamp: StampImage


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
    registration_stamp: StampImage
    signature: DocumentSignature
    executor: Party | None = None  # name and phone (the schema wants the phone)
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


def one_line(value: str, limit: int = 511) -> str:
    """A schema ``stringValue``: one line, 1..511 characters."""
    return (" ".join(xml_safe(value).split()) or "—")[:limit]


def sub_element(
    parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str
) -> ET.Element:
    element = ET.SubElement(
        parent, f"{{{ns}}}{tag}", {f"{{{ns}}}{k}": xml_safe(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = xml_safe(text)
    return element


def _c(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    return sub_element(parent, CONTAINER_NS, tag, text, **attrs)


def _organization(parent: ET.Element, party: Party) -> None:
    org = _c(parent, "organization")
    if party.medo_id.strip():
        org.set(f"{{{CONTAINER_NS}}}id", one_line(party.medo_id, 127))
    _c(org, "title", one_line(party.title))


def _person(parent: ET.Element, tag: str, party: Party, *, phone: bool = False) -> None:
    person = _c(parent, tag)
    _c(person, "post", one_line(party.post))
    _c(person, "name", one_line(party.name))
    if phone:
        _c(person, "phone", one_line(party.phone))


def _stamp(parent: ET.Element, tag: str, stamp: StampImage) -> None:
    element = _c(parent, tag, localName=stamp.file_name)
    position = _c(element, "position")
    _c(position, "page", str(stamp.place.page))
    top_left = _c(position, "topLeft")
    _c(top_left, "x", str(stamp.place.x))
    _c(top_left, "y", str(stamp.place.y))
    dimension = _c(position, "dimension")
    _c(dimension, "w", str(stamp.place.w))
    _c(dimension, "h", str(stamp.place.h))


def xml_bytes(root: ET.Element) -> bytes:
    """UTF-8 with the declaration the requirements spell out, letter for letter."""
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def passport_xml(letter: MedoLetter) -> bytes:
    ET.register_namespace("c", CONTAINER_NS)
    root = ET.Element(
        f"{{{CONTAINER_NS}}}container",
        {f"{{{CONTAINER_NS}}}uid": letter.uid, f"{{{CONTAINER_NS}}}version": "1.0"},
    )
    requisites = _c(root, "requisites")
    _c(requisites, "documentKind", one_line(letter.kind))
    _c(requisites, "annotation", xml_safe(letter.annotation)[:4000])
    author = _c(_c(root, "authors"), "author")
    _organization(author, letter.author)
    registration = _c(author, "registration")
    _c(registration, "number", " ".join(letter.number.split())[:MAX_NUMBER])
    _c(registration, "date", letter.date.isoformat())
    _stamp(registration, "registrationStamp", letter.registration_stamp)
    sign = _c(author, "sign")
    _person(sign, "person", letter.signer)
    signature = _c(sign, "documentSignature", localName=SIGNATURE, type="Утверждающая")
    _stamp(signature, "signatureStamp", letter.signature.stamp)
    if letter.executor is not None and letter.executor.phone.strip():
        _person(author, "executor", letter.executor, phone=True)
    addressees = _c(root, "addressees")
    for party in letter.addressees:
        addressee = _c(addressees, "addressee")
        _organization(addressee, party)
        if party.post or party.name:
            _person(addressee, "person", party)
    document = _c(root, "document", localName=DOCUMENT)
    _c(document, "pagesQuantity", str(page_count(letter.pdf)))
    if letter.attachments:
        attachments = _c(root, "attachments")
        for order, item in enumerate(letter.attachments):
            attachment = _c(attachments, "attachment", localName=item.file_name)
            _c(attachment, "order", str(order))
            _c(attachment, "description", xml_safe(item.description)[:4000])
    return xml_bytes(root)


def communication(
    kind: str, uid: str, created: dt.datetime, source_id: str, source_title: str
) -> ET.Element:
    """A message's ``communication`` with its header: what kind, its uid, when, from whom."""
    ET.register_namespace("xdms", MESSAGE_NS)
    root = ET.Element(f"{{{MESSAGE_NS}}}communication", {f"{{{MESSAGE_NS}}}version": VERSION})
    header = sub_element(
        root, MESSAGE_NS, "header", type=kind, uid=uid,
        created=created.isoformat(timespec="seconds"),
    )  # fmt: skip
    source = sub_element(header, MESSAGE_NS, "source", uid=source_id)
    sub_element(source, MESSAGE_NS, "organization", source_title)
    return root


def communication_xml(letter: MedoLetter) -> bytes:
    root = communication(
        "Транспортный контейнер", letter.uid, letter.created, letter.author.medo_id,
        letter.author.title,
    )  # fmt: skip
    container = sub_element(root, MESSAGE_NS, "container")
    sub_element(container, MESSAGE_NS, "body", letter.zip_name)
    return xml_bytes(root)


def envelope_ini(letter: MedoLetter) -> bytes:
    return envelope(
        f"ЭСД МЭДО (№ {ini_value(letter.number)} от {letter.date:%d.%m.%Y})",
        letter.created,
        [party.address for party in letter.addressees],
        [MESSAGE, letter.zip_name],
        signed=True,
    )


def envelope(
    subject: str, created: dt.datetime, addresses: list[str], files: list[str], *, signed: bool
) -> bytes:
    """The transport envelope of a package: Windows-1251, CRLF, one value a line."""
    lines = [
        "[ПИСЬМО КП ПС СЗИ]",
        f"ТЕМА={ini_value(subject)}",
        "АВТООТПРАВКА=1",
        "ШИФРОВАНИЕ=0",
        f"ЭЦП={1 if signed else 0}",
        *(["ДОСТАВЛЕНО=1", "ПРОЧТЕНО=1"] if signed else []),
        f"ДАТА={created:%d.%m.%Y %H:%M:%S}",
        "[АДРЕСАТЫ]",
        *(f"{i}={ini_value(address)}" for i, address in enumerate(addresses)),
        "[ФАЙЛЫ]",
        *(f"{i}={ini_value(name)}" for i, name in enumerate(files)),
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251", errors="replace")


def container_zip(letter: MedoLetter) -> bytes:
    buffer = io.BytesIO()
    stamps = (letter.registration_stamp, letter.signature.stamp)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PASSPORT, passport_xml(letter))
        archive.writestr(DOCUMENT, letter.pdf)
        archive.writestr(SIGNATURE, letter.signature.content)
        for stamp in stamps:
            archive.writestr(stamp.file_name, stamp.png)
        for item in letter.attachments:
            archive.writestr(item.file_name, item.content)
    return buffer.getvalue()


def build_package(letter: MedoLetter) -> dict[str, bytes]:
    """The files of one transport package, by name."""
    if not letter.author.medo_id:
        raise ValueError("the sender's МЭДО id is required")
    missing = [p.title for p in letter.addressees if not valid_address(p.address)]
    if missing:
        raise ValueError(f"addressees without a МЭДО address: {missing}")
    return {
        ENVELOPE: envelope_ini(letter),
        MESSAGE: communication_xml(letter),
        letter.zip_name: container_zip(letter),
    }
