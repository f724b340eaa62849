"""Retention periods of cases, as the nomenclature writes them, and when a case's period runs out.

A period is «Постоянно», a number of years (with the mark «ЭПК» when the expert commission
looks at the case before it goes), or «До минования надобности» (ДМН). Beside it the nomenclature
names the article of the typical list of administrative archival documents (Rosarkhiv order
No. 236 of 20.12.2019), «ст. 19а».

Periods are counted from 1 January of the year after the case was completed (the rules of
Rosarkhiv for the organizations' archives): a case of 2020 kept 5 years is kept through 2025 and
may be put in an act of selection for destruction from 1 January 2026 — ``year + years`` is its
last year, and the act is made on a day after it. Cases of permanent storage and over 10 years
go into the year's inventories; cases of 10 years and less do not (the nomenclature accounts for
them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERMANENT = "permanent"
YEARS = "years"
UNTIL_NEEDED = "until_needed"
UNSET = ""  # a draft case made from an index found in letters: the period is still to be given
MAX_YEARS = 100
INVENTORY_OVER = 10  # temporary cases of more years than this have an inventory of their own

_PERMANENT = re.compile(r"^(постоянно|пост\.?)$")
_UNTIL_NEEDED = re.compile(r"^(дмн|до\s+минования\s+надобности)$")
_YEARS = re.compile(r"^(\d{1,3})\s*(лет|года|год|г\.|л\.|г|л)?$")
_EPK = re.compile(r"\s*\(?\s*эпк\s*\)?\s*")
_ARTICLE = re.compile(r"(?:^|\s)(?:ст\.?|статья)\s*(\S+(?:\s*[а-я]\b)?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Retention:
    kind: str = UNSET
    years: int = 0
    epk: bool = False

    @property
    def label(self) -> str:
        """As the nomenclature prints it: «Постоянно», «5 лет ЭПК», «ДМН»."""
        if self.kind == PERMANENT:
            return "Постоянно"
        if self.kind == UNTIL_NEEDED:
            return "До минования надобности"
        if self.kind == YEARS:
            return f"{self.years} {years_word(self.years)}" + (" ЭПК" if self.epk else "")
        return ""

    @property
    def is_set(self) -> bool:
        return self.kind != UNSET

    def storage(self) -> str | None:
        """Which year's inventory the case goes to: ``permanent``, ``temporary`` (over 10
        years), or None (10 years and less, ДМН: the nomenclature alone accounts for it)."""
        if self.kind == PERMANENT:
            return "permanent"
        if self.kind == YEARS and self.years > INVENTORY_OVER:
            return "temporary"
        return None

    def last_year(self, year: int) -> int | None:
        """The last year a case completed in ``year`` is kept; None when it is not counted."""
        return year + self.years if self.kind == YEARS else None

    def run_out(self, year: int, as_of: dt.date) -> bool:
        """Whether the period of a case completed in ``year`` has run out by ``as_of``."""
        last = self.last_year(year)
        return last is not None and as_of.year > last


def years_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "года"
    return "лет"


def parse_retention(text: str) -> Retention:
    """«Постоянно», «5 лет», «5 лет ЭПК», «75 лет ЭПК», «ДМН», «До минования надобности»;
    ValueError with a Russian message otherwise."""
    raw = " ".join(text.split()).casefold().replace("ё", "е")
    if not raw:
        return Retention()
    epk = _EPK.search(raw) is not None
    bare = _EPK.sub(" ", raw).strip().rstrip(",;")
    if _PERMANENT.match(bare):
        return Retention(PERMANENT)
    if _UNTIL_NEEDED.match(bare):
        return Retention(UNTIL_NEEDED)
    found = _YEARS.match(bare)
    if found:
        years = int(found.group(1))
        if not 1 <= years <= MAX_YEARS:
            raise ValueError(f"срок хранения «{text.strip()}»: от 1 до {MAX_YEARS} лет")
        return Retention(YEARS, years, epk)
    raise ValueError(
        f"срок хранения «{text.strip()[:40]}» не прочитан; пишется «Постоянно», «5 лет», "
        "«5 лет ЭПК» или «До минования надобности»"
    )


def split_article(text: str) -> tuple[str, str]:
    """The period and the article from one cell of the standard form: «5 лет ЭПК ст. 25а» →
    («5 лет ЭПК», «25а»); the article may stand on a line of its own."""
    joined = " ".join(text.split())
    found = _ARTICLE.search(joined)
    if found is None:
        return joined, ""
    return joined[: found.start()].strip().rstrip(",;"), found.group(1).replace(" ", "")


def period_with_article(retention: Retention, article: str) -> str:
    """The form's column «Срок хранения и № статей по перечню»: «5 лет ЭПК, ст. 25а»."""
    parts = [retention.label, f"ст. {article}" if article else ""]
    return ", ".join(p for p in parts if p)
