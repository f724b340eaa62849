"""An executor's free-form Word draft read into the parts of a letter card.

No template is needed: the draft is read as executors type it — the addressee on the right before
the heading (a cell of a borderless table, after tabs, indented or right-aligned), the heading
«О …», the salutation «Уважаем… !», the text with Word's lists and tables, «Приложение: …», the
closing «С уважением,», the signature line (position on the left, «И.О. Фамилия» after tabs or in
a table cell), and the executor's name and phone in small print at the end. A letterhead, «№ ___
от ___» and other requisites the program prints itself are recognised and dropped.

:func:`read_draft` gives a :class:`Draft` (texts only, nothing looked up); the registry matches
names to the directory and the staff (``app.services.registry.draft_import``). Every line of the
draft is accounted for in ``Draft.notes``: what it became, or that it was not recognised.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.rules.letter_body import (
    BULLET,
    MAX_COLUMNS,
    MAX_LEVEL,
    NUMBERED,
    Block,
    Item,
    Span,
    Table,
    numbered,
    percent,
)
from app.support.errors import UserError
from app.support.files import read_regular
from app.support.text import thousands

MAX_DRAFT_BYTES = 50 * 1024 * 1024  # the file
MAX_PARAGRAPHS = 20_000  # a letter with its tables has hundreds; more is not a draft
MAX_UNPACKED = 200 * 1024 * 1024  # all its parts unpacked (a zip bomb stops here)
RIGHT_INDENT_MM = 60.0  # a paragraph indented this far is in the addressee's column
HEADING = re.compile(r"^(О|Об|Обо)\s+\S", re.S)
SALUTATION = re.compile(r"^(Уважаем\w*|Дорог\w*)\b.*!\s*$", re.S)
CLOSING = re.compile(r"^(С уважением|С глубоким уважением|Искренне Ваш\w*)\s*,?\s*$", re.I)
APPENDIX = re.compile(r"^Приложени[ея]\s*:?\s*(.*)$", re.S | re.I)
SHEETS = re.compile(r"\bна\s*(\d{1,4})\s*л\.?", re.I)
COPIES = re.compile(r"\bв\s*(\d{1,3})\s*экз\.?", re.I)
INITIALS = r"(?:[А-ЯЁ]\.\s?){1,2}"
SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
NAME_AT_END = re.compile(rf"(?:^|[\s\t])({INITIALS}\s?{SURNAME}|{SURNAME}\s{INITIALS})\s*$")
EXECUTOR_MARK = re.compile(r"^\s*(Исп\.?|Исполнитель\s*:?)\s*", re.I)
FULL_NAME = re.compile(rf"^({SURNAME})\s+([А-ЯЁ][а-яё]+)\s+([А-ЯЁ][а-яё]+)$")
PHONE = re.compile(r"^[\s(+]*\d[\d\s()\-–+.,доб]{5,}$")
EMAIL = re.compile(r"^\S+@\S+\.\S+$")
# a run of underscores is matched once from its start and never given back (lookbehind,
# possessive): 100,000 underscores took 252 s with a plain «_{3,}\s*№»
REQUISITE_LINE = re.compile(
    r"(№\s*_{2,}|от\s*_{2,}|(?<!_)_{3,}+\s*№|^на\s*№|^№\s*\S*\s*от\s|^от\s.*№|«_++»)", re.I
)
SHORT_LINE = 300  # a requisite, a name, a phone is shorter: longer lines are text, not matched
LETTERHEAD_LINE = re.compile(
    r"(\bИНН\b|\bОГРН\b|\bКПП\b|\bОКПО\b|\bтел\.|\bфакс\b|e-?mail|https?://|www\.|\.ru\b|"
    r"^\d{6},|^\+\s?7|\bул\.|\bд\.\s?\d|\bг\.\s?[А-Я])",
    re.I,
)
BULLET_FORMATS = {"bullet", "none"}
REPLY_TO = re.compile(r"^На\s*№\s*([^\s_]+)\s+от\s+(\d{2}\.\d{2}\.\d{4})", re.I)
NESTED_STYLE = re.compile(r"\s[2-9]$")  # «List Bullet 2», «Маркированный список 2»


@dataclass
class Line:
    """A paragraph of the draft, with where it stands."""

    text: str
    spans: tuple[Span, ...] = ()
    kind: str = "paragraph"  # paragraph | bullet | numbered (Word's numbering)
    level: int = 0
    right: bool = False  # in the addressee's column
    cell: tuple[int, int, int] | None = None  # (table, row, column) of a table cell
    columns: int = 0  # of the table it is in


@dataclass
class Draft:
    addressee: list[list[str]] = field(default_factory=list)  # blocks of lines
    subject: str = ""
    salutation: str = ""
    body: list[Item] = field(default_factory=list)
    closing: str = ""
    attachments: list[tuple[str, int, int]] = field(default_factory=list)  # title, sheets, copies
    signatory_position: list[str] = field(default_factory=list)
    signatory_name: str = ""  # «М.А. Протасов» as written
    reply_to_number: str = ""  # «На № 12-34 от 05.03.2025»
    reply_to_date: str = ""  # as written, dd.mm.yyyy
    executor_name: str = ""
    executor_phone: str = ""
    notes: list[tuple[str, str]] = field(default_factory=list)  # (what it became, the text)

    def note(self, what: str, text: str) -> None:
        self.notes.append((what, " ".join(text.split())))


NOT_RECOGNISED = "не распознано"
DROPPED = "бланк и реквизиты (печатает программа)"


# --- reading the file -----------------------------------------------------------------------------


def _open(path: Path) -> Any:
    """The document, refused with one line when it is not a readable .docx of sane size."""
    name = path.name
    data = io.BytesIO(read_regular(path, MAX_DRAFT_BYTES, "черновик письма"))  # a device: refused
    try:
        with zipfile.ZipFile(data) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise UserError(f"{name}: распакованный документ больше 200 МБ")
            if "word/document.xml" not in {i.filename for i in infos}:
                raise UserError(f"{name}: это не документ Word (.docx)")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UserError(f"{name}: не читается как документ Word (.docx)") from exc
    import docx

    try:
        return docx.Document(data)
    except Exception as exc:  # python-docx raises many kinds for a broken part
        raise UserError(f"{name}: не читается как документ Word (.docx)") from exc


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


class _Numbering:
    """Which numIds are bullets, per level (numbering.xml), and the numbering of styles."""

    def __init__(self, doc: Any) -> None:
        self.formats: dict[tuple[str, int], str] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        abstract: dict[str, dict[int, str]] = {}
        if root is not None:
            for node in root.iter(_w("abstractNum")):
                levels = {}
                for lvl in node.iter(_w("lvl")):
                    fmt = lvl.find(_w("numFmt"))
                    ilvl = int(lvl.get(_w("ilvl"), "0"))
                    levels[ilvl] = fmt.get(_w("val"), "decimal") if fmt is not None else "decimal"
                abstract[node.get(_w("abstractNumId"), "")] = levels
            for num in root.iter(_w("num")):
                ref = num.find(_w("abstractNumId"))
                levels = abstract.get(ref.get(_w("val"), "") if ref is not None else "", {})
                for ilvl, fmt in levels.items():
                    self.formats[(num.get(_w("numId"), ""), ilvl)] = fmt
        self._by_id: dict[str | None, Any] = {}  # python-docx scans every style per lookup
        self.styles: dict[str, tuple[str, int]] = {}
        for style in doc.styles.element.iter(_w("style")):
            num = _num_pr(style.find(_w("pPr")))
            if num is not None:
                self.styles[style.get(_w("styleId"), "")] = num

    def style_of(self, paragraph: Any) -> Any:
        """``paragraph.style``, looked up once per style: python-docx walks every style of the
        document each time (200,000 paragraphs took minutes)."""
        key = paragraph._p.style
        if key not in self._by_id:
            self._by_id[key] = paragraph.style
        return self._by_id[key]

    def kind(self, paragraph: Any) -> tuple[str, int]:
        ppr = paragraph._p.pPr
        num = _num_pr(ppr)
        if num is None and ppr is not None and ppr.find(_w("pStyle")) is not None:
            num = self._styled(ppr.find(_w("pStyle")).get(_w("val"), ""), paragraph)
        if num is None:
            return "paragraph", 0
        num_id, ilvl = num
        if num_id in ("", "0"):
            return "paragraph", 0
        fmt = self.formats.get((num_id, ilvl), "decimal")
        style = self.style_of(paragraph)
        if ilvl == 0 and style is not None and NESTED_STYLE.search(style.name or ""):
            ilvl = 1  # Word's «List Bullet 2»: the second level by its style
        return ("bullet" if fmt in BULLET_FORMATS else "numbered"), min(ilvl, MAX_LEVEL)

    def _styled(self, style_id: str, paragraph: Any) -> tuple[str, int] | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.styles:
                return self.styles[style_id]
            style = paragraph.part.styles.element.get_by_id(style_id)
            based = style.find(_w("basedOn")) if style is not None else None
            style_id = based.get(_w("val"), "") if based is not None else ""
        return None


def _num_pr(ppr: Any) -> tuple[str, int] | None:
    if ppr is None:
        return None
    num = ppr.find(_w("numPr"))
    if num is None:
        return None
    num_id = num.find(_w("numId"))
    ilvl = num.find(_w("ilvl"))
    level = ilvl.get(_w("val"), "0") if ilvl is not None else "0"
    return (num_id.get(_w("val"), "") if num_id is not None else "", int(level or 0))


def _spans(paragraph: Any, numbering: _Numbering) -> tuple[Span, ...]:
    style = numbering.style_of(paragraph)
    style_font = style.font if style is not None else None
    style_bold = bool(style_font and style_font.bold)
    out: list[Span] = []
    for run in paragraph.runs:
        text = run.text
        if not text:
            continue
        bold = run.bold if run.bold is not None else style_bold
        span = Span(text, bool(bold), bool(run.italic), bool(run.underline))
        last = out[-1] if out else None
        if last and (last.bold, last.italic, last.underline) == (
            span.bold,
            span.italic,
            span.underline,
        ):
            out[-1] = Span(last.text + text, last.bold, last.italic, last.underline)
        else:
            out.append(span)
    return tuple(out)


def _is_right(paragraph: Any) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    fmt = paragraph.paragraph_format
    indent = fmt.left_indent
    if indent is not None and indent.mm >= RIGHT_INDENT_MM:
        return True
    if paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        return True
    return paragraph.text.startswith("\t")  # typed after tabs


def _lines(doc: Any, numbering: _Numbering) -> Iterator[Line | tuple[str, Any]]:
    """The paragraphs in document order; a table is given as ("table", table) to the caller."""
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    for child in _body_children(doc.element.body):
        if child.tag == _w("p"):
            paragraph = Paragraph(child, doc._body)
            kind, level = numbering.kind(paragraph)
            yield Line(
                paragraph.text, _spans(paragraph, numbering), kind, level, _is_right(paragraph)
            )
        elif child.tag == _w("tbl"):
            yield ("table", DocxTable(child, doc._body))


def _body_children(body: Any) -> Iterator[Any]:
    for child in body.iterchildren():
        if child.tag == _w("sdt"):  # a content control: its content is the document's
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _body_children(content)
        else:
            yield child


def _table_cells(table: Any) -> list[list[Any]]:
    """Rows of cells as written (``w:tc``): a horizontal span leaves empty cells after it, a
    vertically merged cell below its first is empty."""
    from docx.table import _Cell

    rows = []
    for tr in table._tbl.iterchildren(_w("tr")):
        cells: list[Any] = []
        for tc in tr.iterchildren(_w("tc")):
            tcpr = tc.find(_w("tcPr"))
            span = 1
            merged = False
            if tcpr is not None:
                grid = tcpr.find(_w("gridSpan"))
                span = (
                    max(1, min(MAX_COLUMNS, int(grid.get(_w("val"), "1"))))
                    if grid is not None
                    else 1
                )
                vmerge = tcpr.find(_w("vMerge"))
                merged = vmerge is not None and vmerge.get(_w("val"), "continue") == "continue"
            cells.append(None if merged else _Cell(tc, table))
            cells += [None] * (span - 1)
        rows.append(cells)
    return rows


def _span(tcpr: Any) -> tuple[int, bool]:
    """(columns the cell spans, whether it continues a vertical merge)."""
    if tcpr is None:
        return 1, False
    grid = tcpr.find(_w("gridSpan"))
    try:
        span = int(grid.get(_w("val"), "1")) if grid is not None else 1
    except ValueError:
        span = 1
    vmerge = tcpr.find(_w("vMerge"))
    merged = vmerge is not None and vmerge.get(_w("val"), "continue") == "continue"
    return max(1, min(MAX_COLUMNS, span)), merged


def _cell_lines(cell: Any, numbering: _Numbering) -> list[Line]:
    if cell is None:
        return []
    out = []
    for paragraph in cell.paragraphs:
        kind, level = numbering.kind(paragraph)
        out.append(Line(paragraph.text, _spans(paragraph, numbering), kind, level))
    return out


def _body_table(table: Any, numbering: _Numbering) -> Table | None:
    rows = _table_cells(table)
    if not rows:
        return None
    columns = max(len(r) for r in rows)
    if columns > MAX_COLUMNS:
        raise UserError(f"Таблица в черновике шире {MAX_COLUMNS} столбцов")
    grid = []
    for row in rows:
        cells = []
        for cell in row + [None] * (columns - len(row)):
            blocks = tuple(
                _as_block(line) for line in _cell_lines(cell, numbering) if line.text.strip()
            )
            cells.append(blocks)
        grid.append(tuple(cells))
    if not any(cell for row in grid for cell in row):
        return None
    head = 0
    for tr in table._tbl.iterchildren(_w("tr")):
        trpr = tr.find(_w("trPr"))
        if trpr is not None and trpr.find(_w("tblHeader")) is not None and head < 3:
            head += 1
        else:
            break
    if head == 0 and len(grid) > 1:
        first = [b for cell in grid[0] for b in cell]
        if first and all(s.bold for b in first for s in b.spans if s.text.strip()):
            head = 1
    widths = [
        float(col.get(_w("w"), "0") or 0) for col in table._tbl.tblGrid.iterchildren(_w("gridCol"))
    ]
    if len(widths) != columns or any(w <= 0 for w in widths):
        widths = [1.0] * columns
    return Table(tuple(grid), percent(widths), min(head, len(grid)))


def _as_block(line: Line) -> Block:
    """A paragraph of the text: Word's numbering as is; a label typed by hand («1.», «–») read
    as a list item (the program numbers it again)."""
    spans = line.spans or (Span(line.text),)
    if line.kind != "paragraph":
        return Block(_strip(spans), line.kind, level=line.level)
    text = "".join(s.text for s in spans)
    if bullet := BULLET.match(text):
        return Block(_strip(_cut(spans, len(text) - len(bullet.group(1)))), "bullet")
    if number := NUMBERED.match(text):
        return Block(_strip(_cut(spans, len(text) - len(number.group(2)))), "numbered")
    return Block(_strip(spans))


def _cut(spans: tuple[Span, ...], count: int) -> tuple[Span, ...]:
    out = []
    for span in spans:
        if count >= len(span.text):
            count -= len(span.text)
            continue
        out.append(Span(span.text[count:], span.bold, span.italic, span.underline))
        count = 0
    return tuple(out)


def _strip(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Tabs become spaces; the ends of the paragraph lose their spaces."""
    spans = tuple(Span(s.text.replace("\t", " "), s.bold, s.italic, s.underline) for s in spans)
    while spans and not spans[0].text.strip():
        spans = spans[1:]
    while spans and not spans[-1].text.strip():
        spans = spans[:-1]
    if not spans:
        return ()
    first, last = spans[0], spans[-1]
    spans = (Span(first.text.lstrip(), first.bold, first.italic, first.underline), *spans[1:])
    last = spans[-1]
    return (*spans[:-1], Span(last.text.rstrip(), last.bold, last.italic, last.underline))


