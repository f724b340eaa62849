"""HTML in and out of the letter body: what Word, LibreOffice or a browser put on the clipboard,
and what the body editor (a QTextEdit) holds, read as :mod:`app.rules.letter_body` blocks.

Only the structure is kept — paragraphs, line breaks, bold/italic/underline, lists (Word's
``mso-list`` paragraphs as well as ``ul``/``ol``), tables (column widths, header rows, cells of
several paragraphs); fonts, sizes, colours, spacing and indents are dropped: the letter's look
comes from the layout. One reader serves the paste and the editor (its ``toHtml()``), so what was
pasted is what is kept. Plain text (a clipboard without HTML) is read by :func:`blocks_from_plain`.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.rules.letter_body import (
    BULLET,
    MAX_COLUMNS,
    MAX_LEVEL,
    MAX_TABLE_ROWS,
    NUMBERED,
    Block,
    Item,
    Span,
    Table,
    numbered,
    percent,
)
from app.support.errors import UserError

MAX_HTML = 20_000_000  # characters of clipboard HTML (Word's for 70 pages is about 2 MB)
BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "address", "center",
    "section", "article", "header", "footer", "dd", "dt", "dl", "caption", "figure", "main",
}  # fmt: skip
SKIP_TAGS = {"head", "style", "script", "title", "meta", "xml", "template", "object", "img"}
_MSO_LIST = re.compile(r"mso-list\s*:\s*l\d+\s+level(\d+)", re.I)
_MSO_IGNORE = re.compile(r"mso-list\s*:\s*ignore", re.I)
_NUMBER_LABEL = re.compile(r"^\s*(\d{1,3}|[a-zа-я]|[ivxlc]{1,5})[.)]", re.I)
_QT_LIST_INDENT = re.compile(r"-qt-list-indent\s*:\s*(\d+)")
_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+)\s*(pt|px|cm|mm|in|%)?", re.I)
_SPACES = re.compile(r"[ \t\r\n\f]+")
PLAIN_BULLET = re.compile(r"^\s*[·•▪◦‣o§\uf0b7\uf0a7-]\s+(.*)$")


@dataclass(frozen=True)
class _Fmt:
    bold: bool = False
    italic: bool = False
    underline: bool = False


def _style(node: object) -> str:
    get = getattr(node, "get", None)
    return (get("style") or "") if get else ""


def _declared(style: str, name: str) -> str | None:
    match = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", style, re.I)
    return match.group(1).strip().lower() if match else None


def _format(tag: str, style: str, fmt: _Fmt) -> _Fmt:
    if tag in ("b", "strong"):
        fmt = replace(fmt, bold=True)
    elif tag in ("i", "em", "cite", "var"):
        fmt = replace(fmt, italic=True)
    elif tag in ("u", "ins"):
        fmt = replace(fmt, underline=True)
    if (weight := _declared(style, "font-weight")) is not None:
        digits = weight.isdigit()
        fmt = replace(fmt, bold=(int(weight) >= 600) if digits else weight in ("bold", "bolder"))
    if (slant := _declared(style, "font-style")) is not None:
        fmt = replace(fmt, italic=slant in ("italic", "oblique"))
    decoration = _declared(style, "text-decoration") or _declared(style, "text-decoration-line")
    if decoration is not None:
        fmt = replace(fmt, underline="underline" in decoration)
    return fmt


@dataclass
class _Builder:
    """Paragraphs gathered while walking; a paragraph ends at a block element."""

    items: list[Item] = field(default_factory=list)
    runs: list[Span] = field(default_factory=list)
    kind: str = "paragraph"
    level: int = 0

    def text(self, text: str, fmt: _Fmt) -> None:
        text = _SPACES.sub(" ", text)
        if not self.runs or self.runs[-1].text.endswith(("\n", " ")):
            text = text.lstrip(" ")
        if text:
            self._add(text, fmt)

    def line_break(self, fmt: _Fmt) -> None:
        if self.runs:
            self._strip_end()
        self._add("\n", fmt)

    def _add(self, text: str, fmt: _Fmt) -> None:
        last = self.runs[-1] if self.runs else None
        if last and (last.bold, last.italic, last.underline) == (
            fmt.bold,
            fmt.italic,
            fmt.underline,
        ):
            self.runs[-1] = replace(last, text=last.text + text)
        else:
            self.runs.append(Span(text, fmt.bold, fmt.italic, fmt.underline))

    def _strip_end(self) -> None:
        while self.runs and not self.runs[-1].text.rstrip(" "):
            self.runs.pop()
        if self.runs:
            self.runs[-1] = replace(self.runs[-1], text=self.runs[-1].text.rstrip(" "))

    def start(self, kind: str = "paragraph", level: int = 0) -> None:
        self.end()
        self.kind, self.level = kind, min(level, MAX_LEVEL)

    def end(self) -> None:
        self._strip_end()
        while self.runs and not self.runs[0].text.strip():
            self.runs.pop(0)  # a paragraph does not start with a break
        while self.runs and not self.runs[-1].text.strip():
            self.runs.pop()
        if self.runs:
            spans = tuple(self.runs)
            level = self.level if self.kind != "paragraph" else 0
            self.items.append(Block(spans, self.kind, level=level))
        self.runs = []
        self.kind, self.level = "paragraph", 0


class _Walker:
    def __init__(self) -> None:
        self.out = _Builder()
        self.lists: list[tuple[str, int]] = []  # (kind, level) of the lists we are in

    def walk(self, node: object, fmt: _Fmt) -> None:
        tag = _tag(node)
        if tag is None:  # a comment or a processing instruction: its tail is text
            self._tail(node, fmt)
            return
        style = _style(node)
        if tag in SKIP_TAGS or _MSO_IGNORE.search(style):
            self._tail(node, fmt)
            return
        if tag == "br":
            self.out.line_break(fmt)
            self._tail(node, fmt)
            return
        if tag == "table":
            self.out.end()
            table = _table(node, fmt)
            if table is not None:
                self.out.items.append(table)
            self._tail(node, fmt)
            return
        inner = _format(tag, style, fmt)
        if tag in ("ul", "ol"):
            self.out.end()
            self.lists.append(("bullet" if tag == "ul" else "numbered", _list_level(style, self)))
            self._children(node, inner)
            self.lists.pop()
            self.out.end()
        elif tag == "li":
            kind, level = self.lists[-1] if self.lists else ("bullet", 0)
            self.out.start(kind, level)
            self._children(node, inner)
            self.out.end()
        elif tag in BLOCK_TAGS or tag in ("tr", "td", "th"):
            word_list = _MSO_LIST.search(style)
            if word_list is not None:  # Word's list item: a paragraph with its level
                self.out.start(_word_list_kind(node), int(word_list.group(1)) - 1)
                self._children(node, inner)
                self.out.end()
            elif self.out.kind != "paragraph":  # a paragraph inside a list item: a new line
                if self.out.runs:
                    self.out.line_break(inner)
                self._children(node, inner)
            else:
                self.out.start()
                self._children(node, inner)
                self.out.end()
        else:
            self._children(node, inner)
        self._tail(node, fmt)

    def _children(self, node: object, fmt: _Fmt) -> None:
        text = getattr(node, "text", None)
        if text:
            self.out.text(text, fmt)
        for child in node:  # type: ignore[attr-defined]
            self.walk(child, fmt)

    def _tail(self, node: object, fmt: _Fmt) -> None:
        tail = getattr(node, "tail", None)
        if tail:
            self.out.text(tail, fmt)


def _tag(node: object) -> str | None:
    tag = getattr(node, "tag", None)
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _list_level(style: str, walker: _Walker) -> int:
    if match := _QT_LIST_INDENT.search(style):
        return min(MAX_LEVEL, max(0, int(match.group(1)) - 1))
    return min(MAX_LEVEL, len(walker.lists))


def _word_list_kind(node: object) -> str:
    """Word writes the label («1.», «·», «o») in a span marked mso-list:Ignore."""
    for child in node.iter():  # type: ignore[attr-defined]
        if _MSO_IGNORE.search(_style(child)):
            label = "".join(child.itertext()).replace("\u00a0", " ")
            return "numbered" if _NUMBER_LABEL.match(label) else "bullet"
    return "bullet"


def _cell_width(cell: object) -> float | None:
    match = _WIDTH.search(_style(cell))
    if match:
        return float(match.group(1)) or None
    raw = (getattr(cell, "get", lambda _k: None)("width") or "").strip().rstrip("%")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def _rows_of(table: object) -> list[tuple[object, bool]]:
    """(row, in thead) in order; rows of nested tables are not this table's."""
    rows: list[tuple[object, bool]] = []
    for child in table:  # type: ignore[attr-defined]
        tag = _tag(child)
        if tag == "tr":
            rows.append((child, False))
        elif tag in ("thead", "tbody", "tfoot"):
            rows += [(row, tag == "thead") for row in child if _tag(row) == "tr"]
    return rows


