"""Tables to PDF: landscape A4, the header repeated on every page, page numbers from page 2."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from app.exporters.fonts import SERIF, register_fonts
from app.exporters.pdfa import to_pdfa
from app.exporters.table import Table, cell_text
from app.support import clock
from app.support.atomic import write_atomically

FONT_SIZE = 9
PADDING = 3  # points around the text of a cell (the table's default top and bottom too)
FRAME_PADDING = 6  # SimpleDocTemplate's frame padding, each side
FILL = 0.97  # share of a page's height planned; the table still splits if a row is taller


def pages_of_rows(heights: list[float], header: float, first: float, later: float) -> list[int]:
    """How many rows go on each page: ``heights`` of the rows, the header row repeated on every
    page, ``first`` / ``later`` the height available on the first and the following pages.

    One table per page instead of one table for the whole journal: reportlab splits a long
    table by building the rest of it again at every page, which grows with the square of the
    rows (33,000 rows took minutes); a page-sized table costs the same on every page."""
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


def cell_lines(row: list[Any], widths: list[float], font: str) -> list[str]:
    """Cells as plain text broken into lines here: a table draws those lines directly, while a
    Paragraph per cell (74,000 in a quarter's journal) is parsed and wrapped three times over."""
    from reportlab.lib.utils import simpleSplit

    return [
        "\n".join(
            line
            for part in cell_text(value).split("\n")
            for line in (simpleSplit(part, font, FONT_SIZE, width - 2 * PADDING) or [""])
        )
        for value, width in zip(row, widths, strict=False)
    ]


def body_lines(table: Table, widths: list[float], bold: str) -> tuple[list[list[str]], set[int]]:
    """The rows as lines, and the indexes of the section headings among them (a heading is
    one cell across the table)."""
    rows: list[list[str]] = []
    headings: set[int] = set()
    for heading, row in table.body():
        if heading is None:
            rows.append(cell_lines(row, widths, SERIF))
        else:
            headings.add(len(rows))
            line = cell_lines([heading], [sum(widths)], bold)[0]
            rows.append([line, *([""] * (len(widths) - 1))])
    return rows, headings


def write_table_pdf(table: Table, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        LongTable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    register_fonts()
    leading = FONT_SIZE * 1.2
    cell = ParagraphStyle("cell", fontName=SERIF, fontSize=FONT_SIZE, leading=leading)
    title = ParagraphStyle("title", fontName=f"{SERIF}-Bold", fontSize=13, leading=16)
    page_w, page_h = landscape(A4)
    margins, top, bottom = 15 * mm, 15 * mm, 12 * mm
    total = sum(c.width for c in table.columns)
    widths = [(page_w - 2 * margins) * c.width / total for c in table.columns]

    def para(text: str, style: ParagraphStyle) -> Any:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped.replace("\n", "<br/>"), style)

    bold = f"{SERIF}-Bold"
    header = cell_lines([c.title for c in table.columns], widths, bold)
    rows, headings = body_lines(table, widths, bold)
    if table.totals is not None:
        rows.append(cell_lines(table.totals, widths, bold))
    numeric = [i for i, c in enumerate(table.columns) if c.numeric]
    commands: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), leading),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        *(("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric),
    ]

    def height(cells: list[str]) -> float:
        return 2 * PADDING + leading * max(c.count("\n") + 1 for c in cells)

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
    counts = pages_of_rows([height(r) for r in rows], height(header), frame - above, frame)
    start = 0
    for page, count in enumerate(counts):
        if page:
            story.append(PageBreak())
        chunk = [header, *rows[start : start + count]]
        style = [*commands]
        for at in sorted(h - start + 1 for h in headings if start <= h < start + count):
            style += [("SPAN", (0, at), (-1, at)), ("FONTNAME", (0, at), (-1, at), bold)]
        if table.totals is not None and start + count == len(rows):
            style.append(("FONTNAME", (0, -1), (-1, -1), bold))
        grid = LongTable(chunk, colWidths=widths, repeatRows=1)
        grid.setStyle(TableStyle(style))
        story.append(grid)
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
