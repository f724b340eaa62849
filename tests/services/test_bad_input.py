"""Bad input everywhere (hypothesis): the set-up file, the letter card, the journal importer, the
filled report form and file names. Every input gives a result or a clear ``UserError`` — never
another exception — and a refused input writes nothing. (The recipient importer has its own
property test in ``test_recipient_import``.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.rules.report_form import clean_rows, read_filled_form
from app.services.journal.excel_import import apply_import, preview_import
from app.services.organization.setup import apply_setup, parse_setup
from app.services.registry.letter_cards import card_from_json
from app.services.registry.letters import register_letter
from app.support.errors import UserError
from app.support.files import safe_file_name
from app.support.json_input import read_json_file
from db.models import AuditEvent, Journal, Letter, Organization, Staff
from tests.support.mutations import CHANGES, TEXT, mutate
from tests.support.places import DATA
from tests.support.registries import Fresh

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _counts(db: Any) -> tuple[int, ...]:
    with db.read() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Organization, Staff, Journal, Letter, AuditEvent)
        )


@FUZZ
@given(changes=CHANGES)
def test_setup_file_gone_wrong(fresh: Fresh, changes: list[tuple[int, Any, bool]]) -> None:
    data = mutate(read_json_file(DATA / "setup-example.json"), changes)
    with fresh(demo=False) as db:
        before = _counts(db)
        try:
            apply_setup(db, parse_setup(data), today=dt.date(2025, 4, 29))
        except UserError as exc:
            assert str(exc).strip()
            assert _counts(db) == before  # nothing half-written


@FUZZ
@given(changes=CHANGES)
def test_letter_card_gone_wrong(fresh: Fresh, changes: list[tuple[int, Any, bool]]) -> None:
    data = mutate(read_json_file(DATA / "card-example.json"), changes)
    with fresh() as demo_db:
        before = _counts(demo_db)
        try:
            register_letter(demo_db, card_from_json(data))
        except UserError as exc:
            assert str(exc).strip()
            assert _counts(demo_db) == before
            return
        assert _counts(demo_db)[3] == before[3] + 1


JOURNAL_CELL = TEXT | st.sampled_from(
    ["710/5", "711/5", "0/5", "710/5/5", "12.05.2025", "Протасов"]
)


@FUZZ
@given(
    rows=st.lists(st.lists(JOURNAL_CELL, min_size=0, max_size=5), max_size=6),
    header=st.permutations(["Номер", "Дата", "Адресат", "Заголовок", "Подписал"]),
)
def test_journal_import_gone_wrong(
    fresh: Fresh, tmp_path: Path, rows: list[list[str]], header: list[str]
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *rows])
    path = tmp_path / "journal.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with fresh() as demo_db:
        before = _counts(demo_db)
        try:
            preview = preview_import(demo_db, path, "ИСХ")
            if preview.rejected:
                assert all(reason.strip() for _line, reason in preview.rejected)
                return
            imported = apply_import(demo_db, preview)
        except UserError as exc:
            assert str(exc).strip()
            assert _counts(demo_db) == before
            return
        assert _counts(demo_db)[3] == before[3] + imported


COLUMNS = ["Наименование мероприятия", "Количество участников, чел.", "Дата проведения"]
FORM_CELL = (
    TEXT
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))
    | st.none()
)


@FUZZ
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "№", "Прочее", ""]), max_size=5),
    rows=st.lists(st.lists(FORM_CELL, max_size=5), max_size=6),
    damage=st.sampled_from(["none", "truncate", "text"]),
)
def test_filled_report_form_gone_wrong(
    tmp_path: Path, header: list[str], rows: list[list[Any]], damage: str
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(v: Any) -> Any:  # what openpyxl itself can write
        if isinstance(v, float) and v != v:
            return None
        return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in [header, *rows]:
        ws.append([cell(v) for v in row])
    path = tmp_path / "form.xlsx"
    wb.save(path)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:700])
    elif damage == "text":
        path.write_text("это не таблица", encoding="utf-8")
    try:
        form = read_filled_form(path, COLUMNS)
        clean_rows(COLUMNS, [list(r) for r in form.rows])
    except UserError as exc:
        assert str(exc).strip()


WINDOWS_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=120)
    | st.sampled_from(["CON", "con.pdf", "LPT1", "Nul.txt", "..", "1893/5"])
)
def test_file_names_are_safe_on_windows_and_linux(text: str) -> None:
    name = safe_file_name(text)
    assert name and len(name) <= 81
    assert not WINDOWS_BAD.search(name)
    assert name == name.strip() and not name.endswith(".")
    assert name.split(".")[0].upper() not in RESERVED
    assert name not in (".", "..")
    # and it really is a file name here: created and found again in a folder
    assert "/" not in name and "\0" not in name


def test_file_name_examples() -> None:
    assert safe_file_name("1893/5 от 02.12.2025") == "1893-5 от 02.12.2025"
    assert safe_file_name('Минпромторг: "отчет" <срочно>?') == "Минпромторг- -отчет- -срочно"
    assert safe_file_name("CON") == "_CON"
    assert safe_file_name("con.pdf") == "_con.pdf"
    assert safe_file_name("  ...  ") == "письмо"