def _row_cells(
    row: object, r: int, pending: set[tuple[int, int]], fmt: _Fmt
) -> tuple[list[tuple[Block, ...]], list[float | None], bool]:
    """A row's cells (a colspan or a rowspan from above leaves empty cells in its place), their
    widths, and whether all are header cells."""
    cells: list[tuple[Block, ...]] = []
    widths: list[float | None] = []
    all_th = True

    def skip_taken() -> None:
        while (r, len(cells)) in pending:
            pending.discard((r, len(cells)))
            cells.append(())
            widths.append(None)

    for cell in row:  # type: ignore[attr-defined]
        if _tag(cell) not in ("td", "th"):
            continue
        skip_taken()
        all_th &= _tag(cell) == "th"
        walker = _Walker()
        walker._children(cell, _format("td", _style(cell), fmt))
        walker.out.end()
        span = _int(cell, "colspan")
        cells.append(tuple(_flatten(walker.out.items)))
        widths.append(_cell_width(cell) if span == 1 else None)
        cells += [() for _ in range(span - 1)]
        widths += [None] * (span - 1)
        for below in range(1, _int(cell, "rowspan")):
            pending.update((r + below, c) for c in range(len(cells) - span, len(cells)))
    skip_taken()
    return cells, widths, all_th


def _table(node: object, fmt: _Fmt) -> Table | None:
    rows = _rows_of(node)
    if len(rows) > MAX_TABLE_ROWS:
        raise UserError(f"Таблица длиннее {MAX_TABLE_ROWS} строк не вставляется")
    grid: list[list[tuple[Block, ...]]] = []
    pending: set[tuple[int, int]] = set()  # cells taken by a rowspan from above
    widths: list[float | None] | None = None
    head = 0
    for r, (row, in_head) in enumerate(rows):
        cells, row_widths, all_th = _row_cells(row, r, pending, fmt)
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise UserError(f"Таблица шире {MAX_COLUMNS} столбцов не вставляется")
        if (in_head or all_th) and head == len(grid):
            head += 1
        if widths is None and all(w is not None for w in row_widths):
            widths = row_widths
        grid.append(cells)
    if not any(cell for row in grid for cell in row):
        return None
    columns = max(len(r) for r in grid)
    body = tuple(tuple(r + [()] * (columns - len(r))) for r in grid)
    first_bold = all(all(s.bold for b in c for s in b.spans) for c in body[0] if c)
    if head == 0 and first_bold and len(grid) > 1 and any(body[0]):
        head = 1  # a first row all in bold is the header, as Word drafts make it
    chosen = widths if widths is not None and len(widths) == columns else None
    relative = tuple(float(w or 1.0) for w in chosen) if chosen else tuple(1.0 for _ in body[0])
    return Table(body, percent(relative), min(head, 3, len(grid)))


