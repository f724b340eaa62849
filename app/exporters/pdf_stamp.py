"""The registration number and date stamped on a letter made elsewhere (a PDF or a scan).

Only where the page is blank, in this order:
1. the blanks the document left — «№ ____ от ____» or «от ____ № ____» — found in its own text
   (pdfium): the number and the date are written on them;
2. else a blank spot of the letterhead zone of page 1, found on the page as it looks (rendered
   small, in grey): the registration requisite's place of an angular letterhead first, then
   the nearest blank strip around it — a scan has no text to ask, only its pixels;
3. else a band added above the text of page 1: the page's content is shrunk a little to make
   room, so the stamp never covers a line of the document.
The document keeps its pages and its text: the stamp is an overlay (pikepdf), nothing is
redrawn. Page sizes are read before anything is rendered, and the rendering is bounded.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from app.support.errors import UserError

BLANK = r"(_{3,})"
NUMBER_BLANK = re.compile(r"№\s*" + BLANK)
DATE_BLANK = re.compile(r"(?:^|\s)от\s*" + BLANK)
STAMP_SIZE = 12.0  # pt
MM = 72 / 25.4
REQUISITE_PLACE = (20 * MM, 75 * MM)  # left, from the top: under an angular letterhead
# where a blank spot is looked for on page 1 (from the left and the top edge, mm): the
# letterhead's column and below it, down to where a letter's text usually begins
ZONE_LEFT, ZONE_RIGHT, ZONE_TOP, ZONE_BOTTOM = 12.0, 110.0, 25.0, 115.0
SCAN_WIDTH_PX = 600  # page 1 rendered at most this wide to look for blank space
INK = 170  # grey below this (0 black, 255 white) is ink, not paper
INK_SHARE = 0.002  # a spot with more ink than this share of its pixels is not blank
PAD = 2 * MM  # blank paper kept around the stamp
BAND = 14 * MM  # the band added above the text when no blank spot is found


@dataclass(frozen=True)
class Stamped:
    pdf: bytes
    pages: int
    place: str  # what a clerk is told: where the number went


def _boxes(text: str, pattern: re.Pattern[str], textpage: object) -> list[tuple[float, ...]]:
    out: list[tuple[float, ...]] = []
    for match in pattern.finditer(text):
        start, end = match.span(1)
        boxes = [textpage.get_charbox(i) for i in range(start, end)]  # type: ignore[attr-defined]
        out.append(
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
        )
    return out


def _find_blanks(pdf: bytes) -> tuple[int, tuple[float, ...] | None, tuple[float, ...] | None]:
    """(page index, number blank, date blank) of the first page with a number blank."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            text = textpage.get_text_range()
            numbers = _boxes(text, NUMBER_BLANK, textpage)
            if numbers:
                dates = _boxes(text, DATE_BLANK, textpage)
                return index, numbers[0], dates[0] if dates else None
        return 0, None, None
    finally:
        document.close()


def _blank_spot(
    pdf: bytes, index: int, size: tuple[float, float], stamp: tuple[float, float]
) -> tuple[float, float] | None:
    """(left, top) in pt of a blank place for a ``stamp`` (width, height, pt) in the letterhead
    zone of the page, the requisite's place first, then by distance from it; None if none."""
    width = size[0]
    home = REQUISITE_PLACE
    candidates = [
        (x * MM, y * MM)
        for y in steps(ZONE_TOP, ZONE_BOTTOM, 2.5)
        for x in steps(ZONE_LEFT, ZONE_RIGHT, 5.0)
        if x * MM + stamp[0] <= min(ZONE_RIGHT * MM + stamp[0], width - 10 * MM)
    ]
    candidates.sort(key=lambda c: abs(c[1] - home[1]) + abs(c[0] - home[0]) / 2)
    return blank_place(pdf, index, width, stamp, [home, *candidates])


@dataclass(frozen=True)
class PageInk:
    """A page as it looks, rendered once (small, in grey: a scan has no text to ask), to find
    blank places on it for one stamp or several."""

    ink: Any  # PIL image: ink white on black, so that sums count ink
    scale: float  # pixels per pt

    def first_blank(
        self, stamp: tuple[float, float], candidates: list[tuple[float, float]]
    ) -> tuple[float, float] | None:
        """The first of ``candidates`` ((left, top) in pt from the page's top-left corner)
        where a ``stamp`` (width, height, pt) with :data:`PAD` around it covers no ink."""

        def blank(left: float, top: float) -> bool:
            box = tuple(
                round(v * self.scale)
                for v in (left - PAD, top - PAD, left + stamp[0] + PAD, top + stamp[1] + PAD)
            )
            if box[0] < 0 or box[1] < 0 or box[2] > self.ink.width or box[3] > self.ink.height:
                return False
            area = self.ink.crop(box)
            pixels = max(area.width * area.height, 1)
            inked = sum(area.histogram()[255:])
            return inked <= pixels * INK_SHARE

        return next((c for c in candidates if blank(*c)), None)


