"""Tables to PDF: landscape A4, the header repeated on every page, page numbers from page 2.

The rows are drawn straight onto the page (:class:`PageOfRows`), not through reportlab's
``Table``: a journal of a year is 30,000 rows and 3,300 pages, and the table's per-cell
``drawString`` (a text object per line) and ``simpleSplit`` took 22 s of it. Here the lines are
broken with each word's width measured once (:class:`LineBreaker`), every page is one text
object, and a line already encoded for the font's subsets is not encoded again."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.flowables import Flowable

from app.exporters.fonts import SERIF, register_fonts
from app.exporters.pdfa import to_pdfa
from app.exporters.table import Table, cell_text
from app.support import clock
from app.support.atomic import write_atomically
from app.support.progress import Progress, check_progress

FONT_SIZE = 9
LEADING = FONT_SIZE * 1.2
PADDING = 3  # points around the text of a cell
FRAME_PADDING = 6  # SimpleDocTemplate's frame padding, each side
FILL = 0.97  # share of a page's height planned
LINE_WIDTH = 0.4
HEADER_GREY = 0xE8 / 0xFF
ENCODED_KEPT = 20_000  # lines kept encoded per document (the repeated ones come early)
PROGRESS_EVERY = 500  # rows between two progress reports while lines are broken

Lines = list[str]  # a cell as its printed lines
Row = list[Lines]


def pages_of_rows(heights: list[float], header: float, first: float, later: float) -> list[int]:
    """How many rows go on each page: ``heights`` of the rows, the header row repeated on every
    page, ``first`` / ``later`` the height available on the first and the following pages. A row
    taller than a page gets a page of its own (its end is cut off rather than the run stopped)."""
    counts: list[int] = []
    room, used, count = first * FILL - header, 0.0, 0
    for height in heights:
        if count and used + height > room:
            counts.append(count)
            room, used, count = later * FILL - header, 0.0, 0
        used += height
        count += 1
    if count or not counts:
        counts.append(count)
    return counts


class LineBreaker:
    """Text broken into lines of a width, as reportlab's ``simpleSplit`` breaks it (words at
    spaces, a word wider than the line cut where it must), each word measured once."""

    def __init__(self, font: str, size: float = FONT_SIZE) -> None:
        self.font, self.size = font, size
        self._widths: dict[str, float] = {}
        self.space = self.width(" ")

    def width(self, text: str) -> float:
        found = self._widths.get(text)
        if found is None:
            found = self._widths[text] = stringWidth(text, self.font, self.size)
        return found

    def lines(self, text: str, room: float) -> Lines:
        out: Lines = []
        for part in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in part.split():
                width = self.width(word)
                if width > room:  # cut a word longer than the line
                    if line:
                        out.append(" ".join(line))
                    pieces = self._cut(word, room)
                    out += pieces[:-1]
                    line, used = [pieces[-1]], self.width(pieces[-1])
                elif line and used + self.space + width > room:
                    out.append(" ".join(line))
                    line, used = [word], width
                else:
                    used += self.space + width if line else width
                    line.append(word)
            out.append(" ".join(line))
        return out

    def row(self, values: list[Any], widths: list[float]) -> Row:
        """A row's cells as lines, each cell as wide as its column less the padding."""
        return [
            self.lines(cell_text(value), width - 2 * PADDING)
            for value, width in zip(values, widths, strict=False)
        ]

    def _cut(self, word: str, room: float) -> Lines:
        pieces: Lines = []
        start, used = 0, 0.0
        for at, char in enumerate(word):
            width = self.width(char)
            if at > start and used + width > room:
                pieces.append(word[start:at])
                start, used = at, 0.0
            used += width
        pieces.append(word[start:])
        return pieces


def row_height(row: Row) -> float:
    return 2 * PADDING + LEADING * max((len(cell) for cell in row), default=1)


def body_rows(
    table: Table,
    widths: list[float],
    plain: LineBreaker,
    bold: LineBreaker,
    progress: Progress | None = None,
) -> tuple[list[Row], set[int]]:
    """The rows as lines, and the indexes of the section headings among them (a heading is
    one cell across the table)."""
    across = sum(widths) - 2 * PADDING
    rows: list[Row] = []
    headings: set[int] = set()
    body = table.body()
    for n, (heading, row) in enumerate(body):
        if progress is not None and n % PROGRESS_EVERY == 0:
            check_progress(progress, n, len(body) * 2)  # breaking lines: the first half
        if heading is None:
            rows.append(plain.row(row, widths))
        else:
            headings.add(len(rows))
            rows.append([bold.lines(heading, across), *([[]] * (len(widths) - 1))])
    return rows, headings


