"""Russian declension of addressees: positions and names into the dative, salutations.

Names go through pytrovich (surnames, hyphenated and indeclinable ones included); positions
through pymorphy3, changing only the head of the phrase — the leading adjectives and
participles that agree with it and the head noun itself: «Первый заместитель министра» →
«Первому заместителю министра». What follows the head (its genitive complement) is kept as
written. A dash starts a second title in apposition («… – министр финансов»), declined the same
way when its head is a person. «Исполняющий обязанности …» declines the participle only;
«Врио …» and «И.о. …» are abbreviations and do not change.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from app.rules.morphology import analyzer
from app.support.text import initials_name

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer
    from pymorphy3.analyzer import Parse
    from pytrovich.detector import PetrovichGenderDetector
    from pytrovich.maker import PetrovichDeclinationMaker

COLLECTIVE_SALUTATION = "Уважаемые коллеги!"

_TOKEN = re.compile(r"(\s+|[-–—](?=\s)|[«»\"“”„(),;:])")
_DASHES = {"-", "–", "—"}
_ABBREVIATED_HEADS = {"врио", "вр.и.о.", "и.о.", "и.о", "и. о.", "вриo"}
_ACTING = {"исполняющий", "исполняющая", "временно"}


def _morph() -> MorphAnalyzer:
    return analyzer()


@lru_cache(maxsize=1)
def _petrovich() -> PetrovichDeclinationMaker:
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker()


@lru_cache(maxsize=1)
def _gender_detector() -> PetrovichGenderDetector:
    from pytrovich.detector import PetrovichGenderDetector

    return PetrovichGenderDetector()


# --- gender -----------------------------------------------------------------------------------


def gender_from_names(last: str, first: str, middle: str) -> str:
    """``m``, ``f`` or ``""``: from the patronymic first, then the first name, then the surname."""
    patronymic = middle.strip().casefold().replace("ё", "е")
    if patronymic.endswith(("ич", "оглы", "улы", "уулу")):
        return "m"
    if patronymic.endswith(("на", "кызы", "гызы", "кизи")):
        return "f"
    name = first.strip()
    if len(name) > 2 and not name.endswith("."):
        from pytrovich.enums import Gender

        try:
            found = _gender_detector().detect(firstname=name)
        except (KeyError, ValueError):
            found = Gender.ANDROGYNOUS
        if found is Gender.MALE:
            return "m"
        if found is Gender.FEMALE:
            return "f"
    surname = last.strip().casefold()
    if surname.endswith(("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")):
        return "f"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ый")):
        return "m"
    return ""


# --- names ------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def surname_dative(last: str, gender: str) -> str:
    """The surname in the dative; unknown gender is declined as male (the clerk may override)."""
    if not last.strip():
        return ""
    from pytrovich.enums import Case, Gender, NamePart

    g = Gender.FEMALE if gender == "f" else Gender.MALE
    try:
        return str(_petrovich().make(NamePart.LASTNAME, g, Case.DATIVE, last.strip()))
    except (KeyError, ValueError, IndexError):  # pragma: no cover - pytrovich is total in practice
        return last.strip()


def person_dative(
    last: str, first: str, middle: str, gender: str, *, initials_first: bool = True
) -> str:
    """``В.В. Солодову`` (or ``Солодову В.В.`` when the organization prints initials after)."""
    surname = surname_dative(last, gender or gender_from_names(last, first, middle))
    return initials_name(surname, first, middle, initials_first=initials_first, sep=" ")


def salutation_or_collective(*candidates: str | None) -> str:
    """The first salutation given, else «Уважаемые коллеги!» — the one fallback for a letter,
    a copy and a recipient without a person."""
    return next((c for c in candidates if c and c.strip()), COLLECTIVE_SALUTATION)


def salutation(last: str, first: str, middle: str, gender: str) -> str:
    """``Уважаемый Владимир Викторович!``; ``Уважаемый господин Бендер!`` without a patronymic
    (initials only, or a foreign name)."""
    gender = gender or gender_from_names(last, first, middle)
    first, middle, last = first.strip(), middle.strip(), last.strip()
    if not (first or last):
        return COLLECTIVE_SALUTATION
    word = "Уважаемая" if gender == "f" else "Уважаемый"

    def full(part: str) -> bool:
        return len(part) > 1 and not part.endswith(".")

    if full(first) and (full(middle) or not last):
        return f"{word} {' '.join(p for p in (first, middle) if full(p))}!"
    title = "госпожа" if gender == "f" else "господин"
    return f"{word} {title} {last}!"


# --- positions --------------------------------------------------------------------------------


# titles pymorphy3 knows only as first names: «Раис Республики Татарстан» (the head of the
# republic) was left undeclined
_TITLES_PARSED_AS_NAMES = frozenset({"раис"})


def _nominative(word: str, *, noun: bool) -> Parse | None:
    title_name = word.casefold() in _TITLES_PARSED_AS_NAMES
    for parse in _morph().parse(word):
        tag = parse.tag
        if "nomn" not in tag or "plur" in tag:
            continue
        if noun and tag.POS == "NOUN" and "Abbr" not in tag and ("Name" not in tag or title_name):
            return parse
        if not noun and tag.POS in ("ADJF", "PRTF"):
            return parse
    return None


def _with_case_of(original: str, word: str) -> str:
    if "ё" not in original.casefold():
        word = word.replace("ё", "е")
    if len(original) > 1 and original.isupper():
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _inflect(parse: Parse, original: str, case: str) -> str | None:
    changed = parse.inflect({case})
    return None if changed is None else _with_case_of(original, changed.word)


def _decline_title(words: list[str], case: str, *, person_only: bool) -> dict[int, str] | None:
    """Replacements {word index: form} for the head of one title, or None to keep it as is."""
    out: dict[int, str] = {}
    for i, word in enumerate(words):
        low = word.casefold().replace("ё", "е")
        if low in _ABBREVIATED_HEADS:
            return out if out else None
        if low == "временно":
            continue
        noun = _nominative(word, noun=True)
        adjective = _nominative(word, noun=False)
        following = words[i + 1] if i + 1 < len(words) else ""
        noun_follows = bool(following) and _nominative(following, noun=True) is not None
        if adjective is not None and (low in _ACTING or noun is None or noun_follows):
            form = _inflect(adjective, word, case)
            if form is None:
                return None
            out[i] = form
            if following.casefold() == "обязанности" or low.startswith("исполняющ"):
                return out  # «Исполняющему обязанности министра»
            if not noun_follows and (not following or _nominative(following, noun=False) is None):
                return out  # a substantive adjective is the head: «Уполномоченному по …»
            continue
        if noun is not None:
            if person_only and "anim" not in noun.tag:
                return None
            form = _inflect(noun, word, case)
            if form is None:
                return None
            out[i] = form
            return out
        return out if out else None
    return out if out else None


def _is_word(token: str) -> bool:
    return bool(token) and not token.isspace() and not _TOKEN.fullmatch(token)


@lru_cache(maxsize=8192)
def decline_position(position: str, case: str = "datv") -> str:
    """A position from the nominative into ``case`` (dative by default)."""
    tokens = _TOKEN.split(position)
    titles: list[list[int]] = [[]]
    for index, token in enumerate(tokens):
        if token in _DASHES:
            titles.append([])
        elif _is_word(token):
            titles[-1].append(index)
    for number, indices in enumerate(titles):
        words = [tokens[i] for i in indices]
        changes = _decline_title(words, case, person_only=number > 0)
        if not changes:
            continue
        for position_in_title, form in changes.items():
            tokens[indices[position_in_title]] = form
    return "".join(tokens)


@lru_cache(maxsize=8192)
def _is_bare_title(position: str) -> bool:
    """True when the position is only a title (``Генеральный директор``), without whose."""
    words = [t for t in _TOKEN.split(position) if _is_word(t)]
    changes = _decline_title(words, "datv", person_only=False)
    return changes is not None and bool(changes) and max(changes) == len(words) - 1


def addressee_lines(
    organization: str,
    position: str,
    last: str,
    first: str,
    middle: str,
    gender: str,
    *,
    initials_first: bool = True,
) -> str:
    """The printed addressee block, one line per row (ГОСТ Р 7.0.97-2025, requisite 4).

    An organization alone is printed in the nominative. An official gets the position and name in
    the dative; when the position does not say where (``Генеральный директор``), the organization
    comes first in the nominative.
    """
    organization, position, last = organization.strip(), position.strip(), last.strip()
    if not last and not position:
        return organization
    lines: list[str] = []
    if position:
        if organization and _is_bare_title(position):
            lines.append(organization)
        lines.append(decline_position(position))
    elif organization:
        lines.append(organization)
    if last:
        lines.append(person_dative(last, first, middle, gender, initials_first=initials_first))
    return "\n".join(lines)
