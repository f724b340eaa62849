"""The same pages in the DOCX and the PDF: LibreOffice (an independent renderer) turns each
fixture letter's DOCX into a PDF, and every page must hold the same words as the page the
program's own PDF has — so a page break falls in the same place.

LibreOffice is installed by the test command where it can install packages (root); elsewhere
the test is skipped unless ``SECRETARIAT_REQUIRE_LIBREOFFICE=1``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from app.services.output.letter_export import prepare, render
from app.services.registry.letters import letter_id_by_number
from db.engine import Database

pytestmark = pytest.mark.slow

FIXTURES = ("710/5", "1893/5", "2174-РСК")  # the three real letters of tests/fixtures/letters
# and a letter with lists (nested, numbered «а)») and a three-page table with a repeated header


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("SECRETARIAT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice is not installed")
    return found


# what two renderers may write differently for the same text: spaces and line ends, and a
# word broken at its hyphen (pdfium gives LibreOffice's break as U+FFFE); what is left of a
# page — its letters, digits and signs, counted — must be the same
_LAYOUT = re.compile("[\\s\u00ad\ufffe\ufeff\u2010-]+")


def _pages(pdf: Path) -> list[str]:
    """The text of each page (the order of its pieces is the writer's, so compare as a bag)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _letters(text: str) -> Counter[str]:
    return Counter(_LAYOUT.sub("", text))


def _difference(ours: str, theirs: str) -> str:
    mine, other = Counter(ours.split()), Counter(theirs.split())
    only_ours = " ".join(sorted((mine - other).elements())[:10])
    only_theirs = " ".join(sorted((other - mine).elements())[:10])
    return f"only in the PDF: {only_ours!r}; only in LibreOffice's: {only_theirs!r}"


def test_docx_breaks_pages_where_the_pdf_does(demo_db: Database, tmp_path: Path) -> None:
    soffice = _soffice()
    from app.services.registry.letter_cards import card_from_json
    from app.services.registry.letters import register_letter
    from tests.support.builders import rich_card

    rich = register_letter(demo_db, card_from_json(rich_card())).number
    marked = register_letter(
        demo_db, card_from_json({**rich_card(), "signature": "electronic"})
    ).number  # the e-signature mark: a framed nested table
    ours: dict[str, Path] = {}
    documents = []
    for number in (*FIXTURES, rich, marked):
        prepared = prepare(demo_db, letter_id_by_number(demo_db, number))
        stem = number.replace("/", "-")
        ours[stem] = tmp_path / f"{stem}.pdf"
        ours[stem].write_bytes(render(prepared, "pdf", prepared.pages))
        docx = tmp_path / "docx" / f"{stem}.docx"
        docx.parent.mkdir(exist_ok=True)
        docx.write_bytes(render(prepared, "docx", prepared.pages))
        documents.append(str(docx))
    out = tmp_path / "libreoffice"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *documents,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    for stem, pdf in ours.items():
        our_pages, their_pages = _pages(pdf), _pages(out / f"{stem}.pdf")
        assert len(our_pages) == len(their_pages), (
            f"{stem}: {len(our_pages)} pages in the PDF, {len(their_pages)} in LibreOffice's"
        )
        for index, (mine, theirs) in enumerate(zip(our_pages, their_pages, strict=True), 1):
            same = _letters(mine) == _letters(theirs)
            assert same, f"{stem}, page {index}: {_difference(mine, theirs)}"
