"""The registration mark of an incoming document, put on a copy of it and printed as labels.

On the document: a framed block of the mark's lines in the lower right of the first page, on a
blank place of the page as it looks (rendered small, in grey — never over the document's own
text or a scan's ink), the lowest and rightmost one first. A filed letter's «В дело» block goes
in the lower left the same way (ГОСТ Р 7.0.97, п. 5.26), never reaching the right block's half.
When the page has no room for either, a band is added below its content (the content is shrunk a
little, nothing is redrawn) and both go in it. The original is never touched: the marks are an
overlay on a copy (pikepdf).

As labels, for a paper original: one mark a label, 58×40 mm (a label printer's roll, a page a
label) or A4 with 24 labels (3 × 8 of 70×37 mm); PDF/A-1b, as every PDF the program makes. The
stamped copy is the sender's document with an overlay: PDF/A only when the sender's file was.
"""

from __future__ import annotations

import io
from typing import Any

from app.exporters.pdf_stamp import MM, Stamped, page_ink, steps, with_band
from app.exporters.pdfa import to_pdfa
from app.rules.incoming_mark import FiledMark, IncomingMark
from app.support.errors import UserError

FONT_SIZE = 9.0  # pt
LEADING = 1.25  # line height, in font sizes
INSET = 1.5 * MM  # between the frame and the text
MARGIN = 10 * MM  # kept free from the page's edges
BAND = 22 * MM  # added below the content when the page has no room
LABEL_SIZES = {"58x40": (58 * MM, 40 * MM), "A4-24": (70 * MM, 37 * MM)}
A4 = (210 * MM, 297 * MM)


def _block(
    mark: IncomingMark | FiledMark, family: str, size: float = FONT_SIZE
) -> tuple[float, float]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines = mark.lines()
    width = max(stringWidth(line, family, size) for line in lines) + 2 * INSET
    return width, len(lines) * size * LEADING + 2 * INSET - size * (LEADING - 1)


def _draw(
    canvas: Any,
    mark: IncomingMark | FiledMark,
    family: str,
    left: float,
    bottom: float,
    size: float,
) -> None:
    """The framed block with its lower-left corner at (left, bottom), in PDF coordinates."""
    width, height = _block(mark, family, size)
    canvas.setLineWidth(0.6)
    canvas.rect(left, bottom, width, height)
    canvas.setFont(family, size)
    y = bottom + height - INSET - size * 0.8
    for line in mark.lines():
        canvas.drawString(left + INSET, y, line)
        y -= size * LEADING


def _candidates(
    width: float, height: float, stamp: tuple[float, float]
) -> list[tuple[float, float]]:
    """(left, top) from the page's top-left corner: the lower right quarter and a little more,
    lowest first, then rightmost."""
    lefts = [x for x in steps(width / 2 - 20 * MM, width - MARGIN - stamp[0], 2.5 * MM)]
    tops = [y for y in steps(height * 0.45, height - MARGIN - stamp[1], 2.5 * MM)]
    return [(x, y) for y in reversed(tops) for x in reversed(lefts)]


def _left_candidates(
    width: float, height: float, stamp: tuple[float, float]
) -> list[tuple[float, float]]:
    """The same for the «В дело» block in the lower left, lowest first, then leftmost; its right
    edge stays left of where the receipt mark's places begin."""
    lefts = steps(MARGIN, width / 2 - 20 * MM - stamp[0], 2.5 * MM)
    tops = steps(height * 0.45, height - MARGIN - stamp[1], 2.5 * MM)
    return [(x, y) for y in reversed(tops) for x in lefts]


