"""The registration number and date stamped on a letter made elsewhere (a PDF).

Where the document left blanks — «№ ____ от ____» or «от ____ № ____» — found in its own text
(pdfium), the number and the date are written on them with the program's font; with no blanks,
«№ … от …» goes in the registration requisite's place of an angular letterhead on page 1. The
document keeps its pages and its text: the stamp is an overlay (pikepdf), nothing is redrawn.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from app.errors import UserError

BLANK = r"(_{3,})"
NUMBER_BLANK = re.compile(r"№\s*" + BLANK)
DATE_BLANK = re.compile(r"(?:^|\s)от\s*" + BLANK)
STAMP_SIZE = 12.0  # pt
MM = 72 / 25.4
REQUISITE_PLACE = (20 * MM, 75 * MM)  # left, from the top: under an angular letterhead


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


def stamp_registration(pdf: bytes, number: str, date: str, font: str | None = None) -> Stamped:
    """The document with its number and date written in; refused with one line when the file is
    not a readable PDF."""
    import pikepdf
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
            left, top = REQUISITE_PLACE
            canvas.drawString(left, height - top, f"№ {number} от {date}")
            place = "в месте регистрационного номера углового бланка, страница 1"
        canvas.showPage()
        canvas.save()
        with pikepdf.open(io.BytesIO(overlay.getvalue())) as stamp:
            page.add_overlay(stamp.pages[0], None)
            out = io.BytesIO()
            document.save(out)
        return Stamped(out.getvalue(), len(document.pages), place)
