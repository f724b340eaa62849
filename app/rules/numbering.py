"""Registration number templates and sequence periods (pure rules, no database).

A template is literal text around tokens: ``{seq}`` or ``{seq:N}`` (zero-padded to N), ``{year}``,
``{yy}``, ``{mm}`` (month, 01–12), ``{q}`` (quarter, 1–4), ``{case}``, ``{dept}``, ``{corr}``.
Exactly one ``{seq}``.

A printed number identifies one letter within its journal and year (within the journal, for the
period ``never``): a period shorter than a year therefore needs its month or quarter in the number
(:func:`check_period_fits`), and a sequence number has an upper bound (:data:`MAX_SEQ`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.support.errors import UserError
from app.support.text import thousands

PERIODS = ("year", "quarter", "month", "never")
PERIOD_LABELS = {"year": "год", "quarter": "квартал", "month": "месяц", "never": "без сброса"}
TOKENS = ("seq", "year", "yy", "mm", "q", "case", "dept", "corr")
# a sane upper bound of a sequence number: set-up, import, reservation and the counter itself
MAX_SEQ = 9_999_999
TOKEN_LABELS = {
    "case": "индекс дела",
    "dept": "код подразделения",
    "corr": "код корреспондента",
}
EXAMPLE_VALUES = {"case": "02-12", "dept": "ОК", "corr": "МФ"}  # an example number's parts
_TOKEN_RE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Token:
    name: str
    width: int = 0


@dataclass(frozen=True)
class Template:
    parts: tuple[str | Token, ...]

    @property
    def needs(self) -> frozenset[str]:
        """Tokens other than the sequence and the date that the letter must supply."""
        return frozenset(
            p.name for p in self.parts if isinstance(p, Token) and p.name in TOKEN_LABELS
        )


def parse_template(text: str) -> Template:
    """Parse and validate a template; raise :class:`UserError` with a Russian message."""
    if not text or not text.strip():
        raise UserError("Шаблон номера пуст")
    if text != text.strip():
        raise UserError("Шаблон номера не должен начинаться или заканчиваться пробелом")
    parts: list[str | Token] = []
    pos = 0
    for match in _TOKEN_RE.finditer(text):
        if match.start() > pos:
            parts.append(_literal(text[pos : match.start()]))
        parts.append(_token(match.group(1)))
        pos = match.end()
    if pos < len(text):
        parts.append(_literal(text[pos:]))
    seq_count = sum(1 for p in parts if isinstance(p, Token) and p.name == "seq")
    if seq_count != 1:
        raise UserError(
            f"Шаблон номера «{text}» должен содержать ровно один {{seq}} (найдено: {seq_count})"
        )
    return Template(tuple(parts))


def _literal(text: str) -> str:
    if "{" in text or "}" in text:
        raise UserError(f"Непарная фигурная скобка в шаблоне номера: «{text}»")
    return text


def _token(body: str) -> Token:
    name, _, width = body.partition(":")
    if name not in TOKENS:
        known = ", ".join("{" + t + "}" for t in TOKENS)
        raise UserError(f"Неизвестный элемент шаблона {{{body}}}; допустимы: {known}")
    if width:
        if name != "seq" or not width.isdigit() or not 1 <= int(width) <= 9:
            raise UserError(f"Неверная ширина в {{{body}}}: допустимо {{seq:1}}…{{seq:9}}")
        return Token(name, int(width))
    return Token(name)


def format_number(
    template: Template,
    seq: int,
    date: dt.date,
    *,
    case: str = "",
    dept: str = "",
    corr: str = "",
) -> str:
    values = {
        "year": f"{date.year:04d}",
        "yy": f"{date.year % 100:02d}",
        "mm": f"{date.month:02d}",
        "q": str(quarter(date)),
        "case": case,
        "dept": dept,
        "corr": corr,
    }
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        elif part.name == "seq":
            out.append(str(seq).zfill(part.width) if part.width else str(seq))
        else:
            value = values[part.name]
            if not value and part.name in TOKEN_LABELS:
                example = format_number(
                    template,
                    seq,
                    date,
                    **(
                        EXAMPLE_VALUES
                        | {k: v for k, v in (("case", case), ("dept", dept), ("corr", corr)) if v}
                    ),
                )
                raise UserError(
                    f"Укажите {TOKEN_LABELS[part.name]}: он входит в номер письма "
                    f"(будет, например, «{example}»)"
                )
            out.append(value)
    return "".join(out)


# which tokens tell the periods shorter than a year apart inside one year
_PERIOD_ELEMENTS = {"month": ("mm",), "quarter": ("q", "mm")}


def check_period_fits(template: Template, period: str) -> None:
    """Refuse a period whose numbers would repeat inside a year: numbering that starts again
    every month or quarter needs the month or quarter in the number."""
    elements = _PERIOD_ELEMENTS.get(period)
    if not elements:
        return
    names = {p.name for p in template.parts if isinstance(p, Token)}
    if names.isdisjoint(elements):
        every = "месяц" if period == "month" else "квартал"
        what = "{mm} (месяц)" if period == "month" else "{q} (квартал) или {mm} (месяц)"
        raise UserError(
            f"нумерация начинается заново каждый {every}, а в номере нет ни месяца, ни "
            f"квартала: номера повторятся в течение года. Добавьте в шаблон {what} или "
            "выберите период «год»"
        )


def check_seq(seq: int, what: str = "Номер") -> None:
    if not 1 <= seq <= MAX_SEQ:
        raise UserError(f"{what} {seq}: допустимо от 1 до {thousands(MAX_SEQ)}")


def quarter(date: dt.date) -> int:
    """1–4: the quarter of the year a date falls in."""
    return (date.month - 1) // 3 + 1


def period_key(date: dt.date, period: str) -> str:
    """The key of the sequence period a date falls in: ``2025``, ``2025-Q2``, ``2025-04``, ``*``."""
    if period == "year":
        return f"{date.year:04d}"
    if period == "quarter":
        return f"{date.year:04d}-Q{quarter(date)}"
    if period == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if period == "never":
        return "*"
    raise UserError(f"Неизвестный период нумерации «{period}»; допустимы: {', '.join(PERIODS)}")


def number_pattern(template: Template) -> re.Pattern[str]:
    """A regex that reads a number made from ``template`` back into its parts."""
    parts = []
    for part in template.parts:
        if isinstance(part, str):
            parts.append(re.escape(part))
        else:
            parts.append(_token_pattern(part))
    return re.compile("^" + "".join(parts) + "$")


def _token_pattern(token: Token) -> str:
    if token.name == "seq":
        return rf"(?P<seq>\d{{{max(token.width, 1)},}})"
    if token.name == "year":
        return r"(?P<year>\d{4})"
    if token.name == "yy":
        return r"(?P<yy>\d{2})"
    if token.name == "mm":
        return r"(?P<mm>\d{2})"
    if token.name == "q":
        return r"(?P<q>[1-4])"
    return rf"(?P<{token.name}>.+?)"