# --- recognising the parts ------------------------------------------------------------------------


def read_draft(path: Path) -> Draft:
    doc = _open(path)
    paragraphs = sum(1 for _p in doc.element.body.iter(_w("p")))
    if paragraphs > MAX_PARAGRAPHS:
        raise UserError(
            f"{path.name}: в документе {thousands(paragraphs)} абзацев — это не черновик письма "
            f"(письмо — до {thousands(MAX_PARAGRAPHS)})"
        )
    numbering = _Numbering(doc)
    units: list[Line | Table] = []
    heading_seen = False  # tables before the heading give their cells as lines
    for table_index, unit in enumerate(_lines(doc, numbering)):
        if isinstance(unit, Line):
            heading_seen = heading_seen or _is_heading(unit)
            units.append(unit)
            continue
        table = unit[1]
        if not heading_seen:
            rows = _table_cells(table)
            columns = max((len(r) for r in rows), default=0)
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    for line in _cell_lines(cell, numbering):
                        line.cell, line.columns = (table_index, r, c), columns
                        line.right = columns > 1 and c == columns - 1
                        if _is_heading(line) and not line.right:
                            heading_seen = True
                        units.append(line)
            continue
        units.append(_signature_or_table(table, numbering))
    return _recognise(units)


def _signature_or_table(table: Any, numbering: _Numbering) -> Line | Table:
    """A borderless table of one row with a name in its last cell is the signature line: it is
    given as one line «position\\tname»; any other table is a table of the text."""
    rows = _table_cells(table)
    if len(rows) == 1:
        cells = [" \n".join(line.text for line in _cell_lines(c, numbering)) for c in rows[0]]
        filled = [c.strip() for c in cells if c and c.strip()]
        if len(filled) >= 1 and len(filled[-1]) < 60 and NAME_AT_END.search(filled[-1]):
            position = "\n".join(filled[:-1])
            return Line(f"{position}\t{filled[-1]}", cell=(-1, 0, 0), columns=len(rows[0]))
    built = _body_table(table, numbering)
    return built if built is not None else Line("")


