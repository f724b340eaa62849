"""Declension of the addressee block: the corpus, and how the parts come together."""

from __future__ import annotations

import pytest

from app.rules import declension
from app.rules.declension_corpus import Case, decline, read_corpus
from tests.support.places import DATA

CORPUS = read_corpus(DATA / "declension_corpus.tsv")


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 180
    assert {c.kind for c in CORPUS} == {"position", "name"}


def test_corpus_has_the_head_of_every_region() -> None:
    """Each of the 89 regions of the sample directory has its head's title in the corpus."""
    from app.support.paths import resource_path

    lines = resource_path("samples", "regional-executive-bodies.csv").read_text("utf-8-sig")
    regions = [line.split(";")[1] for line in lines.splitlines()[1:]]
    titles = {c.source for c in CORPUS if c.kind == "position"}
    assert len(regions) == 89
    for region in regions:
        subject = (
            region.split(" ", 2)[2] if region.startswith("Кабинет") else region.split(" ", 1)[1]
        )
        assert any(t.endswith(subject) for t in titles), region


@pytest.mark.parametrize("case", CORPUS, ids=[c.source[:40] for c in CORPUS])
def test_corpus(case: Case) -> None:
    assert decline(case) == case.expected


@pytest.mark.parametrize(
    ("middle", "gender"),
    [
        ("Викторович", "m"),
        ("Ильич", "m"),
        ("Гейдар оглы", "m"),
        ("Николаевна", "f"),
        ("Ильхам кызы", "f"),
        ("", ""),
    ],
)
def test_gender_from_patronymic(middle: str, gender: str) -> None:
    assert declension.gender_from_names("Бондаренко", "", middle) == gender


def test_official_in_named_post() -> None:
    lines = declension.addressee_lines(
        "Правительство Камчатского края",
        "Губернатор Камчатского края",
        "Солодов",
        "Владимир",
        "Викторович",
        "",
    )
    assert lines == "Губернатору Камчатского края\nВ.В. Солодову"


def test_bare_title_puts_organization_first() -> None:
    lines = declension.addressee_lines(
        "ООО «Ромашка»", "Генеральный директор", "Петрова", "Анна", "Ивановна", ""
    )
    assert lines.splitlines() == ["ООО «Ромашка»", "Генеральному директору", "А.И. Петровой"]


def test_organization_alone_is_nominative() -> None:
    assert (
        declension.addressee_lines("Министерство финансов Российской Федерации", "", "", "", "", "")
        == "Министерство финансов Российской Федерации"
    )


def test_initials_after_surname_when_asked() -> None:
    line = declension.person_dative("Солодов", "Владимир", "Викторович", "m", initials_first=False)
    assert line == "Солодову В.В."


def test_multiline_position_keeps_its_breaks() -> None:
    position = "заместитель\nпредседателя Правительства области\n- министр финансов"
    assert declension.decline_position(position) == (
        "заместителю\nпредседателя Правительства области\n- министру финансов"
    )


def test_gender_override_changes_the_surname() -> None:
    assert declension.person_dative("Жук", "О.", "П.", "f") == "О.П. Жук"
    assert declension.person_dative("Жук", "О.", "П.", "m") == "О.П. Жуку"
