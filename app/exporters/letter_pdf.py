"""Letters to PDF with reportlab: renders :class:`app.rules.letter_layout.LetterPage` and
nothing else.

Imported only when a letter is written (reportlab is not paid for at start-up).

Several pages descriptions go into one document (a merged mailing): each copy starts on a new
page with the first-page template (QR code, no page number), and its page numbers restart.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from app.exporters.fonts import font_family
from app.exporters.pdfa import to_pdfa
from app.exporters.qr import qr_runs
from app.rules.letter_body import Block, Table
from app.rules.letter_layout import Appendix, LetterPage, Page, Signature
from app.support.progress import Cancelled

Progress = Callable[[int], bool]  # copies done → False to cancel


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markup(block: Block) -> str:
    parts = []
    for span in block.spans:
        text = _escape(span.text).replace("\n", "<br/>")
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic:
            text = f"<i>{text}</i>"
        if span.underline:
            text = f"<u>{text}</u>"
        parts.append(text)
    body = "".join(parts)
    return f"{block.label}\u00a0{body}" if block.label else body


def _lines(lines: Iterable[str]) -> str:
    return "<br/>".join(_escape(line) for line in lines)


@dataclass
class _Styles:
    text: Any
    nested: Any  # an item of a nested list: the text's style moved right by an indent
    plain: Any
    centre: Any
    right: Any
    bold_centre: Any
    small: Any
    small_centre: Any
    cell: Any
    cell_head: Any
    cell_centre: Any
    stamp: Any
    stamp_head: Any
    body_cell: Any
    body_cell_head: Any


def _styles(page: Page, family: str) -> _Styles:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm

    size = page.font_size
    plain = ParagraphStyle(
        "plain",
        fontName=family,
        fontSize=size,
        leading=size * page.requisite_spacing,
        alignment=TA_LEFT,
        allowWidows=0,  # as Word's widow control: no paragraph's last line alone on a page
        allowOrphans=0,
    )
    text = ParagraphStyle(
        "text",
        parent=plain,
        alignment=TA_JUSTIFY,
        firstLineIndent=page.indent * mm,
        leading=size * page.line_spacing,
    )
    small = ParagraphStyle(
        "small",
        parent=plain,
        fontSize=page.small_size,
        leading=page.small_size * page.small_spacing,
    )
    cell = ParagraphStyle(
        "cell", parent=plain, fontSize=page.table_size, leading=page.table_size * page.table_spacing
    )
    body_cell = ParagraphStyle(
        "body_cell",
        parent=plain,
        fontSize=page.body_table_size,
        leading=page.body_table_size * page.table_spacing,
    )
    return _Styles(
        text=text,
        nested=ParagraphStyle("nested", parent=text, leftIndent=page.indent * mm),
        plain=plain,
        centre=ParagraphStyle("centre", parent=plain, alignment=TA_CENTER),
        right=ParagraphStyle("right", parent=plain, alignment=TA_RIGHT),
        bold_centre=ParagraphStyle(
            "org", parent=plain, alignment=TA_CENTER, fontName=f"{family}-Bold"
        ),
        small=small,
        small_centre=ParagraphStyle("small_c", parent=small, alignment=TA_CENTER),
        cell=cell,
        cell_head=ParagraphStyle(
            "cell_h", parent=cell, alignment=TA_CENTER, fontName=f"{family}-Bold"
        ),
        cell_centre=ParagraphStyle("cell_c", parent=cell, alignment=TA_CENTER),
        stamp=ParagraphStyle(
            "stamp", parent=plain, fontSize=page.stamp_size, leading=page.stamp_leading
        ),
        stamp_head=ParagraphStyle(
            "stamp_h",
            parent=plain,
            fontSize=page.stamp_size,
            leading=page.stamp_leading,
            alignment=TA_CENTER,
            fontName=f"{family}-Bold",
        ),
        body_cell=body_cell,
        body_cell_head=ParagraphStyle(
            "body_cell_h", parent=body_cell, alignment=TA_CENTER, fontName=f"{family}-Bold"
        ),
    )


@functools.cache
def _piece_class() -> Any:
    """A piece of a long paragraph: when the frame splits it at a page end, the rest keeps
    the justified last line (it ends inside the paragraph, not at its end)."""
    from reportlab.platypus import Paragraph

    class Piece(Paragraph):
        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            parts: list[Any] = super().split(availWidth, availHeight)
            if len(parts) == 2 and getattr(self, "_JustifyLast", False):
                parts[1]._JustifyLast = True
            return parts

    return Piece


LONG_PARAGRAPH = 4_000  # characters of a paragraph broken into lines once (see _Story._long)
CHUNK_LINES = 30


class _Story:
    """Flowables of one letter copy."""

    def __init__(
        self, page: LetterPage, st: _Styles, family: str, band: Callable[[], float]
    ) -> None:
        from reportlab.lib.units import mm

        self.p, self.st, self.family, self.mm = page, st, family, mm
        self.band = band  # free height under the frame on this page (page 1: beside the QR)
        self.text_width = (page.page.width - page.page.left - page.page.right) * mm

    def _para(self, text: str, style: Any) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(text, style)

    def _long(self, para: Any) -> list[Any]:
        """A paragraph; a long one as pieces of :data:`CHUNK_LINES` lines broken once.

        ReportLab breaks the rest of a paragraph into lines again at every page it splits, so
        one paragraph of 160,000 characters took 3 s and 640,000 took 94 s. Broken once here,
        at the frame's width, the pieces are small and print the same lines: greedy line
        breaking of the same words at the same width ends each piece where the whole
        paragraph's line ended; a piece's last line stays justified, and only the first
        piece has the first-line indent."""
        if len(para.text) < LONG_PARAGRAPH:
            return [para]
        from copy import copy

        from reportlab.platypus.paragraph import FragLine

        para.wrap(self.text_width, 1e12)
        lines = para.blPara.lines
        if len(lines) <= CHUNK_LINES:
            return [para]
        lines_of = para._get_split_blParaFunc()
        rest = copy(para.style)
        rest.firstLineIndent = 0
        pieces = []
        for start in range(0, len(lines), CHUNK_LINES):
            stop = min(len(lines), start + CHUNK_LINES)
            style = para.style if start == 0 else rest
            piece = _piece_class()(None, style, frags=lines_of(para.blPara, start, stop))
            if stop < len(lines):
                last = lines[stop - 1]
                piece._JustifyLast = not (
                    isinstance(last, FragLine) and getattr(last, "lineBreak", False)
                )
            pieces.append(piece)
        return pieces

    def _grid(self, rows: list[list[Any]], widths: list[float], style: list[Any]) -> Any:
        from reportlab.platypus import Table, TableStyle

        base = [
            ("FONTNAME", (0, 0), (-1, -1), self.family),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        table = Table(rows, colWidths=widths, hAlign="LEFT")
        table.setStyle(TableStyle(base + style))
        return table

    def organization(self) -> list[Any]:
        from reportlab.platypus import Image, Spacer

        p, st, mm = self.p, self.st, self.mm
        out: list[Any] = []
        if p.logo:
            image = Image(io.BytesIO(p.logo))
            scale = min(1.0, 18 * mm / max(image.drawHeight, 1))
            image.drawWidth *= scale
            image.drawHeight *= scale
            out += [image, Spacer(1, 2 * mm)]
        out += [self._para(_escape(line), st.bold_centre) for line in p.organization]
        if p.reference:
            out += [Spacer(1, 1.5 * mm), self._para(_lines(p.reference), st.small_centre)]
        return out

    def numbers(self) -> list[Any]:
        from reportlab.platypus import Spacer

        out: list[Any] = [
            Spacer(1, 4 * self.mm),
            self._para(_escape(self.p.number_line), self.st.plain),
        ]
        if self.p.reply_line:
            out.append(self._para(_escape(self.p.reply_line), self.st.plain))
        return out

    def addressee(self) -> list[Any]:
        from reportlab.platypus import Spacer

        out: list[Any] = []
        for i, block in enumerate(self.p.addressee):
            if i:
                out.append(Spacer(1, 3 * self.mm))
            out.append(self._para(_lines(block), self.st.plain))
        return out

    def head(self) -> list[Any]:
        from reportlab.platypus import Spacer

        p, mm = self.p, self.mm
        gap = (p.page.addressee_left - p.page.block_width) * mm
        left_w = p.page.block_width * mm
        right_w = self.text_width - left_w - gap
        if p.layout == "flat":
            top = self._grid(
                [[self.organization()]],
                [self.text_width],
                [("ALIGN", (0, 0), (-1, -1), "CENTER")],
            )
            row = self._grid([[self.numbers(), "", self.addressee()]], [left_w, gap, right_w], [])
            return [top, Spacer(1, 2 * mm), row]
        left = self.organization() + self.numbers()
        return [self._grid([[left, "", self.addressee()]], [left_w, gap, right_w], [])]

    def heading(self) -> list[Any]:
        from reportlab.platypus import Spacer

        width = self.p.page.block_width * self.mm if self.p.layout == "angular" else self.text_width
        cell = self._para(_escape(self.p.heading), self.st.plain)
        return [Spacer(1, 8 * self.mm), self._grid([[cell]], [width], [])]

    def text(self) -> list[Any]:
        from reportlab.platypus import Spacer

        mm, st = self.mm, self.st
        out: list[Any] = []
        if self.p.salutation:
            out += [Spacer(1, 8 * mm), self._para(_escape(self.p.salutation), st.centre)]
        out.append(Spacer(1, 6 * mm))
        for item in self.p.body:
            if isinstance(item, Table):
                gap = Spacer(1, self.p.page.body_table_gap * mm)
                out += [gap, self.body_table(item), gap]
            else:
                style = st.nested if item.level else st.text
                out += self._long(self._para(_markup(item), style))
        if self.p.closing:
            out += [Spacer(1, 4 * mm), self._para(_escape(self.p.closing), st.plain)]
        if self.p.attachment:
            out += [Spacer(1, 6 * mm), self._para(_lines(self.p.attachment), st.plain)]
        return out

    def _ruled(self, data: list[list[Any]], widths: list[float], **kw: Any) -> Any:
        """A table with rules (a body table, an appendix): its header row repeated on every page."""
        from reportlab.platypus import LongTable, TableStyle

        mm, geo = self.mm, self.p.page
        pad_top, pad_right, pad_bottom, pad_left = geo.cell_padding
        grid = LongTable(data, colWidths=widths, hAlign="LEFT", **kw)
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.family),
                    ("GRID", (0, 0), (-1, -1), geo.grid_line, "#000000"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), pad_top * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad_right * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad_bottom * mm),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad_left * mm),
                ]
                + ([("VALIGN", (0, 0), (-1, 0), "MIDDLE")] if kw.get("repeatRows") else [])
            )
        )
        return grid

    def body_table(self, table: Table) -> Any:
        """A table of the text at the text's width; header rows bold, centred, repeated."""
        total = sum(table.widths)
        widths = [self.text_width * w / total for w in table.widths]
        st = self.st
        data = []
        for r, row in enumerate(table.rows):
            head = r < table.header_rows
            style = st.body_cell_head if head else st.body_cell
            data.append([[self._para(_markup(b), style) for b in cell] or "" for cell in row])
        return self._ruled(data, widths, repeatRows=table.header_rows)

    def signature(self) -> list[Any]:
        from reportlab.platypus import Spacer

        sig: Signature | None = self.p.signature
        if sig is None:
            return []
        mm, st = self.mm, self.st
        position = self._para(_lines(sig.position), st.plain)
        name = self._para(_escape(sig.name), st.right)
        middle: Any = ""
        if sig.stamp:
            lines = sig.stamp.lines
            rows = [[self._para(_escape(lines[0]), st.stamp_head)]]
            rows += [[self._para(_escape(line), st.stamp)] for line in lines[1:]]
            middle = self._grid(
                rows,
                [66 * mm],
                [
                    ("BOX", (0, 0), (-1, -1), 0.9, "#1f3a93"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("TOPPADDING", (0, 0), (0, 0), 1.5 * mm),
                    ("BOTTOMPADDING", (0, -1), (0, -1), 1.5 * mm),
                    ("TEXTCOLOR", (0, 0), (-1, -1), "#1f3a93"),
                ],
            )
        widths = [85 * mm, self.text_width - 130 * mm, 45 * mm]
        row = self._grid(
            [[position, middle, name]],
            widths,
            [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (1, 0), (1, 0), "CENTER")],
        )
        return [Spacer(1, 8 * mm), row]

    def executor(self) -> list[Any]:
        if not self.p.executor:
            return []
        return [_AtBottom(self._para(_lines(self.p.executor), self.st.small), self.band)]

    def appendix(self, appendix: Appendix) -> list[Any]:
        from reportlab.platypus import NextPageTemplate, PageBreak, Spacer

        mm, st, geo = self.mm, self.st, self.p.page
        page_w = geo.height if appendix.landscape else geo.width
        width = (page_w - geo.left - geo.right) * mm
        caption_w = geo.block_width * mm
        caption = self._grid(
            [["", self._para(_escape(appendix.caption), st.plain)]],
            [width - caption_w, caption_w],
            [],
        )
        table = appendix.table
        total = sum(table.widths)
        widths = [width * w / total for w in table.widths]
        numeric = table.numeric or tuple(False for _ in table.columns)
        data = [[self._para(_escape(c), st.cell_head) for c in table.columns]]
        data += [
            [
                self._para(_escape(v), st.cell_centre if numeric[i] else st.cell)
                for i, v in enumerate(row)
            ]
            for row in table.rows
        ]
        heights = [None] + [table.row_height * mm or None for _ in table.rows]
        grid = self._ruled(data, widths, rowHeights=heights, repeatRows=1)
        title = self._para(f"<b>{_escape(appendix.title)}</b>", st.centre)
        template = NextPageTemplate("landscape" if appendix.landscape else "later")
        before, after = geo.appendix_title_before * mm, geo.appendix_title_after * mm
        return [template, PageBreak(), caption, Spacer(1, before), title, Spacer(1, after), grid]

    def flowables(self) -> list[Any]:
        from reportlab.platypus import KeepTogether

        text = self.text()
        tail = self.signature()
        if tail:  # the signature never stands alone on a page: it keeps the text's last lines
            keep = 1 + (2 if self.p.attachment else 0) + (2 if self.p.closing else 0)
            tail = [KeepTogether(text[-keep:] + tail)]
            text = text[:-keep]
        out = self.head() + self.heading() + text + tail + self.executor()
        for appendix in self.p.appendices:
            out += self.appendix(appendix)
        return out


