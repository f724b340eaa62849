"""The two stamps of a МЭДО container: PNG images and where they lie on the document.

- the registration stamp «№ 710/5 от 02.12.2025», over the place where the document prints its
  number and date;
- the signature stamp, the mark «Документ подписан электронной подписью» with the certificate's
  serial, owner and validity (ГОСТ Р 7.0.97-2025, requisite 10), over the place of the
  signature: the mark the letter prints, or else beside the signatory's name.

The places are found in the document's own text (pypdfium2), so they follow whatever layout
printed it. Positions are millimetres from the page's top-left corner.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass

from app.exporters.medo import REGISTRATION_STAMP, SIGNATURE_STAMP, Placement, StampImage
from app.support.paths import resource_path

MM = 72 / 25.4  # PDF points per millimetre
DPI = 300
BLUE = (0, 51, 153, 255)  # the colour stamps are drawn in
STAMP_SIZE_MM = (66, 20)  # the signature mark when the letter prints none
FRAME_HEAD = "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ"


@dataclass(frozen=True)
class _Box:
    """A rectangle on a page in PDF points (origin bottom-left)."""

    page: int  # from 0
    left: float
    bottom: float
    right: float
    top: float

    def union(self, other: _Box) -> _Box:
        return _Box(
            self.page,
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )


def _find(document: object, text: str, pages: list[int]) -> _Box | None:
    """The first place ``text`` is printed on the given pages."""
    for index in pages:
        page = document[index]  # type: ignore[index]
        textpage = page.get_textpage()
        searcher = textpage.search(text, match_case=True)
        found = searcher.get_next()
        if found:
            start, count = found
            boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
            return _Box(
                index,
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
    return None


def _placement(
    document: object, box: _Box, pad_mm: float = 1.0, pad_x_mm: float | None = None
) -> Placement:
    height = document[box.page].get_height()  # type: ignore[index]
    pad_x = pad_mm if pad_x_mm is None else pad_x_mm
    x = max(0, math.floor(box.left / MM - pad_x))
    y = max(0, math.floor((height - box.top) / MM - pad_mm))
    w = max(1, math.ceil((box.right - box.left) / MM + 2 * pad_x))
    h = max(1, math.ceil((box.top - box.bottom) / MM + 2 * pad_mm))
    return Placement(box.page + 1, x, y, w, h)


@functools.cache
def _font_file() -> str:
    return str(resource_path("fonts", "LiberationSerif-Regular.ttf"))


def _width(draw: object, line: str, font: object) -> float:
    return float(draw.textlength(line, font=font)) + 2  # type: ignore[attr-defined]


def _png(lines: list[str], place: Placement, *, frame: bool, bold_first: bool = False) -> bytes:
    """The lines drawn to fill an image of the placement's size, on white."""
    from PIL import Image, ImageDraw, ImageFont

    px = DPI / 25.4
    width, height = round(place.w * px), round(place.h * px)
    # opaque: laid over the document, the stamp replaces what is printed there (the number
    # line, the letter's own signature mark) instead of mixing with it
    image = Image.new("RGBA", (width, height), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    margin = round(1.5 * px) if frame else round(0.3 * px)
    step = (height - 2 * margin) / len(lines)
    size = max(6, int(step * (0.8 if frame else 1.0)))
    font = ImageFont.truetype(_font_file(), size)
    while size > 6 and max(_width(draw, line, font) for line in lines) > width - 2 * margin - px:
        size -= 1
        font = ImageFont.truetype(_font_file(), size)
    if frame:
        box = (1, 1, width - 2, height - 2)
        draw.rounded_rectangle(box, radius=round(2 * px), outline=BLUE, width=max(2, size // 8))
    for i, line in enumerate(lines):
        middle = margin + step * i + step / 2
        head = frame and i == 0
        x = width / 2 if head else margin + (round(px) if frame else 0)
        draw.text(
            (x, middle),
            line,
            font=font,
            fill=BLUE,
            anchor="mm" if head else "lm",
            stroke_width=1 if bold_first and head else 0,
        )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def _line_of(document: object, box: _Box) -> tuple[_Box, str]:
    """The printed line ``box`` is part of: its characters within reach left and right."""
    page = document[box.page]  # type: ignore[index]
    textpage = page.get_textpage()
    middle = (box.bottom + box.top) / 2
    reach_left, reach_right = box.left - 15 * MM, box.right + 45 * MM
    line = box
    chars = []
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        if bottom <= middle <= top and reach_left <= left and right <= reach_right:
            chars.append(i)
            if right > left:
                line = line.union(_Box(box.page, left, bottom, right, top))
    text = textpage.get_text_range(chars[0], chars[-1] - chars[0] + 1) if chars else ""
    return line, " ".join(text.split())


def registration_stamp(pdf: bytes, number: str, fallback: str) -> StampImage:
    """The number-and-date line as printed, over itself (or ``fallback`` at the top-left)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        box = _find(document, number, [0])
        text = fallback
        if box is not None:
            box, printed = _line_of(document, box)
            text = printed if number in printed else fallback
            place = _placement(document, box, pad_mm=0.5)
        else:
            place = Placement(1, 20, 70, 70, 8)
    finally:
        document.close()
    return StampImage(REGISTRATION_STAMP, _png([text], place, frame=False), place)


def signature_stamp(pdf: bytes, lines: tuple[str, ...], signer_name: str) -> StampImage:
    """The signature mark over the letter's own mark, else left of the signatory's name."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        last = len(document) - 1
        pages = list(range(last, -1, -1))
        head = _find(document, FRAME_HEAD, pages)
        if head is not None:
            tail = _find(document, lines[-1].split()[0], [head.page])
            box = head if tail is None or tail.top > head.top else head.union(tail)
            place = _placement(document, box, pad_mm=2.5, pad_x_mm=4.0)  # over its frame too
        else:
            name = _find(document, signer_name, pages) if signer_name else None
            w, h = STAMP_SIZE_MM
            if name is not None:  # left of the name (with its initials), from its line down
                name = _line_of(document, name)[0]
                height = document[name.page].get_height()
                x = max(0, math.floor(name.left / MM) - w - 5)
                y = max(0, math.floor((height - name.top) / MM) - 4)
                place = Placement(name.page + 1, x, y, w, h)
            else:
                place = Placement(last + 1, 70, 200, w, h)
    finally:
        document.close()
    return StampImage(SIGNATURE_STAMP, _png(list(lines), place, frame=True, bold_first=True), place)
