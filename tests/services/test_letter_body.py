"""The rich letter body: the card's JSON, the stored form, the search text, both writers."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.rules.letter_body import (
    Block,
    Table,
    blocks_of,
    card_body,
    card_value,
    from_json,
    plain_text,
    stored,
)
from app.services.output.letter_export import prepare, render
from app.services.registry.letter_cards import card_from_json, letter_card, view_to_json
from app.services.registry.letter_list import LetterQuery, list_letters
from app.services.registry.letters import register_letter
from app.support.errors import UserError
from db.engine import Database
from tests.support.builders import RICH, rich_card


def test_labels_are_computed_and_nested_lists_restart() -> None:
    items = from_json(RICH)
    labels = [(b.kind, b.level, b.label) for b in items if isinstance(b, Block) and b.label]
    assert labels == [
        ("numbered", 0, "1."),
        ("bullet", 1, "–"),
        ("bullet", 1, "–"),
        ("numbered", 0, "2."),
        ("numbered", 1, "а)"),
        ("numbered", 1, "б)"),
    ]
    table = items[7]
    assert isinstance(table, Table)
    assert table.columns == 3 and table.header_rows == 1 and len(table.rows) == 60
    assert [b.text for b in table.rows[1][1]] == ["Кострома", "Ярославль"]


def test_json_round_trip_and_old_markup_reads_as_before() -> None:
    kept = card_body(RICH)
    assert kept.startswith('{"rich_body":1')
    again = card_value(kept)
    assert isinstance(again, list)
    assert stored(from_json(again)) == kept  # one form for equal bodies
    markup = "Текст **важный**.\n\n- пункт\n3) свой номер"
    assert card_body(markup) == markup and card_value(markup) == markup
    legacy = blocks_of(markup)
    assert [b.label for b in legacy if isinstance(b, Block)] == ["", "–", "3)"]
    assert "Город 5" in plain_text(kept) and "а) по регионам;" in plain_text(kept)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"type": "paragraph"}, "строка или список блоков"),
        ([{"type": "heading", "runs": ["x"]}], "неизвестный вид «heading»"),
        ([{"type": "bullet", "level": 2, "runs": ["x"]}], "уровень списка"),
        ([{"runs": [{"text": "x", "bold": "да"}]}], "true или false"),
        ([{"runs": ["a\x00b"]}], "U\\+0000"),
        ([{"type": "table", "rows": []}], "нет строк"),
        ([{"type": "table", "rows": [["a"] * 21]}], "до 20 столбцов"),
        ([{"type": "table", "rows": [["a", "b"]], "widths": [1, -1]}], "widths"),
        ([{"type": "table", "rows": [["a"]], "widths": [float("nan")]}], "widths"),
        ([{"type": "table", "rows": [[[{"type": "table", "rows": [["a"]]}]]]}], "внутри таблицы"),
        ([{"type": "table", "rows": [["a"]], "header_rows": 2}], "header_rows"),
        (42, "строка или список"),
    ],
)
def test_a_hostile_body_is_one_russian_line(body: Any, says: str) -> None:
    with pytest.raises(UserError, match=says):
        card_body(body)


def test_rich_letter_registers_shows_searches_and_prints(demo_db: Database, tmp_path: Path) -> None:
    registered = register_letter(demo_db, card_from_json(rich_card()))
    shown = view_to_json(letter_card(demo_db, registered.id))
    assert shown["body"] == card_value(card_body(RICH))
    found = list_letters(demo_db, LetterQuery(search="ярославль"))
    assert [row.number for row in found] == [registered.number]

    prepared = prepare(demo_db, registered.id)
    pdf = render(prepared, "pdf", prepared.pages)
    text = _pdf_text(pdf)
    assert "1. сведения о мероприятиях;" in text
    assert "а) по регионам;" in text and "б) по отраслям." in text
    assert "Город 59" in text
    pages = text.split("\n")
    spanned = [p for p in pages if "Город" in p]
    assert len(spanned) >= 2  # the table goes on to the next page, its header row repeated
    assert all("Дата Город Количество" in p for p in spanned)

    docx = render(prepared, "docx", prepared.pages)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode()
    assert xml.count("<w:tbl>") >= 2  # letterhead, body table (and the signature)
    assert "<w:tblHeader" in xml and "<w:u " in xml and "<w:i/>" in xml
    assert "Ярославль" in xml and "а)\u00a0" in xml


def test_cli_card_with_rich_body_and_show_json(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "card.json"
    path.write_text(json.dumps(rich_card(), ensure_ascii=False), encoding="utf-8")
    assert main(["letters", "register", str(path)]) == 0
    number = capsys.readouterr().out.strip()
    assert main(["letters", "show", number, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["body"][0]["runs"][1] == {"text": "реализации", "bold": True}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rich_card(body=[{"type": "bullet", "level": 3}])), "utf-8")
    assert main(["letters", "register", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "уровень списка" in err


def test_no_number_without_text_or_signatory(
    demo_db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "card.json"
    path.write_text(json.dumps(rich_card(body="  ", signatory=None)), encoding="utf-8")
    before = _next_number(demo_db)
    assert main(["letters", "register", str(path)]) == 2
    assert "не указаны подписант, текст" in capsys.readouterr().err
    assert _next_number(demo_db) == before


def _next_number(db: Database) -> int:
    from sqlalchemy import func, select

    from db.models import Letter

    with db.read() as session:
        return int(session.scalar(select(func.count(Letter.id))) or 0)


def _pdf_text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(
            " ".join(page.get_textpage().get_text_range().split()) for page in document
        )
    finally:
        document.close()
