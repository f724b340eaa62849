"""The nomenclature of cases (issue 42): imported from the form a secretariat keeps, letters of
both kinds filed, a case's internal inventory, the year's inventories and a destruction act for
the cases past their period — each checked on the file's content and the registry's rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, update

from app.rules.retention import (
    PERMANENT,
    UNTIL_NEEDED,
    YEARS,
    Retention,
    parse_retention,
    split_article,
)
from app.services.cases.filing import (
    case_contents,
    close_case,
    file_incoming,
    file_letter,
    proposed_case,
)
from app.services.cases.nomenclature import (
    CaseData,
    copy_year,
    draft_from_letters,
    indexes_without_cases,
    nomenclature,
    save_case,
)
from app.services.cases.nomenclature_import import apply_nomenclature, plan_nomenclature
from app.services.cases.year_end import export_inventory, make_destruction_act
from app.support.errors import UserError
from db.engine import Database
from db.models import AuditEvent, CaseFile, IncomingLetter, Letter
from tests.support.cli import assert_user_error, run
from tests.support.nomenclature import CLEAN_ROWS, form_file
from tests.support.pdf_facts import page_lines


def where(db: Database) -> Path:
    """The registry's file, for the command line."""
    return Path(str(db.engine.url.database))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Постоянно", Retention(PERMANENT)),
        ("5 лет", Retention(YEARS, 5)),
        ("5 лет ЭПК", Retention(YEARS, 5, True)),
        ("75 лет (ЭПК)", Retention(YEARS, 75, True)),
        ("1 год", Retention(YEARS, 1)),
        ("3 года", Retention(YEARS, 3)),
        ("ДМН", Retention(UNTIL_NEEDED)),
        ("До минования надобности", Retention(UNTIL_NEEDED)),
    ],
)
def test_retention_reads_as_the_forms_write_it(text: str, expected: Retention) -> None:
    assert parse_retention(text) == expected


def test_retention_refuses_what_it_cannot_read() -> None:
    for text in ("вечно", "500 лет", "0 лет"):
        with pytest.raises(ValueError):
            parse_retention(text)
    assert split_article("5 лет ЭПК\nст. 25 а") == ("5 лет ЭПК", "25а")
    assert split_article("Постоянно") == ("Постоянно", "")


def test_a_period_runs_from_the_year_after_the_case() -> None:
    five = Retention(YEARS, 5)
    assert five.last_year(2020) == 2025
    assert not five.run_out(2020, dt.date(2025, 12, 31))
    assert five.run_out(2020, dt.date(2026, 1, 1))
    assert not Retention(PERMANENT).run_out(1990, dt.date(2026, 1, 1))
    assert not Retention(UNTIL_NEEDED).run_out(1990, dt.date(2026, 1, 1))
    assert Retention(YEARS, 50, True).storage() == "temporary"
    assert Retention(YEARS, 10).storage() is None
    assert Retention(PERMANENT).storage() == "permanent"


def test_import_reads_the_standard_form(db: Database, tmp_path: Path) -> None:
    path = form_file(tmp_path / "nom.xlsx", CLEAN_ROWS)
    plan = plan_nomenclature(db, path, 2026)
    assert plan.rejected == []
    assert plan.sections == ["01. Руководство", "02. Канцелярия"]
    assert apply_nomenclature(db, plan) == (5, 0)
    book = nomenclature(db, 2026)
    assert [(c.index, c.section, c.period) for c in book.cases] == [
        ("01-01", "01. Руководство", "Постоянно, ст. 19а"),
        ("01-02", "01. Руководство", "Постоянно, ст. 18д"),
        ("02-01", "02. Канцелярия", "5 лет ЭПК, ст. 32"),
        ("02-02", "02. Канцелярия", "50 лет ЭПК, ст. 444б"),
        ("02-03", "02. Канцелярия", "До минования надобности"),
    ]
    assert book.cases[1].volumes == 2
    again = plan_nomenclature(db, path, 2026)
    assert (again.count("add"), again.count("update"), again.count("same")) == (0, 0, 5)


