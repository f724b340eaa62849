"""Registration number templates and sequence periods (pure rules, no database).

A template is literal text around tokens: ``{seq}`` or ``{seq:N}`` (zero-padded to N), ``{year}``,
``{yy}``, ``{case}``, ``{dept}``, ``{corr}``. Exactly one ``{seq}``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.errors import UserError

PERIODS = ("year", "quarter", "month", "never")
PERIOD_LABELS = {"year": "год", "quarter": "квартал", "month": "месяц", "never": "без сброса"}
TOKENS = ("seq", "year", "yy", "case", "dept", "corr")
TOKEN_LABELS = {
    "case": "индекс дела",
    "dept": "код подразделения",
    "corr": "код корреспондента",
}
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
                raise UserError(f"Для номера нужен {TOKEN_LABELS[part.name]} ({{{part.name}}})")
            out.append(value)
    return "".join(out)


def period_key(date: dt.date, period: str) -> str:
    """The key of the sequence period a date falls in: ``2025``, ``2025-Q2``, ``2025-04``, ``*``."""
    if period == "year":
        return f"{date.year:04d}"
    if period == "quarter":
        return f"{date.year:04d}-Q{(date.month - 1) // 3 + 1}"
    if period == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if period == "never":
        return "*"
    raise UserError(f"Неизвестный период нумерации «{period}»; допустимы: {', '.join(PERIODS)}")
