"""The bundled Liberation Serif (SIL OFL 1.1) registered with reportlab, once."""

from __future__ import annotations

from functools import cache

from app.paths import resource_path

SERIF = "LiberationSerif"
FACES = {
    SERIF: "LiberationSerif-Regular.ttf",
    f"{SERIF}-Bold": "LiberationSerif-Bold.ttf",
    f"{SERIF}-Italic": "LiberationSerif-Italic.ttf",
    f"{SERIF}-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}


@cache
def register_fonts() -> str:
    """Register the serif family (with <b>/<i> mapping) and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    pdfmetrics.registerFontFamily(
        SERIF,
        normal=SERIF,
        bold=f"{SERIF}-Bold",
        italic=f"{SERIF}-Italic",
        boldItalic=f"{SERIF}-BoldItalic",
    )
    return SERIF
