"""The letter body: paragraphs of styled runs, lists (one level of nesting) and tables.

One model, two spellings (docs/data-formats.md §3):

* the **light markup** of older cards — a string: blank line between paragraphs, ``- `` bullets,
  ``1. `` numbered items, ``**bold**``; it reads exactly as before;
* the **rich body** — a JSON list of blocks, what the editor, a Word draft and a paste produce.

``Letter.body`` keeps what the card gave: the markup string as typed, or the rich body as a JSON
document marked ``{"rich_body": 1, …}`` (:func:`stored`). :func:`blocks_of` reads either;
:func:`plain_text` is what search and the versions list see. No Qt, no file format here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.rules.field_rules import MAX_BODY, text_problem
from app.support.errors import UserError

BULLET = re.compile(r"^\s*[-–—•]\s+(.*)$")
NUMBERED = re.compile(r"^\s*(\d{1,3}[.)])\s+(.*)$")
BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)

RICH_MARK = '{"rich_body":'  # how a stored rich body starts (a typed text never does)
LIST_KINDS = ("bullet", "numbered")
MAX_LEVEL = 1  # one level of nesting
MAX_COLUMNS = 20
MAX_TABLE_ROWS = 5_000
MAX_BLOCKS = 20_000
BULLET_LABEL = "–"
LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"  # «а)», «б)»… for a nested numbered list


@dataclass(frozen=True)
class Span:
    text: str  # may hold "\n": a line break inside the block
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph, or an item of a list (``kind`` bullet | numbered, ``level`` 0 or 1)."""

    spans: tuple[Span, ...]
    kind: str = "paragraph"  # paragraph | bullet | numbered
    label: str = ""  # «1.», «а)» for a numbered item, «–» for a bullet
    level: int = 0

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


Cell = tuple[Block, ...]


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]  # relative, one per column
    header_rows: int = 1  # repeated on every page, printed bold and centred

    @property
    def columns(self) -> int:
        return len(self.widths)


Item = Block | Table


# --- the light markup -------------------------------------------------------------------------


def spans(text: str) -> tuple[Span, ...]:
    """``**bold**`` runs split out of the text; an unpaired ``**`` stays as typed."""
    out: list[Span] = []
    pos = 0
    for match in BOLD.finditer(text):
        if match.start() > pos:
            out.append(Span(text[pos : match.start()]))
        out.append(Span(match.group(1), bold=True))
        pos = match.end()
    if pos < len(text):
        out.append(Span(text[pos:]))
    return tuple(out)


