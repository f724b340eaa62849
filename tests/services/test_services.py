"""Services: registration numbers, demo content, conflicts, staff and journal rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.services.control.reports import list_controls
from app.services.directory.recipients import count_recipients, list_recipients
from app.services.organization.profile import (
    JournalData,
    delete_journal,
    delete_staff,
    get_organization,
    list_journals,
    list_staff,
    save_journal,
    save_organization,
)
from app.services.registry.letter_list import LetterQuery, count_letters, list_letters
from app.services.registry.letters import (
    Addressee,
    LetterCard,
    register_letter,
)
from app.services.safety.maintenance import check_database
from app.support.errors import ConflictError, UserError
from db.engine import Database
from db.models import LetterAddressee, Recipient
from tests.support.builders import a_journal, a_recipient, make_card, one_letter


def card(**kw: object) -> LetterCard:
    return make_card(**{"subject": "О тестовом письме", **kw})


def test_demo_content(demo_db: Database) -> None:
    rows = list_letters(demo_db)
    assert [r.number for r in rows] == ["1893/5", "710/5", "2174-РСК"]
    governor = rows[1]
    assert governor.addressee == "Губернатору Камчатского края В.В. Солодову"
    assert governor.signatory == "М.А.\u00a0Протасов"
    assert count_recipients(demo_db) == 91
    [control] = list_controls(demo_db, today=dt.date(2025, 12, 2))
    assert (control.number, control.total, control.received, control.overdue) == (
        "1893/5",
        89,
        7,
        82,
    )
    assert check_database(demo_db).ok


def test_numbers_continue_and_restart_each_year(demo_db: Database) -> None:
    first = register_letter(demo_db, card(date=dt.date(2025, 11, 3)))
    second = register_letter(demo_db, card(date=dt.date(2025, 11, 4)))
    new_year = register_letter(demo_db, card(date=dt.date(2026, 1, 1)))
    assert (first.number, second.number, new_year.number) == ("1894/5", "1895/5", "1/5")


def test_printed_addressee_survives_directory_edit(demo_db: Database) -> None:
    reg = register_letter(demo_db, card(date=dt.date(2025, 11, 3)))
    with demo_db.write() as s:
        rec = s.scalars(select(Recipient).where(Recipient.code == "kamchatka-governor")).one()
        rec.addressee_lines = "Губернатору Камчатского края\nИ.И.\u00a0Иванову"
    with demo_db.read() as s:
        row = s.scalars(select(LetterAddressee).where(LetterAddressee.letter_id == reg.id)).one()
        assert row.addressee_lines.endswith("В.В. Солодову")
        assert row.salutation == "Уважаемый Владимир Викторович!"


def test_search_folds_russian_case_and_yo(demo_db: Database) -> None:
    assert count_letters(demo_db, LetterQuery(search="губернатору")) == 1
    assert count_letters(demo_db, LetterQuery(search="ЛИДЕР КАЧЕСТВА")) == 1
    register_letter(demo_db, card(subject="О расчётах за 2025 год", date=dt.date(2025, 11, 3)))
    assert count_letters(demo_db, LetterQuery(search="расчетах")) == 1
    assert count_letters(demo_db, LetterQuery(search="%%")) == 0  # LIKE wildcards are escaped
    assert [r.organization for r in list_recipients(demo_db, "камчатск")] == [
        "Правительство Камчатского края",
        "Правительство Камчатского края",
    ]


def test_unknown_codes_are_user_errors(demo_db: Database) -> None:
    with pytest.raises(UserError, match="Журнал с кодом «НЕТ»"):
        register_letter(demo_db, card(journal="НЕТ"))
    with pytest.raises(UserError, match="Адресат с кодом «nobody»"):
        register_letter(demo_db, card(addressee=Addressee(recipient="nobody")))
    with pytest.raises(UserError, match="индекс дела"):
        register_letter(demo_db, card(case=""))
    assert count_letters(demo_db) == 3  # nothing half-registered


def test_stale_organization_edit_is_refused(demo_db: Database) -> None:
    first = get_organization(demo_db)
    second = get_organization(demo_db)
    assert first is not None and second is not None
    first.phone = "+7 (495) 000 00 00"
    save_organization(demo_db, first)
    second.email = "info@example.ru"
    with pytest.raises(ConflictError, match="изменена в другом окне"):
        save_organization(demo_db, second)


def test_template_locked_once_numbers_issued(demo_db: Database) -> None:
    register_letter(demo_db, card())  # today
    journal = next(j for j in list_journals(demo_db) if j.code == "ИСХ")
    journal.template = "{seq}"
    with pytest.raises(UserError, match="изменить нельзя"):
        save_journal(demo_db, journal)
    journal = next(j for j in list_journals(demo_db) if j.code == "ИСХ")
    journal.next_seq = 1
    with pytest.raises(UserError, match="не может быть меньше 2"):
        save_journal(demo_db, journal)


def test_journal_with_letters_cannot_be_deleted(demo_db: Database) -> None:
    with pytest.raises(UserError, match="удалить нельзя"):
        delete_journal(demo_db, "ИСХ")
    save_journal(demo_db, JournalData(code="ВН", name="Внутренние", template="{seq}"))
    delete_journal(demo_db, "ВН")
    assert [j.code for j in list_journals(demo_db)] == ["ВХ", "ИСХ", "РСК"]
    with pytest.raises(UserError, match="удалить нельзя"):
        delete_journal(demo_db, "ВХ")  # its incoming letters


def test_staff_named_in_letters_is_deactivated_not_deleted(demo_db: Database) -> None:
    assert delete_staff(demo_db, "protasov") is False
    people = {p.code: p for p in list_staff(demo_db)}
    assert people["protasov"].active is False
    assert list_letters(demo_db)[1].signatory == "М.А.\u00a0Протасов"


def test_search_index_follows_edits_and_odd_input(demo_db: Database) -> None:
    from app.services.registry.letters import update_letter
    from db.models import Letter

    reg = register_letter(demo_db, card(subject="О закупке бумаги", date=dt.date(2025, 11, 3)))
    assert count_letters(demo_db, LetterQuery(search="бумаги")) == 1
    with demo_db.read() as s:
        version = s.get(Letter, reg.id).version  # type: ignore[union-attr]
    update_letter(demo_db, reg.id, card(subject="О закупке картриджей"), version=version)
    assert count_letters(demo_db, LetterQuery(search="бумаги")) == 0
    assert count_letters(demo_db, LetterQuery(search="картридж")) == 1
    # one or two characters alone: the start of the number (a text scan would take seconds)
    assert count_letters(demo_db, LetterQuery(search="о")) == 0
    assert [r.number for r in list_letters(demo_db, LetterQuery(search="71"))] == ["710/5"]
    assert count_letters(demo_db, LetterQuery(search="21")) == 1  # 2174-РСК
    # beside a longer word, short words are checked in the text of its matches
    assert count_letters(demo_db, LetterQuery(search="о картридж")) == 1
    assert count_letters(demo_db, LetterQuery(search="ы картридж")) == 0
    for odd in ('"', "«Лидер", "AND OR NOT", "*", "(", "a'b"):
        count_letters(demo_db, LetterQuery(search=odd))  # no syntax error reaches the clerk
    assert count_letters(demo_db, LetterQuery(search="«лидер")) == 1


def test_the_demo_is_dated_around_the_day_it_is_loaded(db: Database) -> None:
    """Loaded a year after its data were written, the demo still has a report due last Monday
    and replies coming in — not everything a year overdue; its numbers stay."""
    from app.services.control.reports import letter_control
    from app.services.demo import DEMO_DAY, load_demo
    from app.services.registry.letters import letter_id_by_number

    today = dt.date(2026, 12, 1)
    load_demo(db, today=today)
    control = letter_control(db, letter_id_by_number(db, "1893/5"), today=today)
    assert control.reg_date == dt.date(2025, 10, 28) + dt.timedelta(weeks=52)
    assert control.reg_date.weekday() == dt.date(2025, 10, 28).weekday()
    assert 0 < (today - control.due).days < 7  # due a few days ago, as on the demo's own day
    assert (today - DEMO_DAY).days // 7 == 51  # 2026-12-01 is 51 weeks and 4 days on: rounded
    overdue = [r for r in control.recipients if r.outstanding]
    assert 0 < len(overdue) < len(control.recipients)


def test_the_smallest_registry_with_a_letter(db: Database) -> None:
    """The builders beside the demo: the example set-up, one recipient, one letter — numbered
    first in its journal and found by its addressee."""
    number = one_letter(db)
    assert number == "1/5"
    (row,) = list_letters(db, LetterQuery(search="Шапше"))
    assert (row.number, row.subject) == ("1/5", "О проверке")
    card = make_card(journal=a_journal(db), addressee=Addressee(recipient=a_recipient(db, "r2")))
    assert register_letter(db, card).number == "1-ПР"
