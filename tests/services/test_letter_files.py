"""The letter's own files: attached, listed, read back byte for byte, removed with a reason —
through the service, the CLI and the card; kept in pieces, refused beyond the limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.cli import main
from app.services.files.stored_files import CHUNK
from app.services.organization.profile import get_organization, save_organization
from app.services.output.letter_export import preview_pdf
from app.services.registry.letter_files import (
    attach_file,
    detach_file,
    letter_files,
    save_letter_file,
)
from app.services.registry.letter_list import LetterQuery, list_letters
from app.services.registry.letters import letter_id_by_number
from app.support.errors import UserError
from db.engine import Database
from db.models import AuditEvent, StoredFile, StoredFileChunk
from tests.support.builders import random_bytes, two_page_pdf


@pytest.fixture
def letter(demo_db: Database) -> int:
    return letter_id_by_number(demo_db, "710/5")


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_attach_list_read_back_and_remove(demo_db: Database, letter: int, tmp_path: Path) -> None:
    scan = tmp_path / "скан.pdf"
    scan.write_bytes(preview_pdf(demo_db, letter))
    row = attach_file(demo_db, letter, scan, kind="scan", title="Подписанное письмо")
    assert (row.name, row.kind, row.pages) == ("скан.pdf", "scan", 1)
    big = random_bytes(tmp_path / "приложение.bin", 2 * CHUNK + 123)
    attach_file(demo_db, letter, big)
    again = attach_file(demo_db, letter, big)
    assert again.name == "приложение (2).bin"  # the same name twice: the second is numbered
    assert _count(demo_db, StoredFileChunk) == 1 + 3 + 3  # pieces of 1 MiB, never one blob
    rows = letter_files(demo_db, letter)
    assert [(r.name, r.size) for r in rows][1:] == [
        ("приложение.bin", big.stat().st_size),
        ("приложение (2).bin", big.stat().st_size),
    ]
    out = save_letter_file(demo_db, letter, "приложение (2).bin", tmp_path / "out.bin")
    assert out.read_bytes() == big.read_bytes()
    with pytest.raises(UserError, match="причину"):
        detach_file(demo_db, letter, "приложение.bin", " ")
    detach_file(demo_db, letter, "приложение.bin", "прикреплен по ошибке")
    assert [r.name for r in letter_files(demo_db, letter)] == ["скан.pdf", "приложение (2).bin"]
    assert _count(demo_db, StoredFileChunk) == 1 + 3  # the removed file's pieces went with it
    with demo_db.read() as session:
        removed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "file_removed")
        ).one()
    assert removed.details["reason"] == "прикреплен по ошибке"
    assert removed.details["sha256"] == rows[1].sha256
    found = [r for r in list_letters(demo_db, LetterQuery()) if r.id == letter]
    assert found[0].files == 2


def test_over_the_limit_is_refused_and_writes_nothing(
    demo_db: Database, letter: int, tmp_path: Path
) -> None:
    org = get_organization(demo_db)
    assert org is not None and org.max_file_mb == 50
    org.max_file_mb = 1
    save_organization(demo_db, org)
    before = (_count(demo_db, StoredFile), _count(demo_db, StoredFileChunk))
    with pytest.raises(UserError, match="больше допустимых 1,0 МБ"):
        attach_file(demo_db, letter, random_bytes(tmp_path / "big.bin", CHUNK + 1))
    assert (_count(demo_db, StoredFile), _count(demo_db, StoredFileChunk)) == before


def test_a_damaged_file_is_not_written_out(demo_db: Database, letter: int, tmp_path: Path) -> None:
    attach_file(demo_db, letter, random_bytes(tmp_path / "a.bin", CHUNK + 10))
    with demo_db.write() as session:
        session.execute(
            update(StoredFileChunk).where(StoredFileChunk.seq == 1).values(data=b"x" * 10)
        )
    target = tmp_path / "out" / "a.bin"
    target.parent.mkdir()
    with pytest.raises(UserError, match="поврежден"):
        save_letter_file(demo_db, letter, "a.bin", target)
    assert list(target.parent.iterdir()) == []  # no half file


def test_cli_attach_files_file_detach(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = random_bytes(tmp_path / "форма.xlsx", 5000)
    assert main(["letters", "attach", "710/5", str(data), "--title", "Отчетная форма"]) == 0
    assert "Прикреплен файл «форма.xlsx»" in capsys.readouterr().out
    assert main(["letters", "files", "710/5", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["name"], row["kind"], row["title"], row["size"]) == (
        "форма.xlsx",
        "attachment",
        "Отчетная форма",
        5000,
    )
    assert len(row["sha256"]) == 64
    out = tmp_path / "copy.xlsx"
    assert main(["letters", "file", "710/5", "форма.xlsx", "--out", str(out)]) == 0
    assert out.read_bytes() == data.read_bytes()
    assert main(["letters", "attach", "710/5", str(tmp_path / "нет.pdf")]) == 2
    assert main(["letters", "detach", "710/5", "форма.xlsx", "--reason", "не тот файл"]) == 0
    assert main(["letters", "file", "710/5", "форма.xlsx", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith("У письма нет файла «форма.xlsx»") and len(err) == 2


def test_cli_card_attachments_with_their_files(
    demo_db: Database, letter: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two_page_pdf(demo_db, letter, tmp_path / "план.pdf")
    form = random_bytes(tmp_path / "форма.xlsx", 3000)
    card = {
        "journal": "ИСХ",
        "case": "5",
        "subject": "О плане мероприятий",
        "addressee": {"recipient": "kamchatka-governor"},
        "body": "Направляем план мероприятий.",
        "signatory": "protasov",
        "attachments": [
            {"title": "План мероприятий", "file": "план.pdf"},  # sheets: the PDF's pages
            {"title": "Форма отчета", "file": str(form), "sheets": 1},
        ],
    }
    path = tmp_path / "card.json"
    path.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    assert main(["letters", "register", str(path)]) == 0
    number = capsys.readouterr().out.strip()
    assert main(["letters", "files", number, "--json"]) == 0
    files = json.loads(capsys.readouterr().out)
    assert [(f["name"], f["kind"], f["title"], f["pages"]) for f in files] == [
        ("план.pdf", "attachment", "План мероприятий", 2),
        ("форма.xlsx", "attachment", "Форма отчета", None),  # not a paged file
    ]
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(preview_pdf(demo_db, letter_id_by_number(demo_db, number)))
    page_text = " ".join(document[0].get_textpage().get_text_range().split())
    document.close()
    assert "План мероприятий на 2 л." in page_text
    # a file that is not there: refused with one line, no number used
    card["attachments"] = [{"title": "Нет файла", "file": "нет.pdf", "sheets": 1}]
    path.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    before = _count(demo_db, StoredFile)
    assert main(["letters", "register", str(path)]) == 2
    *_twin_warning, err = capsys.readouterr().err.strip().splitlines()
    assert err.startswith("secretariat: Файл не найден:") and err.endswith("нет.pdf")
    assert _count(demo_db, StoredFile) == before