def test_import_with_a_bad_row_loads_nothing(db: Database, tmp_path: Path) -> None:
    rows = [
        *CLEAN_ROWS,
        ["02-01", "Повтор индекса", 1, "5 лет", None],
        ["02-04", "", 1, "5 лет", None],
        ["02-05", "Срок не прочитан", 1, "вечно", None],
        ["02-06", "Томов нет", "два", "5 лет", None],
    ]
    path = form_file(tmp_path / "bad.xlsx", rows)
    plan = plan_nomenclature(db, path, 2026)
    reasons = dict(plan.rejected)
    assert sorted(reasons) == [12, 13, 14, 15]
    assert "уже в строке 9" in reasons[12]
    assert "заголовок дела не указан" in reasons[13]
    assert "срок хранения «вечно» не прочитан" in reasons[14]
    assert "кол-во дел «два»" in reasons[15]
    with pytest.raises(UserError, match="ничего не загружено"):
        apply_nomenclature(db, plan)
    assert nomenclature(db, 2026).cases == []
    result = run("cases", "import", str(path), "--year", "2026", db=where(db))
    assert result.returncode == 2
    assert "строка 14: «02-05»: срок хранения" in result.stdout
    assert nomenclature(db, 2026).cases == []


def test_cli_import_dry_run_then_load(db: Database, tmp_path: Path) -> None:
    path = form_file(tmp_path / "nom.xlsx", CLEAN_ROWS)
    dry = run("cases", "import", str(path), "--year", "2026", "--dry-run", db=where(db))
    assert dry.returncode == 0, dry.stderr
    assert "дел добавить: 5" in dry.stdout and "ничего не загружено" in dry.stdout
    assert nomenclature(db, 2026).cases == []
    done = run("cases", "import", str(path), "--year", "2026", db=where(db))
    assert done.returncode == 0, done.stderr
    listed = run("cases", "list", "--year", "2026", "--format", "json", db=where(db))
    import json

    assert [c["index"] for c in json.loads(listed.stdout)] == [
        "01-01", "01-02", "02-01", "02-02", "02-03",
    ]  # fmt: skip


def test_outgoing_letters_are_filed_by_their_number(demo_db: Database) -> None:
    """The demo's letters 710/5 and 1893/5 of 2025 carry case 5: filed to it as registered;
    a typo of a case index is refused once the year has a nomenclature."""
    case, documents = case_contents(demo_db, "5", 2025)
    numbers = [(d.kind, d.number) for d in documents]
    assert ("outgoing", "710/5") in numbers and ("outgoing", "1893/5") in numbers
    card = json_card(case="55")
    result = run_register(demo_db, card)
    assert_user_error(result, "Дела «55» нет в номенклатуре 2025 года")
    with demo_db.read() as session:
        assert session.scalar(select(Letter.id).where(Letter.number == "1894/55")) is None
    assert case.title.startswith("Переписка с органами")


def json_card(*, case: str) -> dict[str, Any]:
    return {
        "journal": "ИСХ",
        "date": "2025-11-28",
        "case": case,
        "subject": "О проверке",
        "addressee": {"recipient": "minpromtorg"},
        "signatory": "protasov",
        "executor": "starchikova",
        "body": "Текст.",
    }


def run_register(db: Database, card: dict[str, Any]) -> Any:
    import json
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(card, f, ensure_ascii=False)
    return run("letters", "register", f.name, db=where(db))


def test_register_without_a_nomenclature_keeps_free_text(demo_db: Database) -> None:
    result = run_register(demo_db, json_card(case="5") | {"date": "2023-03-01"})
    assert result.returncode == 0, result.stderr
    with demo_db.read() as session:
        row = session.scalars(select(Letter).where(Letter.reg_date == dt.date(2023, 3, 1))).one()
        assert (row.case_index, row.case_id) == ("5", None)


def test_incoming_filed_and_proposed(demo_db: Database) -> None:
    """A done incoming letter is filed to the case the clerk names (CLI ``incoming file`` and
    ``incoming done --case``); the proposal follows our reply's case."""
    done = run("incoming", "file", "3-вх", "--case", "5", db=where(demo_db))
    assert done.returncode == 0, done.stderr
    assert "в дело № 5 (2025)" in done.stdout
    _case, documents = case_contents(demo_db, "5", 2025)
    assert ("incoming", "3-вх") in [(d.kind, d.number) for d in documents]
    assert run_register(demo_db, json_card(case="5")).returncode == 0
    answered = run(
        "incoming", "done", "1-вх", "--reply", "1894/5", "--case", "02-03", db=where(demo_db)
    )
    assert answered.returncode == 0, answered.stderr
    _case, documents = case_contents(demo_db, "02-03", 2025)
    assert [d.number for d in documents] == ["1-вх"]
    wrong = run("incoming", "file", "2-вх", "--case", "99", db=where(demo_db))
    assert_user_error(wrong, "Дела «99» нет в номенклатуре 2025 года")


def test_proposal_from_the_reply(demo_db: Database) -> None:
    from app.services.links.replies import incoming_id_by_number

    incoming_id = incoming_id_by_number(demo_db, "1-вх")
    assert run_register(demo_db, json_card(case="5")).returncode == 0  # 1894/5, in case 5
    assert run("incoming", "done", "1-вх", "--reply", "1894/5", db=where(demo_db)).returncode == 0
    assert proposed_case(demo_db, incoming_id) == "5"