def _is_heading(line: Line) -> bool:
    return bool(HEADING.match(line.text.strip())) and not line.right and line.kind == "paragraph"


def _recognise(units: list[Line | Table]) -> Draft:
    draft = Draft()
    heading_at = next(
        (i for i, u in enumerate(units) if isinstance(u, Line) and _is_heading(u)), None
    )
    if heading_at is None:
        draft.note(NOT_RECOGNISED, "заголовок «О …» не найден")
        start = _after_addressee(units, draft)
    else:
        _head(units[:heading_at], draft)
        draft.subject = " ".join(_text(units[heading_at]).split())
        draft.note("заголовок", draft.subject)
        start = heading_at + 1
    _rest(units[start:], draft)
    return draft


def _text(unit: Line | Table) -> str:
    return unit.text if isinstance(unit, Line) else ""


def _after_addressee(units: list[Line | Table], draft: Draft) -> int:
    """Without a heading: the addressee's lines on the right at the top, the text after them."""
    i = 0
    while i < len(units):
        unit = units[i]
        if isinstance(unit, Line) and (unit.right or not unit.text.strip()):
            i += 1
            continue
        break
    _head(units[:i], draft)
    return i


def _head(units: list[Line | Table], draft: Draft) -> None:
    """What stands before the heading: the addressee (right), the letterhead and requisites."""
    block: list[str] = []
    left_over: list[str] = []
    for unit in units:
        if isinstance(unit, Table):
            continue
        text = unit.text.strip()
        if not text:
            if block:
                draft.addressee.append(block)
                block = []
            continue
        for piece in (p.strip() for p in text.split("\n") if p.strip()):
            where = _head_piece(piece, unit, draft)
            if where == "addressee":
                block.append(" ".join(piece.split()))
            elif where == "left":
                left_over.append(piece)
    if block:
        draft.addressee.append(block)
    if not draft.addressee and left_over:
        # no column on the right: the last lines before the heading are the addressee
        draft.addressee.append([" ".join(p.split()) for p in left_over])
        for piece in left_over:
            draft.note("адресат", piece)
    else:
        for piece in left_over:
            draft.note(NOT_RECOGNISED, piece)


