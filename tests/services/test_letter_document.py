"""A letter made elsewhere registered as it is: the card gives the registration data, the PDF is
the letter; its number and date are stamped where the document left blanks (or in the angular
letterhead's place); preview, export and e-mail use that document; a bad file uses no number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from app.cli import main
from app.services.output.letter_export import export_letter, preview_pdf
from app.services.registry.letter_files import letter_files, register_with_document
from app.services.registry.letter_list import LetterQuery, count_letters
from app.support.errors import UserError
from db.engine import Database
from tests.support.builders import foreign_pdf, make_card
from tests.support.pdf_facts import page_lines


@pytest.mark.parametrize(
    ("blanks", "where"),
    [
        ("№ ____________ от ____________", "на бланке документа"),
        ("от ____________ № ____________", "на бланке документа"),
        ("", "на свободном месте первой страницы"),
    ],
)
def test_the_number_is_stamped_and_the_document_kept(
    demo_db: Database, tmp_path: Path, blanks: str, where: str
) -> None:
    source = foreign_pdf(tmp_path / "письмо.pdf", blanks=blanks)
    card = make_card(body="")
    registered, place = register_with_document(demo_db, card, source)
    assert where in place
    pdf = preview_pdf(demo_db, registered.id)
    pages = page_lines(pdf)
    assert len(pages) == 2  # the document's own pages
    assert "Текст письма, подготовленного в другой системе." in pages[0]
    date = f"{registered.date:%d.%m.%Y}"
    assert registered.number in pages[0] and date in pages[0]
    if blanks.startswith("№"):
        assert pages[0].index(registered.number) < pages[0].index(date)
    [document] = letter_files(demo_db, registered.id)
    assert (document.kind, document.pages) == ("document", 2)
    out = export_letter(demo_db, registered.id, "pdf", tmp_path / "out.pdf")[0]
    assert out.read_bytes() == pdf
    with pytest.raises(UserError, match="готовым документом PDF"):
        export_letter(demo_db, registered.id, "docx", tmp_path / "out.docx")


def test_a_file_that_is_not_a_pdf_uses_no_number(demo_db: Database, tmp_path: Path) -> None:
    before = count_letters(demo_db, LetterQuery())
    bad = tmp_path / "письмо.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(UserError, match="не читается как PDF"):
        register_with_document(demo_db, make_card(body=""), bad)
    other = tmp_path / "письмо.docx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(UserError, match="Загрузить из Word"):
        register_with_document(demo_db, make_card(body=""), other)
    zipped = tmp_path / "письмо.zip"
    zipped.write_bytes(b"PK\x03\x04")
    with pytest.raises(UserError, match="не документ PDF и не скан"):
        register_with_document(demo_db, make_card(body=""), zipped)
    assert count_letters(demo_db, LetterQuery()) == before


def test_cli_register_with_document(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    card = tmp_path / "card.json"
    card.write_text(
        json.dumps(
            {
                "journal": "ИСХ",
                "case": "5",
                "subject": "О представлении сведений",
                "addressee": {"recipient": "kamchatka-governor"},
                "signatory": "protasov",
            }
        ),
        encoding="utf-8",
    )
    source = foreign_pdf(tmp_path / "письмо.pdf")
    assert main(["letters", "register", str(card), "--document", str(source)]) == 0
    captured = capsys.readouterr()
    number = captured.out.strip()
    assert "на бланке документа, страница 1" in captured.err
    assert main(["letters", "files", number]) == 0
    assert "документ письма (PDF)" in capsys.readouterr().out
    assert main(["letters", "register", str(card)]) == 2  # without a document: no text
    assert "не указан текст" in capsys.readouterr().err


def test_a_document_goes_to_every_addressee(demo_db: Database, tmp_path: Path) -> None:
    """A letter made elsewhere, to two addressees: each e-mail carries the stamped document, and
    each МЭДО copy gets the same PDF/A-1b (made once)."""
    import email

    from app.services.directory.recipients import get_recipient, list_recipients, save_recipient
    from app.services.dispatch.run import dispatch_letter
    from app.services.registry.letters import Addressee
    from tests.support.validators import pdfa_problems

    codes = [r.code for r in list_recipients(demo_db, "")[:2]]
    for n, code in enumerate(codes):
        data = get_recipient(demo_db, code).data
        data.delivery, data.email = "Электронная почта", f"office{n}@example.ru"
        save_recipient(demo_db, data)
    card = make_card(body="", addressee=Addressee(recipients=codes))
    registered, _place = register_with_document(demo_db, card, foreign_pdf(tmp_path / "п.pdf"))
    outcome = dispatch_letter(
        demo_db, registered.id, tmp_path / "out", methods=("Электронная почта",)
    )
    assert outcome.problems == [] and outcome.prepared == {"Электронная почта": 2}
    stamped = preview_pdf(demo_db, registered.id)
    for eml in sorted((tmp_path / "out" / "Электронная почта").iterdir()):
        message = email.message_from_bytes(eml.read_bytes())
        [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
        assert pdf.get_payload(decode=True) == stamped
    from app.services.output.letter_export import medo_pdf, prepare

    prepared = prepare(demo_db, registered.id, per_recipient=True)
    assert len(prepared.pages) == 2
    first, _ = medo_pdf(prepared, prepared.pages[0])
    assert pdfa_problems(first, part=1) == [] and medo_pdf(prepared, prepared.pages[1])[0] == first


MM_PX = 100 / 25.4  # the scans below: 100 dpi


def _scan(path: Path, lines: list[tuple[float, float, float]]) -> Path:
    """An A4 scan at 100 dpi with black bars where its lines of text are: (top, left, right) mm."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(image)
    for top, left, right in lines:
        draw.rectangle((left * MM_PX, top * MM_PX, right * MM_PX, (top + 3.5) * MM_PX), fill=0)
    image.save(path, dpi=(100, 100))
    return path


