"""Hostile input in bounded time and memory (issue 36, rows 7 and 8): each case runs
the real command in its own process, which must answer within 30 s with at most 500 MB of
memory (peak RSS, as the kernel counts it for the child) — a result or one Russian line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.places import ROOT

pytestmark = pytest.mark.slow

SECONDS = 30
PEAK_MB = 500


def _run(args: list[str], env_db: Path) -> tuple[int, str, float, float]:
    """(exit code, stderr, seconds, peak MB of the child)."""
    env = {**os.environ, "SECRETARIAT_DB": str(env_db)}
    script = (
        "import resource, subprocess, sys, json; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
        "print(json.dumps([p.returncode, p.stderr, peak]))"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script, sys.executable, "-m", "app", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=SECONDS * 3,
    )  # fmt: skip
    took = time.monotonic() - started
    import json

    code, err, peak = json.loads(done.stdout)
    return code, err, took, peak


def _draft(path: Path, paragraphs: list[str]) -> Path:
    import docx

    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("slow") / "registry.db"
    subprocess.run([sys.executable, "-m", "app", "--db", str(db), "demo"], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    return db


CASES = {
    "draft with 100,000 underscores": lambda d: (
        [
            "letters",
            "from-docx",
            str(_draft(d / "u.docx", ["О письме", "_" * 100_000, "№ " + "_" * 50_000])),
        ],
        0,
        "заголовок: О письме",
    ),
    "draft of 30,000 paragraphs": lambda d: (
        ["letters", "from-docx", str(_draft(d / "p.docx", ["Абзац текста."] * 30_000))],
        2,
        "в документе 30 000 абзацев",
    ),
    "CSV that makes csv.Sniffer backtrack": lambda d: (
        ["recipients", "import", str(_write(d / "r.csv", ('"a' + ',"' * 70_000 + "\n") * 3))],
        2,
        "ошибка разбора CSV",
    ),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        '"xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
        'sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def _xlsx(path: Path, rows: int, columns: int, strings: int = 1) -> Path:
    """A small file that unpacks big: ``rows`` × ``columns`` filled cells, and a shared-string
    table of ``strings`` entries of 100 characters (both compress a hundredfold)."""
    import zipfile

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><sst xmlns="{ns}">'.encode())
            for _ in range(strings):
                part.write(b"<si><t>" + b"x" * 100 + b"</t></si>")
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>'.encode())
            cells = b"".join(b'<c t="inlineStr"><is><t>ab</t></is></c>' for _ in range(columns))
            for _ in range(rows):
                part.write(b"<row>" + cells + b"</row>")
            part.write(b"</sheetData></worksheet>")
    return path


def _image(path: Path, size: int, kind: str) -> Path:
    from PIL import Image

    Image.new("1", (size, size)).save(path, kind)  # a blank bilevel page: tiny on disk
    return path


def _pdf_page(path: Path, points: int) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=(points, points))
    page.drawString(10, 10, "x")
    page.save()
    return path


def _card(path: Path) -> Path:
    import json

    card = {
        "journal": "РСК",
        "case": "5",
        "subject": "О проверке",
        "addressee": {"text": "Губернатору Костромской области"},
        "body": "Текст.",
        "signatory": "protasov",
        "executor": "starchikova",
    }
    return _write(path, json.dumps(card, ensure_ascii=False))


def _register(d: Path, document: Path) -> list[str]:
    return ["letters", "register", str(_card(d / "card.json")), "--document", str(document)]


CASES.update(
    {
        "XLSX of 2.1 million cells in half a megabyte": lambda d: (
            ["recipients", "import", str(_xlsx(d / "cells.xlsx", 210_000, 10))],
            2,
            "в книге больше 2 000 000 ячеек",
        ),
        "XLSX whose string table unpacks to 100 MB": lambda d: (
            ["recipients", "import", str(_xlsx(d / "strings.xlsx", 1, 1, strings=900_000))],
            2,
            "таблица строк книги больше 64 МБ",
        ),
        "CSV of 50 MB of one-letter cells": lambda d: (
            ["recipients", "import", str(_write(d / "cells.csv", ("a;" * 500 + "a\n") * 50_000))],
            2,
            "больше 2 000 000 заполненных ячеек",
        ),
        "PNG of 8,000 × 8,000 points": lambda d: (
            _register(d, _image(d / "scan.png", 8_000, "PNG")),
            2,
            "больше 40 мегапикселей",
        ),
        "TIFF of 8,000 × 8,000 points": lambda d: (
            _register(d, _image(d / "scan.tif", 8_000, "TIFF")),
            2,
            "больше 40 мегапикселей",
        ),
        "PDF with a page of 14,400 pt": lambda d: (
            _register(d, _pdf_page(d / "big.pdf", 14_400)),
            2,
            "больше листа A0",
        ),
        "/dev/zero as a draft, a card, an e-mail": lambda d: (
            ["letters", "from-docx", "/dev/zero"],
            2,
            "это не обычный файл",
        ),
    }
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_in_bounded_time_and_memory(
    case: str, registry: Path, tmp_path: Path
) -> None:
    args, expected, said = CASES[case](tmp_path)
    code, err, took, peak = _run(args, registry)
    assert code == expected, err
    assert said in err
    assert "внутренняя ошибка" not in err
    assert took < SECONDS, f"{case}: {took:.1f} s"
    assert peak < PEAK_MB, f"{case}: {peak:.0f} MB"