def _head_piece(piece: str, unit: Line, draft: Draft) -> str:
    """What a line before the heading is: «addressee», «left» (undecided) or «done» (noted)."""
    if reply := REPLY_TO.match(piece):
        draft.reply_to_number, draft.reply_to_date = reply.group(1), reply.group(2)
        draft.note("ответ на письмо", piece)
    elif len(piece) <= SHORT_LINE and (
        REQUISITE_LINE.search(piece) or LETTERHEAD_LINE.search(piece)
    ):
        draft.note(DROPPED, piece)
    elif unit.right:
        draft.note("адресат", piece)
        return "addressee"
    elif unit.cell is not None and unit.columns > 1:
        draft.note(DROPPED, piece)  # the left cell of the head table: the letterhead
    else:
        return "left"
    return "done"


def _rest(units: list[Line | Table], draft: Draft) -> None:
    """Salutation, text, attachments, closing, signature, executor."""
    i = 0
    while i < len(units) and not _text(units[i]).strip() and isinstance(units[i], Line):
        i += 1
    if i < len(units) and _short(_text(units[i]).strip(), SALUTATION):
        draft.salutation = _text(units[i]).strip()
        draft.note("обращение", draft.salutation)
        i += 1
    end = _signature_start(units, i)
    body: list[Item] = []
    appendix = False
    for unit in units[i:end]:
        if isinstance(unit, Table):
            body.append(unit)
            draft.note("таблица в тексте", f"{len(unit.rows)} строк × {unit.columns} столбцов")
            continue
        text = unit.text.strip()
        if not text:
            continue
        match = APPENDIX.match(text)
        if match or (appendix and (unit.kind != "paragraph" or NUMBERED.match(text))):
            appendix = True
            _attachment(match.group(1) if match else text, draft, unit.kind != "paragraph")
            continue
        if CLOSING.match(text):
            draft.closing = text
            draft.note("заключительная фраза", text)
            continue
        body.append(_as_block(unit))
    draft.body = numbered(body)
    if draft.body:
        blocks = sum(1 for b in draft.body if isinstance(b, Block))
        draft.note("текст", f"абзацев и пунктов списков: {blocks}")
    _tail(units[end:], draft)


