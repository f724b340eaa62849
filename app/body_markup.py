"""The letter body's light markup (docs/data-formats.md §3) parsed into blocks of styled spans.

Blank line between paragraphs; ``- `` starts a bullet item, ``1. `` a numbered item; ``**bold**``
marks bold runs; a single line break inside a paragraph is kept as a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*[-–—•]\s+(.*)$")
NUMBERED = re.compile(r"^\s*(\d{1,3}[.)])\s+(.*)$")
BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


@dataclass(frozen=True)
class Span:
    text: str  # may hold "\n": a line break inside the block
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    spans: tuple[Span, ...]
    kind: str = "paragraph"  # paragraph | bullet | numbered
    label: str = ""  # "1." for a numbered item, "–" for a bullet

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


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


def parse_body(body: str) -> list[Block]:
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
        return Block(spans(bullet.group(1)), "bullet", "–")
    if numbered := NUMBERED.match(line):
        return Block(spans(numbered.group(2)), "numbered", numbered.group(1))
    return None


def _flush(plain: list[str], blocks: list[Block]) -> None:
    """Lines gathered so far become one paragraph (single breaks kept)."""
    if plain:
        blocks.append(Block(spans("\n".join(plain))))
        plain.clear()
