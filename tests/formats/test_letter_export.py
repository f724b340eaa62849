"""Letters out of the registry: the three example letters as PDF and DOCX, requisite by
requisite, fonts, golden files, personalised copies, cancel and failure leave nothing behind."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.pdf_facts import font_names, fonts
from tests.support.places import ROOT

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "letters").glob("*.json"))
GOLDEN = ROOT / "tests" / "golden"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def fixture(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def docx_xml(data: bytes, part: str = "word/document.xml") -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(part)


def docx_text(data: bytes) -> str:
    from lxml import etree

    root = etree.fromstring(docx_xml(data))
    out = []
    for node in root.iter(f"{W}t", f"{W}br", f"{W}p", f"{W}tab"):
        out.append(node.text or "" if node.tag == f"{W}t" else " ")
    return flat("".join(out))


def assert_in_order(text: str, requisites: list[str], where: str) -> None:
    pos = 0
    for item in requisites:
        found = text.find(item, pos)
        assert found >= 0, (
            f"{where}: «{item}» не найдено после позиции {pos}: …{text[pos : pos + 200]}"
        )
        pos = found + len(item)


def letter_id(db: Any, number: str) -> int:
    from app.services.registry.letters import letter_id_by_number

    return letter_id_by_number(db, number)


def render(db: Any, number: str, fmt: str, per_recipient: bool = False) -> list[bytes]:
    from app.services.output.letter_export import prepare
    from app.services.output.letter_export import render as render_pages

    prepared = prepare(db, letter_id(db, number), per_recipient=per_recipient)
    return [render_pages(prepared, fmt, [page]) for page in prepared.pages]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_demo_letters_are_the_fixture_cards(demo_db: Any, path: Path) -> None:
    from app.services.registry.letter_cards import show_letter

    expected = fixture(path)
    card = show_letter(demo_db, expected["number"])
    card.pop("registration")
    assert card == expected["card"]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_pdf_has_every_requisite_in_page_order(demo_db: Any, path: Path) -> None:
    expected = fixture(path)
    [data] = render(demo_db, expected["number"], "pdf")
    pages = pdf_text(data)
    assert_in_order(" ".join(pages), expected["requisites"], path.stem)
    if len(pages) > 1:  # page numbers from page 2 only, at the top
        assert pages[1].lstrip().startswith("2 ")
        assert not pages[0].lstrip().startswith("1 ")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_docx_has_every_requisite_in_page_order(demo_db: Any, path: Path) -> None:
    expected = fixture(path)
    [data] = render(demo_db, expected["number"], "docx")
    assert_in_order(docx_text(data), expected["requisites"], path.stem)


def test_distribution_list_appendix_has_all_89_rows(demo_db: Any) -> None:
    from lxml import etree

    [pdf] = render(demo_db, "1893/5", "pdf")
    text = " ".join(pdf_text(pdf))
    appendix = text[text.index("Приложение № 2 к письму") :]
    numbers = [int(n) for n in re.findall(r"(?<![\d.])(\d{1,2})\. ", appendix)]
    assert numbers == list(range(1, 90))
    assert appendix.count("Электронная почта") == 4
    [docx] = render(demo_db, "1893/5", "docx")
    root = etree.fromstring(docx_xml(docx))
    tables = root.findall(f".//{W}body/{W}tbl")
    rows = tables[-1].findall(f"{W}tr")
    assert len(rows) == 90  # header + 89
    header = rows[0].find(f"{W}trPr/{W}tblHeader")
    assert header is not None  # repeated on every page
    first = "".join(t.text for t in rows[1].iter(f"{W}t"))
    assert first == "1.Правительство Белгородской областиМЭДО"


def test_pdf_embeds_only_the_bundled_serif(demo_db: Any) -> None:

    [data] = render(demo_db, "1893/5", "pdf")
    for font in fonts(data):
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]
    names = font_names(data)
    assert names and all("LiberationSerif" in f for f in names), names


def test_docx_names_times_new_roman_in_all_four_slots(demo_db: Any) -> None:
    from lxml import etree

    [data] = render(demo_db, "710/5", "docx")
    styles = etree.fromstring(docx_xml(data, "word/styles.xml"))
    slots = styles.findall(f".//{W}rFonts")
    assert slots
    for node in slots:
        values = {k.split("}")[1]: v for k, v in node.attrib.items()}
        assert values == dict.fromkeys(("ascii", "hAnsi", "cs", "eastAsia"), "Times New Roman")
    langs = {n.get(f"{W}val") for n in styles.iter(f"{W}lang")}
    assert langs == {"ru-RU"}
    names = {n.get(f"{W}val") for n in styles.iter(f"{W}name")}
    assert {"Текст письма", "Обращение", "Отметка об исполнителе"} <= names
    document = docx_xml(data).decode()
    assert "<w:titlePg/>" in document  # no page number on page 1
    header = docx_xml(data, "word/header1.xml").decode()
    assert "PAGE" in header


def test_electronic_signature_stamp_and_flat_layout(demo_db: Any) -> None:
    from app.services.organization.profile import get_organization, save_organization
    from app.services.registry.letter_cards import card_from_json
    from app.services.registry.letters import register_letter

    org = get_organization(demo_db)
    assert org is not None
    org.layout, org.number_line, org.reply_line = "flat", "date_first", True
    save_organization(demo_db, org)
    card = fixture(ROOT / "tests" / "fixtures" / "letters" / "roskachestvo-710-5-governor.json")[
        "card"
    ]
    card.update(signature="electronic", date=None)
    registered = register_letter(demo_db, card_from_json(card))
    [data] = render(demo_db, registered.number, "pdf")
    text = " ".join(pdf_text(data))
    assert_in_order(
        text,
        [
            "РОСКАЧЕСТВО",
            f"№ {registered.number}",
            "На № __________ от __________",
            "Губернатору Камчатского края",
            "Руководитель",
            "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
            "Сертификат 01D7A3C4B2E5F60718293A4B5C6D7E8F",
            "Владелец Протасов Максим Александрович",
            "Действителен с 01.12.2024 по 01.03.2026",
            "М.А. Протасов",
        ],
        "electronic",
    )
    assert f"от {registered.date:%d.%m.%Y} № {registered.number}" in text
    [docx] = render(demo_db, registered.number, "docx")
    assert "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ" in docx_text(docx)


@pytest.mark.slow
def test_personalised_copies_merged_and_separate(demo_db: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from app.services.output.letter_export import export_letter

    lid = letter_id(demo_db, "1893/5")
    [merged] = export_letter(
        demo_db, lid, "pdf", tmp_path / "m.pdf", per_recipient=True, merge=True
    )
    reader = PdfReader(str(merged))
    texts = [flat(p.extract_text()) for p in reader.pages]
    firsts = [i for i, t in enumerate(texts) if "РОСКАЧЕСТВО" in t]
    assert len(firsts) == 89
    assert "Правительство Белгородской области" in texts[firsts[0]]
    assert "Правительство Чукотского автономного округа" in texts[firsts[-1]]
    assert "Кабинет Министров Чувашской Республики" in texts[firsts[52]]
    assert not any("Приложение № 2" in t for t in texts)  # the list goes with the list letter
    assert texts[firsts[1] + 1].lstrip().startswith("2 ")  # numbering restarts per copy
    folder = tmp_path / "copies"
    files = export_letter(demo_db, lid, "docx", folder, per_recipient=True)
    assert len(files) == 89 == len(list(folder.iterdir()))
    assert files[0].name == "1893-5 от 28.10.2025 - 01 Правительство Белгородской области.docx"
    assert "Правительство Белгородской области" in docx_text(files[0].read_bytes())


def test_cancelled_or_failed_mailing_leaves_no_file(demo_db: Any, tmp_path: Path) -> None:
    from app.services.output.letter_export import ExportCancelled, export_letter
    from app.support.errors import UserError

    lid = letter_id(demo_db, "1893/5")
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "old.txt").write_text("x")
    with pytest.raises(ExportCancelled):
        export_letter(
            demo_db, lid, "pdf", folder, per_recipient=True, progress=lambda done, _t: done < 10
        )
    assert [p.name for p in folder.iterdir()] == ["old.txt"]
    with pytest.raises(ExportCancelled):
        export_letter(
            demo_db,
            lid,
            "pdf",
            tmp_path / "m.pdf",
            per_recipient=True,
            merge=True,
            progress=lambda done, _t: done < 50,
        )
    assert not (tmp_path / "m.pdf").exists()
    assert not list(tmp_path.glob(".m.pdf*"))
    with pytest.raises(UserError, match="не существует"):
        export_letter(demo_db, lid, "pdf", tmp_path / "missing" / "a.pdf")


def test_full_disk_during_export_leaves_no_partial_file(
    demo_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from app.services.output.letter_export import export_letter
    from app.support.errors import UserError

    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        real(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(UserError, match="не удалось записать"):
        export_letter(demo_db, letter_id(demo_db, "710/5"), "pdf", tmp_path / "a.pdf")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf" or ".tmp" in p.name] == []


def test_text_addressee_has_no_personal_copies_and_reserved_is_not_exported(
    demo_db: Any, tmp_path: Path
) -> None:
    from app.services.output.letter_export import export_letter
    from app.services.registry.letters import reserve_number
    from app.support.errors import UserError

    with pytest.raises(UserError, match="персональные копии делать не для кого"):
        export_letter(demo_db, letter_id(demo_db, "2174-РСК"), "pdf", tmp_path, per_recipient=True)
    reserved = reserve_number(demo_db, "ИСХ", case="5")
    with pytest.raises(UserError, match="не зарегистрировано"):
        export_letter(demo_db, reserved.id, "pdf", tmp_path / "r.pdf")


def test_report_form_xlsx_for_recipients(demo_db: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from app.services.output.letter_export import export_report_form

    out = export_report_form(demo_db, letter_id(demo_db, "1893/5"), tmp_path / "form.xlsx")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert flat(rows[0][0]).startswith("Отчетная форма. Приложение № 1 к письму от 28.10.2025")
    assert rows[1][:3] == ("№", "Субъект РФ", "Проведенное мероприятие")
    assert [r[0] for r in rows[2:]] == ["1", "2"]


def _golden(name: str, text: str) -> None:
    """``text`` equals the reference file; a failure prints a unified diff of the two."""
    import difflib

    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{path} was missing and has been written; commit it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), "reference", "now", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(
            f"{name} differs from the reference (if the change is intended: UPDATE_GOLDEN=1 "
            f"pytest tests/formats/test_letter_export.py, and commit the reference):\n{shown}"
        )


# attributes that change from run to run or from one python-docx release to another, not with
# the letter: revision ids
_VOLATILE = ("rsidR", "rsidRPr", "rsidRDefault", "rsidP", "rsidTr", "rsidSect")


def readable_xml(data: bytes) -> str:
    """The part pretty-printed, one element a line, without volatile attributes."""
    from lxml import etree

    root = etree.fromstring(data)
    for element in root.iter():
        for key in list(element.attrib):
            if key.rsplit("}", 1)[-1] in _VOLATILE:
                del element.attrib[key]
    return str(etree.tostring(root, pretty_print=True, encoding="unicode"))


def pdf_layout(data: bytes) -> str:
    """Every run of text with its page and place (points from the top-left, to half a point):
    what the reader sees and where, independent of how a reportlab release encodes it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    lines = []
    try:
        for number, page in enumerate(document, 1):
            height = page.get_height()
            textpage = page.get_textpage()
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                text = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
                if text:
                    place = f"{round(left * 2) / 2:.1f}\t{round((height - top) * 2) / 2:.1f}"
                    lines.append(f"{number}\t{place}\t{text}")
    finally:
        document.close()
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_golden_docx_document_xml(demo_db: Any, path: Path) -> None:
    [data] = render(demo_db, fixture(path)["number"], "docx")
    _golden(f"{path.stem}.document.xml", readable_xml(docx_xml(data)))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_golden_pdf(demo_db: Any, path: Path) -> None:
    [data] = render(demo_db, fixture(path)["number"], "pdf")
    _golden(f"{path.stem}.pdf.txt", pdf_layout(data))


