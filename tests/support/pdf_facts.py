"""Facts read from a PDF for assertions: the fonts its pages use."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium


def fonts(data: bytes) -> list[Any]:
    """The font dictionaries of every page (pypdf objects, resolved)."""
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        found += [font.get_object() for font in resources["/Font"].values()]
    return found


def font_names(data: bytes) -> set[str]:
    """The base font names of every page (subset tags included: «ABCDEF+LiberationSerif»)."""
    return {str(font["/BaseFont"]) for font in fonts(data)}


def page_lines(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(p.get_textpage().get_text_range().split()) for p in document]
    finally:
        document.close()
