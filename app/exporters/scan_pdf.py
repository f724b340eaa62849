"""A scan or a PDF made elsewhere, made fit to be a letter's document.

- A scan that comes as pictures (JPEG, PNG, TIFF with one page a frame) becomes a PDF of those
  pages at their own size (their resolution, 200 dpi when the file does not say).
- A МЭДО container carries its document as PDF/A-1b. A PDF made elsewhere is turned into one by
  :func:`app.exporters.pdfa.to_pdfa` when that can be honest: every font embedded, no
  transparency group, not encrypted, no scripts or embedded files. Otherwise its pages are
  rendered to pictures (pdfium, 200 dpi) and those pictures are the document — what the
  addressee sees stays the same, the text layer does not; the clerk is told why.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.support.errors import UserError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
DEFAULT_DPI = 200
RASTER_DPI = 200
MAX_PAGES = 2000  # a scan of more pages is not a letter
# a page larger than A0 (841 × 1189 mm) is no letter's page: refused before it is rendered
MAX_PAGE_PT = 1189 * 72 / 25.4
# a scanned page above 40 megapixels (A3 at 600 dpi is 35) is refused before it is decoded:
# a 492 KB PNG of 200 megapixels took 3 GB
MAX_FRAME_PIXELS = 40_000_000


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def _frames(image: Any) -> Iterator[Any]:
    for index in range(int(getattr(image, "n_frames", 1))):
        if index >= MAX_PAGES:
            raise UserError(f"В скане больше {MAX_PAGES} страниц")
        image.seek(index)
        width, height = image.size
        if width * height > MAX_FRAME_PIXELS:
            raise UserError(
                f"Страница {index + 1} скана — {width} × {height} точек, больше "
                f"{MAX_FRAME_PIXELS // 1_000_000} мегапикселей: это не скан письма"
            )
        yield image


def _page_of(canvas: Any, frame: Any, dpi: float) -> None:
    from reportlab.lib.utils import ImageReader

    picture = frame.convert("L" if frame.mode in ("1", "L", "LA", "I;16") else "RGB")
    width, height = picture.size[0] * 72 / dpi, picture.size[1] * 72 / dpi
    canvas.setPageSize((width, height))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    canvas.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, width, height)
    canvas.showPage()


def _dpi(frame: Any) -> float:
    value = frame.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
    try:
        dpi = float(value[0])
    except (TypeError, ValueError, IndexError):
        return DEFAULT_DPI
    return dpi if 50 <= dpi <= 1200 else DEFAULT_DPI


def image_file_pdf(data: bytes, name: str) -> bytes:
    """The scan's pictures as a PDF, a page a picture; refused with one line when they are not
    pictures or are too large to be a page (Pillow's decompression-bomb limit)."""
    from PIL import Image, UnidentifiedImageError
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pageCompression=1, invariant=1)
    try:
        with Image.open(io.BytesIO(data)) as image:
            for frame in _frames(image):
                _page_of(canvas, frame, _dpi(frame))
    except UserError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise UserError(f"{name}: изображение не читается ({exc.__class__.__name__})") from None
    canvas.save()
    return out.getvalue()


def check_page_sizes(document: Any) -> None:
    """Every page of a pdfium document at most A0, its count at most :data:`MAX_PAGES`; one
    line naming the first that is not (read from the page boxes, nothing rendered)."""
    if len(document) > MAX_PAGES:
        raise UserError(f"В документе больше {MAX_PAGES} страниц — это не письмо")
    for index in range(len(document)):
        width, height = document[index].get_size()
        if max(width, height) > MAX_PAGE_PT or min(width, height) <= 0:
            raise UserError(
                f"Страница {index + 1} документа — {width / 72 * 25.4:.0f} × "
                f"{height / 72 * 25.4:.0f} мм, больше листа A0: это не страница письма"
            )


def page_sizes_checked(pdf: bytes) -> None:
    """:func:`check_page_sizes` of a PDF's bytes; a PDF that cannot be read is one line."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except Exception:  # pdfium raises its own kinds for a broken file
        raise UserError("Документ не читается как PDF") from None
    try:
        check_page_sizes(document)
    finally:
        document.close()


def raster_pdf(pdf: bytes, dpi: int = RASTER_DPI) -> bytes:
    """The PDF's pages rendered to pictures, a new PDF of those pictures at the same size."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pageCompression=1, invariant=1)
    document = pdfium.PdfDocument(pdf)
    try:
        check_page_sizes(document)
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, may_draw_forms=True)
            _page_of(canvas, bitmap.to_pil(), dpi)
    finally:
        document.close()
    canvas.save()
    return out.getvalue()


@dataclass(frozen=True)
class Archival:
    pdf: bytes  # PDF/A-1b
    rendered: str  # "" when the document kept its text; else why it became pictures


def _obstacles(pdf: bytes) -> str:
    """Why the PDF cannot become PDF/A-1b as it is; "" when it can."""
    import pikepdf

    try:
        document = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PasswordError:
        return "документ зашифрован"
    with document:
        if document.is_encrypted:
            return "документ зашифрован"
        names = document.Root.get("/Names")
        if names is not None and ("/JavaScript" in names or "/EmbeddedFiles" in names):
            return "в документе сценарии или вложенные файлы"
        for page in document.pages:
            group = page.obj.get("/Group")
            if group is not None and group.get("/S") == pikepdf.Name.Transparency:
                return "в документе прозрачность"
        for page in document.pages:
            for font in _used_fonts(page.obj, set()):
                for item in [font, *font.get("/DescendantFonts", [])]:
                    if item.get("/Subtype") == "/Type3" or item.get("/Subtype") == "/Type0":
                        continue  # drawn by the file itself / described by its descendant
                    descriptor = item.get("/FontDescriptor")
                    if descriptor is None or not any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                    ):
                        return f"шрифт {str(item.get('/BaseFont', ''))[1:]} не встроен в документ"
    return ""


def _used_fonts(holder: Any, seen: set[tuple[int, int]]) -> list[Any]:
    """The fonts a page (or a form inside it) shows text in, not merely lists or selects
    (ReportLab selects Helvetica at the top of every page and never uses it)."""
    import pikepdf

    resources = holder.get("/Resources") or pikepdf.Dictionary()
    fonts = resources.get("/Font") or pikepdf.Dictionary()
    used = []
    current = None
    for instruction in pikepdf.parse_content_stream(holder):
        operands, operator = instruction.operands, instruction.operator
        if str(operator) == "Tf" and operands:
            current = fonts.get(str(operands[0]))
        elif str(operator) in ("Tj", "TJ", "'", '"') and current is not None:
            used.append(current)
        elif str(operator) == "Do" and operands:
            xobjects = resources.get("/XObject") or pikepdf.Dictionary()
            form = xobjects.get(str(operands[0]))
            if form is not None and form.get("/Subtype") == "/Form" and form.objgen not in seen:
                seen.add(form.objgen)
                used += _used_fonts(form, seen)
    return used


def archival_pdf(pdf: bytes, *, title: str, created: dt.date) -> Archival:
    """The PDF as PDF/A-1b for МЭДО, the same bytes for the same document."""
    from app.exporters.pdfa import to_pdfa

    reason = _obstacles(pdf)
    if reason:
        pdf = raster_pdf(pdf)
    return Archival(to_pdfa(pdf, title=title, created=created), reason)
