"""A printed number identifies one letter: period and template changes, restores, bounds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.cli import main
from app.services.organization.profile import JournalData, list_journals, save_journal
from app.services.registry.letters import reserve_number
from app.services.safety.maintenance import check_database
from app.support.errors import UserError
from db.engine import Database
from db.models import Letter
from tests.support.builders import make_card

AUG = dt.date(2026, 8, 14)
OCT = dt.date(2026, 10, 1)


def _journal(db: Database, code: str, **changes: object) -> None:
    data = next((j for j in list_journals(db) if j.code == code), None)
    if data is None:
        data = JournalData(code, f"Журнал {code}", "{seq}-ИСХ")
    for name, value in changes.items():
        setattr(data, name, value)
    save_journal(db, data, today=OCT)


def _register(db: Database, journal: str, date: dt.date) -> str:
    from app.services.registry.letters import register_letter

    return register_letter(db, make_card(journal=journal, date=date), today=date).number


def _numbers(db: Database, journal_id_sql: str = "ТСТ") -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(Letter.number)
                .where(Letter.journal.has(code=journal_id_sql))
                .order_by(Letter.id)
            )
        )


def test_quarter_to_year_continues_after_the_printed_numbers(demo_db: Database) -> None:
    _journal(demo_db, "ТСТ", template="{q}/{seq}-ИСХ", period="quarter")
    assert [_register(demo_db, "ТСТ", AUG) for _ in range(3)] == ["3/1-ИСХ", "3/2-ИСХ", "3/3-ИСХ"]
    _journal(demo_db, "ТСТ", template="{seq}-ИСХ", period="year")
    assert [_register(demo_db, "ТСТ", OCT) for _ in range(2)] == ["4-ИСХ", "5-ИСХ"]
    assert check_database(demo_db).ok


def test_a_database_changed_before_the_rule_never_prints_a_number_twice(
    demo_db: Database,
) -> None:
    """The issue's reproduction: a quarter journal without the quarter in its number whose
    period was switched to a year without continuing (as older versions did)."""
    _journal(demo_db, "ТСТ")
    with demo_db.write() as session:
        session.execute(text("UPDATE journal SET period = 'quarter' WHERE code = 'ТСТ'"))
    assert [_register(demo_db, "ТСТ", AUG) for _ in range(3)] == ["1-ИСХ", "2-ИСХ", "3-ИСХ"]
    with demo_db.write() as session:
        session.execute(text("UPDATE journal SET period = 'year' WHERE code = 'ТСТ'"))
    assert [_register(demo_db, "ТСТ", OCT) for _ in range(2)] == ["4-ИСХ", "5-ИСХ"]
    assert len(set(_numbers(demo_db))) == 5


@pytest.mark.parametrize(
    ("template", "period", "message"),
    [
        ("{seq}-ИСХ", "quarter", "каждый квартал"),
        ("{seq}-ИСХ", "month", "каждый месяц"),
        ("{q}/{seq}", "month", r"\{mm\} \(месяц\)"),
    ],
)
def test_a_period_whose_numbers_repeat_in_a_year_is_refused(
    demo_db: Database, template: str, period: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        _journal(demo_db, "ТСТ", template=template, period=period)
    _journal(demo_db, "ТСТ", template="{mm}-{seq}", period="month")  # the month is in the number
    assert _register(demo_db, "ТСТ", AUG) == "08-1"


def test_two_journals_with_one_template_are_refused(demo_db: Database) -> None:
    with pytest.raises(UserError, match="уже у журнала «ИСХ»"):
        _journal(demo_db, "ТСТ", template="{seq}/{case}")


def test_setup_refuses_a_repeating_template(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = '{"journals": [{"code": "ТСТ", "name": "Тестовый", "template": "{seq}-ТСТ",'
    err = _setup_refused(tmp_path, setup + ' "period": "quarter"}]}', capsys)
    assert "journals[0]" in err and "повторятся" in err


def _setup_refused(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The one line with which ``setup`` refuses the file."""
    setup = tmp_path / "setup.json"
    setup.write_text(text, encoding="utf-8")
    assert main(["setup", str(setup)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    return err[0]


def test_check_names_duplicate_printed_numbers(demo_db: Database) -> None:
    _journal(demo_db, "ТСТ")
    _register(demo_db, "ТСТ", AUG)
    second = _register(demo_db, "ТСТ", OCT)
    with demo_db.write() as session:  # what older versions let happen after a period change
        session.execute(text(f"UPDATE letter SET number = '1-ИСХ' WHERE number = '{second}'"))
    report = check_database(demo_db)
    assert report.problems == ["номер «1-ИСХ» журнала «ТСТ» за 2026 год стоит на 2 письмах"]


@pytest.mark.parametrize("seq", [0, 10_000_000, 9223372036854775807])
def test_numbers_have_an_upper_bound(demo_db: Database, seq: int) -> None:
    with pytest.raises(UserError, match="от 1 до"):
        _journal(demo_db, "ИСХ", next_seq=seq)


def test_hostile_import_number_is_rejected(demo_db: Database, tmp_path: Path) -> None:
    from app.services.journal.excel_import import preview_import

    path = tmp_path / "j.csv"
    path.write_text(
        "Дата;Номер;Адресат;Заголовок\n01.02.2026;9223372036854775807/5;Минфин;О бюджете\n",
        encoding="utf-8",
    )
    preview = preview_import(demo_db, path, "ИСХ")
    assert not preview.accepted
    assert "вне пределов" in preview.rejected[0][1]
    assert reserve_number(demo_db, "ИСХ", date=dt.date(2026, 2, 2), case="5").number


# --- restores ------------------------------------------------------------------------------


def test_restore_never_issues_a_number_twice_and_brings_letters_back(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.services.safety.backup import create_backup, restore_backup
    from app.services.safety.opening import open_registry

    _journal(demo_db, "ТСТ")
    assert _register(demo_db, "ТСТ", OCT) == "1-ИСХ"
    info = create_backup(demo_db, tmp_path / "copies")
    _journal(demo_db, "НОВ", template="{seq}-НОВ")  # a journal made after the copy
    assert [_register(demo_db, "ТСТ", OCT) for _ in range(2)] == ["2-ИСХ", "3-ИСХ"]
    assert _register(demo_db, "НОВ", OCT) == "1-НОВ"
    demo_db.dispose()

    result = restore_backup(db_path, info.path)
    assert [(r.journal, r.period, r.before, r.after) for r in result.raised] == [
        ("НОВ", "2026", 0, 1),
        ("ТСТ", "2026", 1, 3),
    ]
    subject = "О поддержке Конкурса «Лидер качества»"
    assert [(m.number, m.subject) for m in result.missing] == [
        ("1-НОВ", subject),
        ("2-ИСХ", subject),
        ("3-ИСХ", subject),
    ]
    db = open_registry(str(db_path))
    assert _register(db, "ТСТ", OCT) == "4-ИСХ"  # not 2-ИСХ a second time
    assert _register(db, "НОВ", OCT) == "2-НОВ"
    db.dispose()

    assert result.kept_aside is not None
    assert main(["--db", str(db_path), "bring-back", str(result.kept_aside), "--list"]) == 0
    assert "Писем нет в базе: 3" in capsys.readouterr().out
    assert main(["--db", str(db_path), "bring-back", str(result.kept_aside)]) == 0
    assert "Писем возвращено: 3" in capsys.readouterr().out
    db = open_registry(str(db_path))
    assert _numbers(db) == ["1-ИСХ", "4-ИСХ", "2-ИСХ", "3-ИСХ"]
    assert check_database(db).ok
    assert _register(db, "ТСТ", OCT) == "5-ИСХ"
    db.dispose()
    assert main(["--db", str(db_path), "bring-back", str(result.kept_aside)]) == 0
    assert "Писем возвращено: 0" in capsys.readouterr().out


def test_restore_over_an_unreadable_database_asks_for_the_last_numbers(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.services.safety.opening import open_registry

    _journal(demo_db, "ТСТ")
    _register(demo_db, "ТСТ", OCT)
    folder = tmp_path / "copies"
    assert main(["--db", str(db_path), "backup", "--to", str(folder)]) == 0
    demo_db.dispose()
    db_path.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    restore = ["--db", str(db_path), "restore", "--latest", "--from-folder", str(folder)]
    capsys.readouterr()
    assert main(restore) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--continue-after ТСТ=N" in err[0] and "ничего не изменено" in err[0]
    assert db_path.read_bytes() == b"garbage" * 1000
    assert main([*restore, "--continue-after", "ТСТ=x"]) == 2
    assert main([*restore, "--continue-after", "ТСТ=41"]) == 0
    assert "продолжится после № 41" in capsys.readouterr().out
    db = open_registry(str(db_path))
    assert _register(db, "ТСТ", OCT) == "42-ИСХ"
    db.dispose()


# --- two registries, one backup folder -----------------------------------------------------


def test_copies_of_two_registries_in_one_folder_never_mix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import sqlite3

    from app.services.safety.backup import (
        ForeignCopyError,
        Owner,
        automatic_backup,
        create_backup,
        latest_backup,
        list_backups,
        restore_backup,
    )
    from app.services.safety.opening import open_registry

    folder = tmp_path / "shared-copies"
    # the same file name in two folders: only the identity tells them apart
    first, second = tmp_path / "a" / "registry.db", tmp_path / "b" / "registry.db"
    first.parent.mkdir()
    second.parent.mkdir()
    dbs = [open_registry(str(path)) for path in (first, second)]
    day = dt.datetime(2026, 11, 30, 9, 0)
    mine = create_backup(dbs[0], folder, "manual", when=day)
    assert automatic_backup(dbs[1], folder, "daily", when=day.replace(hour=10))
    # the first registry's daily copy is not skipped because the other made one today
    assert automatic_backup(dbs[0], folder, "daily", when=day.replace(hour=11))
    for days in range(1, 12):  # old automatic copies of the second registry
        automatic_backup(dbs[1], folder, "exit", when=day - dt.timedelta(days=days))
    theirs = list_backups(folder, Owner.of(second))
    automatic_backup(dbs[0], folder, "exit", when=day.replace(hour=12))  # rotates the first
    assert list_backups(folder, Owner.of(second)) == theirs  # the other's copies untouched
    latest = latest_backup(folder, first)
    assert latest is not None and latest.taken.hour == 12
    for db in dbs:
        db.dispose()

    with pytest.raises(ForeignCopyError, match="копия другой базы"):
        restore_backup(first, theirs[0].path)
    restore = ["--db", str(first), "restore", str(theirs[0].path)]
    assert main(restore) == 2
    assert "--force" in capsys.readouterr().err
    assert main([*restore, "--force"]) == 0
    assert restore_backup(first, mine.path, force=True).restored_from == mine.path

    # a copy whose schema version only compares lower as a string
    odd = tmp_path / "odd.db"
    odd.write_bytes(mine.path.read_bytes())
    with sqlite3.connect(odd) as con:
        con.execute("UPDATE alembic_version SET version_num = '0006z'")
    with pytest.raises(UserError, match="неизвестная версия схемы"):
        restore_backup(first, odd)

    # a copy killed half-way leaves a temporary file: removed once it is stale
    stale = folder / ".registry-20261130-090000-manual.db.123-abcd.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    fresh = folder / ".registry-20261130-090001-manual.db.124-abcd.tmp"
    fresh.write_bytes(b"in progress")
    db = open_registry(str(first))
    automatic_backup(db, folder, "exit")
    db.dispose()
    assert not stale.exists() and fresh.exists()


# --- injection and bounds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("case", "5\r\n[АДРЕСАТЫ]\r\n7=attacker-medo", "индекс дела: перевод строки"),
        ("subject", "О конкурсе\x00", "заголовок: управляющий символ U+0000"),
        ("subject", "О \ud800", "заголовок: недопустимый символ U+D800"),
        ("closing", "С уважением," * 50, "не больше 200"),
        ("body", "а" * 200_001, "не больше 200 000"),
    ],
)
def test_card_fields_refuse_control_characters_and_overlong_values(
    demo_db: Database, field: str, value: str, message: str
) -> None:
    from app.services.registry.letters import register_letter

    before = _count(demo_db)
    with pytest.raises(UserError, match=re.escape(message)):
        register_letter(demo_db, make_card(**{field: value}))
    assert _count(demo_db) == before


def _count(db: Database) -> int:
    with db.read() as session:
        return len(session.scalars(select(Letter.id)).all())


def test_a_body_keeps_its_line_breaks_and_tabs(demo_db: Database) -> None:
    from app.services.registry.letters import register_letter

    body = "Первый абзац.\n\tВторой абзац.\r\nТретий."
    number = register_letter(demo_db, make_card(body=body)).number
    assert number


def test_setup_refuses_line_breaks_in_one_line_fields(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        '{"organization": {"name": "Роскачество", "medo_id": "abc\\r\\n7=x"},'
        ' "staff": [{"code": "ivanov", "last_name": "Иванов", "phone": "' + "1" * 101 + '"}]}'
    )
    assert "МЭДО: перевод строки недопустим" in _setup_refused(tmp_path, text, capsys)


def test_recipient_medo_id_with_a_line_break_is_refused(demo_db: Database) -> None:
    from app.services.directory.recipients import RecipientData, save_recipient

    with pytest.raises(UserError, match="МЭДО: перевод строки недопустим"):
        save_recipient(demo_db, RecipientData(organization="Минфин", medo_id="x\n[ФАЙЛЫ]"))


def test_medo_envelope_and_xml_are_written_defensively() -> None:
    from app.exporters.medo import (
        DocumentSignature,
        MedoLetter,
        Party,
        Placement,
        StampImage,
        envelope_ini,
        passport_xml,
    )

    hostile = "id\r\n[АДРЕСАТЫ]\r\n7=attacker\x01"
    stamp = StampImage("stamp.png", b"", Placement(1, 0, 0, 1, 1))
    letter = MedoLetter(
        uid="u",
        created=dt.datetime(2026, 11, 30, 10, 0),
        kind="Письмо",
        annotation="О конкурсе\x0b",
        number="1-ИСХ\r\n[ФАЙЛЫ]",
        date=OCT,
        author=Party(title="Роскачество", medo_id="org"),
        signer=Party(title="", post="Руководитель", name="И.И. Иванов"),
        addressees=[Party(title="Минфин", medo_id=hostile, address=hostile)],
        pdf=b"%PDF-1.4 /Type /Page",
        registration_stamp=stamp,
        signature=DocumentSignature(b"", stamp),
    )
    lines = envelope_ini(letter).decode("cp1251").split("\r\n")
    assert lines.count("[АДРЕСАТЫ]") == 1 and lines.count("[ФАЙЛЫ]") == 1
    assert "0=id [АДРЕСАТЫ] 7=attacker" in lines
    import xml.etree.ElementTree as ET

    ET.fromstring(passport_xml(letter))  # parses: no character XML 1.0 forbids


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["letters", "list", "--search", "а" * 201], "длиннее 200 знаков"),
        (["letters", "list", "--search", " ".join(["слово"] * 13)], "больше 12 слов"),
        (["recipients", "list", "--search", "б" * 300], "длиннее 200 знаков"),
    ],
)
def test_searches_longer_than_a_search_are_refused(
    demo_db: Database, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


# --- damaged files ---------------------------------------------------------------------------


def test_a_lost_counter_never_hands_out_a_letters_number(demo_db: Database) -> None:
    assert _register(demo_db, "ИСХ", OCT).startswith("1/")
    with demo_db.write() as session:  # a damaged file or an old import lost the counter row
        session.execute(text("DELETE FROM journal_counter"))
    assert _register(demo_db, "ИСХ", OCT).startswith("2/")


def test_a_damaged_page_is_one_line_not_a_crash(
    demo_db: Database, db_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import json
    import sqlite3

    demo_db.dispose()
    with sqlite3.connect(db_path) as con:
        con.execute("PRAGMA journal_mode = DELETE")
        (root,) = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'letter_words_config'"
        ).fetchone()
        (size,) = con.execute("PRAGMA page_size").fetchone()
    data = bytearray(db_path.read_bytes())
    data[(root - 1) * size : root * size] = bytes(range(256)) * (size // 256)
    db_path.write_bytes(data)
    card = tmp_path / "card.json"
    card.write_text(
        json.dumps(
            {
                "journal": "РСК",
                "subject": "О проверке",
                "addressee": {"text": "Губернатору"},
                "body": "Текст.",
                "signatory": "protasov",
            }
        ),
        encoding="utf-8",
    )
    assert main(["letters", "register", str(card)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "поврежден" in err[0] and "ничего не записано" in err[0]
    with sqlite3.connect(db_path) as con:  # nothing was written
        assert con.execute(
            "SELECT count(*) FROM letter WHERE subject = 'О проверке'"
        ).fetchone() == (0,)
    assert main(["check"]) == 1
    assert "ОШИБКА" in capsys.readouterr().out


# --- a letter changed after it was sent ----------------------------------------------------


def test_a_sent_letter_changes_only_with_a_reason_and_keeps_its_previous_text(
    demo_db: Database,
) -> None:
    from dataclasses import replace

    from app.services.access.audit_log import AuditQuery, list_audit
    from app.services.dispatch.record import dispatch_status, mark
    from app.services.registry.letter_cards import letter_card
    from app.services.registry.letters import (
        letter_id_by_number,
        letter_versions,
        register_letter,
        update_letter,
    )

    body = (
        "Просим представить сведения о проведенных мероприятиях до 1 декабря. "
        "Сведения направить по форме, приведенной в приложении к настоящему письму."
    )
    card = make_card(body=body)
    number = register_letter(demo_db, card).number
    letter_id = letter_id_by_number(demo_db, number)

    def version() -> int:
        return letter_card(demo_db, letter_id).registration.version

    unsent = replace(card, closing="С уважением,")
    update_letter(demo_db, letter_id, unsent, version=version())  # not sent: no reason asked
    mark(demo_db, letter_id, [], "sent", "курьером")
    changed = replace(card, body=body.replace("1 декабря", "15 декабря"))
    with pytest.raises(UserError, match=r"уже отправлено \(копий: 1\); укажите причину"):
        update_letter(demo_db, letter_id, changed, version=version())
    update_letter(demo_db, letter_id, changed, version=version(), reason="Перенесен срок")
    [earlier] = letter_versions(demo_db, letter_id)
    assert earlier.reason == "Перенесен срок" and earlier.content["body"] == body
    copy = dispatch_status(demo_db, letter_id).copies[0]
    assert copy.label == "Отправлено · изменено после отправки"
    event = list_audit(demo_db, AuditQuery(entity="letter", entity_id=letter_id))[0]
    assert event.what == "Письмо: изменено после отправки"
    assert f"№ {number}" in event.summary and "Перенесен срок" in event.summary
    assert "текст: удалено «1»; добавлено «15»" in event.summary
