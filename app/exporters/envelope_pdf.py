"""Postal envelopes C4, C5 and DL (E65) as PDF, one page per recipient.

The blocks sit where the windows of standard window envelopes are (ГОСТ Р 51506-99 places the
sender top left and the recipient bottom right): the sender's window 90×40 mm at 15 mm from the
left and 12 mm from the top, the recipient's window 90×45 mm at 15 mm from the right and 15 mm
from the bottom. The destination postcode is printed again, large, in the lower left corner,
where the post office's sorting reads it. The page is the envelope itself (landscape), so the
printer's envelope tray takes it as it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from app.exporters.pdfa import to_pdfa
from app.support import clock

MM = 72 / 25.4
SIZES = {  # width × height, mm, landscape as it goes through the printer
    "C4": (324.0, 229.0),
    "C5": (229.0, 162.0),
    "DL": (220.0, 110.0),
}
WINDOW_W, SENDER_H, RECIPIENT_H = 90.0, 40.0, 45.0
SENDER_X, SENDER_TOP = 15.0, 12.0  # from the left and the top edge
RECIPIENT_RIGHT, RECIPIENT_BOTTOM = 15.0, 15.0  # from the right and the bottom edge


@dataclass(frozen=True)
class EnvelopeAddress:
    lines: list[str]  # who: organization and official, in the dative («Кому»)
    address: str  # where («Куда»): street, city, region
    postcode: str


def recipient_window(size: str) -> tuple[float, float, float, float]:
    """The recipient's window (x, y from the bottom, width, height) in millimetres."""
    width, _height = SIZES[size]
    return (width - RECIPIENT_RIGHT - WINDOW_W, RECIPIENT_BOTTOM, WINDOW_W, RECIPIENT_H)


def sender_window(size: str) -> tuple[float, float, float, float]:
    _width, height = SIZES[size]
    return (SENDER_X, height - SENDER_TOP - SENDER_H, WINDOW_W, SENDER_H)


def _block(canvas: Any, box: tuple[float, float, float, float], html: str, size: float) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from app.exporters.fonts import SERIF

    x, y, w, h = (v * MM for v in box)
    for font_size in (size, size - 1, size - 2, size - 3):  # shrink a long address to fit
        style = ParagraphStyle("e", fontName=SERIF, fontSize=font_size, leading=font_size * 1.15)
        paragraph = Paragraph(html, style)
        _pw, ph = paragraph.wrap(w, h)
        if ph <= h:
            break
    paragraph.drawOn(canvas, x, y + h - ph)  # top of the window; what never fits shows, overflowing


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_envelopes(
    size: str, sender_name: str, sender_address: str, recipients: list[EnvelopeAddress]
) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from app.exporters.fonts import SERIF, register_fonts

    if size not in SIZES:
        raise ValueError(size)
    register_fonts()
    width, height = SIZES[size]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width * MM, height * MM), pageCompression=1)
    canvas.setTitle(f"Конверты {size}")
    text_size = 12 if size == "C4" else 11
    sender = (
        f"<font size='{text_size - 3}'>От кого</font> {_escape(sender_name)}<br/>"
        f"<font size='{text_size - 3}'>Откуда</font> {_escape(sender_address)}"
    )
    for item in recipients:
        _block(canvas, sender_window(size), sender, text_size - 1)
        who = "<br/>".join(_escape(line) for line in item.lines if line.strip())
        where = ", ".join(p for p in (item.address.strip(), item.postcode.strip()) if p)
        _block(
            canvas,
            recipient_window(size),
            f"<font size='{text_size - 3}'>Кому</font> {who}<br/>"
            f"<font size='{text_size - 3}'>Куда</font> {_escape(where)}",
            text_size,
        )
        if item.postcode.strip():
            canvas.setFont(f"{SERIF}-Bold", 20)
            canvas.drawString(15 * MM, 12 * MM, item.postcode.strip())
            canvas.setFont(SERIF, 7)
            canvas.drawString(15 * MM, 9 * MM, "Индекс места назначения")
        canvas.showPage()
    canvas.save()
    return to_pdfa(buffer.getvalue(), title=f"Конверты {size}", created=clock.today())
