"""A restore loses no numbered record: outgoing and incoming letters, reservations and annulled
numbers of both kinds are listed per journal, named by ``journal gaps`` while they live only in
the kept-aside file, and brought back under their numbers with the same files (SHA-256)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.cli import main
from app.services.incoming.cards import IncomingCard
from app.services.incoming.detail import incoming_detail
from app.services.incoming.registration import (
    annul_incoming,
    register_incoming,
)
from app.services.incoming.resolutions import assign_incoming
from app.services.journal.gaps import journal_gaps
from app.services.links.replies import incoming_id_by_number
from app.services.registry.letters import annul_letter, register_letter, reserve_number
from app.services.safety.backup import create_backup, restore_backup
from app.services.safety.maintenance import check_database
from app.support.errors import UserError
from db.engine import Database
from db.models import CaseFile, IncomingFile, IncomingLetter, Letter, LetterFile, StoredFile
from tests.support.builders import make_card

TODAY = dt.date.today()


def _incoming_card(number: str, files: list[Path]) -> IncomingCard:
    return IncomingCard(
        journal="ВХ",
        subject="О проведённых мероприятиях Недели качества",
        sender_code="minpromtorg",
        sender_number=number,
        sender_date=TODAY,
        date=TODAY,
        delivery="МЭДО",
        pages=2,
        files=files,
    )


def _hashes(db: Database, model: Any, owner: str, number: str) -> list[str]:
    with db.read() as session:
        parent = IncomingLetter if model is IncomingFile else Letter
        return sorted(
            session.scalars(
                select(StoredFile.sha256)
                .join(model, model.file_id == StoredFile.id)
                .join(parent, getattr(model, owner) == parent.id)
                .where(parent.number == number, parent.reg_date == TODAY)
            )
        )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_numbered_kind_comes_back_after_a_restore(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.services.safety.opening import open_registry

    info = create_backup(demo_db, tmp_path / "copies")
    skipped_before = [g for g in journal_gaps(demo_db) if g.kind == "missing"]
    scan = tmp_path / "скан.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    memo = tmp_path / "справка.txt"
    memo.write_text("Справка к письму\n" * 50, encoding="utf-8")
    # after the copy: an incoming letter with files and a resolution, one annulled
    kept = register_incoming(demo_db, _incoming_card("77/1", [scan, memo]), today=TODAY)
    assign_incoming(
        demo_db, kept.id, ["protasov"], due=TODAY + dt.timedelta(days=30),
        task="Подготовить ответ", today=TODAY,
    )  # fmt: skip
    wrong = register_incoming(demo_db, _incoming_card("77/2", []), today=TODAY)
    annul_incoming(demo_db, wrong.id, "зарегистрировано по ошибке")
    # an outgoing letter with a file, a reservation and an annulled letter
    attached = tmp_path / "приложение.txt"
    attached.write_text("Перечень мероприятий\n" * 40, encoding="utf-8")
    card = make_card(date=TODAY)
    from app.services.registry.letters import AttachmentData

    card.attachments = [AttachmentData("Перечень мероприятий", 1, 1, file=attached)]
    sent = register_letter(demo_db, card, today=TODAY)
    reserved = reserve_number(demo_db, "ИСХ", date=TODAY, case="5").number
    annulled = register_letter(demo_db, make_card(date=TODAY), today=TODAY)
    annul_letter(demo_db, annulled.id, "ошибка в адресате")
    demo_db.dispose()

    result = restore_backup(db_path, info.path)
    listed = {(m.journal, m.number, m.status) for m in result.missing}
    assert listed == {
        ("ВХ", kept.number, "registered"),
        ("ВХ", wrong.number, "annulled"),
        ("ИСХ", sent.number, "registered"),
        ("ИСХ", reserved, "reserved"),
        ("ИСХ", annulled.number, "annulled"),
    }
    assert result.kept_aside is not None
    aside = str(result.kept_aside)

    # while only the kept-aside file has them, the gaps say so and not «не выдавался»
    db = open_registry(str(db_path))
    gaps = {(g.journal, g.number): g for g in journal_gaps(db) if g.kind == "aside"}
    assert set(gaps) == {("ВХ", kept.number), ("ВХ", wrong.number)} | {
        ("ИСХ", n) for n in (sent.number, reserved, annulled.number)
    }
    assert result.kept_aside.name in gaps[("ВХ", kept.number)].note
    db.dispose()

    capsys.readouterr()
    assert main(["--db", str(db_path), "bring-back", aside, "--list"]) == 0
    out = capsys.readouterr().out
    assert "Журнал «ВХ»: 2" in out and "Журнал «ИСХ»: 3" in out
    assert f"вх. № {kept.number}" in out and "[резерв]" in out and "[аннулирован]" in out
    assert "Писем нет в базе: 5" in out
    assert main(["--db", str(db_path), "bring-back", aside]) == 0
    assert "Писем возвращено: 5" in capsys.readouterr().out

    db = open_registry(str(db_path))
    try:
        assert check_database(db).ok
        gaps_after = journal_gaps(db)
        assert [g for g in gaps_after if g.kind == "missing"] == skipped_before
        assert not [g for g in gaps_after if g.kind == "aside"]
        back = incoming_detail(db, incoming_id_by_number(db, kept.number, year=TODAY.year))
        assert (back.number, back.sender_number) == (kept.number, "77/1")
        assert [(a.executor_code, a.task) for a in back.assignments] == [
            ("protasov", "Подготовить ответ")
        ]
        assert _hashes(db, IncomingFile, "incoming_id", kept.number) == sorted(
            [_sha(scan), _sha(memo)]
        )
        assert _hashes(db, LetterFile, "letter_id", sent.number) == [_sha(attached)]
        statuses: dict[str, str] = {}
        with db.read() as session:
            for model in (Letter, IncomingLetter):
                for number, status in session.execute(
                    select(model.number, model.status).where(model.reg_date == TODAY)
                ):
                    statuses[number] = status
        assert statuses[wrong.number] == "annulled"
        assert statuses[reserved] == "reserved"
        assert statuses[annulled.number] == "annulled"
        # a number is still issued once: the next ones follow those brought back
        nxt = register_incoming(db, _incoming_card("77/3", []), today=TODAY)
        assert nxt.number not in statuses
    finally:
        db.dispose()
    assert main(["--db", str(db_path), "bring-back", aside]) == 0
    assert "Писем возвращено: 0" in capsys.readouterr().out


def test_an_incoming_reply_and_its_answer_come_back_linked(
    demo_db: Database, db_path: Path, tmp_path: Path
) -> None:
    from app.services.incoming.registration import complete_incoming
    from app.services.safety.bring_back import bring_back
    from app.services.safety.opening import open_registry

    info = create_backup(demo_db, tmp_path / "copies")
    received = register_incoming(demo_db, _incoming_card("88/1", []), today=TODAY)
    answer = register_letter(demo_db, make_card(date=TODAY), today=TODAY)
    complete_incoming(demo_db, received.id, reply=answer.number, today=TODAY)
    demo_db.dispose()
    result = restore_backup(db_path, info.path)
    assert result.kept_aside is not None
    db = open_registry(str(db_path))
    try:
        with pytest.raises(UserError, match="нет номеров"):
            bring_back(db, result.kept_aside, ["999-вх"])
        back = bring_back(db, result.kept_aside, [f"вх. {received.number}", answer.number])
        assert {m.number for m in back} == {received.number, answer.number}
        detail = incoming_detail(db, incoming_id_by_number(db, received.number, year=TODAY.year))
        assert detail.answered_by is not None and detail.answered_by.number == answer.number
    finally:
        db.dispose()


def test_bring_back_from_an_aside_kept_by_an_older_program(
    demo_db: Database, db_path: Path, tmp_path: Path
) -> None:
    """A copy kept aside before the program was upgraded is read through an upgraded copy of
    it (the aside itself unchanged): its letters come back with their files."""

    from app.services.safety.bring_back import bring_back
    from app.services.safety.opening import open_registry
    from app.storage.hooks import open_store
    from db.schema import current_revision, downgrade

    info = create_backup(demo_db, tmp_path / "copies")
    memo = tmp_path / "справка.txt"
    memo.write_text("Справка\n" * 30, encoding="utf-8")
    kept = register_incoming(demo_db, _incoming_card("88/1", [memo]), today=TODAY)
    demo_db.dispose()
    result = restore_backup(db_path, info.path)
    assert result.kept_aside is not None
    older = open_store(str(result.kept_aside))
    downgrade(older, "0018")
    older.dispose()
    before = result.kept_aside.read_bytes()
    db = open_registry(str(db_path))
    try:
        back = bring_back(db, result.kept_aside)
        assert [m.number for m in back] == [kept.number]
        detail = incoming_detail(db, incoming_id_by_number(db, kept.number, year=TODAY.year))
        assert [f.name for f in detail.files] == ["справка.txt"]
    finally:
        db.dispose()
    assert result.kept_aside.read_bytes() == before  # the aside is only read
    probe = open_store(str(result.kept_aside), read_only=True)
    assert current_revision(probe) == "0018"
    probe.dispose()


def test_brought_back_to_their_cases_by_index_and_year(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Letters filed after the copy come back filed to the case of the same index and year when
    the restored nomenclature has it; a case set up after the copy is not in it: the letter comes
    back unfiled and the list says why. (The kept-aside case id was copied as it was: a case
    the copy lacked made the whole bring-back fail on its foreign key, «внутренняя ошибка».)"""
    from app.services.cases.filing import file_incoming, file_letter
    from app.services.cases.nomenclature import copy_year
    from app.services.safety.opening import open_registry

    info = create_backup(demo_db, tmp_path / "copies")
    in_old_case = register_incoming(demo_db, _incoming_card("77/1", []), today=TODAY)
    file_incoming(demo_db, in_old_case.id, "5", year=2025)
    copy_year(demo_db, 2025, TODAY.year)  # the next year's cases, set up after the copy
    in_new_case = register_incoming(demo_db, _incoming_card("77/2", []), today=TODAY)
    file_incoming(demo_db, in_new_case.id, "5", year=TODAY.year)
    ours = register_letter(demo_db, make_card(date=TODAY), today=TODAY)
    file_letter(demo_db, ours.id, "02-03", year=2025)
    demo_db.dispose()

    result = restore_backup(db_path, info.path)
    assert result.kept_aside is not None
    capsys.readouterr()
    assert main(["--db", str(db_path), "bring-back", str(result.kept_aside)]) == 0
    out = capsys.readouterr().out
    assert "Писем возвращено: 3" in out
    assert f"не подшито: дела 5 ({TODAY.year}) нет в восстановленной номенклатуре" in out
    db = open_registry(str(db_path))
    try:
        from app.services.cases.nomenclature import case_by_index_in

        with db.read() as session:

            def case_of(model: Any, number: str) -> tuple[str, int] | None:
                row = session.scalars(
                    select(model).where(model.number == number, model.reg_date == TODAY)
                ).one()
                case = session.get(CaseFile, row.case_id) if row.case_id else None
                return (case.case_index, case.year) if case else None

            assert case_of(IncomingLetter, in_old_case.number) == ("5", 2025)
            assert case_of(IncomingLetter, in_new_case.number) is None
            assert case_of(Letter, ours.number) == ("02-03", 2025)
            assert case_by_index_in(session, "5", TODAY.year) is None
        assert check_database(db).ok
    finally:
        db.dispose()