def test_golden_diff_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", tmp_path)
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    (tmp_path / "x.txt").write_text("один\nдва\nтри\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failure:
        _golden("x.txt", "один\nДВА\nтри\n")
    assert "-два" in str(failure.value) and "+ДВА" in str(failure.value)


def test_date_in_words_and_the_organizations_own_font(demo_db: Any, tmp_path: Path) -> None:
    import shutil

    from app.services.organization.profile import get_organization, save_organization
    from app.support.errors import UserError

    font = tmp_path / "fonts" / "OrgSerif-Regular.ttf"
    font.parent.mkdir()
    shutil.copy(ROOT / "resources" / "fonts" / "LiberationSerif-Bold.ttf", font)
    org = get_organization(demo_db)
    assert org is not None
    org.date_words, org.font_file = True, str(font)
    save_organization(demo_db, org)
    [data] = render(demo_db, "710/5", "pdf")
    assert "№ 710/5 от «29» апреля 2025 г." in " ".join(pdf_text(data))
    names = font_names(data)
    assert names and all("LiberationSerif-Bold" in n for n in names), names  # the given file
    org = get_organization(demo_db)
    assert org is not None and org.date_words and org.font_file == str(font)
    org.font_file = str(tmp_path / "missing.ttf")
    save_organization(demo_db, org)
    with pytest.raises(UserError, match="не найден"):
        render(demo_db, "710/5", "pdf")


def test_emblem_on_the_letterhead(demo_db: Any, tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader

    from app.services.organization.profile import get_organization, save_organization
    from app.support.errors import UserError

    emblem = tmp_path / "emblem.png"
    Image.new("RGB", (120, 140), (180, 20, 20)).save(emblem)
    org = get_organization(demo_db)
    assert org is not None
    org.logo = emblem.read_bytes()
    save_organization(demo_db, org)
    [data] = render(demo_db, "710/5", "pdf")
    images = PdfReader(io.BytesIO(data)).pages[0].images
    assert len(images) == 1
    [docx] = render(demo_db, "710/5", "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
    assert len(media) == 2  # the emblem and the QR code
    org = get_organization(demo_db)
    assert org is not None
    org.logo = b"GIF89a"
    with pytest.raises(UserError, match="PNG или JPEG"):
        save_organization(demo_db, org)


def test_exported_file_gets_the_usual_permissions(demo_db: Any, tmp_path: Path) -> None:
    from app.services.output.letter_export import export_letter

    umask = os.umask(0o022)
    try:
        [out] = export_letter(demo_db, letter_id(demo_db, "710/5"), "pdf", tmp_path / "a.pdf")
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o644