def test_closing_a_case_counts_its_dates_and_sheets(demo_db: Database, tmp_path: Path) -> None:
    run("incoming", "file", "3-вх", "--case", "5", db=where(demo_db))
    closed = close_case(demo_db, "5", 2025, today=dt.date(2026, 1, 12))
    assert (closed.date_from, closed.date_to) == (dt.date(2025, 4, 29), dt.date(2025, 11, 26))
    _case, documents = case_contents(demo_db, "5", 2025)
    assert closed.sheets == sum(d.sheets for d in documents) > len(documents) - 1
    with pytest.raises(UserError, match=r"закрыто 12\.01\.2026"):
        file_incoming(demo_db, _incoming_id(demo_db, "2-вх"), "5")
    out = tmp_path / "opis.pdf"
    result = run("cases", "show", "5", "--year", "2025", "--out", str(out), db=where(demo_db))
    assert result.returncode == 0, result.stderr
    text = "\n".join(page_lines(out.read_bytes()))
    assert "Внутренняя опись документов дела № 5" in text
    assert "исх. № 710/5" in text and "вх. № 3-вх" in text
    assert f"Итого {len(documents)} документов" in text


def _incoming_id(db: Database, number: str) -> int:
    from app.services.links.replies import incoming_id_by_number

    return incoming_id_by_number(db, number)


def test_the_years_inventories(demo_db: Database, tmp_path: Path) -> None:
    close_case(demo_db, "01-01", 2025)
    out = tmp_path / "permanent.xlsx"
    export_inventory(demo_db, 2025, "permanent", out)
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Опись № ____ дел постоянного хранения за 2025 год"
    body = [r for r in rows[2:] if isinstance(r[0], int)]
    assert [r[1] for r in body] == ["01-01", "01-02", "03-01"]
    assert body[1][-1] == "дело не закрыто"
    temporary = tmp_path / "temporary.pdf"
    result = run(
        "cases", "inventory", "--year", "2025", "--storage", "temporary", "--out",
        str(temporary), db=where(demo_db),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = "\n".join(page_lines(temporary.read_bytes()))
    assert "временного (свыше 10 лет) хранения за 2025 год" in text
    assert "Личные дела работников" in text and "50 лет ЭПК, ст. 444б" in text
    assert "Переписка с органами" not in text  # 5 years: no inventory of its own


def test_destruction_act_takes_the_cases_past_their_period(
    demo_db: Database, tmp_path: Path
) -> None:
    """The demo's cases of 2024 kept 5 years run out after 2029: not in an act made on
    31.12.2029, in one made on 01.01.2030 — and not the 2025 ones, nor permanent or ДМН."""
    with pytest.raises(UserError, match="нет"):
        make_destruction_act(demo_db, dt.date(2029, 12, 31), tmp_path / "early.xlsx")
    assert not (tmp_path / "early.xlsx").exists()
    out = tmp_path / "act.xlsx"
    result = run(
        "cases", "destruction-act", "--as-of", "01.01.2030", "--out", str(out), db=where(demo_db)
    )
    assert result.returncode == 0, result.stderr
    assert "Акт № 1" in result.stdout
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert {(r[2], r[3]) for r in rows} == {
        ("2024", "5"), ("2024", "7"), ("2024", "02-03"), ("2024", "03-03")
    }  # fmt: skip
    with demo_db.read() as session:
        destroyed = session.scalars(select(CaseFile).where(CaseFile.act_id.is_not(None))).all()
        assert {(c.year, c.case_index) for c in destroyed} == {
            (2024, "5"), (2024, "7"), (2024, "02-03"), (2024, "03-03")
        }  # fmt: skip
        letter = session.scalars(select(Letter).where(Letter.number == "2174-РСК")).one()
        assert letter.case_id in {c.id for c in destroyed}  # the row stays, its case in the act
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "destruction_act")
        ).all()
        assert [e.action for e in events] == ["destroyed"]
    listed = run("cases", "list", "--year", "2024", db=where(demo_db))
    assert "уничтожено, акт № 1 от" in listed.stdout
    shown = run("letters", "show", "2174-РСК", db=where(demo_db))
    assert "акт № 1" in shown.stdout
    again = run("cases", "destruction-act", "--as-of", "01.01.2030", "--out",
                str(tmp_path / "again.pdf"), db=where(demo_db))  # fmt: skip
    assert_user_error(again, "Дел с истекшим сроком хранения на 01.01.2030 нет")
    reprint = run("cases", "destruction-act", "--act", "1", "--out", str(tmp_path / "r.pdf"),
                  db=where(demo_db))  # fmt: skip
    assert reprint.returncode == 0, reprint.stderr
    text = "\n".join(page_lines((tmp_path / "r.pdf").read_bytes()))
    assert "Акт № 1 от" in text and "о выделении к уничтожению" in text


