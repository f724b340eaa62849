"""Every DOCX the program writes is valid WordprocessingML (ECMA-376 transitional, the schemas
python-docx ships; see tests/schemas/README.md): the three example letters, each personal copy
of a mailing with its appendix, a letter with a long body, and the report summary table."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.exporters.table import Table, TableColumn
from app.exporters.table_docx import render_table_docx
from app.services.control.report_summary import export_summary
from app.services.output.letter_export import prepare, render
from app.services.registry.letters import letter_id_by_number, register_letter
from db.engine import Database
from tests.support.builders import make_card
from tests.support.ooxml_check import docx_errors


@pytest.mark.parametrize("number", ["710/5", "1893/5", "2174-РСК"])
def test_example_letters_are_valid_wordprocessingml(demo_db: Database, number: str) -> None:
    prepared = prepare(demo_db, letter_id_by_number(demo_db, number))
    assert docx_errors(render(prepared, "docx", prepared.pages)) == []


def test_a_letter_with_the_signature_mark_is_valid_and_its_own(demo_db: Database) -> None:
    """The e-signature mark's nested table in schema order (``tblBorders`` before
    ``tblLook``); the properties the letter's (title, organization, its date, the program), not
    the template's; the page number the size the PDF prints."""
    import io
    import zipfile

    from docx import Document
    from lxml import etree

    body = "\n\n".join(["Текст письма о проведении мероприятий. " * 30] * 6)
    letter = register_letter(demo_db, make_card(signature="electronic", body=body))
    prepared = prepare(demo_db, letter.id)
    data = render(prepared, "docx", prepared.pages)
    assert docx_errors(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
        app = archive.read("docProps/app.xml").decode()
        names = archive.namelist()
        header = etree.fromstring(archive.read("word/header1.xml"))
    assert "ДОКУМЕНТ ПОДПИСАН" in xml
    assert "<Application>Секретариат</Application>" in app and "Microsoft" not in app
    assert not any("thumbnail" in name for name in names)
    core = Document(io.BytesIO(data)).core_properties
    page = prepared.pages[0]
    assert core.title == page.title and page.heading in core.title
    assert core.author == " ".join(page.organization) and core.comments == ""
    assert core.created.date() == page.date == core.modified.date()
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    sizes = {node.get(f"{w}val") for node in header.iter(f"{w}sz")}
    assert sizes == {str(round(page.page.page_number_size * 2))}  # half-points: 12 pt


def test_personal_copies_of_a_mailing_are_valid(demo_db: Database) -> None:
    prepared = prepare(demo_db, letter_id_by_number(demo_db, "1893/5"), per_recipient=True)
    assert len(prepared.pages) > 1
    for page in prepared.pages[:3]:
        assert docx_errors(render(prepared, "docx", [page])) == []


def test_a_long_letter_with_lists_is_valid(demo_db: Database) -> None:
    body = "\n\n".join(
        [f"Абзац {i}. " + "Текст письма о проведении мероприятий. " * 12 for i in range(30)]
        + ["- первый пункт", "- второй пункт", "**Выделенный абзац.**"]
    )
    letter = register_letter(demo_db, make_card(body=body))
    prepared = prepare(demo_db, letter.id)
    assert docx_errors(render(prepared, "docx", prepared.pages)) == []


def test_tables_are_valid(demo_db: Database, tmp_path: Path) -> None:
    out = export_summary(demo_db, letter_id_by_number(demo_db, "1893/5"), tmp_path / "s.docx")
    assert docx_errors(out.read_bytes()) == []
    wide = Table(
        title="Журнал",
        columns=[TableColumn(f"Столбец {i}", 10) for i in range(9)],  # landscape
        rows=[[str(i)] * 9 for i in range(40)],
    )
    assert docx_errors(render_table_docx(wide)) == []
    assert docx_errors(render_table_docx(dataclasses.replace(wide, notes=["Примечание"]))) == []
    from app.services.cases.year_end import nomenclature_table

    book = nomenclature_table(demo_db, 2025)  # sections as rows across the table (merged cells)
    assert book.sections and docx_errors(render_table_docx(book)) == []
