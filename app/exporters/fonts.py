"""The bundled Liberation Serif (SIL OFL 1.1) registered with reportlab, once."""

from __future__ import annotations

from functools import cache

from app.support.paths import resource_path

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


FACE_SUFFIXES = {
    "": ("Regular", ""),
    "-Bold": ("Bold",),
    "-Italic": ("Italic",),
    "-BoldItalic": ("BoldItalic", "Bold Italic", "BI"),
}


@cache
def font_family(regular: str | None = None) -> str:
    """The family the PDF uses: the bundled Liberation Serif, or the organization's own TTF
    (``PTAstraSerif-Regular.ttf``; its Bold/Italic/BoldItalic siblings when present, else the
    regular face stands in for them). Returns the registered family name."""
    if not regular:
        return register_fonts()
    from pathlib import Path

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from app.support.errors import UserError

    path = Path(regular)
    if not path.is_file():
        raise UserError(f"Шрифт {path} не найден")
    stem = path.stem
    base = stem[: -len("-Regular")] if stem.endswith("-Regular") else stem
    family = "Org" + "".join(ch for ch in base if ch.isalnum())
    faces: dict[str, str] = {}
    for suffix, names in FACE_SUFFIXES.items():
        found = path if not suffix else None
        for name in names if suffix else ():
            candidate = path.with_name(f"{base}-{name}{path.suffix}")
            if candidate.is_file():
                found = candidate
                break
        try:
            pdfmetrics.registerFont(TTFont(family + suffix, str(found or path)))
        except Exception as exc:  # a damaged or non-TrueType file
            raise UserError(f"Шрифт {found or path} не читается: {exc}") from exc
        faces[suffix] = family + suffix
    pdfmetrics.registerFontFamily(
        family,
        normal=faces[""],
        bold=faces["-Bold"],
        italic=faces["-Italic"],
        boldItalic=faces["-BoldItalic"],
    )
    return family