class _AtBottom(Flowable):
    """Takes the rest of the frame and draws its content at the frame's bottom; when there is no
    room left it asks for its own height, so platypus moves it to the next page."""

    def __init__(self, content: Any, band: Callable[[], float]) -> None:
        super().__init__()
        self.content, self.band = content, band
        self.below = 0.0

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        _w, inner = self.content.wrap(avail_w * 0.6, avail_h)
        self.below = self.band()
        self.width = avail_w
        self.height = avail_h if inner <= avail_h + self.below else inner
        if self.height != avail_h:
            self.below = 0.0
        return self.width, self.height

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, -self.below)


class _CopyStart(Flowable):
    """Zero size: records where a copy starts (its page numbers and QR code) and reports
    progress, which may cancel the build."""

    def __init__(self, doc: Any, index: int, qr: str, progress: Progress | None) -> None:
        super().__init__()
        self.doc, self.index, self.qr, self.progress = doc, index, qr, progress

    def wrap(self, _w: float, _h: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.doc.copy_start = self.doc.page
        self.doc.copy_qr = self.qr
        if self.progress is not None and not self.progress(self.index):
            raise Cancelled


def _qr(canvas: Any, payload: str, x: float, y: float, size: float) -> None:
    """The QR code as vector rectangles (one per run of dark modules), drawn once per document
    as a form and placed on every first page that shows the same payload."""
    import hashlib

    name = "qr" + hashlib.sha1(payload.encode()).hexdigest()[:12]
    forms = canvas.__dict__.setdefault("_letter_qr_forms", set())
    if name not in forms:
        runs, modules = qr_runs(payload)
        cell = size / modules
        canvas.beginForm(name, lowerx=0, lowery=0, upperx=size, uppery=size)
        path = canvas.beginPath()
        for row, start, length in runs:
            path.rect(start * cell, size - (row + 1) * cell, length * cell, cell)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.endForm()
        forms.add(name)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()


def render_letters_pdf(
    pages: list[LetterPage],
    *,
    font: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The pages as one PDF/A-1b."""
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

    family = font_family(font)
    first = pages[0]
    geo = first.page
    width, height = geo.width * mm, geo.height * mm
    styles = _styles(geo, family)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        leftMargin=geo.left * mm,
        rightMargin=geo.right * mm,
        topMargin=geo.top * mm,
        bottomMargin=geo.bottom * mm,
        title=first.title if len(pages) == 1 else f"Рассылка: {first.title}",
        author="Секретариат",
        initialFontName=family,
        initialFontSize=geo.font_size,
        invariant=1,
        lang="ru-RU",
    )
    doc.copy_start, doc.copy_qr = 1, first.qr
    frame_w = width - (geo.left + geo.right) * mm
    band = (geo.qr_size + geo.qr_gap) * mm

    def frame(y: float, w: float, h: float, name: str) -> Any:
        padding = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
        return Frame(geo.left * mm, y, w, h, id=name, **padding)

    inner_h = height - (geo.top + geo.bottom) * mm
    first_frame = frame(geo.bottom * mm + band, frame_w, inner_h - band, "first")
    later_frame = frame(geo.bottom * mm, frame_w, inner_h, "later")
    wide_frame = frame(
        geo.bottom * mm,
        height - (geo.left + geo.right) * mm,
        width - (geo.top + geo.bottom) * mm,
        "wide",
    )

    def on_first(canvas: Any, d: Any) -> None:
        canvas.saveState()
        size = geo.qr_size * mm
        _qr(canvas, d.copy_qr, width - geo.right * mm - size, geo.bottom * mm, size)
        canvas.restoreState()

    def page_number(page_w: float, page_h: float) -> Callable[[Any, Any], None]:
        def draw(canvas: Any, d: Any) -> None:
            canvas.saveState()
            canvas.setFont(family, geo.page_number_size)
            canvas.drawCentredString(
                (geo.left * mm + page_w - geo.right * mm) / 2,
                page_h - 12 * mm,
                str(d.page - d.copy_start + 1),
            )
            canvas.restoreState()

        return draw

    def band_here() -> float:
        return band if doc.page == doc.copy_start else 0.0

    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first_frame], onPageEnd=on_first),
            PageTemplate(id="later", frames=[later_frame], onPage=page_number(width, height)),
            PageTemplate(
                id="landscape",
                frames=[wide_frame],
                onPage=page_number(height, width),
                pagesize=(height, width),
            ),
        ]
    )
    story: list[Any] = []
    for index, page in enumerate(pages):
        if index:
            story += [NextPageTemplate("first"), PageBreak()]
        story += [_CopyStart(doc, index, page.qr, progress), NextPageTemplate("later")]
        story += _Story(page, styles, family, band_here).flowables()
    doc.build(story)
    if progress is not None and not progress(len(pages)):
        raise Cancelled
    return to_pdfa(buffer.getvalue(), title=doc.title, created=first.date)
