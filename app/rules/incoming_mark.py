"""The registration mark of an incoming document («отметка о поступлении», ГОСТ Р 7.0.97-2016,
п. 5.23): the receiving organization's short name, the incoming number and the date of receipt,
when needed the time, and how it came («Получено по МЭДО», «Получено по электронной почте»).
Its lines here; where it goes on the page is the exporter's (``app/exporters/incoming_mark.py``).

Beside it, once the letter is filed, the mark of its case («отметка о направлении документа в
дело», п. 5.26): «В дело № …» and the date; the signature is the clerk's own, on paper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# how a letter came, as the card says it → the words of the mark ("" : nothing said)
# (the deliveries of app/services/incoming/cards.py::DELIVERIES; post and by hand say nothing:
# the paper shows it)
_CAME_BY = {
    "мэдо": "Получено по МЭДО",
    "электронная почта": "Получено по электронной почте",
    "курьер": "Получено курьером",
}


@dataclass(frozen=True)
class IncomingMark:
    organization: str  # the short name ("" : left out)
    number: str
    date: dt.date
    time: dt.time | None = None
    delivery: str = ""  # the card's «Способ доставки»

    def lines(self) -> list[str]:
        when = f"{self.date:%d.%m.%Y}" + (f" {self.time:%H:%M}" if self.time else "")
        lines = [" ".join(self.organization.split())] if self.organization.strip() else []
        lines += [f"Вх. № {' '.join(self.number.split())}", f"от {when}"]
        came = _CAME_BY.get(" ".join(self.delivery.split()).casefold(), "")
        return [*lines, came] if came else lines


@dataclass(frozen=True)
class FiledMark:
    case_index: str
    date: dt.date | None = None  # the day it was filed

    def lines(self) -> list[str]:
        first = f"В дело № {' '.join(self.case_index.split())}"
        return [first, f"{self.date:%d.%m.%Y}"] if self.date else [first]
