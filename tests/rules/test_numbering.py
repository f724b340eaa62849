"""Number templates and sequence periods."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.numbering import format_number, parse_template, period_key
from app.support.errors import UserError

D = dt.date(2025, 4, 29)


@pytest.mark.parametrize(
    ("template", "kwargs", "seq", "expected"),
    [
        ("{seq}/{case}", {"case": "5"}, 710, "710/5"),
        ("{seq}-РСК", {}, 2174, "2174-РСК"),
        ("01-{case}/{seq}", {"case": "12"}, 345, "01-12/345"),
        ("МЭР-{dept}/{seq:4}", {"dept": "3"}, 42, "МЭР-3/0042"),
        ("{yy}-{seq}", {}, 7, "25-7"),
        ("{seq}/{year}/{corr}", {"corr": "KAM"}, 1, "1/2025/KAM"),
    ],
)
def test_real_numbers(template: str, kwargs: dict[str, str], seq: int, expected: str) -> None:
    assert format_number(parse_template(template), seq, D, **kwargs) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("", "пуст"),
        (" {seq}", "пробелом"),
        ("{seq}/{seq}", "ровно один"),
        ("{case}/5", "ровно один"),
        ("{seq}/{nope}", "Неизвестный элемент"),
        ("{seq:0}", "ширина"),
        ("{case:3}{seq}", "ширина"),
        ("{seq}}", "скобка"),
    ],
)
def test_invalid_templates(template: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_template(template)


def test_missing_case_is_named() -> None:
    with pytest.raises(UserError, match="индекс дела"):
        format_number(parse_template("{seq}/{case}"), 1, D)


@pytest.mark.parametrize(
    ("date", "period", "key"),
    [
        (dt.date(2024, 12, 31), "year", "2024"),
        (dt.date(2025, 1, 1), "year", "2025"),
        (dt.date(2025, 3, 31), "quarter", "2025-Q1"),
        (dt.date(2025, 4, 1), "quarter", "2025-Q2"),
        (dt.date(2025, 12, 31), "quarter", "2025-Q4"),
        (dt.date(2025, 2, 28), "month", "2025-02"),
        (dt.date(1999, 1, 1), "never", "*"),
    ],
)
def test_period_boundaries(date: dt.date, period: str, key: str) -> None:
    assert period_key(date, period) == key


literal = st.text(
    alphabet=st.characters(
        blacklist_characters="{}",
        blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"),
    ),
    max_size=6,
)


@given(prefix=literal, suffix=literal, seq=st.integers(1, 10**7), width=st.integers(0, 9))
def test_template_round_trip(prefix: str, suffix: str, seq: int, width: int) -> None:
    token = f"{{seq:{width}}}" if width else "{seq}"
    number = format_number(parse_template(f"{prefix}{token}{suffix}"), seq, D)
    assert number.startswith(prefix) and number.endswith(suffix)
    digits = number[len(prefix) : len(number) - len(suffix)]
    assert int(digits) == seq
    assert len(digits) == max(width, len(str(seq)))