class PageOfRows(Flowable):
    """One page of the table: the header row and ``rows``, drawn as one text object and one path
    of grid lines. ``spans`` are the rows drawn as one cell across (section headings), ``bold``
    the rows in the bold font beside them (the totals), ``right`` the right-aligned columns."""

    def __init__(
        self,
        rows: list[Row],
        widths: list[float],
        *,
        breakers: tuple[LineBreaker, LineBreaker],
        spans: set[int],
        bold: set[int],
        right: set[int],
        drawn: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__()
        self.rows, self.widths, self.spans, self.bold, self.right = rows, widths, spans, bold, right
        self.plain, self.strong = breakers
        self.heights = [row_height(row) for row in rows]
        self.drawn = drawn

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return sum(self.widths), sum(self.heights)

    def draw(self) -> None:
        canvas = self.canv
        width, height = self.wrap(0, 0)
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths) + 1)]
        tops = [height - sum(self.heights[:i]) for i in range(len(self.heights) + 1)]
        canvas.saveState()
        canvas.setFillGray(HEADER_GREY)
        canvas.rect(0, tops[1], width, self.heights[0], stroke=0, fill=1)
        canvas.setFillGray(0)
        text = CachedText(canvas)
        font = None
        for n, row in enumerate(self.rows):
            wanted = self.strong if n in self.bold or n in self.spans else self.plain
            if wanted.font != font:
                font = wanted.font
                text.setFont(font, FONT_SIZE, LEADING)
            for column, lines in enumerate(row):
                if not lines:
                    continue
                x = lefts[column] + PADDING
                y = tops[n] - PADDING - FONT_SIZE
                right = column in self.right and n and n not in self.spans
                for line in lines:
                    if right:
                        text.put(lefts[column + 1] - PADDING - wanted.width(line), y, line)
                    else:
                        text.put(x, y, line)
                    y -= LEADING
        canvas.drawText(text)
        canvas.setLineWidth(LINE_WIDTH)
        canvas.setStrokeGray(0)
        path = canvas.beginPath()
        for y in tops:
            path.moveTo(0, y)
            path.lineTo(width, y)
        for x in (lefts[0], lefts[-1]):
            path.moveTo(x, tops[0])
            path.lineTo(x, tops[-1])
        runs = _runs_without(len(self.rows), self.spans)
        for x in lefts[1:-1]:
            for first, last in runs:
                path.moveTo(x, tops[first])
                path.lineTo(x, tops[last + 1])
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()
        if self.drawn is not None:
            self.drawn(len(self.rows) - 1)