def stamp_incoming(
    pdf: bytes, mark: IncomingMark, font: str | None = None, filed: FiledMark | None = None
) -> Stamped:
    """A copy of the document with the mark (and, for a filed letter, its «В дело») on its
    first page; refused with one line when the file is not a readable PDF."""
    import pikepdf
    from reportlab.pdfgen.canvas import Canvas

    from app.exporters.fonts import font_family

    family = font_family(font)
    try:
        document = pikepdf.open(io.BytesIO(pdf))
    except Exception as exc:  # pikepdf raises many kinds for a broken file
        raise UserError("Документ не читается как PDF") from exc
    with document:
        if len(document.pages) == 0:
            raise UserError("В документе PDF нет страниц")
        page = document.pages[0]
        box = [float(v) for v in page.mediabox]
        width, height = box[2] - box[0], box[3] - box[1]
        stamp = _block(mark, family)
        case = _block(filed, family) if filed is not None else None
        try:
            looks = page_ink(pdf, 0, width)  # rendered once for both marks
            spot = looks.first_blank(stamp, _candidates(width, height, stamp))
            case_spot = (
                looks.first_blank(case, _left_candidates(width, height, case))
                if case is not None and spot is not None
                else None
            )
        except Exception as exc:  # pdfium could not render what pikepdf opened
            raise UserError("Документ не читается как PDF") from exc
        overlay = io.BytesIO()
        canvas = Canvas(overlay, pagesize=(width, height))
        if spot is not None and (case is None or case_spot is not None):
            left, top = spot
            _draw(canvas, mark, family, left, height - top - stamp[1], FONT_SIZE)
            place = (
                f"на свободном месте первой страницы внизу справа ({left / MM:.0f} мм от левого "
                f"края, {(height - top - stamp[1]) / MM:.0f} мм от нижнего)"
            )
            if filed is not None and case is not None and case_spot is not None:
                _draw(canvas, filed, family, case_spot[0], height - case_spot[1] - case[1],
                      FONT_SIZE)  # fmt: skip
                place += "; «В дело» — внизу слева"
        else:
            factor = with_band(document, page, width, height, BAND, below=True)
            left = width - MARGIN - stamp[0]
            _draw(canvas, mark, family, left, (BAND - stamp[1]) / 2, FONT_SIZE)
            if filed is not None and case is not None:
                _draw(canvas, filed, family, MARGIN, (BAND - case[1]) / 2, FONT_SIZE)
            place = (
                "под текстом первой страницы: свободного места на ней нет, содержимое страницы "
                f"уменьшено до {factor * 100:.0f} %"
            )
        canvas.showPage()
        canvas.save()
        with pikepdf.open(io.BytesIO(overlay.getvalue())) as stamped:
            page.add_overlay(stamped.pages[0], pikepdf.Rectangle(*box))
            out = io.BytesIO()
            document.save(out)
        return Stamped(out.getvalue(), len(document.pages), place)


def labels_pdf(marks: list[IncomingMark], size: str, font: str | None = None) -> bytes:
    """The marks as labels: ``58x40`` (a page a label) or ``A4-24`` (3 × 8 on A4)."""
    from reportlab.pdfgen.canvas import Canvas

    from app.exporters.fonts import font_family

    if size not in LABEL_SIZES:
        raise UserError(f"Размер этикеток «{size}»: допустимо {', '.join(LABEL_SIZES)}")
    if not marks:
        raise UserError("Не выбрано ни одного письма для этикеток")
    family = font_family(font)
    label_w, label_h = LABEL_SIZES[size]
    out = io.BytesIO()
    if size == "58x40":
        canvas = Canvas(out, pagesize=(label_w, label_h))
        for mark in marks:
            _label(canvas, mark, family, 0, 0, label_w, label_h)
            canvas.showPage()
    else:
        canvas = Canvas(out, pagesize=A4)
        columns, rows = 3, 8
        left0 = (A4[0] - columns * label_w) / 2
        top0 = (A4[1] + rows * label_h) / 2
        for n, mark in enumerate(marks):
            place = n % (columns * rows)
            if n and place == 0:
                canvas.showPage()
            column, row = place % columns, place // columns
            _label(
                canvas,
                mark,
                family,
                left0 + column * label_w,
                top0 - (row + 1) * label_h,
                label_w,
                label_h,
            )
        canvas.showPage()
    canvas.setTitle("Отметки о поступлении")
    canvas.save()
    created = max(mark.date for mark in marks)
    return to_pdfa(out.getvalue(), title="Отметки о поступлении", created=created)


def _label(
    canvas: Any, mark: IncomingMark, family: str, left: float, bottom: float, w: float, h: float
) -> None:
    """The mark centred on a label, as large as fits (at most 11 pt)."""
    size = 11.0
    while size > 6 and (
        _block(mark, family, size)[0] > w - 4 * MM or _block(mark, family, size)[1] > h - 4 * MM
    ):
        size -= 0.5
    block_w, block_h = _block(mark, family, size)
    _draw(canvas, mark, family, left + (w - block_w) / 2, bottom + (h - block_h) / 2, size)
