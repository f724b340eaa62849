"""A printed number identifies one letter: period and template changes, restores, bounds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.cli import main
from app.errors import UserError
from app.services.letters import reserve_number
from app.services.maintenance import check_database
from app.services.profile import JournalData, list_journals, save_journal
from db.engine import Database
from db.models import Letter
from tests.conftest import make_card

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
    from app.services.letters import register_letter

    return register_letter(db, make_card(journal=journal, date=date), today=date).number  # type: ignore[arg-type]


def _numbers(db: Database, journal_id_sql: str = "ВХ") -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(Letter.number)
                .where(Letter.journal.has(code=journal_id_sql))
                .order_by(Letter.id)
            )
        )


def test_quarter_to_year_continues_after_the_printed_numbers(demo_db: Database) -> None:
    _journal(demo_db, "ВХ", template="{q}/{seq}-ИСХ", period="quarter")
    assert [_register(demo_db, "ВХ", AUG) for _ in range(3)] == ["3/1-ИСХ", "3/2-ИСХ", "3/3-ИСХ"]
    _journal(demo_db, "ВХ", template="{seq}-ИСХ", period="year")
    assert [_register(demo_db, "ВХ", OCT) for _ in range(2)] == ["4-ИСХ", "5-ИСХ"]
    assert check_database(demo_db).ok


def test_a_database_changed_before_the_rule_never_prints_a_number_twice(
    demo_db: Database,
) -> None:
    """The issue's reproduction: a quarter journal without the quarter in its number whose
    period was switched to a year without continuing (as older versions did)."""
    _journal(demo_db, "ВХ")
    with demo_db.write() as session:
        session.execute(text("UPDATE journal SET period = 'quarter' WHERE code = 'ВХ'"))
    assert [_register(demo_db, "ВХ", AUG) for _ in range(3)] == ["1-ИСХ", "2-ИСХ", "3-ИСХ"]
    with demo_db.write() as session:
        session.execute(text("UPDATE journal SET period = 'year' WHERE code = 'ВХ'"))
    assert [_register(demo_db, "ВХ", OCT) for _ in range(2)] == ["4-ИСХ", "5-ИСХ"]
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
        _journal(demo_db, "ВХ", template=template, period=period)
    _journal(demo_db, "ВХ", template="{mm}-{seq}", period="month")  # the month is in the number
    assert _register(demo_db, "ВХ", AUG) == "08-1"


def test_two_journals_with_one_template_are_refused(demo_db: Database) -> None:
    with pytest.raises(UserError, match="уже у журнала «ИСХ»"):
        _journal(demo_db, "ВХ", template="{seq}/{case}")


def test_setup_refuses_a_repeating_template(demo_db: Database, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    setup = tmp_path / "setup.json"
    setup.write_text(
        '{"journals": [{"code": "ВХ", "name": "Входящие", "template": "{seq}-ВХ",'
        ' "period": "quarter"}]}',
        encoding="utf-8",
    )
    assert main(["setup", str(setup)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "journals[0]" in err[0] and "повторятся" in err[0]


def test_check_names_duplicate_printed_numbers(demo_db: Database) -> None:
    _journal(demo_db, "ВХ")
    _register(demo_db, "ВХ", AUG)
    second = _register(demo_db, "ВХ", OCT)
    with demo_db.write() as session:  # what older versions let happen after a period change
        session.execute(text(f"UPDATE letter SET number = '1-ИСХ' WHERE number = '{second}'"))
    report = check_database(demo_db)
    assert report.problems == ["номер «1-ИСХ» журнала «ВХ» за 2026 год стоит на 2 письмах"]


@pytest.mark.parametrize("seq", [0, 10_000_000, 9223372036854775807])
def test_numbers_have_an_upper_bound(demo_db: Database, seq: int) -> None:
    with pytest.raises(UserError, match="от 1 до"):
        _journal(demo_db, "ИСХ", next_seq=seq)


def test_hostile_import_number_is_rejected(demo_db: Database, tmp_path: Path) -> None:
    from app.services.journal import preview_import

    path = tmp_path / "j.csv"
    path.write_text(
        "Дата;Номер;Адресат;Заголовок\n01.02.2026;9223372036854775807/5;Минфин;О бюджете\n",
        encoding="utf-8",
    )
    preview = preview_import(demo_db, path, "ИСХ")
    assert not preview.accepted
    assert "вне пределов" in preview.rejected[0][1]
    assert reserve_number(demo_db, "ИСХ", date=dt.date(2026, 2, 2), case="5").number