def _grey(pdf: bytes) -> Any:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=1.5, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


LETTERHEAD = [(12.0, 20.0, 90.0), (18.0, 20.0, 90.0), (24.0, 20.0, 90.0)]
TEXT = [(130.0 + 7 * i, 20.0, 190.0) for i in range(20)]


@pytest.mark.parametrize(
    "lines",
    [
        LETTERHEAD + TEXT,  # the requisite's place is blank: there
        [*LETTERHEAD, (74.0, 10.0, 200.0), (80.0, 10.0, 200.0), *TEXT],  # a line through it
        LETTERHEAD + [(40.0 + 6 * i, 15.0, 60.0) for i in range(12)] + TEXT,  # a column
    ],
)
def test_a_scan_is_stamped_only_where_the_page_is_blank(
    demo_db: Database, tmp_path: Path, lines: list[tuple[float, float, float]]
) -> None:
    """Rendered before and after: every pixel the stamp changed was paper before."""
    from PIL import ImageChops

    scan = _scan(tmp_path / "скан.png", lines)
    registered, place = register_with_document(demo_db, make_card(body=""), scan)
    assert "на свободном месте первой страницы" in place
    from app.services.registry.letter_files import _document_data

    before = _grey(_document_data(demo_db, scan)[0])
    after = _grey(preview_pdf(demo_db, registered.id))
    changed = ImageChops.difference(before, after).point(lambda v: 255 if v > 60 else 0)
    box = changed.getbbox()
    assert box is not None  # the stamp is there
    ink_before = before.crop(box).point(lambda v: 255 if v < 200 else 0)
    assert ink_before.getbbox() is None, f"the stamp at {box} covers the scan's ink"
    assert registered.number in page_lines(preview_pdf(demo_db, registered.id))[0]


def test_a_full_page_gets_a_band_above_its_text(demo_db: Database, tmp_path: Path) -> None:
    full = [(8.0 + 5 * i, 12.0, 200.0) for i in range(56)]
    scan = _scan(tmp_path / "скан.png", full)
    registered, place = register_with_document(demo_db, make_card(body=""), scan)
    assert "над текстом первой страницы" in place and "уменьшено до 95 %" in place
    after = _grey(preview_pdf(demo_db, registered.id))
    band = after.crop((0, 0, after.width, round(14 * 72 / 25.4 * 1.5)))
    inked = band.point(lambda v: 255 if v < 200 else 0).getbbox()
    assert inked is not None
    assert inked[3] - inked[1] < 12 * 1.5  # one line of the stamp, no line of the scan
    assert registered.number in page_lines(preview_pdf(demo_db, registered.id))[0]


def test_the_preview_shows_the_stamp_and_issues_no_number(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from app.services.registry.letters import preview_number

    card = tmp_path / "card.json"
    card.write_text(json.dumps({
        "journal": "ИСХ", "case": "5", "subject": "О представлении сведений",
        "addressee": {"recipient": "kamchatka-governor"}, "signatory": "protasov",
    }), encoding="utf-8")  # fmt: skip
    scan = _scan(tmp_path / "скан.png", LETTERHEAD + TEXT)
    before = count_letters(demo_db, LetterQuery())
    expected = preview_number(
        demo_db, "ИСХ", __import__("app.support.clock", fromlist=["today"]).today(), case="5"
    )
    out = tmp_path / "просмотр.pdf"
    argv = ["--db", str(db_path), "letters", "register", str(card), "--document", str(scan)]
    assert main([*argv, "--preview", str(out)]) == 0
    captured = capsys.readouterr()
    assert "письмо не зарегистрировано, номер не выдан" in captured.out
    assert "на свободном месте первой страницы" in captured.err
    assert expected in page_lines(out.read_bytes())[0]
    assert count_letters(demo_db, LetterQuery()) == before
    assert main(argv) == 0  # registered: the number the preview showed
    assert capsys.readouterr().out.strip() == expected
