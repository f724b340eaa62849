"""Russian spell checking: hunspell (the ``chunspell`` binding, imported as ``hunspell``) with the
system's ru_RU dictionary (Debian's ``hunspell-ru``), and the clerk's own words.

Off, with a note saying why, when the binding or the dictionary is missing. Words with digits or
Latin letters, abbreviations in capitals and one-letter words are not checked. The clerk's words
(«Добавить в словарь») are kept one per line in the user's data folder.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from app.support.paths import data_dir

LANGUAGE = "ru_RU"
DICTIONARY_DIRS = (
    "/usr/share/hunspell",
    "/usr/share/myspell/dicts",
    "/usr/share/myspell",
    "/usr/local/share/hunspell",
    "/Library/Spelling",
)
WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
MAX_SUGGESTIONS = 7
MAX_USER_WORDS = 50_000


def user_words_file() -> Path:
    return data_dir() / "spelling" / f"{LANGUAGE}.txt"


def dictionary_dir() -> Path | None:
    """Where ru_RU.aff and ru_RU.dic are (``SECRETARIAT_DICTIONARY_DIR`` first)."""
    override = os.environ.get("SECRETARIAT_DICTIONARY_DIR", "").strip()
    for folder in ((override,) if override else ()) + DICTIONARY_DIRS:
        base = Path(folder)
        if (base / f"{LANGUAGE}.aff").is_file() and (base / f"{LANGUAGE}.dic").is_file():
            return base
    return None


class Speller:
    def __init__(self) -> None:
        self.note = ""  # why the check is off
        self._hunspell: Any = None  # hunspell.Hunspell (no type information)
        self._known: dict[str, bool] = {}
        folder = dictionary_dir()
        try:
            import hunspell  # the chunspell package
        except ImportError:
            self.note = "Проверка орфографии выключена: не установлен модуль hunspell (chunspell)"
            return
        if folder is None:
            self.note = (
                "Проверка орфографии выключена: не найден русский словарь ru_RU (пакет hunspell-ru)"
            )
            return
        self._hunspell = hunspell.Hunspell(LANGUAGE, hunspell_data_dir=str(folder))
        for word in self._user_words():
            self._hunspell.add(word)

    @property
    def available(self) -> bool:
        return self._hunspell is not None

    def _user_words(self) -> list[str]:
        try:
            text = user_words_file().read_text(encoding="utf-8")
        except OSError:
            return []
        return [w for w in text.split() if WORD.fullmatch(w)][:MAX_USER_WORDS]

    def correct(self, word: str) -> bool:
        """True for a word spelled right, or one not to check."""
        if self._hunspell is None or len(word) < 2 or word.isupper():
            return True
        known = self._known.get(word)
        if known is None:
            check = self._hunspell.spell
            known = bool(check(word)) or ("-" in word and all(check(p) for p in word.split("-")))
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[word] = known
        return known

    def suggest(self, word: str) -> list[str]:
        if self._hunspell is None:
            return []
        return list(self._hunspell.suggest(word))[:MAX_SUGGESTIONS]

    def add(self, word: str) -> None:
        """The clerk's word: known from now on, and at the next start."""
        if self._hunspell is None or not WORD.fullmatch(word):
            return
        self._hunspell.add(word)
        self._known[word] = True
        path = user_words_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(word + "\n")

    def misspelled(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of each word spelled wrong."""
        return [
            (m.start(), len(m.group())) for m in WORD.finditer(text) if not self.correct(m.group())
        ]


@functools.cache
def speller() -> Speller:
    """One speller for the program (the dictionary takes 0.4 s to load)."""
    return Speller()
