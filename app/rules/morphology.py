"""The one Russian morphological analyser of the program (pymorphy3 with its dictionary),
loaded on first use: declension and the search's word forms share it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer

_loaded: list[MorphAnalyzer] = []
_loading = threading.Lock()  # the window loads it in the background while a search may ask


def analyzer() -> MorphAnalyzer:
    if not _loaded:
        with _loading:
            if not _loaded:
                import pymorphy3
                import pymorphy3_dicts_ru

                # The path given outright: a frozen bundle has no entry-point metadata to find
                # it by.
                path = pymorphy3_dicts_ru.get_path()
                _loaded.append(pymorphy3.MorphAnalyzer(path=path, lang="ru"))
    return _loaded[0]


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
