"""Russian spell checking: hunspell with the system's ru_RU dictionary; the red wavy underline in
the body and the heading, suggestions and «Добавить в словарь» in the context menu."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.rules.spelling import Speller, dictionary_dir, user_words_file

if dictionary_dir() is None:
    if os.environ.get("SECRETARIAT_REQUIRE_LIBREOFFICE") == "1":  # root: the packages are there
        pytest.fail("the ru_RU hunspell dictionary (hunspell-ru) is required here")
    pytest.skip("no ru_RU hunspell dictionary", allow_module_level=True)


def test_words_forms_abbreviations_and_the_clerks_own_words() -> None:
    speller = Speller()
    assert speller.available and speller.note == ""
    for right in ("мероприятия", "проведённых", "отчета", "социально-экономического", "ГОСТ"):
        assert speller.correct(right), right
    assert not speller.correct("мероприятея")
    assert "мероприятие" in speller.suggest("мероприятея")
    text = "Просим прадставить отчет до 1 декабря (форма ОКУД)."
    assert [text[s : s + n] for s, n in speller.misspelled(text)] == ["прадставить"]
    assert not speller.correct("Роскачество")
    speller.add("Роскачество")
    assert speller.correct("Роскачество")
    assert "Роскачество" in user_words_file().read_text(encoding="utf-8")
    assert Speller().correct("Роскачество")  # kept for the next start


def test_missing_dictionary_turns_the_check_off_with_a_note(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("app.rules.spelling.DICTIONARY_DIRS", ())
    monkeypatch.setenv("SECRETARIAT_DICTIONARY_DIR", str(tmp_path))
    speller = Speller()
    assert not speller.available and "hunspell-ru" in speller.note
    assert speller.correct("мероприятея") and speller.misspelled("мероприятея") == []
