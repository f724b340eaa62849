"""The resolution sheet («лист резолюции»): an A4 page the head signs — the organization, the
letter it is about (our number and date, the sender's, the heading), the executors with their
terms (the responsible one first), the text, «Контроль», the author's post and name, a line for
the signature, the date. PDF/A, as every PDF the program writes."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from app.exporters.fonts import SERIF, register_fonts
from app.exporters.pdfa import to_pdfa
from app.support.text import date_ru


@dataclass(frozen=True)
class SheetLine:
    executor: str  # «Р.А. Чекушов»
    due: dt.date | None
    responsible: bool


@dataclass(frozen=True)
class ResolutionSheet:
    organization: str
    letter: str  # «Вх. № 1-вх от 21.11.2025»
    sender: str  # «Минпромторг России, № ЕВ-45871/08 от 19.11.2025»
    subject: str
    executors: list[SheetLine]
    text: str
    on_control: bool
    author_post: str
    author_name: str
    day: dt.date
    parent: str = ""  # «к резолюции М.А. Протасова от 03.12.2025»


def resolution_sheet_pdf(sheet: ResolutionSheet) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    body = ParagraphStyle("body", fontName=SERIF, fontSize=13, leading=17)
    small = ParagraphStyle("small", fontName=SERIF, fontSize=11, leading=14)
    title = ParagraphStyle("title", fontName=f"{SERIF}-Bold", fontSize=15, leading=20,
                           alignment=1)  # fmt: skip

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped.replace("\n", "<br/>"), style)

    people = sorted(sheet.executors, key=lambda line: not line.responsible)
    rows = [
        [para(p.executor + (" (отв.)" if p.responsible else ""), body),
         para(f"срок {date_ru(p.due)}" if p.due else "", body)]
        for p in people
    ]  # fmt: skip
    story = [
        para(sheet.organization, small),
        Spacer(1, 6 * mm),
        para("РЕЗОЛЮЦИЯ" + (f" {sheet.parent}" if sheet.parent else ""), title),
        Spacer(1, 4 * mm),
        para(f"{sheet.letter}. {sheet.sender}", small),
        para(f"«{sheet.subject}»", small),
        Spacer(1, 8 * mm),
    ]
    if rows:
        grid = Table(rows, colWidths=[110 * mm, 60 * mm])
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(grid)
    story += [Spacer(1, 6 * mm), para(sheet.text or "", body), Spacer(1, 6 * mm)]
    if sheet.on_control:
        story += [Paragraph("<b>КОНТРОЛЬ</b>", body), Spacer(1, 6 * mm)]
    signature = Table(
        [[para(sheet.author_post, body), para("_______________", body),
          para(sheet.author_name, body)]],
        colWidths=[80 * mm, 45 * mm, 45 * mm],
    )  # fmt: skip
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story += [Spacer(1, 10 * mm), signature, Spacer(1, 4 * mm), para(date_ru(sheet.day), body)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=10 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title="Резолюция",
    )  # fmt: skip
    doc.build(story)
    return to_pdfa(buffer.getvalue(), title="Резолюция", created=sheet.day)
