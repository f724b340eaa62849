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
    """What the analyser's answers depend on: the library's and the dictionary's versions
    (asked at every start, so read without importing the analyser when the files are there)."""
    import pymorphy3_dicts_ru

    return f"pymorphy3 {_library_version()}, dicts {pymorphy3_dicts_ru.__version__}"


def _library_version() -> str:
    import importlib.util
    import re
    from pathlib import Path

    spec = importlib.util.find_spec("pymorphy3")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        source = Path(folder) / "version.py"
        if source.is_file():
            found = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", source.read_text("utf-8"))
            if found:
                return found.group(1)
    import pymorphy3  # a frozen bundle: no source files to read

    return str(pymorphy3.__version__)
