"""Hostile files and arguments: each is one Russian line with exit code 2, never the
internal-error path, and the database is not changed by a refusal."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from app.cli import main
from app.support.errors import UserError
from db.engine import Database
from tests.support.builders import make_card


def _one_line(capsys: pytest.CaptureFixture[str], fragment: str) -> None:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("secretariat: ") and fragment in err[0], err[0]


def _card(tmp_path: Path, text: str) -> str:
    path = tmp_path / "card.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


CARD = {
    "journal": "РСК",
    "subject": "О проверке",
    "addressee": {"text": "Губернатору"},
    "body": "Текст.",
    "signatory": "protasov",
}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[" * 100_000 + "]" * 100_000, "слишком глубокая вложенность"),
        ('{"journal": ' + "9" * 5000 + "}", "длиннее 4 300 цифр"),
        (
            json.dumps({**CARD, "attachments": [{"title": "Отчет", "sheets": 10**30}]}),
            "слишком велико",
        ),
        (
            json.dumps({**CARD, "attachments": [{"title": "Отчет", "sheets": 20_000}]}),
            "от 1 до 10 000",
        ),
        (json.dumps({**CARD, "subject": "О \ud800"}), "U+D800"),
    ],
)
def test_hostile_cards(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    assert main(["letters", "register", _card(tmp_path, text)]) == 2
    _one_line(capsys, fragment)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["letters", "list", "--limit", "-1"], "от 1 до 1000000"),
        (["letters", "show", "1893/5", "--year", "0"], "от 1900 до 2200"),
        (["reports", "overdue", "--within", str(10**11)], "от 0 до 3650"),
        (["audit", "--limit", "x"], "целое число"),
    ],
)
def test_hostile_arguments(
    demo_db: Database, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    _one_line(capsys, fragment)


@pytest.mark.parametrize("encoding", ["utf-7", "euc-jp", "x-nothing"])
def test_receipts_in_unknown_encodings(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    receipt = tmp_path / "receipt.xml"
    receipt.write_bytes(
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<communication xmlns="urn:IEDMS:MESSAGE"/>'.encode("ascii")
    )
    assert main(["dispatch", "receipt", str(receipt)]) == 2
    _one_line(capsys, "кодировке")


def _form(tmp_path: Path, row: bytes) -> Path:
    wb = Workbook()
    wb.active.append(["Адресат", "Количество"])
    wb.active.append(["Минфин", 5])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    path = tmp_path / "form.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", row + b"</sheetData>")
            out.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (b'<row r="3"><c r="A3" t="n"><v>abc</v></c></row>', "текст в числовой ячейке"),
        (b'<row r="3"><c r="B3" t="d"><v>2025-02-30</v></c></row>', "несуществующая дата"),
        (b'<row r="3"><c r="ZZZZZ3" t="inlineStr"><is><t>x</t></is></c></row>', "столбец"),
    ],
)
def test_malformed_report_form_cells(tmp_path: Path, row: bytes, fragment: str) -> None:
    from app.rules.report_form import read_filled_form

    with pytest.raises(UserError, match=fragment):
        read_filled_form(_form(tmp_path, row), ["Адресат", "Количество"])


def test_a_number_repeated_in_two_journals_is_reached_with_journal(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import text

    from app.services.registry.letters import register_letter

    day = dt.date(2026, 3, 2)
    first = register_letter(demo_db, make_card(journal="РСК", date=day)).number
    with demo_db.write() as session:  # two journals printing the same number (an old set-up)
        session.execute(text("UPDATE letter SET number = '1893/5' WHERE number = :n"), {"n": first})
    assert main(["letters", "show", "1893/5"]) == 2
    err = capsys.readouterr().err
    assert "журнал ИСХ" in err and "журнал РСК" in err and "--journal" in err
    assert main(["letters", "show", "1893/5", "--journal", "РСК", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["journal"] == "РСК"


def test_control_characters_already_stored_still_make_a_docx(demo_db: Database) -> None:
    """A letter stored before the input rule, with NUL and control characters in its body."""
    import io

    from docx import Document
    from sqlalchemy import text

    from app.services.output.letter_export import prepare, render
    from app.services.registry.letters import letter_id_by_number

    with demo_db.write() as session:
        session.execute(
            text("UPDATE letter SET body = :b WHERE number = '1893/5'"),
            {"b": "Текст\x00 с\x01 символами"},
        )
    prepared = prepare(demo_db, letter_id_by_number(demo_db, "1893/5"))
    data = render(prepared, "docx", prepared.pages)
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Текст с символами" in paragraphs


def test_a_long_paragraph_prints_the_same_pages_in_linear_time(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paragraph of 32,000 characters is broken into lines once and printed in pieces; the
    pages are drawn exactly as ReportLab draws the whole paragraph: the same lines, each with
    the same word spacing (a justified line keeps its spacing at a page end)."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    import app.exporters.letter_pdf as letter_pdf
    from app.services.output.letter_export import prepare, render
    from app.services.registry.letters import register_letter

    words = " ".join(f"слово{i}" for i in range(4000))
    body = f"Первый абзац.\n\n{words}\n\nПоследний абзац."
    letter = register_letter(demo_db, make_card(body=body))
    prepared = prepare(demo_db, letter.id)

    def pages() -> list[list[tuple[bytes, float]]]:
        pdf = PdfReader(io.BytesIO(render(prepared, "pdf", prepared.pages)))
        drawn = []
        for page in pdf.pages:
            spacing, lines = 0.0, []
            for operands, op in ContentStream(page.get_contents(), pdf).operations:
                if op == b"Tw":
                    spacing = round(float(operands[0]), 3)
                elif op == b"Tj":
                    lines.append((str(operands[0]).encode("utf-8", "surrogatepass"), spacing))
            drawn.append(lines)
        return drawn

    pieces = pages()
    monkeypatch.setattr(letter_pdf, "LONG_PARAGRAPH", 10**9)
    assert len(pieces) > 5 and sum(map(len, pieces)) > 400
    assert pieces == pages()


def test_register_on_a_full_disk_is_one_line_and_writes_nothing(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The disk fills up under the registry (SQLite's page limit stands for the disk)."""
    import sqlite3

    from sqlalchemy import event

    import db.engine as engine_module

    with sqlite3.connect(db_path) as con:
        (pages,) = con.execute("PRAGMA page_count").fetchone()
        (before,) = con.execute("SELECT count(*) FROM letter").fetchone()
    install = engine_module._install_sqlite_pragmas

    def full(engine: Any, **options: Any) -> None:
        install(engine, **options)
        event.listen(
            engine,
            "connect",
            lambda conn, _record: conn.execute(f"PRAGMA max_page_count = {pages}"),
        )

    monkeypatch.setattr(engine_module, "_install_sqlite_pragmas", full)
    body = "Текст письма. " * 12_000  # more than the pages left
    card = json.dumps({**CARD, "body": body})
    assert main(["letters", "register", _card(tmp_path, card)]) == 2
    _one_line(capsys, "на диске нет места")
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM letter").fetchone() == (before,)


def test_csv_on_standard_output_guards_formulas(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from app.services.directory.recipients import RecipientData, save_recipient
    from app.services.registry.letters import register_letter

    register_letter(demo_db, make_card(subject='=HYPERLINK("http://x")'))
    save_recipient(demo_db, RecipientData(code="evil", organization="@SUM(A1)"))
    assert main(["letters", "list", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter=";"))
    assert [r[4] for r in rows if "HYPERLINK" in r[4]] == ['\'=HYPERLINK("http://x")']
    assert main(["recipients", "list", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter=";"))
    assert [r[1] for r in rows if r[0] == "evil"] == ["'@SUM(A1)"]


def test_a_card_file_too_large_is_refused_before_it_is_read(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "card.json"
    with card.open("wb") as fh:  # sparse: 60 MB on paper, nothing on disk
        fh.truncate(60_000_000)
    assert main(["letters", "register", str(card)]) == 2
    _one_line(capsys, "файл больше 50 МБ")
