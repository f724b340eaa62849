"""Ready journals for a new registry: the numbering patterns Russian offices use, each with an
example a clerk recognises, so that nobody has to write ``{seq}/{case}`` by hand."""

from __future__ import annotations

from dataclasses import dataclass

from app.rules.numbering import EXAMPLE_VALUES, format_number, parse_template
from app.services.organization.profile import JournalData


@dataclass(frozen=True)
class JournalPreset:
    journal: JournalData
    description: str  # what the number is made of, in the clerk's words

    @property
    def example(self) -> str:
        return example_number(self.journal.template, 315)

    @property
    def label(self) -> str:
        return f"{self.journal.name}: «{self.example}» — {self.description}"


def example_number(template: str, seq: int = 315) -> str:
    import datetime as dt

    return format_number(parse_template(template), seq, dt.date(2025, 3, 14), **EXAMPLE_VALUES)


PRESETS = (
    JournalPreset(
        JournalData("ИСХ", "Исходящие", "{case}/{seq}"),
        "индекс дела по номенклатуре и порядковый номер (ГОСТ Р 7.0.97)",
    ),
    JournalPreset(
        JournalData("ИСХ", "Исходящие", "{seq}/{case}"),
        "порядковый номер, затем индекс дела",
    ),
    JournalPreset(JournalData("ИСХ", "Исходящие", "{seq}"), "только порядковый номер за год"),
    JournalPreset(
        JournalData("ИСХ", "Исходящие", "{dept}-{seq}"),
        "код подразделения и порядковый номер",
    ),
    JournalPreset(
        JournalData("ИСХ", "Исходящие", "{seq}/{yy}"),
        "порядковый номер и две цифры года",
    ),
    JournalPreset(
        JournalData("ОБР", "Ответы на обращения граждан", "{seq}-ОГ"),
        "порядковый номер с пометкой «ОГ»",
    ),
    JournalPreset(
        JournalData("ВХ", "Входящие", "{seq}-вх", kind="incoming"),
        "порядковый номер с пометкой «вх»",
    ),
    JournalPreset(
        JournalData("ОГ", "Обращения граждан", "{seq}-ог", kind="incoming"),
        "входящие, порядковый номер с пометкой «ог»",
    ),
)
# what a new registry is offered at once: a journal of each kind, both ready to use
FIRST_JOURNALS = (PRESETS[0], PRESETS[6])
