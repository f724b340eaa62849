"""Import and export of the directory: every encoding and delimiter, preview, round trip, and
broken files that must end in a clear message or a correct import — never a partial one."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.services.directory.distribution_lists import list_members
from app.services.directory.recipient_io import apply_import, export_recipients, plan_import
from app.services.directory.recipients import count_recipients, get_recipient, list_recipients
from app.support.errors import UserError
from db.models import AuditEvent, Recipient
from tests.support.places import ROOT

HEADER_RU = [
    "Код",
    "Организация",
    "Должность",
    "Фамилия",
    "Имя",
    "Отчество",
    "Способ доставки",
    "Электронная почта",
    "Списки рассылки",
]
HEADER_EN = [
    "code",
    "organization",
    "position",
    "last_name",
    "first_name",
    "middle_name",
    "delivery",
    "email",
    "lists",
]
ROWS = [
    [
        "kam",
        "Правительство Камчатского края",
        "Губернатор Камчатского края",
        "Солодов",
        "Владимир",
        "Викторович",
        "МЭДО",
        "",
        "Губернаторы",
    ],
    ["", "Министерство финансов Российской Федерации", "", "", "", "", "Почта", "", ""],
    [
        "mos",
        "ООО «Ромашка»",
        "Генеральный директор",
        "Ёлкина",
        "Анна",
        "Ивановна",
        "Электронная почта",
        "info@romashka.ru",
        "Губернаторы|Партнеры",
    ],
]
SAMPLE = ROOT / "resources" / "samples" / "regional-executive-bodies.csv"


def _csv(
    path: Path, header: list[str], rows: list[list[str]], *, encoding: str, delimiter: str
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("header", [HEADER_RU, HEADER_EN], ids=["ru", "en"])
def test_every_encoding_and_delimiter(db, tmp_path, encoding, delimiter, header) -> None:
    path = _csv(tmp_path / "in.csv", header, ROWS, encoding=encoding, delimiter=delimiter)
    plan = plan_import(db, path)
    assert (plan.count("add"), plan.rejected) == (3, [])
    assert plan.new_lists == ["Губернаторы", "Партнеры"]
    apply_import(db, plan)
    kam = get_recipient(db, "kam").data
    assert kam.addressee_lines == "Губернатору Камчатского края\nВ.В. Солодову"
    romashka = get_recipient(db, "mos").data
    assert romashka.addressee_lines == "ООО «Ромашка»\nГенеральному директору\nА.И. Ёлкиной"
    assert romashka.salutation == "Уважаемая Анна Ивановна!"
    assert [m.code for m in list_members(db, "Губернаторы")] == ["kam", "mos"]


def test_xlsx_import(db, tmp_path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER_RU)
    for row in ROWS:
        wb.active.append(row)
    wb.active.append(["x", "Счетная палата", "", "", "", "", "Курьер", "", ""])
    wb.save(tmp_path / "in.xlsx")
    plan = plan_import(db, tmp_path / "in.xlsx")
    assert plan.count("add") == 4
    apply_import(db, plan)
    assert len(list_recipients(db)) == 4


def test_same_file_twice_changes_nothing(db, tmp_path) -> None:
    path = _csv(tmp_path / "in.csv", HEADER_RU, ROWS, encoding="utf-8", delimiter=";")
    apply_import(db, plan_import(db, path))
    with db.read() as session:
        versions = sorted(session.execute(select(Recipient.code, Recipient.version)).all())
    again = plan_import(db, path)
    assert again.summary == "добавить: 0, обновить: 0, без изменений: 3, отклонить: 0"
    apply_import(db, again)
    with db.read() as session:
        assert sorted(session.execute(select(Recipient.code, Recipient.version)).all()) == versions


def test_preview_names_rows_and_reasons(db, tmp_path) -> None:
    rows = [
        *ROWS,
        ["", "", "", "", "", "", "", "", ""],
        ["bad", "Мэрия", "", "", "", "", "Голубь", "", ""],
        ["kam", "Дубль", "", "", "", "", "", "", ""],
        ["p", "Почта России", "", "", "", "", "", "", "", "лишнее"],
    ]
    path = _csv(tmp_path / "in.csv", HEADER_RU, rows, encoding="utf-8", delimiter=";")
    plan = plan_import(db, path)
    assert [line for line, _ in plan.rejected] == [6, 7, 8]
    reasons = dict(plan.rejected)
    assert "способ доставки «Голубь»" in reasons[6]
    assert reasons[7] == "повторяет строку 2"
    assert "лишнее" in reasons[8]
    with db.read() as session:
        assert session.scalar(select(func.count(Recipient.id))) == 0


def test_update_is_shown_with_fields(db, tmp_path) -> None:
    path = _csv(tmp_path / "in.csv", HEADER_RU, ROWS, encoding="utf-8", delimiter=";")
    apply_import(db, plan_import(db, path))
    changed = [r[:] for r in ROWS]
    changed[0][6] = "Курьер"
    path = _csv(tmp_path / "in2.csv", HEADER_RU, changed, encoding="utf-8", delimiter=";")
    plan = plan_import(db, path)
    updates = [r for r in plan.rows if r.action == "update"]
    assert [(r.line, r.changes) for r in updates] == [(2, ["Способ доставки"])]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_is_lossless(demo_db, db_path, tmp_path, suffix) -> None:
    from app.services.directory.recipients import RecipientData, save_recipient
    from app.services.safety.opening import open_registry

    save_recipient(
        demo_db,
        RecipientData(
            code="=cmd",
            organization="+7 и @дом",
            position="Генеральный директор",
            last_name="Жук",
            first_name="О.",
            middle_name="П.",
            gender="f",
            salutation="-Привет!",
            phone="+7 (495) 000-00-00",
            lists=["Партнеры"],
        ),
    )
    out = export_recipients(demo_db, tmp_path / f"out{suffix}")
    assert out == count_recipients(demo_db)  # every one, the demo's and the one added
    assert plan_import(demo_db, tmp_path / f"out{suffix}").count("same") == out
    fresh = open_registry(str(tmp_path / "fresh.db"))
    apply_import(fresh, plan_import(fresh, tmp_path / f"out{suffix}"))
    export_recipients(fresh, tmp_path / f"again{suffix}")
    from app.support.tabular import read_rows

    assert read_rows(tmp_path / f"out{suffix}") == read_rows(tmp_path / f"again{suffix}")
    detail = get_recipient(fresh, "=cmd")
    assert (detail.data.organization, detail.salutation_edited) == ("+7 и @дом", True)
    assert str(detail.data.addressee_lines).endswith("О.П. Жук")
    fresh.dispose()


def test_formulas_are_not_written_as_formulas(demo_db, tmp_path) -> None:
    from openpyxl import load_workbook

    from app.services.directory.recipients import RecipientData, save_recipient

    save_recipient(demo_db, RecipientData(code="=1+1", organization="@SUM(A1)"))
    export_recipients(demo_db, tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1;'@SUM(A1)" in text
    export_recipients(demo_db, tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_sample_list_of_89_bodies(db) -> None:
    plan = plan_import(db, SAMPLE)
    assert (plan.count("add"), plan.rejected) == (89, [])
    apply_import(db, plan)
    members = list_members(db, "Высшие органы исполнительной власти субъектов Российской Федерации")
    assert len(members) == 89
    assert {m.effective_delivery for m in members} == {"МЭДО", "Электронная почта"}
    assert members[20].addressee == "Правительство Республики Коми"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "файл пуст"),
        ("Солодов;Владимир\n".encode(), "нет заголовков"),
        (b"\x00\x01\x02PK\x03", "двоичные данные"),
        (b"\x98\x98\x98", "кодировка не распознана"),
        ('Организация;"незакрытая\n'.encode(), "ошибка разбора CSV"),
    ],
)
def test_broken_csv_gets_a_clear_message(db, tmp_path, content, message) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        plan_import(db, path)


def test_damaged_xlsx_gets_a_clear_message(db, tmp_path) -> None:
    (tmp_path / "in.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UserError, match="не удалось прочитать XLSX"):
        plan_import(db, tmp_path / "in.xlsx")


CELL = st.text(
    alphabet=st.sampled_from("АБВгдеёЖ ;,\"'\n\t=+-@|.0123456789xyzМЭДОПочта"), max_size=12
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(HEADER_RU + HEADER_EN + ["Прочее", ""]), max_size=9),
    rows=st.lists(st.lists(CELL, max_size=11), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "koi8-r", "utf-16"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
    mangle=st.sampled_from(["none", "truncate", "nul"]),
)
def test_broken_files_never_crash_nor_half_import(
    db, tmp_path, header, rows, encoding, delimiter, mangle
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    raw = buffer.getvalue().encode(encoding, errors="replace")
    if mangle == "truncate":
        raw = raw[: len(raw) // 2]
    elif mangle == "nul":
        raw = raw.replace(b";", b"\x00", 1)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw)
    with db.read() as session:
        before = session.scalar(select(func.count(Recipient.id)))
    try:
        plan = plan_import(db, path)
    except UserError as exc:
        assert str(exc).startswith(str(path))
        return
    try:
        apply_import(db, plan)
    except UserError:
        with db.read() as session:
            assert session.scalar(select(func.count(Recipient.id))) == before
        return
    with db.read() as session:
        after = session.scalar(select(func.count(Recipient.id)))
        assert after == before + plan.count("add")
        assert (
            session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "imported"))
            >= 1
        )


@pytest.mark.slow
def test_fifty_thousand_rows(db, tmp_path) -> None:
    rows = [
        [
            f"c{i}",
            f"Организация № {i}",
            "Директор" if i % 2 else "",
            f"Иванов{i % 7}",
            "Иван",
            "Иванович" if i % 3 else "",
            "Почта",
            "",
            "Большой список" if i % 5 == 0 else "",
        ]
        for i in range(50_000)
    ]
    path = _csv(tmp_path / "big.csv", HEADER_RU, rows, encoding="utf-8", delimiter=";")
    plan = plan_import(db, path)
    assert (plan.count("add"), plan.rejected) == (50_000, [])
    apply_import(db, plan)
    with db.read() as session:
        assert session.scalar(select(func.count(Recipient.id))) == 50_000
    assert len(list_members(db, "Большой список")) == 10_000
