"""The attachment line grammar, without Qt: «Название; листов; экз.»."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.attachment_lines import (
    MAX_COPIES,
    MAX_SHEETS,
    Attachment,
    LineError,
    line_of,
    read_line,
    title_of,
)


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("Справка", Attachment("Справка", 1, 1)),
        ("Справка; 3", Attachment("Справка", 3, 1)),
        ("  Справка ;  3 ; 2 ", Attachment("Справка", 3, 2)),
        (f"Альбом; {MAX_SHEETS}; {MAX_COPIES}", Attachment("Альбом", MAX_SHEETS, MAX_COPIES)),
        ("   ", None),
        ("", None),
    ],
)
def test_lines_read(line: str, read: Attachment | None) -> None:
    assert read_line(line) == read


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("Справка; три", "«Название; листов; экз.»"),
        ("Справка; 1; 2; 3", "«Название; листов; экз.»"),
        ("Справка; -1", "«Название; листов; экз.»"),
        ("Справка; 0", "листов — от 1 до 10 000, экземпляров — от 1 до 1 000"),
        (f"Справка; 1; {MAX_COPIES + 1}", "экземпляров — от 1 до 1 000"),
        ("; 2; 1", "нет названия приложения"),
    ],
)
def test_bad_lines_say_why(line: str, said: str) -> None:
    with pytest.raises(LineError, match=said):
        read_line(line)


def test_title_is_before_the_first_semicolon() -> None:
    assert title_of(" Справка о доходах ; 2; 1") == "Справка о доходах"


@given(
    st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and ";" not in s),
    st.integers(1, MAX_SHEETS),
    st.integers(1, MAX_COPIES),
)
def test_a_written_line_reads_back(title: str, sheets: int, copies: int) -> None:
    assert read_line(line_of(title, sheets, copies)) == Attachment(title.strip(), sheets, copies)
