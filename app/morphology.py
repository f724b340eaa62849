"""The one Russian morphological analyser of the program (pymorphy3 with its dictionary),
loaded on first use: declension and the search's word forms share it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer


@lru_cache(maxsize=1)
def analyzer() -> MorphAnalyzer:
    import pymorphy3
    import pymorphy3_dicts_ru

    # The path given outright: a frozen bundle has no entry-point metadata to find it by.
    return pymorphy3.MorphAnalyzer(path=pymorphy3_dicts_ru.get_path(), lang="ru")


def dictionary_version() -> str:
    """What the analyser's answers depend on: the library's and the dictionary's versions."""
    import pymorphy3
    import pymorphy3_dicts_ru

    return f"pymorphy3 {pymorphy3.__version__}, dicts {pymorphy3_dicts_ru.__version__}"
