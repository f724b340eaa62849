"""Tables drawn straight onto PDF pages: lines broken as reportlab breaks them, every row on a
page, the header on every page, headings across, totals, progress and «Отмена»."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.utils import simpleSplit

from app.exporters.fonts import SERIF, register_fonts
from app.exporters.pdf_table import FONT_SIZE, LineBreaker, write_table_pdf
from app.exporters.table import Table, TableColumn
from app.support.progress import Cancelled

PHRASE = (
    "Губернатору Камчатского края о проведении недели качества и дня качества конкурса "
    "«Лидер качества» 1893/5 28.10.2025 Минпромторг Российской Федерации — 12 345 руб."
)
WORDS = PHRASE.split()


def test_lines_are_broken_as_reportlab_breaks_them() -> None:
    """Each word measured once, and the same lines as reportlab's own ``simpleSplit`` (words
    at spaces); a word wider than the cell, which ``simpleSplit`` leaves to run into the next
    column, is cut into pieces that fit."""
    register_fonts()
    rng = random.Random(7)
    texts = [
        "",
        "   ",
        "одно",
        "два  пробела\tи табуляция",
        "Сверхдлинноесловобезпробеловкотороенепомещаетсявстрокуникакимобразом и хвост",
        *(" ".join(rng.choices(WORDS, k=rng.randint(1, 40))) for _ in range(300)),
    ]
    for font in (SERIF, f"{SERIF}-Bold"):
        breaker = LineBreaker(font)
        for text in texts:
            for width in (30.0, 61.5, 120.0, 400.0):
                lines = breaker.lines(text, width)
                if all(breaker.width(word) <= width for word in text.split()):
                    assert lines == (simpleSplit(text, font, FONT_SIZE, width) or [""])
                else:
                    assert all(breaker.width(line) <= width for line in lines if " " not in line)
                    assert "".join(lines).replace(" ", "") == "".join(text.split())


def table(rows: int) -> Table:
    rng = random.Random(rows)
    return Table(
        title="Журнал регистрации исходящих документов",
        subtitle="с 01.01.2025 по 31.12.2025",
        columns=[
            TableColumn("№ п/п", 6, numeric=True),
            TableColumn("Рег. номер", 15),
            TableColumn("Заголовок", 46),
        ],
        rows=[
            [n, f"{n}/5", " ".join(rng.choices(WORDS, k=rng.randint(3, 30)))]
            for n in range(1, rows + 1)
        ],
        sections={0: "Раздел 1. Руководство", 150: "Раздел 2. Отдел кадров"},
        totals=["Итого", "", f"писем: {rows}"],
        notes=["Журнал изменений на момент печати: событий 5"],
    )


def test_every_row_on_its_page_with_the_header(tmp_path: Path) -> None:
    out = write_table_pdf(table(400), tmp_path / "t.pdf")
    pages = [page.extract_text() for page in PdfReader(out).pages]
    assert len(pages) > 3
    assert all("Рег. номер" in text and "Заголовок" in text for text in pages)
    text = "\n".join(pages)
    numbers = [int(n) for n in re.findall(r"(?<![\d/])(\d+)/5\b", text) if n != "1893"]
    assert numbers == list(range(1, 401))  # every row once, in order
    assert text.index("Раздел 1. Руководство") < text.index("1/5")
    assert text.index("150/5") < text.index("Раздел 2. Отдел кадров") < text.index("151/5")
    assert "писем: 400" in pages[-1] and "событий 5" in pages[-1]
    assert pages[1].lstrip().startswith("2")  # the page number from page 2


def test_progress_is_told_and_cancel_writes_nothing(tmp_path: Path) -> None:
    told: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        told.append((done, total))
        return True

    write_table_pdf(table(3000), tmp_path / "t.pdf", progress)
    assert told[-1][0] == told[-1][1] and len(told) > 10
    assert [d for d, _ in told] == sorted(d for d, _ in told)

    def stop_halfway(done: int, total: int) -> bool:
        return done < total // 2

    with pytest.raises(Cancelled, match="Отменено"):
        write_table_pdf(table(3000), tmp_path / "stopped.pdf", stop_halfway)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.pdf"]
