"""Validation of the DOCX files the program writes against the ECMA-376 transitional schemas
(``tests/schemas/ooxml``, see its README), the way Word's own consumers see them."""

from __future__ import annotations

import functools
import io
import zipfile

from lxml import etree

from tests.support import places

SCHEMAS = places.SCHEMAS / "ooxml"
OOXML = "http://schemas.openxmlformats.org/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CHECKED = ("word/document.xml", "word/styles.xml", "word/settings.xml", "word/numbering.xml")


@functools.cache
def _wml() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "wml.xsd")))


def _ours(ns: str | None) -> bool:
    return ns is None or ns.startswith(OOXML) or ns == XML_NS


def _strip_extensions(root: etree._Element) -> None:
    """Remove what a consumer may ignore: elements and attributes of other namespaces
    (w14:, w15:, …) and the mc:Ignorable list naming them."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if not _ours(etree.QName(element).namespace) or etree.QName(element).namespace == MC:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        for name in list(element.attrib):
            ns = etree.QName(name).namespace
            if not _ours(ns) or ns == MC:
                del element.attrib[name]


def docx_errors(data: bytes) -> list[str]:
    """Schema errors of the WordprocessingML parts of a DOCX: «part:line: message»."""
    errors: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [
            n
            for n in archive.namelist()
            if n in CHECKED or (n.startswith("word/header") or n.startswith("word/footer"))
        ]
        for name in parts:
            root = etree.fromstring(archive.read(name))
            _strip_extensions(root)
            schema = _wml()
            if not schema.validate(root):
                errors += [f"{name}:{e.line}: {e.message}" for e in schema.error_log]
    return errors
