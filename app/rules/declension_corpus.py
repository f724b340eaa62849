"""The declension corpus (``tests/data/declension_corpus.tsv``) read and scored, for the tests
and the benchmark alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.rules import declension


@dataclass(frozen=True)
class Case:
    kind: str  # "position" or "name"
    source: str
    expected: str


def read_corpus(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, source, expected = line.split("\t")
            cases.append(Case(kind, source, expected))
    return cases


def decline(case: Case) -> str:
    """What the program gives for a case, in the corpus's own notation."""
    if case.kind == "position":
        return declension.decline_position(case.source)
    last, first, middle = case.source.split("|")
    gender = declension.gender_from_names(last, first, middle)
    return "|".join(
        (
            declension.person_dative(last, first, middle, ""),
            declension.salutation(last, first, middle, ""),
            gender,
        )
    )