def _flatten(items: Sequence[Item]) -> list[Block]:
    """A table inside a cell becomes its text, a line per row."""
    out: list[Block] = []
    for item in items:
        if isinstance(item, Table):
            for row in item.rows:
                text = " | ".join(" ".join(b.text for b in cell) for cell in row)
                if text.strip(" |"):
                    out.append(Block((Span(text),)))
        else:
            out.append(item)
    return out


def _int(node: object, name: str) -> int:
    raw = getattr(node, "get", lambda _k: None)(name) or "1"
    try:
        return max(1, min(MAX_COLUMNS, int(raw)))
    except ValueError:
        return 1


def blocks_from_html(markup: str) -> list[Item]:
    """The body blocks an HTML text holds (a clipboard fragment or a whole document)."""
    if len(markup) > MAX_HTML:
        raise UserError("Вставляемый текст слишком велик (больше 20 млн знаков)")
    if not markup.strip():
        return []
    import lxml.html

    markup = _fragment(markup)
    try:
        root = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise UserError("Вставляемый текст не читается как HTML") from exc
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root, _Fmt())
    walker.out.end()
    return numbered(walker.out.items)


def _fragment(markup: str) -> str:
    """Windows' CF_HTML puts «Version:… StartFragment:…» before the HTML; the comments
    <!--StartFragment--> and <!--EndFragment--> mark the part copied."""
    start = markup.find("<!--StartFragment-->")
    end = markup.find("<!--EndFragment-->")
    if 0 <= start < end:
        return markup[start + len("<!--StartFragment-->") : end]
    lead = markup.find("<")
    return markup[lead:] if lead > 0 else markup


