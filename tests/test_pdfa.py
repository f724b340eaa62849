"""Every PDF the program writes is PDF/A-2b in its structure (no validator runs here: veraPDF
cannot be installed): XMP identification, an sRGB output intent, every font embedded under a
subset tag of its own, dates that agree and belong to the document — the same letter gives the
same bytes. The three writers are covered: letters, table printouts and envelopes."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from app.exporters.envelope_pdf import EnvelopeAddress, render_envelopes
from app.services.output.letter_export import prepare, render
from app.services.registry.journal import export_journal
from app.services.registry.letters import letter_id_by_number
from db.engine import Database


def pdfa_problems(data: bytes, part: int = 2) -> list[str]:
    """What in the file falls short of PDF/A-2b's (or 1b's) structure; empty when nothing does."""
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.is_encrypted:
            problems.append("encrypted")
        meta = pdf.open_metadata()
        if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != (str(part), "B"):
            problems.append(f"no pdfaid {part}B in XMP")
        if part == 1 and pdf.pdf_version != "1.4":
            problems.append(f"PDF {pdf.pdf_version}, not 1.4")
        if not meta.get("dc:title"):
            problems.append("no dc:title")
        intents: Any = pdf.Root.get("/OutputIntents", [])
        if len(intents) != 1 or intents[0].S != "/GTS_PDFA1":
            problems.append("no PDF/A output intent")
        elif intents[0].DestOutputProfile.N != 3:
            problems.append("the output profile is not RGB")
        created = str(pdf.docinfo.get("/CreationDate", ""))
        xmp_created = str(meta.get("xmp:CreateDate", ""))
        if created[2:10] != xmp_created[:10].replace("-", ""):
            problems.append(f"dates disagree: {created} / {xmp_created}")
        problems += _font_problems(pdf)
    return problems


def _font_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every font embedded, no subset tag on two fonts."""
    problems: list[str] = []
    tags: dict[str, str] = {}
    for page in pdf.pages:
        for _key, font in page.Resources.get("/Font", {}).items():
            for item in [font, *font.get("/DescendantFonts", [])]:
                name = str(item.get("/BaseFont", ""))
                descriptor = item.get("/FontDescriptor")
                embedded = ("/FontFile", "/FontFile2", "/FontFile3")
                if descriptor is not None and not any(k in descriptor for k in embedded):
                    problems.append(f"font not embedded: {name}")
                if len(name) > 8 and name[7] == "+":
                    tag, rest = name[1:7], name[8:]
                    if tags.setdefault(tag, rest) != rest:
                        problems.append(f"subset tag {tag} on two fonts")
    return problems


@pytest.mark.parametrize("number", ["710/5", "1893/5", "2174-РСК"])
def test_letters_are_pdfa_and_the_same_bytes_every_time(demo_db: Database, number: str) -> None:
    prepared = prepare(demo_db, letter_id_by_number(demo_db, number))
    first = render(prepared, "pdf", prepared.pages)
    assert pdfa_problems(first) == []
    assert render(prepared, "pdf", prepared.pages) == first  # a signature stays valid
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith(f"D:{prepared.pages[0].date:%Y%m%d}")


def test_a_merged_mailing_is_pdfa(demo_db: Database) -> None:
    prepared = prepare(demo_db, letter_id_by_number(demo_db, "1893/5"), per_recipient=True)
    assert pdfa_problems(render(prepared, "pdf", prepared.pages[:5])) == []


def test_table_printouts_and_envelopes_are_pdfa(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "journal.pdf"
    export_journal(demo_db, dt.date(2025, 1, 1), dt.date(2025, 12, 31), out)
    assert pdfa_problems(out.read_bytes()) == []
    envelopes = render_envelopes(
        "DL", "Роскачество", "Москва", [EnvelopeAddress(["Губернатору"], "Кострома", "156000")]
    )
    assert pdfa_problems(envelopes) == []


def test_reportlab_alone_falls_short(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: the file as ReportLab writes it has none of it."""
    import app.exporters.letter_pdf as letter_pdf

    monkeypatch.setattr(letter_pdf, "to_pdfa", lambda data, **_: data)
    prepared = prepare(demo_db, letter_id_by_number(demo_db, "710/5"))
    problems = pdfa_problems(render(prepared, "pdf", prepared.pages))
    assert "no pdfaid 2B in XMP" in problems and "no PDF/A output intent" in problems
    assert any(p.startswith("subset tag") for p in problems)


def test_pdfa_1_flattens_transparent_images() -> None:
    """A logo with an alpha channel: PDF/A-1 allows no soft mask, so it is composed on white."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from app.exporters.pdfa import to_pdfa

    logo = Image.new("RGBA", (40, 20), (200, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (10, 5, 30, 15))
    png = io.BytesIO()
    logo.save(png, "PNG")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawImage(ImageReader(io.BytesIO(png.getvalue())), 100, 700, 80, 40, mask="auto")
    page.save()
    assert b"/SMask" in buffer.getvalue()  # what reportlab writes
    data = to_pdfa(buffer.getvalue(), title="Логотип", created=dt.date(2025, 12, 2), part=1)
    assert data.startswith(b"%PDF-1.4") and b"/ObjStm" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        images = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ]
        assert images and all("/SMask" not in image for image in images)
        flat = pikepdf.PdfImage(images[0]).as_pil_image().convert("RGB")
        assert flat.getpixel((0, 0)) == (255, 255, 255)  # transparent → white
        assert flat.getpixel((20, 10)) == (200, 0, 0)  # the opaque part kept
        assert pdf.open_metadata()["pdfaid:part"] == "1"