def page_ink(pdf: bytes, index: int, width: float) -> PageInk:
    """Page ``index`` rendered for :meth:`PageInk.first_blank`."""
    import pypdfium2 as pdfium

    scale = min(1.0, SCAN_WIDTH_PX / max(width, 1.0))
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[index].render(scale=scale, grayscale=True)
        image = bitmap.to_pil().convert("L")
    finally:
        document.close()
    return PageInk(image.point(lambda v: 255 if v < INK else 0), scale)


def blank_place(
    pdf: bytes,
    index: int,
    width: float,
    stamp: tuple[float, float],
    candidates: list[tuple[float, float]],
) -> tuple[float, float] | None:
    """The first of ``candidates`` where a ``stamp`` covers no ink on page ``index``, as the page
    looks (:class:`PageInk`); None if none is."""
    return page_ink(pdf, index, width).first_blank(stamp, candidates)


def steps(low: float, high: float, step: float) -> list[float]:
    n = int((high - low) / step)
    return [low + i * step for i in range(n + 1)]


def with_band(
    document: Any,
    page: Any,
    width: float,
    height: float,
    band: float = BAND,
    *,
    below: bool = False,
) -> float:
    """Shrink the page's content so that a band of ``band`` pt is free above it (or below it);
    the factor. Nothing of the page is redrawn: its content is wrapped in a transformation."""
    import pikepdf

    factor = (height - band) / height
    dx = width * (1 - factor) / 2
    dy = band if below else 0.0
    shrink = f"q {factor:.5f} 0 0 {factor:.5f} {dx:.3f} {dy:.3f} cm\n".encode()
    page.contents_add(pikepdf.Stream(document, shrink), prepend=True)
    page.contents_add(pikepdf.Stream(document, b"\nQ\n"))
    return factor


def stamp_registration(pdf: bytes, number: str, date: str, font: str | None = None) -> Stamped:
    """The document with its number and date written in; refused with one line when the file is
    not a readable PDF."""
    import pikepdf
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    from app.exporters.fonts import font_family

    try:
        document = pikepdf.open(io.BytesIO(pdf))
        index, number_box, date_box = _find_blanks(pdf)
    except Exception as exc:  # pikepdf and pdfium raise many kinds for a broken file
        raise UserError("Документ не читается как PDF") from exc
    with document:
        if len(document.pages) == 0:
            raise UserError("В документе PDF нет страниц")
        page = document.pages[index]
        box = [float(v) for v in page.mediabox]
        width, height = box[2] - box[0], box[3] - box[1]
        family = font_family(font)
        overlay = io.BytesIO()
        canvas = Canvas(overlay, pagesize=(width, height))
        canvas.setFont(family, STAMP_SIZE)
        if number_box is not None:
            canvas.drawString(number_box[0] - box[0] + 2, number_box[1] - box[1] + 1.5, number)
            if date_box is not None:
                canvas.drawString(date_box[0] - box[0] + 2, date_box[1] - box[1] + 1.5, date)
            else:
                canvas.drawString(number_box[2] - box[0] + 4, number_box[1] - box[1] + 1.5, date)
            place = f"на бланке документа, страница {index + 1}"
        else:
            text = f"№ {number} от {date}"
            size = (stringWidth(text, family, STAMP_SIZE), STAMP_SIZE * 1.3)
            spot = _blank_spot(pdf, 0, (width, height), size)
            if spot is not None:
                left, top = spot
                canvas.drawString(left, height - top - STAMP_SIZE, text)
                place = (
                    f"на свободном месте первой страницы ({left / MM:.0f} мм от левого края, "
                    f"{top / MM:.0f} мм от верхнего)"
                )
            else:
                factor = with_band(document, page, width, height)
                canvas.drawString(REQUISITE_PLACE[0], height - BAND + 4 * MM, text)
                place = (
                    "над текстом первой страницы: свободного места на ней нет, содержимое "
                    f"страницы уменьшено до {factor * 100:.0f} %"
                )
        canvas.showPage()
        canvas.save()
        with pikepdf.open(io.BytesIO(overlay.getvalue())) as stamp:
            page.add_overlay(stamp.pages[0], None)
            out = io.BytesIO()
            document.save(out)
        return Stamped(out.getvalue(), len(document.pages), place)