def test_next_year_from_this_one(demo_db: Database) -> None:
    assert copy_year(demo_db, 2025, 2026) == (9, 0)
    assert copy_year(demo_db, 2025, 2026) == (0, 9)
    book = nomenclature(demo_db, 2026)
    assert [c.index for c in book.cases][:3] == ["01-01", "01-02", "5"]
    assert all(c.documents == 0 and c.closed_on is None for c in book.cases)
    assert book.sections == nomenclature(demo_db, 2025).sections


def test_draft_from_the_indexes_on_letters(db: Database) -> None:
    """A registry kept before the nomenclature: its indexes become draft cases, its letters
    filed to them, nothing renumbered."""
    from app.services.demo import load_demo

    load_demo(db)
    with db.write() as session:
        session.execute(update(Letter).values(case_id=None, filed_on=None))
        session.execute(update(IncomingLetter).values(case_id=None, filed_on=None))
        session.execute(delete(CaseFile))
    assert indexes_without_cases(db, 2025) == ["5"]
    assert draft_from_letters(db, 2025) == ["5"]
    case, documents = case_contents(db, "5", 2025)
    assert case.draft and not case.retention.is_set
    assert sorted(d.number for d in documents) == ["1893/5", "710/5"]
    save_case(
        db, 2025, CaseData("5", "Переписка", retention=parse_retention("5 лет ЭПК")),
        case_id=case.id,
    )  # fmt: skip
    assert not nomenclature(db, 2025).cases[0].draft


def test_a_letter_moves_between_open_cases_only(demo_db: Database) -> None:
    from app.services.registry.letters import letter_id_by_number

    letter_id = letter_id_by_number(demo_db, "710/5")
    moved = file_letter(demo_db, letter_id, "7")
    assert moved.index == "7"
    close_case(demo_db, "7", 2025)
    with pytest.raises(UserError, match="закрыто"):
        file_letter(demo_db, letter_id, "5")


def test_proposal_from_the_executors_department(demo_db: Database) -> None:
    """No reply filed anywhere: the first open case of the section named like the responsible
    executor's department is proposed."""
    from dataclasses import replace

    from app.services.organization.profile import list_staff, save_staff

    person = next(p for p in list_staff(demo_db) if p.code == "tabolova")
    save_staff(demo_db, replace(person, department="Общий отдел"))
    incoming = _incoming_id(demo_db, "2-вх")
    assigned = run("incoming", "assign", "2-вх", "--executor", "tabolova", "--due", "2099-12-21",
                   db=where(demo_db))  # fmt: skip
    assert assigned.returncode == 0, assigned.stderr
    assert proposed_case(demo_db, incoming) == "03-01"
    close_case(demo_db, "03-01", 2025)
    assert proposed_case(demo_db, incoming) == "03-02"


def test_a_number_brought_back_is_never_refused_for_its_case(demo_db: Database) -> None:
    """A restore brings a letter back under its own number: an index the year's nomenclature
    lacks (the letter was registered before it) leaves it unfiled, not lost."""
    from app.services.registry.letter_cards import card_from_json
    from app.services.registry.letters import register_in

    card = card_from_json(json_card(case="99"))
    with demo_db.write() as session:
        back = register_in(session, card, seq=5000, reuse=True)
    assert back.number == "5000/99"
    with demo_db.read() as session:
        assert session.get(Letter, back.id).case_id is None  # type: ignore[union-attr]


def test_letters_file_saves_a_file_or_files_the_letter(demo_db: Database, tmp_path: Path) -> None:
    """``letters file`` keeps saving a letter's file (NAME --out) and files the letter to a case
    with --case; both at once or neither is one line, exit code 2."""
    filed = run("letters", "file", "710/5", "--case", "7", db=where(demo_db))
    assert filed.returncode == 0, filed.stderr
    assert "в дело № 7 (2025)" in filed.stdout
    shown = run("letters", "show", "710/5", db=where(demo_db))
    assert "В дело № 7 (2025)" in shown.stdout
    both = run("letters", "file", "710/5", "x.pdf", "--out", str(tmp_path / "x"), "--case", "7",
               db=where(demo_db))  # fmt: skip
    assert_user_error(both, "либо --case INDEX (в дело), либо NAME --out PATH")
    neither = run("letters", "file", "710/5", db=where(demo_db))
    assert_user_error(neither, "нужно NAME --out PATH")
