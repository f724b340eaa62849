"""Tables to PDF: landscape A4, the header repeated on every page, page numbers from page 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.exporters.atomic import write_atomically
from app.exporters.fonts import SERIF, register_fonts
from app.exporters.table import Table, cell_text

FONT_SIZE = 9


def write_table_pdf(table: Table, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    register_fonts()
    cell = ParagraphStyle("cell", fontName=SERIF, fontSize=FONT_SIZE, leading=FONT_SIZE * 1.2)
    head = ParagraphStyle("head", parent=cell, fontName=f"{SERIF}-Bold")
    title = ParagraphStyle("title", fontName=f"{SERIF}-Bold", fontSize=13, leading=16)
    page_w, _page_h = landscape(A4)
    margins = 15 * mm
    total = sum(c.width for c in table.columns)
    widths = [(page_w - 2 * margins) * c.width / total for c in table.columns]

    def para(text: str, style: ParagraphStyle) -> Any:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped.replace("\n", "<br/>"), style)

    number = ParagraphStyle("number", parent=cell, alignment=2)
    bold_number = ParagraphStyle("bold_number", parent=number, fontName=f"{SERIF}-Bold")

    def row_cells(row: list[Any], bold: bool = False) -> list[Any]:
        styles = [
            (bold_number if bold else number) if c.numeric else (head if bold else cell)
            for c in table.columns
        ]
        return [para(cell_text(v), style) for v, style in zip(row, styles, strict=False)]

    data = [[para(c.title, head) for c in table.columns]]
    data += [row_cells(row) for row in table.rows]
    if table.totals is not None:
        data.append(row_cells(table.totals, bold=True))
    grid = LongTable(data, colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )

    def number_pages(canvas: Any, doc: Any) -> None:
        if doc.page > 1:
            canvas.setFont(SERIF, FONT_SIZE)
            canvas.drawCentredString(page_w / 2, landscape(A4)[1] - 10 * mm, str(doc.page))

    story: list[Any] = [para(table.title, title)]
    if table.subtitle:
        story.append(para(table.subtitle, cell))
    story += [Spacer(1, 4 * mm), grid]
    if table.notes:
        story.append(Spacer(1, 4 * mm))
        story += [para(note, cell) for note in table.notes]

    def write(tmp: Path) -> None:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=landscape(A4),
            leftMargin=margins,
            rightMargin=margins,
            topMargin=15 * mm,
            bottomMargin=12 * mm,
            title=table.title,
            initialFontName=SERIF,
            initialFontSize=FONT_SIZE,
        )
        doc.build(story, onFirstPage=number_pages, onLaterPages=number_pages)

    return write_atomically(path, write)
