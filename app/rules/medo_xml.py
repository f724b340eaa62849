"""Reading МЭДО XML written by others (passports, messages, receipts, notifications): elements
and attributes found by their local names, whatever namespace prefix a sender's system gave
them (IEDMS 2.x and 2.7.1 differ), text trimmed, absent parts read as empty."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((c for c in element if local(c.tag) == name), None)


def text(element: ET.Element | None, *path: str) -> str:
    for name in path:
        element = child(element, name)
    return " ".join((element.text or "").split()) if element is not None else ""


def attr(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    for key, value in element.attrib.items():
        if local(key) == name:
            return value.strip()
    return ""


def date_of(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10]) if value.strip() else None
    except ValueError:
        return None
