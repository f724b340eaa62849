"""The registration mark of an incoming letter (issue 40, in part): on a copy of its document, in
a blank place at the lower right of the first page — never over the document's own text or
pictures, a band added below when there is no room — and as labels for paper originals. Checked
on the text and the pixels of the pages written (pdfium), not on our idea of them."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen.canvas import Canvas

from app.exporters.incoming_mark import labels_pdf, stamp_incoming
from app.exporters.pdf_stamp import MM
from app.rules.incoming_mark import FiledMark, IncomingMark
from app.services.incoming.marks import export_labels, export_stamped, mark_of
from app.services.incoming.registration import attach_to_incoming
from app.services.links.replies import incoming_id_by_number
from app.services.output.letter_export import preview_pdf
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from db.models import IncomingFile, StoredFile
from tests.support.cli import assert_user_error, run
from tests.support.pdf_facts import page_lines

MARK = IncomingMark("Роскачество", "17-вх", dt.date(2025, 12, 3), dt.time(10, 5), "МЭДО")


def test_the_mark_says_what_gost_asks() -> None:
    assert MARK.lines() == ["Роскачество", "Вх. № 17-вх", "от 03.12.2025 10:05", "Получено по МЭДО"]
    by_post = IncomingMark("", "18-вх", dt.date(2025, 12, 3), None, "Почта")
    assert by_post.lines() == ["Вх. № 18-вх", "от 03.12.2025"]
    mail = IncomingMark("Роскачество", "19-вх", dt.date(2025, 12, 3), None, "Электронная почта")
    assert mail.lines()[-1] == "Получено по электронной почте"


def _char_boxes(pdf: bytes) -> list[tuple[float, float, float, float]]:
    """The boxes of every character on page 1 that is not a space."""
    document = pdfium.PdfDocument(pdf)
    try:
        textpage = document[0].get_textpage()
        text = textpage.get_text_range()
        return [textpage.get_charbox(i) for i, ch in enumerate(text) if not ch.isspace()]
    finally:
        document.close()


def _mark_box(
    stamped: bytes, mark: IncomingMark | FiledMark = MARK
) -> tuple[float, float, float, float]:
    """Where the mark's lines are on page 1 of the stamped copy (their characters' boxes)."""
    document = pdfium.PdfDocument(stamped)
    try:
        textpage = document[0].get_textpage()
        text = textpage.get_text_range()
        boxes = []
        for line in mark.lines():
            at = text.find(line)
            assert at >= 0, f"«{line}» is not on page 1"
            boxes += [textpage.get_charbox(i) for i in range(at, at + len(line))]
    finally:
        document.close()
    left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
    return left, bottom, max(b[2] for b in boxes), max(b[3] for b in boxes)


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _ink_in(pdf: bytes, box: tuple[float, float, float, float]) -> int:
    """Dark pixels of page 1 (of the original) inside ``box`` (PDF points, from the bottom)."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        height = page.get_height()
        image = page.render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    crop = image.crop(
        (int(box[0]), int(height - box[3]), int(box[2]) + 1, int(height - box[1]) + 1)
    )
    return sum(crop.histogram()[:170])


def test_the_mark_goes_on_blank_paper_at_the_lower_right(demo_db: Database) -> None:
    original = preview_pdf(demo_db, letter_id_by_number(demo_db, "1893/5"))  # a QR at the foot
    stamped = stamp_incoming(original, MARK)
    assert "внизу справа" in stamped.place
    text = page_lines(stamped.pdf)[0]
    for line in MARK.lines():
        assert line in " ".join(text.split())
    box = _mark_box(stamped.pdf)
    document = pdfium.PdfDocument(original)
    width, height = document[0].get_size()
    document.close()
    assert box[0] > width / 2 and box[3] < height / 2  # the lower right quarter
    assert not any(_overlaps(box, c) for c in _char_boxes(original))  # over no letter's text
    assert _ink_in(original, box) == 0  # nor over its pictures (the QR code): blank paper there
    assert len(page_lines(stamped.pdf)) == len(page_lines(original))


FILED = FiledMark("02-03", dt.date(2025, 12, 5))


def test_a_filed_letters_case_goes_on_blank_paper_at_the_lower_left(demo_db: Database) -> None:
    """«В дело № …» and the date (ГОСТ Р 7.0.97, п. 5.26) in the lower left of page 1, on blank
    paper, apart from the receipt mark in the lower right."""
    original = preview_pdf(demo_db, letter_id_by_number(demo_db, "1893/5"))
    stamped = stamp_incoming(original, MARK, filed=FILED)
    assert "внизу справа" in stamped.place and "«В дело» — внизу слева" in stamped.place
    assert FILED.lines() == ["В дело № 02-03", "05.12.2025"]
    case, receipt = _mark_box(stamped.pdf, FILED), _mark_box(stamped.pdf)
    document = pdfium.PdfDocument(original)
    width, height = document[0].get_size()
    document.close()
    assert case[2] < width / 2 and case[3] < height / 2  # the lower left quarter
    assert receipt[0] > width / 2 and not _overlaps(case, receipt)
    assert not any(_overlaps(case, c) for c in _char_boxes(original))
    assert _ink_in(original, case) == 0
    plain = stamp_incoming(original, MARK)
    assert "В дело" not in page_lines(plain.pdf)[0] and "В дело" not in plain.place