def _attachment(text: str, draft: Draft, listed: bool) -> None:
    text = NUMBERED.sub(r"\2", text.strip())
    if not text:
        return  # «Приложение:» alone: the items follow
    sheets = SHEETS.search(text)
    copies = COPIES.search(text)
    title = COPIES.sub("", SHEETS.sub("", text)).strip(" ,.;")
    draft.attachments.append(
        (
            title or "Приложение",
            int(sheets.group(1)) if sheets else 1,
            int(copies.group(1)) if copies else 1,
        )
    )
    draft.note("приложение", text)


def _signature_start(units: list[Line | Table], start: int) -> int:
    """Where the signature begins: after «С уважением,», else the position lines before the
    line that ends with a name (after tabs or in a table), found from the end."""
    for i in range(len(units) - 1, start - 1, -1):
        unit = units[i]
        if isinstance(unit, Line) and CLOSING.match(unit.text.strip()):
            return i  # the closing and what follows it are the tail
    for i in range(len(units) - 1, start - 1, -1):
        unit = units[i]
        if isinstance(unit, Line) and _signature_name(unit) is not None:
            j = i
            # the position: the short lines just above, up to an empty line or the text
            while j - 1 >= start:
                above = units[j - 1]
                if not isinstance(above, Line) or not above.text.strip() or len(above.text) > 80:
                    break
                if above.text.rstrip().endswith((".", ";", ":", "!")) or above.kind != "paragraph":
                    break
                if APPENDIX.match(above.text.strip()):
                    break
                j -= 1
            return j
    return len(units)


