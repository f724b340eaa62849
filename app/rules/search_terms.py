"""Search by word forms: the terms a text is indexed under, and what a search looks for.

A word's term is its lemma (pymorphy3's dictionary form): «мероприятиях» and «мероприятие» are
both «мероприятие», «проведённых» and «проведенное» both «провести», «Иванову» and «Иванов»
both «иванов». Where a word can be a surname, the surname's lemma is taken («Протасов» could
also be the genitive plural of the name «Протас»); a lemma in «-овый»/«-евый» loses its ending,
so that a surname missing from the dictionary («Солодов», read as «солодовый») meets its other
cases («Солодову», read as the surname «солодов»). Snowball stems (PyStemmer) were measured and
rejected: they cut «Иванов» to «иван» but «Иванову» to «иванов», so a surname would not find
itself in another case. Numbers, codes and Latin words are their own terms, so «1893/5»,
«-РСК» and «28.10.2025» match as typed (as adjacent terms «1893 5», «рск», «28 10 2025»).
Text is folded first: case and ё/е do not matter.

The same word always gives the same term (one parse, cached), so a text and a search agree;
what changes the terms (this module's rules, the dictionary's version) is :func:`terms_version`,
and a database indexed under another version is indexed again when it is opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.rules.morphology import analyzer, dictionary_version
from app.support.text import normalize

RULES_VERSION = "2"
WORD = re.compile(r"[^\W_]+")  # letters and digits; anything else separates words
_RUSSIAN = re.compile(r"[а-я]+")  # folded: ё is already е
_POSSESSIVE = ("овый", "евый")
MIN_PREFIX = 4  # letters of an unfinished last word before it is also taken as a prefix
MAX_WORD = 60  # a longer "word" is not a word of a letter; it is indexed cut to this length
MAX_TERMS = 50_000  # terms of one text (≈100 pages); what follows is not indexed
_QUOTED = re.compile(r'"([^"]*)"?|«([^»]*)»?|(\S+)')


def terms_version() -> str:
    return f"{RULES_VERSION}; {dictionary_version()}"


def ready() -> None:
    """Load the dictionary now, before a write transaction takes the database's lock: loaded
    inside it (0.3 s, seconds on a busy machine) it kept eight registering processes waiting
    past their 15 s lock timeout."""
    analyzer()


@lru_cache(maxsize=200_000)  # ≈30 MB at most, whatever the texts: hostile text cannot grow it
def term(word: str) -> str:
    """The term of one folded word (a lemma for a Russian word, the word itself otherwise)."""
    word = word[:MAX_WORD]
    if len(word) < 2 or not _RUSSIAN.fullmatch(word):
        return word
    parses = analyzer().parse(word)
    chosen = next((p for p in parses if "Surn" in p.tag), parses[0])
    lemma = str(chosen.normal_form).replace("ё", "е")
    # a surname the dictionary lacks reads as a possessive adjective in some of its forms
    # («Солодов», «Солодова» → «солодовый»; «Солодову» → «солодов»): one term for both
    return lemma[:-2] if lemma.endswith(_POSSESSIVE) else lemma


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return WORD.findall(normalize(text))


def text_terms(*parts: str) -> list[str]:
    """The terms of a document made of ``parts``, in order (at most :data:`MAX_TERMS`)."""
    out: list[str] = []
    for part in parts:
        if part:
            out += [term(w) for w in words(part)]
            if len(out) >= MAX_TERMS:
                return out[:MAX_TERMS]
    return out


@dataclass(frozen=True)
class Wanted:
    """One thing a match must contain: these terms, adjacent and in this order. ``typed`` is
    the last word as typed when it may be unfinished: the match may also have, in its place, a
    word that begins with it («губерна» finds «губернатору»)."""

    terms: tuple[str, ...]
    typed: str = ""
    # the indexed terms that begin with ``typed``, when the index was asked
    # (app/storage/word_index.py):
    # each is then looked up as a whole term instead of the index's prefix search
    completions: tuple[str, ...] | None = None

    def alternatives(self) -> list[tuple[tuple[str, ...], bool]]:
        """The phrases that satisfy it, each with whether its last term is a prefix."""
        if not self.typed:
            return [(self.terms, False)]
        if self.completions is not None:
            ends = dict.fromkeys((self.terms[-1], *self.completions))
            return [((*self.terms[:-1], end), False) for end in ends]
        if self.typed == self.terms[-1]:
            return [(self.terms, True)]
        return [(self.terms, False), ((*self.terms[:-1], self.typed), True)]


def parse_search(search: str) -> list[Wanted]:
    """What a search asks for: each word (in any form), each phrase in quotes ("…" or «…»)
    adjacent in any form, each code with separators («1893/5») its parts adjacent. The last
    word, unless quoted, may be unfinished. No words at all: an empty list."""
    wanted: list[Wanted] = []
    last_bare = False
    for match in _QUOTED.finditer(search):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        found = words(quoted if quoted is not None else match.group(3))
        if not found:
            continue
        wanted.append(Wanted(tuple(term(w) for w in found)))
        last_bare = quoted is None
        last_word = found[-1][:MAX_WORD]
    if wanted and last_bare and (len(last_word) >= MIN_PREFIX or last_word[0].isdigit()):
        # the clerk may be typing it (or typed the start of a name: «камчатск», «ченц»). A
        # prefix costs the index a read of every match of every word it begins: «про*» took
        # 1.4 s at a million letters, «пров*» 0.1 s; three letters are looked up as a word
        wanted[-1] = Wanted(wanted[-1].terms, typed=last_word)
    return wanted


def fts5_query(wanted: list[Wanted]) -> str:
    """The FTS5 query of a search (terms are letters and digits only; each is quoted)."""

    def phrase(terms: tuple[str, ...], prefix: bool) -> str:
        return '"' + " ".join(terms) + '"' + ("*" if prefix else "")

    parts = []
    for item in wanted:
        either = [phrase(t, p) for t, p in item.alternatives()]
        parts.append(either[0] if len(either) == 1 else f"({' OR '.join(either)})")
    return " AND ".join(parts)


def tsquery(wanted: list[Wanted]) -> str:
    """The same search as a PostgreSQL ``tsquery`` over the same terms."""

    def phrase(terms: tuple[str, ...], prefix: bool) -> str:
        quoted = [f"'{t}'" for t in terms]
        if prefix:
            quoted[-1] += ":*"
        return " <-> ".join(quoted)

    parts = []
    for item in wanted:
        alternatives = [f"({phrase(t, p)})" for t, p in item.alternatives()]
        parts.append(alternatives[0] if len(alternatives) == 1 else f"({' | '.join(alternatives)})")
    return " & ".join(parts)


def tsvector(terms: list[str]) -> str:
    """A PostgreSQL ``tsvector`` literal of a document's terms with their positions (positions
    past 16,383 count as 16,383 there, so a phrase that far into a text matches loosely)."""
    positions: dict[str, list[int]] = {}
    for i, t in enumerate(terms, start=1):
        positions.setdefault(t, []).append(min(i, 16_383))
    return " ".join(f"'{t}':{','.join(map(str, p[:256]))}" for t, p in positions.items())
