"""A scan or a PDF made elsewhere as a letter's document: pictures become pages; МЭДО gets
PDF/A-1b — the document's own text kept when its fonts are embedded, its pages as pictures
(and the clerk told why) when they are not; a hostile picture is refused with one line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from app.exporters.scan_pdf import archival_pdf, image_file_pdf
from app.services.output.letter_export import medo_pdf, prepare, preview_pdf
from app.services.registry.letter_files import letter_files, register_with_document
from app.support.errors import UserError
from db.engine import Database
from tests.support.builders import foreign_pdf, make_card
from tests.support.validators import pdfa_problems

DAY = dt.date(2025, 12, 2)


def _text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(p.get_textpage().get_text_range().split()) for p in document]
    finally:
        document.close()


def _scan(path: Path, pages: int = 2) -> Path:
    """A grey A4 scan at 100 dpi, a TIFF frame a page."""
    frames = [Image.new("L", (827, 1169), 200 + i) for i in range(pages)]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(100, 100))
    return path


def test_a_pdf_with_embedded_fonts_keeps_its_text(tmp_path: Path) -> None:
    source = foreign_pdf(tmp_path / "письмо.pdf").read_bytes()
    archival = archival_pdf(source, title="Письмо № 1", created=DAY)
    assert archival.rendered == ""
    assert pdfa_problems(archival.pdf, part=1) == []
    assert "Текст письма, подготовленного в другой системе." in _text(archival.pdf)[0]


def test_a_pdf_with_a_font_not_embedded_becomes_pictures(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842))
    canvas.setFont("Helvetica", 12)  # one of the standard 14: never embedded
    canvas.drawString(60, 700, "Letter text")
    canvas.showPage()
    canvas.save()
    archival = archival_pdf(buffer.getvalue(), title="Письмо № 1", created=DAY)
    assert "Helvetica не встроен" in archival.rendered
    assert pdfa_problems(archival.pdf, part=1) == []
    assert _text(archival.pdf) == [""]  # pictures only
    with pikepdf.open(io.BytesIO(archival.pdf)) as pdf:
        (page,) = pdf.pages
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]
        assert page.get_images()  # the page is a picture
    again = archival_pdf(buffer.getvalue(), title="Письмо № 1", created=DAY)
    assert again.pdf == archival.pdf  # a detached signature of it stays valid


def test_a_tiff_scan_is_pages_at_its_size() -> None:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (827, 1169), "white") for _ in range(3)]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100))
    pdf = image_file_pdf(buffer.getvalue(), "скан.tif")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 3
        width, height = (float(v) for v in document.pages[0].mediabox[2:])
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)


def test_a_picture_that_is_not_one_is_refused() -> None:
    with pytest.raises(UserError, match=r"скан\.jpg: изображение не читается"):
        image_file_pdf(b"\xff\xd8\xff not a jpeg", "скан.jpg")


def test_a_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    Image.new("L", (2000, 2000)).save(buffer, "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)  # 4 M pixels is then a bomb
    with pytest.raises(UserError, match="изображение не читается"):
        image_file_pdf(buffer.getvalue(), "скан.png")


def test_a_scan_registered_as_the_letter(demo_db: Database, tmp_path: Path) -> None:
    scan = _scan(tmp_path / "подписанное письмо.tif")
    registered, place = register_with_document(demo_db, make_card(body=""), scan)
    assert "на свободном месте первой страницы" in place  # found on its pixels, not text
    [document] = letter_files(demo_db, registered.id)
    assert (document.kind, document.pages) == ("document", 2)
    pages = _text(preview_pdf(demo_db, registered.id))
    assert pages[0] == f"№ {registered.number} от {registered.date:%d.%m.%Y}"
    prepared = prepare(demo_db, registered.id)
    pdf, rendered = medo_pdf(prepared, prepared.pages[0])
    assert rendered == "" and pdfa_problems(pdf, part=1) == []
    assert registered.number in _text(pdf)[0]  # the stamp's text stays text