def _short(text: str, pattern: re.Pattern[str]) -> bool:
    """``pattern`` at the start of ``text``, only when it is short enough to be that part."""
    return len(text) <= SHORT_LINE and pattern.match(text) is not None


def _signature_name(line: Line) -> str | None:
    text = line.text.rstrip()
    if EXECUTOR_MARK.match(text) or len(text) > SHORT_LINE:
        return None
    match = NAME_AT_END.search(text)
    if match is None:
        return None
    before = text[: match.start(1)]
    if line.cell == (-1, 0, 0) or "\t" in before or not before.strip() or "  " in before:
        return match.group(1)
    return None


def _tail(units: list[Line | Table], draft: Draft) -> None:
    position: list[str] = []
    signed = False
    for unit in units:
        if isinstance(unit, Table):
            draft.note(NOT_RECOGNISED, "таблица после подписи")
            continue
        text = unit.text.strip()
        if not text:
            continue
        if not signed and CLOSING.match(text):
            draft.closing = text
            draft.note("заключительная фраза", text)
            continue
        if not signed:
            name = _signature_name(unit)
            if name is None:
                position.extend(p.strip() for p in text.split("\n") if p.strip())
                continue
            before = unit.text.rstrip()[: unit.text.rstrip().rfind(name)]
            position.extend(p.strip() for p in before.replace("\t", "\n").split("\n") if p.strip())
            draft.signatory_position = position
            draft.signatory_name = " ".join(name.split())
            draft.note("подписант", f"{' '.join(position)} {draft.signatory_name}".strip())
            signed = True
            continue
        _executor_line(text, draft)
    if not signed:
        for line in position:
            draft.note(NOT_RECOGNISED, line)


def _executor_line(text: str, draft: Draft) -> None:
    for piece in (p.strip() for p in text.split("\n") if p.strip()):
        bare = EXECUTOR_MARK.sub("", piece).strip()
        if len(bare) > SHORT_LINE:
            draft.note(NOT_RECOGNISED, bare[:SHORT_LINE])
            continue
        if PHONE.match(bare) and not draft.executor_phone:
            draft.executor_phone = bare
            draft.note("телефон исполнителя", bare)
        elif EMAIL.match(bare):
            draft.note("почта исполнителя", bare)
        elif not draft.executor_name and (
            EXECUTOR_MARK.match(piece) or FULL_NAME.match(bare) or NAME_AT_END.fullmatch(" " + bare)
        ):
            draft.executor_name = bare
            draft.note("исполнитель", bare)
        else:
            draft.note(NOT_RECOGNISED, piece)