def blocks_from_plain(text: str) -> list[Item]:
    """A plain text pasted: a line a paragraph; «•», «-» items bulleted, «1.» numbered; lines
    with the same number of tabs (a table copied as text) a table."""
    if len(text) > MAX_HTML:
        raise UserError("Вставляемый текст слишком велик (больше 20 млн знаков)")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    items: list[Item] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        tabs = line.count("\t")
        if tabs:
            j = i
            while j < len(lines) and lines[j].count("\t") == tabs:
                j += 1
            if j - i >= 2 and tabs < MAX_COLUMNS:
                rows = tuple(tuple(_plain_cell(v) for v in row.split("\t")) for row in lines[i:j])
                items.append(Table(rows, tuple(1.0 for _ in rows[0]), 1))
                i = j
                continue
        if line.strip():
            items.append(_plain_block(line.replace("\t", " ")))
        i += 1
    return numbered(items)


def _plain_cell(value: str) -> tuple[Block, ...]:
    return (Block((Span(value.strip()),)),) if value.strip() else ()


def _plain_block(line: str) -> Block:
    if bullet := PLAIN_BULLET.match(line) or BULLET.match(line):
        return Block((Span(bullet.group(1).strip()),), "bullet")
    if number := NUMBERED.match(line):
        return Block((Span(number.group(2).strip()),), "numbered")
    return Block((Span(line.strip()),))


# --- out: the editor's HTML ---------------------------------------------------------------------


P_STYLE = "margin-top:0; margin-bottom:4px"  # the editor's paragraphs: close, as printed


def _runs_html(block: Block) -> str:
    parts = []
    for span in block.spans:
        text = html_lib.escape(span.text, quote=False).replace("\n", "<br />")
        if span.underline:
            text = f"<u>{text}</u>"
        if span.italic:
            text = f"<i>{text}</i>"
        if span.bold:
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def _blocks_html(items: Sequence[Item]) -> list[str]:
    out: list[str] = []
    open_lists: list[str] = []  # the tags open, one per level

    def close_to(depth: int) -> None:
        while len(open_lists) > depth:
            out.append(f"</li></{open_lists.pop()}>")

    for item in items:
        if isinstance(item, Table):
            close_to(0)
            out.append(_table_html(item))
            continue
        if item.kind == "paragraph":
            close_to(0)
            out.append(f'<p style="{P_STYLE}">{_runs_html(item)}</p>')
            continue
        tag = "ul" if item.kind == "bullet" else "ol"
        depth = item.level + 1
        close_to(depth)
        if len(open_lists) == depth and open_lists[-1] != tag:
            close_to(depth - 1)
        if len(open_lists) == depth:
            out.append("</li>")
        while len(open_lists) < depth:
            open_lists.append(tag)
            out.append(f"<{tag}>")
        out.append(f"<li>{_runs_html(item)}")
    close_to(0)
    return out


def _table_html(table: Table) -> str:
    total = sum(table.widths) or 1.0
    parts = ['<table border="1" cellpadding="4" cellspacing="0" width="100%">']
    for r, row in enumerate(table.rows):
        if r == 0 and table.header_rows:
            parts.append("<thead>")
        cells = []
        for c, cell in enumerate(row):
            share = round(100 * table.widths[c] / total, 1)
            width = f' width="{share}%"' if r == 0 else ""
            inner = "".join(_blocks_html(cell)) or "<p></p>"
            cells.append(f"<td{width}>{inner}</td>")
        parts.append(f"<tr>{''.join(cells)}</tr>")
        if r + 1 == table.header_rows:
            parts.append("</thead>")
    parts.append("</table>")
    return "".join(parts)


def html_of(items: Sequence[Item]) -> str:
    """Simple HTML the editor loads: p, b/i/u, br, nested ul/ol, table with thead and widths."""
    return "<html><body>" + "".join(_blocks_html(items)) + "</body></html>"
