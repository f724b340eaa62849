"""Every PDF the program writes is PDF/A-1b, as Apache PDFBox Preflight checks it (issue 37):
letters (with and without the e-signature mark, lists, appendices, a mailing), МЭДО documents
(ours, a letter made elsewhere, one whose pages had to become pictures), envelopes, journals, a
gaps list, a dispatch sheet, the post list. Beside the validator, what it does not look at:
subset tags of their own, dates that belong to the document — the same letter gives the same
bytes."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pikepdf
import pytest

from app.exporters.envelope_pdf import EnvelopeAddress, render_envelopes
from app.services.journal.printouts import export_journal
from app.services.output.letter_export import prepare, render
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from tests.support.validators import pdfa_problems


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
    assert "no pdfaid 1B in XMP" in problems and "no PDF/A output intent" in problems
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
    data = to_pdfa(buffer.getvalue(), title="Логотип", created=dt.date(2025, 12, 2))
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


# a letter with everything a letter can carry: the e-signature mark, lists, attachments, the
# report form and the distribution list as appendices
SIGNED_CARD = {
    "journal": "РСК",
    "case": "5",
    "subject": "О представлении сведений",
    "addressee": {"list": "Высшие органы исполнительной власти субъектов Российской Федерации"},
    "body": "Просим представить сведения:\n\n- о первом;\n- о втором.\n\n"
    "1. Пункт один.\n2. Пункт два.",
    "attachments": [{"title": "Форма отчета", "sheets": 1, "copies": 1}],
    "signatory": "protasov",
    "signature": "electronic",
    "executor": "starchikova",
    "report": {"due": "2026-01-15", "columns": ["Субъект РФ", "Сведения"], "rows": 2},
    "appendices": ["report_form", "distribution_list"],
}


def _every_kind(tmp_path: Path) -> dict[str, bytes]:
    """One file of every kind of PDF the program writes, through the commands a clerk runs."""
    import os

    from reportlab.pdfgen import canvas

    from tests.support.cli import run

    db = tmp_path / "registry.db"
    env = dict(os.environ, SECRETARIAT_DB=str(db), SECRETARIAT_TODAY="2025-12-03")

    def ok(*args: str) -> None:
        done = run(*args, env=env)
        assert done.returncode == 0, (args, done.stderr)

    ok("demo", "--mixed-mailing")
    out = tmp_path / "out"
    out.mkdir()
    ok("dispatch", "all", "1961/5", "--out", str(out / "отправка"))  # МЭДО, post, envelopes
    for number, name in (("710/5", "letter"), ("1893/5", "letter-2"), ("2174-РСК", "letter-3")):
        ok("letters", "export", number, "--out", str(out / f"{name}.pdf"))
    marked = tmp_path / "marked.json"
    marked.write_text(json.dumps(SIGNED_CARD, ensure_ascii=False), encoding="utf-8")
    done = run("letters", "register", str(marked), env=env)
    assert done.returncode == 0, done.stderr
    ok(
        "letters",
        "export",
        done.stdout.strip().splitlines()[0],
        "--out",
        str(out / "letter-mark.pdf"),
    )
    ok("journal", "export", "--from", "2024-01-01", "--to", "2026-12-31", "--out",
       str(out / "journal.pdf"))  # fmt: skip
    ok("journal", "export", "--from", "2024-01-01", "--to", "2026-12-31", "--journal", "ВХ",
       "--out", str(out / "journal-incoming.pdf"))  # fmt: skip
    ok("journal", "gaps", "--out", str(out / "gaps.pdf"))
    ok("dispatch", "sheet", "1893/5", "--out", str(out / "sheet.pdf"))
    # letters made elsewhere: a clean PDF (converted) and one with a font not embedded (pictures)
    clean = out / "letter.pdf"
    plain = tmp_path / "plain.pdf"
    page = canvas.Canvas(str(plain))
    page.drawString(72, 720, "Письмо, сделанное в другой программе")  # Helvetica, not embedded
    page.save()
    card = tmp_path / "card.json"
    card.write_text(
        '{"journal": "РСК", "case": "5", "subject": "О письме из другой программы", '
        '"addressee": {"recipient": "minpromtorg"}, "body": "Текст.", '
        '"signatory": "protasov", "executor": "starchikova"}',
        encoding="utf-8",
    )
    for i, document in enumerate((clean, plain)):
        done = run("letters", "register", str(card), "--document", str(document), env=env)
        assert done.returncode == 0, done.stderr
        number = done.stdout.strip().splitlines()[0]
        ok("letters", "export", number, "--out", str(out / f"elsewhere-{i}.pdf"))
        ok("dispatch", "medo", number, "--out", str(out / f"medo-elsewhere-{i}"))
    ok("incoming", "label", "1-вх", "2-вх", "--size", "A4-24", "--out", str(out / "labels.pdf"))
    ok("cases", "export", "--year", "2025", "--out", str(out / "nomenclature.pdf"))  # sections
    ok("cases", "show", "5", "--year", "2025", "--out", str(out / "case-inventory.pdf"))
    ok("cases", "destruction-act", "--as-of", "2030-01-01", "--out", str(out / "act.pdf"))
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


def test_every_kind_of_pdf_passes_preflight(tmp_path: Path) -> None:
    from tests.support.validators import preflight

    files = _every_kind(tmp_path)
    kinds = " ".join(files)
    for kind in ("конверты", "Форма 103", "document.pdf", "journal.pdf", "gaps.pdf", "sheet.pdf",
                 "elsewhere-0", "elsewhere-1", "medo-elsewhere-1", "letter-mark",
                 "labels", "nomenclature", "case-inventory", "act.pdf"):  # fmt: skip
        assert kind in kinds, kind
    from pypdf import PdfReader

    marked = PdfReader(io.BytesIO(files["letter-mark.pdf"]))
    text = " ".join(" ".join(page.extract_text() for page in marked.pages).split())
    assert "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ" in text and "Субъект РФ" in text
    verdicts = preflight(files, tmp_path / "preflight")
    failed = {name: errors for name, errors in verdicts.items() if errors}
    assert failed == {}
    assert all(pdfa_problems(data) == [] for data in files.values())