def parse_markup(body: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        plain: list[str] = []
        for line in chunk.split("\n"):
            item = _list_item(line)
            if item is not None:
                _flush(plain, blocks)
                blocks.append(item)
            elif line.strip():
                plain.append(line.strip())
        _flush(plain, blocks)
    return blocks


def _list_item(line: str) -> Block | None:
    if bullet := BULLET.match(line):
        return Block(spans(bullet.group(1)), "bullet", BULLET_LABEL)
    if numbered := NUMBERED.match(line):
        return Block(spans(numbered.group(2)), "numbered", numbered.group(1))
    return None


def _flush(plain: list[str], blocks: list[Block]) -> None:
    """Lines gathered so far become one paragraph (single breaks kept)."""
    if plain:
        blocks.append(Block(spans("\n".join(plain))))
        plain.clear()


# --- the rich body: JSON in and out ------------------------------------------------------------


class _Reader:
    """Builds blocks from the card's JSON, refusing what is not a body (one Russian line)."""

    def __init__(self) -> None:
        self.count = 0

    def fail(self, where: str, what: str) -> UserError:
        return UserError(f"Текст письма, {where}: {what}")

    def items(self, value: Any, where: str = "блок") -> list[Item]:
        if not isinstance(value, list):
            raise self.fail(where, "ожидался список блоков")
        out: list[Item] = []
        for n, raw in enumerate(value, 1):
            here = f"{where} {n}"
            self.count += 1
            if self.count > MAX_BLOCKS:
                raise self.fail(here, f"больше {MAX_BLOCKS} блоков")
            if not isinstance(raw, dict):
                raise self.fail(here, "ожидался объект")
            kind = raw.get("type", "paragraph")
            if kind == "table":
                out.append(self.table(raw, here))
            else:
                out.append(self.block(raw, here))
        return out

    def block(self, raw: dict[str, Any], where: str) -> Block:
        kind = raw.get("type", "paragraph")
        if kind not in ("paragraph", *LIST_KINDS):
            raise self.fail(where, f"неизвестный вид «{kind}» (paragraph, bullet, numbered, table)")
        level = raw.get("level", 0)
        if type(level) is not int or not 0 <= level <= MAX_LEVEL:
            raise self.fail(where, "уровень списка — 0 или 1")
        runs = raw.get("runs", [])
        if isinstance(runs, str):
            runs = [runs]
        if not isinstance(runs, list):
            raise self.fail(where, "runs — список фрагментов")
        out = []
        for run in runs:
            if isinstance(run, str):
                run = {"text": run}
            if not isinstance(run, dict) or not isinstance(run.get("text"), str):
                raise self.fail(where, 'фрагмент — строка или {"text": …}')
            if problem := text_problem(run["text"], where, limit=MAX_BODY, multiline=True):
                raise UserError(f"Текст письма, {problem}")
            flags = [run.get(k, False) for k in ("bold", "italic", "underline")]
            if any(not isinstance(f, bool) for f in flags):
                raise self.fail(where, "bold, italic, underline — true или false")
            out.append(Span(run["text"], *flags))
        return Block(tuple(out), kind, level=level if kind != "paragraph" else 0)

    def table(self, raw: dict[str, Any], where: str) -> Table:
        rows = raw.get("rows")
        if not isinstance(rows, list) or not rows:
            raise self.fail(where, "у таблицы нет строк")
        if len(rows) > MAX_TABLE_ROWS:
            raise self.fail(where, f"больше {MAX_TABLE_ROWS} строк")
        width = max((len(r) for r in rows if isinstance(r, list)), default=0)
        if not 1 <= width <= MAX_COLUMNS:
            raise self.fail(where, f"в таблице от 1 до {MAX_COLUMNS} столбцов")
        cells_rows = []
        for r, row in enumerate(rows, 1):
            if not isinstance(row, list):
                raise self.fail(where, f"строка {r} таблицы — не список ячеек")
            cells = []
            for c, cell in enumerate(row, 1):
                if isinstance(cell, str):
                    cell = [{"runs": [cell]}]
                blocks = self.items(cell, f"{where}, ячейка {r}.{c}, блок")
                if any(isinstance(b, Table) for b in blocks):
                    raise self.fail(where, "таблица внутри таблицы не поддерживается")
                cells.append(tuple(b for b in blocks if isinstance(b, Block)))
            cells += [() for _ in range(width - len(cells))]  # a short row is padded
            cells_rows.append(tuple(cells))
        widths = raw.get("widths") or [1.0] * width
        if (
            not isinstance(widths, list)
            or len(widths) != width
            or any(
                isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w)
                for w in widths
            )
            or any(w <= 0 for w in widths)
        ):
            raise self.fail(where, f"widths — {width} положительных чисел, по одному на столбец")
        header = raw.get("header_rows", 1)
        if type(header) is not int or not 0 <= header <= min(3, len(rows)):
            raise self.fail(where, "header_rows — от 0 до 3 и не больше числа строк")
        return Table(tuple(cells_rows), percent(widths), header)


def percent(widths: Sequence[float]) -> tuple[float, ...]:
    """Relative column widths as shares of the text's width in per cent (one form for equal
    proportions, whoever wrote them)."""
    total = float(sum(widths))
    return tuple(round(100 * float(w) / total, 1) for w in widths)


def from_json(value: Any) -> list[Item]:
    """Blocks from the card's ``body`` list, numbered (labels given) and checked."""
    return numbered(_Reader().items(value))