def _runs_without(count: int, skipped: set[int]) -> list[tuple[int, int]]:
    """Runs of consecutive row indexes below ``count`` that are not in ``skipped``:
    (first, last)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for n in range(count + 1):
        if n < count and n not in skipped:
            start = n if start is None else start
        elif start is not None:
            runs.append((start, n - 1))
            start = None
    return runs


class CachedText(PDFTextObject):
    """A text object that encodes each line once per document: a journal prints the same dates,
    names and marks thousands of times, and reportlab maps every character of a TrueType line to
    its font subset again on every call. The subsets belong to the document, so the cache is
    kept on its canvas."""

    _curSubset: int  # reportlab's: the font subset the text is in

    def put(self, x: float, y: float, line: str) -> None:
        """``line`` at (x, y); the text cursor is not moved along it (``textOut`` measures
        every line for that)."""
        self.setTextOrigin(x, y)
        self._code.append(self._formatText(line))

    def _formatText(self, text: str) -> str:  # reportlab's name
        encoded: dict[tuple[Any, ...], tuple[str, int]] = self._canvas.__dict__.setdefault(
            "_secretariat_encoded", {}
        )
        key = (self._fontname, self._fontsize, self._leading, self._curSubset, text)
        found = encoded.get(key)
        if found is None:
            code: str = super()._formatText(text)
            if len(encoded) < ENCODED_KEPT:
                encoded[key] = (code, self._curSubset)
            return code
        code, subset = found
        self._curSubset = subset  # the font's subset the encoded line ends in
        return code


def write_table_pdf(table: Table, path: Path, progress: Progress | None = None) -> Path:
    """``table`` to ``path`` as PDF/A; ``progress`` (done, total) is told as rows are broken
    into lines and pages are drawn, and stops the work (``Cancelled``) when it says so."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    register_fonts()
    cell = ParagraphStyle("cell", fontName=SERIF, fontSize=FONT_SIZE, leading=LEADING)
    title = ParagraphStyle("title", fontName=f"{SERIF}-Bold", fontSize=13, leading=16)
    page_w, page_h = landscape(A4)
    margins, top, bottom = 15 * mm, 15 * mm, 12 * mm
    total = sum(c.width for c in table.columns)
    widths = [(page_w - 2 * margins) * c.width / total for c in table.columns]

    def para(text: str, style: ParagraphStyle) -> Any:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped.replace("\n", "<br/>"), style)

    plain, bold = LineBreaker(SERIF), LineBreaker(f"{SERIF}-Bold")
    header = bold.row([c.title for c in table.columns], widths)
    rows, headings = body_rows(table, widths, plain, bold, progress)
    if table.totals is not None:
        rows.append(plain.row(table.totals, widths))
    right = {i for i, c in enumerate(table.columns) if c.numeric}
    steps = 2 * len(rows)  # breaking lines above, then drawing the pages
    drawn = [len(rows)]

    def page_drawn(count: int) -> None:
        drawn[0] += count
        if progress is not None:
            check_progress(progress, drawn[0], steps)

    def number_pages(canvas: Any, doc: Any) -> None:
        if doc.page > 1:
            canvas.setFont(SERIF, FONT_SIZE)
            canvas.drawCentredString(page_w / 2, page_h - 10 * mm, str(doc.page))

    story: list[Any] = [para(table.title, title)]
    if table.subtitle:
        story.append(para(table.subtitle, cell))
    story.append(Spacer(1, 4 * mm))
    frame = page_h - top - bottom - 2 * FRAME_PADDING
    above = sum(f.wrap(page_w - 2 * margins - 2 * FRAME_PADDING, frame)[1] for f in story)
    counts = pages_of_rows([row_height(r) for r in rows], row_height(header), frame - above, frame)
    start = 0
    for page, count in enumerate(counts):
        if page:
            story.append(PageBreak())
        chunk = rows[start : start + count]
        spans = {h - start + 1 for h in headings if start <= h < start + count}
        totals = table.totals is not None and start + count == len(rows)
        story.append(
            PageOfRows(
                [header, *chunk],
                widths,
                breakers=(plain, bold),
                spans=spans,
                bold={0, len(chunk)} if totals else {0},
                right=right,
                drawn=page_drawn,
            )
        )
        start += count
    story += _after_table(table, para, (cell, title), page_w - 2 * margins, frame)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=margins,
        rightMargin=margins,
        topMargin=top,
        bottomMargin=bottom,
        title=table.title,
        initialFontName=SERIF,
        initialFontSize=FONT_SIZE,
    )
    doc.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    content = to_pdfa(buffer.getvalue(), title=table.title, created=clock.today())

    def write(tmp: Path) -> None:
        tmp.write_bytes(content)

    return write_atomically(path, write)


def _after_table(
    table: Table, para: Any, styles: tuple[Any, Any], width: float, height: float
) -> list[Any]:
    """The notes under the table, and its chart on a page of its own."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    cell, title = styles
    out: list[Any] = []
    if table.notes:
        out.append(Spacer(1, 4 * mm))
        out += [para(note, cell) for note in table.notes]
    if table.chart is not None and table.rows:
        out += [PageBreak(), para(table.chart.title, title), Spacer(1, 4 * mm)]
        out.append(_bar_chart(table, width, height - 30 * mm))
    return out


def _bar_chart(table: Table, width: float, height: float) -> Any:
    """Horizontal bars, one per row (its label on the left) made of its series, a legend."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    chart_of = table.chart
    assert chart_of is not None
    rows = list(reversed(table.rows))  # the first row on top
    palette = [colors.HexColor(c) for c in ("#2e7d32", "#c62828", "#f9a825", "#1565c0")]
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 40
    chart.width, chart.height = width - 170, height - 60
    chart.data = [[float(row[i] or 0) for row in rows] for i in chart_of.series]
    chart.categoryAxis.style = "stacked"  # a bar per row, its parts side by side
    chart.categoryAxis.categoryNames = [cell_text(row[chart_of.labels])[:30] for row in rows]
    chart.categoryAxis.labels.fontName = SERIF
    chart.categoryAxis.labels.fontSize = FONT_SIZE
    chart.valueAxis.labels.fontName = SERIF
    chart.valueAxis.valueMin = 0
    highest = max((sum(parts) for parts in zip(*chart.data, strict=True)), default=0)
    chart.valueAxis.valueStep = max(1, math.ceil(highest / 10))  # counts: whole numbers
    chart.valueAxis.labelTextFormat = "%d"
    for n in range(len(chart_of.series)):
        chart.bars[n].fillColor = palette[n % len(palette)]
    legend = Legend()
    legend.x, legend.y = 150, 20
    legend.fontName = SERIF
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [
        (palette[n % len(palette)], table.columns[i].title) for n, i in enumerate(chart_of.series)
    ]
    legend.deltax = 120
    drawing.add(chart)
    drawing.add(legend)
    return drawing