def test_a_page_without_room_gets_a_band_below(tmp_path: Path) -> None:
    path = tmp_path / "full.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Helvetica", 11)
    for i in range(75):
        canvas.drawString(20, 820 - i * 11, f"Line {i:02d} " + "x" * 110)  # edge to edge
    canvas.showPage()
    canvas.save()
    original = path.read_bytes()
    stamped = stamp_incoming(original, MARK)
    assert "под текстом" in stamped.place
    text = page_lines(stamped.pdf)[0]
    assert all(f"Line {i:02d}" in text for i in range(75))  # nothing of the page is lost
    box = _mark_box(stamped.pdf)
    lines = [b for b in _char_boxes(stamped.pdf) if not _overlaps(b, box)]
    assert box[3] < min(b[1] for b in lines)  # the mark is below every line of the document
    filed = stamp_incoming(original, MARK, filed=FILED)  # both in the band, apart
    case, receipt = _mark_box(filed.pdf, FILED), _mark_box(filed.pdf)
    rest = [
        b for b in _char_boxes(filed.pdf) if not _overlaps(b, case) and not _overlaps(b, receipt)
    ]
    assert not _overlaps(case, receipt) and case[2] < receipt[0]
    assert max(case[3], receipt[3]) < min(b[1] for b in rest)


def test_a_broken_pdf_is_one_line() -> None:
    from app.support.errors import UserError

    with pytest.raises(UserError, match="не читается как PDF"):
        stamp_incoming(b"%PDF-1.4\nnot really", MARK)


def test_labels_for_paper_originals() -> None:
    marks = [
        IncomingMark("Роскачество", f"{n}-вх", dt.date(2025, 12, 3), None, "Почта")
        for n in range(1, 26)
    ]
    sheet = labels_pdf(marks, "A4-24")
    pages = page_lines(sheet)
    assert len(pages) == 2  # 24 on the first sheet, one on the second
    assert "Вх. № 24-вх" in pages[0] and "Вх. № 25-вх" in pages[1]
    roll = labels_pdf(marks[:3], "58x40")
    document = pdfium.PdfDocument(roll)
    try:
        assert len(document) == 3
        width, height = document[0].get_size()
    finally:
        document.close()
    assert (round(width / MM), round(height / MM)) == (58, 40)


def test_the_stamped_copy_from_the_registry(demo_db: Database, tmp_path: Path) -> None:
    """The stored original stays byte for byte; the copy is written whole; the command line
    says where the mark went; a letter without a PDF is told to print a label."""
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(preview_pdf(demo_db, letter_id_by_number(demo_db, "710/5")))
    incoming = incoming_id_by_number(demo_db, "1-вх")
    attach_to_incoming(demo_db, incoming, [letter])
    with demo_db.read() as session:
        stored = (
            session.query(StoredFile)
            .join(IncomingFile)
            .filter(IncomingFile.incoming_id == incoming)
            .one()
        )
        sha = stored.sha256
    out, place = export_stamped(demo_db, incoming, tmp_path / "stamped.pdf")
    assert "внизу справа" in place
    assert "Вх. № 1-вх" in " ".join(page_lines(out.read_bytes())[0].split())
    with demo_db.read() as session:
        again = session.get(StoredFile, stored.id)
        assert again is not None and again.sha256 == sha
    assert hashlib.sha256(letter.read_bytes()).hexdigest() == sha
    mark = mark_of(demo_db, incoming)
    assert mark.organization and mark.delivery == "МЭДО"
    labels = export_labels(demo_db, [incoming], tmp_path / "labels.pdf", "58x40")
    assert "Вх. № 1-вх" in page_lines(labels.read_bytes())[0]
    assert "В дело" not in " ".join(page_lines(out.read_bytes())[0].split())
    from app.services.cases.filing import file_incoming

    file_incoming(demo_db, incoming, "5", year=2025)  # filed: its case is on the copy too
    out, place = export_stamped(demo_db, incoming, tmp_path / "filed.pdf")
    assert "«В дело» — внизу слева" in place
    assert "В дело № 5" in " ".join(page_lines(out.read_bytes())[0].split())
    assert "В дело" not in page_lines(labels.read_bytes())[0]  # a label is the receipt alone


def test_the_command_line(demo_db: Database, db_path: Path, tmp_path: Path) -> None:
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(preview_pdf(demo_db, letter_id_by_number(demo_db, "710/5")))
    attach_to_incoming(demo_db, incoming_id_by_number(demo_db, "1-вх"), [letter])
    result = run("incoming", "stamp", "1-вх", "--out", str(tmp_path / "s.pdf"), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "отметка — на свободном месте" in result.stdout
    assert_user_error(
        run("incoming", "stamp", "2-вх", "--out", str(tmp_path / "t.pdf"), db=db_path),
        "нет документа PDF",
    )
    assert not (tmp_path / "t.pdf").exists()
    assert_user_error(run("incoming", "stamp", "1-вх", "--out", str(db_path), db=db_path), "реестр")
    result = run(
        "incoming", "label", "1-вх", "2-вх", "3-вх", "--size", "A4-24",
        "--out", str(tmp_path / "l.pdf"), db=db_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Вх. № 3-вх" in page_lines((tmp_path / "l.pdf").read_bytes())[0]
    assert_user_error(
        run("incoming", "label", "999-вх", "--out", str(tmp_path / "m.pdf"), db=db_path), "999-вх"
    )