def numbered(items: Iterable[Item]) -> list[Item]:
    """Labels for list items: numbers restart after anything that is not a list item; a nested
    numbered list counts «а)», «б)»… and restarts under each item of the outer list."""
    out: list[Item] = []
    counters = [0, 0]
    for item in items:
        if isinstance(item, Table):
            counters = [0, 0]
            rows = tuple(tuple(tuple(_cell_numbered(cell)) for cell in row) for row in item.rows)
            out.append(Table(rows, item.widths, item.header_rows))
            continue
        if item.kind == "paragraph":
            counters = [0, 0]
            out.append(item)
            continue
        if item.level == 0:
            counters[1] = 0
        if item.kind == "bullet":
            label = BULLET_LABEL
        else:
            counters[item.level] += 1
            n = counters[item.level]
            label = f"{n}." if item.level == 0 else f"{_letter(n)})"
        out.append(Block(item.spans, item.kind, label, item.level))
    return out


def _cell_numbered(cell: Cell) -> list[Block]:
    return [b for b in numbered(cell) if isinstance(b, Block)]


def _letter(n: int) -> str:
    base = len(LETTERS)
    return LETTERS[(n - 1) % base] * (1 + (n - 1) // base)


def to_json(items: Sequence[Item]) -> list[dict[str, Any]]:
    """The card's ``body`` list (labels are not written: they are computed)."""
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Table):
            out.append(
                {
                    "type": "table",
                    "widths": [round(w, 3) for w in item.widths],
                    "header_rows": item.header_rows,
                    "rows": [[to_json(cell) for cell in row] for row in item.rows],
                }
            )
            continue
        block: dict[str, Any] = {"type": item.kind}
        if item.kind != "paragraph":
            block["level"] = item.level
        block["runs"] = [_run_json(s) for s in item.spans]
        out.append(block)
    return out


def _run_json(span: Span) -> dict[str, Any] | str:
    flags = {k: True for k in ("bold", "italic", "underline") if getattr(span, k)}
    return {"text": span.text, **flags} if flags else span.text


# --- what the registry keeps ---------------------------------------------------------------------


def is_rich(stored_body: str) -> bool:
    return stored_body.startswith(RICH_MARK)


def stored(items: Sequence[Item]) -> str:
    """The rich body as kept in ``Letter.body`` (compact JSON, one form for equal bodies)."""
    document = {"rich_body": 1, "blocks": to_json(items)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def blocks_of(stored_body: str) -> list[Item]:
    """The blocks of a stored body, markup or rich."""
    if not is_rich(stored_body):
        markup: list[Item] = list(parse_markup(stored_body))
        return markup
    try:
        document = json.loads(stored_body)
    except ValueError as exc:
        raise UserError("Текст письма в базе поврежден (rich_body не читается)") from exc
    return from_json(document.get("blocks", []))


def card_body(value: Any) -> str:
    """The card's ``body`` (markup string or list of blocks) as stored; a list is checked."""
    if value is None:
        return ""
    if isinstance(value, str):
        if is_rich(value):
            blocks_of(value)  # a stored form given back: it must read
        return value
    if isinstance(value, list):
        items = from_json(value)
        return stored(items) if has_text(items) else ""
    raise UserError("Текст письма (body): строка или список блоков")


def card_value(stored_body: str) -> str | list[dict[str, Any]]:
    """What ``letters show --json`` prints: the markup string as kept, or the list of blocks."""
    return to_json(blocks_of(stored_body)) if is_rich(stored_body) else stored_body


def from_markup(markup: str) -> list[Item]:
    return numbered(list(parse_markup(markup)))


# --- plain text -------------------------------------------------------------------------------


def has_text(items: Sequence[Item]) -> bool:
    return bool(plain_lines(items).strip())


def plain_lines(items: Sequence[Item]) -> str:
    """Paragraphs apart by a blank line, list items with their labels, table rows as lines of
    cells separated by « | »."""
    parts: list[str] = []
    for item in items:
        if isinstance(item, Table):
            for row in item.rows:
                cells = [" / ".join(b.text.replace("\n", " ") for b in cell) for cell in row]
                parts.append(" | ".join(cells))
        elif item.kind == "paragraph":
            parts.append(item.text)
        else:
            parts.append(("    " * item.level) + f"{item.label} {item.text}")
    return "\n\n".join(p for p in parts if p.strip())


def plain_text(stored_body: str) -> str:
    """What search, the versions list and «Приложение» wording see of a stored body."""
    if not is_rich(stored_body):
        return stored_body
    return plain_lines(blocks_of(stored_body))
