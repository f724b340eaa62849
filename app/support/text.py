"""Text helpers shared by the services."""

from __future__ import annotations

import datetime as dt
import re


def normalize(text: str) -> str:
    """Fold text for Russian search: case folded and ё equal to е (SQLite folds ASCII only)."""
    return text.casefold().replace("ё", "е")


def initials_name(
    last: str, first: str, middle: str, *, initials_first: bool = True, sep: str = "\u00a0"
) -> str:
    """``М.А.\u00a0Протасов``: initials joined to the surname by a non-breaking space."""
    initials = "".join(_initial(p) for p in (first, middle) if p.strip())
    if not initials:
        return last
    return f"{initials}{sep}{last}" if initials_first else f"{last}{sep}{initials}"


def _initial(name: str) -> str:
    name = name.strip()
    if name.endswith("."):
        return name
    if "-" in name:  # Анна-Мария → А.-М.
        return "-".join(p[:1] + "." for p in name.split("-") if p)
    return name[:1] + "."


def full_name(last: str, first: str, middle: str) -> str:
    return " ".join(p for p in (last, first, middle) if p)


WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
WEEKDAYS_FULL = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def date_ru(date: dt.date | None, *, weekday: bool = False) -> str:
    """``29.04.2025`` or, with the weekday, ``01.12.2025, пн``."""
    if date is None:
        return ""
    text = f"{date:%d.%m.%Y}"
    return f"{text}, {WEEKDAYS[date.weekday()]}" if weekday else text


def wrap_title(title: str, width: int = 18) -> str:
    """A column title broken into lines for a narrow table header."""
    import textwrap

    return "\n".join(textwrap.wrap(title, width)) or title


def date_words_ru(date: dt.date) -> str:
    """``1 декабря 2025 года``: the form the letters use in their text."""
    return f"{date.day} {MONTHS_GENITIVE[date.month - 1]} {date.year} года"


def parse_date_ru(text: str) -> dt.date:
    """``ДД.ММ.ГГГГ`` or ``ГГГГ-ММ-ДД``; ValueError otherwise."""
    text = text.strip()
    if "." in text:
        return dt.datetime.strptime(text, "%d.%m.%Y").date()
    return dt.date.fromisoformat(text)


# characters XML 1.0 (DOCX, XLSX, МЭДО passports) cannot carry
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: str) -> str:
    """Text every XML writer accepts. Input refuses these characters already; a database from
    before that rule, or a field outside it, must still not stop a letter from being written."""
    return _NOT_XML.sub("", value)


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for a count: 1 адресат, 2 адресата, 5 адресатов (11–14: many)."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def thousands(n: int) -> str:
    """A count in a message: 1 048 576."""
    return f"{n:,}".replace(",", " ")
