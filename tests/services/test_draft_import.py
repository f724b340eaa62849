"""An executor's Word draft becomes a card: `letters from-docx` and the service behind it, on
drafts in the shapes executors type (tests/drafts.py)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.cli import main
from app.rules.docx_draft import read_draft
from app.rules.letter_body import Block, Table, blocks_of
from app.services.registry.draft_import import card_from_draft
from app.services.registry.letters import register_letter
from app.support.errors import UserError
from db.engine import Database
from tests.support.drafts import governor_in_table, indented_unknown, report_request_tabbed


def test_addressee_in_a_table_letterhead_dropped_names_matched(
    demo_db: Database, tmp_path: Path
) -> None:
    result = card_from_draft(demo_db, governor_in_table(tmp_path / "draft.docx"))
    card = result.card
    assert card.addressee.recipient == "kamchatka-governor"  # found in the directory
    assert card.subject == "О поддержке Конкурса «Лидер качества»"
    assert card.salutation == "Уважаемый Владимир Викторович!"
    assert card.closing == "С уважением,"
    assert card.signatory == "protasov" and card.executor == "starchikova"
    assert [(a.title, a.sheets, a.copies) for a in card.attachments] == [
        ("Положение о Конкурсе", 5, 1)
    ]
    body = blocks_of(card.body)
    assert len(body) == 2 and all(isinstance(b, Block) and b.kind == "paragraph" for b in body)
    dropped = [text for what, text in result.notes if what.startswith("бланк")]
    assert "РОСКАЧЕСТВО" in dropped and "№ ________ от ________" in dropped
    assert result.unrecognised == []
    card.case = "5"
    assert register_letter(demo_db, card).number.endswith("/5")


def test_tabs_word_lists_body_table_and_a_five_line_position(
    demo_db: Database, tmp_path: Path
) -> None:
    draft = read_draft(report_request_tabbed(tmp_path / "draft.docx"))
    assert draft.addressee == [["Руководителям органов", "управления образованием"]]
    assert draft.signatory_position == [
        "Заместитель руководителя",
        "Департамента государственной",
        "политики в сфере общего",
        "образования Министерства",
        "просвещения Российской Федерации",
    ]
    assert draft.signatory_name == "М.А. Протасов"
    assert draft.executor_name == "Старчикова Мария Сергеевна"
    assert draft.executor_phone == "+7 (915) 004-29-49"
    lists = [(b.kind, b.level, b.label) for b in draft.body if isinstance(b, Block) and b.label]
    assert lists == [
        ("numbered", 0, "1."),
        ("bullet", 1, "–"),
        ("bullet", 1, "–"),
        ("numbered", 0, "2."),
        ("numbered", 1, "а)"),
    ]
    first = draft.body[0]
    assert isinstance(first, Block)
    assert [s.text for s in first.spans if s.bold] == ["11-17 ноября", "14 ноября"]
    table = next(b for b in draft.body if isinstance(b, Table))
    assert table.header_rows == 1 and table.columns == 3
    assert table.rows[2][1][0].text == "Квиз"
    assert draft.attachments == [("Отчетная форма", 1, 1), ("Методические материалы", 12, 1)]
    card = card_from_draft(demo_db, tmp_path / "draft.docx").card
    assert card.addressee.text == "Руководителям органов\nуправления образованием"
    assert card.signatory == "protasov" and card.executor == "starchikova"


def test_unknown_addressee_reply_line_and_what_is_not_recognised(
    demo_db: Database, tmp_path: Path
) -> None:
    result = card_from_draft(demo_db, indented_unknown(tmp_path / "draft.docx"))
    card = result.card
    assert card.addressee.text == "Директору ООО «Ромашка»\nИ.И. Иванову"
    assert (card.reply_to_number, str(card.reply_to_date)) == ("12-34", "2025-03-05")
    assert card.subject == "Об ответе на запрос" and card.salutation is None
    assert card.signatory == "protasov"
    assert result.unrecognised == ["Черновик согласован устно"]


def test_cli_writes_the_card_register_reads(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = report_request_tabbed(tmp_path / "draft.docx")
    out = tmp_path / "card.json"
    assert main(["letters", "from-docx", str(draft), "--journal", "РСК", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "заголовок: О проведении Недели качества и Дня качества" in err
    card = json.loads(out.read_text(encoding="utf-8"))
    assert card["journal"] == "РСК" and card["body"][2]["type"] == "numbered"
    assert main(["letters", "register", str(out)]) == 0
    number = capsys.readouterr().out.strip()
    assert number.endswith("-РСК")
    assert main(["letters", "from-docx", str(draft)]) == 0  # the card on stdout
    assert json.loads(capsys.readouterr().out)["subject"].startswith("О проведении")


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_bytes(b"not a zip") and p, "не читается как документ Word"),
        (lambda p: _zip(p, {"a.txt": b"x"}), "это не документ Word"),
        (lambda p: _zip(p, {"word/document.xml": b"<broken"}), "не читается как документ Word"),
        (lambda p: _zip(p, {"word/document.xml": b"\0" * 210_000_000}), "больше 200 МБ"),
    ],
)
def test_a_file_that_is_not_a_draft_is_one_line_exit_2(
    demo_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    says: str,
) -> None:
    path = tmp_path / "draft.docx"
    made = make(path)  # type: ignore[operator]
    assert made is not None
    with pytest.raises(UserError, match=says):
        read_draft(path)
    assert main(["letters", "from-docx", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
