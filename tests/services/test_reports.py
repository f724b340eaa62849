"""Control of reports: states with an injected clock, legal and illegal transitions, replies with
rows and files, extensions with history, reminders, the summary, the production calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.rules.report_form import FormErrors, is_numeric, parse_number
from app.services.control.report_control import Reply, extend_due, receive_reply, set_state
from app.services.control.reports import (
    control_notice,
    letter_control,
    list_controls,
    overdue_reports,
)
from app.support.errors import UserError
from db.models import AuditEvent, Letter, ReportControl, ReportDueChange, ReportRow, StoredFile

D = dt.date
DUE = D(2025, 12, 1)  # the demo letter 1893/5 asks for reports by 1 December 2025 (a Monday)
BEFORE, ON_DUE, AFTER = D(2025, 11, 20), DUE, D(2025, 12, 5)
ROW = ["Приморский край", "Форум", "г. Владивосток", "2", "1 200", "", ""]


@pytest.fixture
def letter_id(demo_db: Any) -> int:
    with demo_db.read() as session:
        return int(session.scalar(select(Letter.id).where(Letter.number == "1893/5")))


def status(db: Any, letter_id: int, code: str, today: dt.date) -> str:
    return letter_control(db, letter_id, today=today).recipient(code).status


def count(db: Any, model: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def test_overdue_is_computed_from_the_injected_date(demo_db: Any, letter_id: int) -> None:
    assert status(demo_db, letter_id, "region-02", BEFORE) == "expected"
    assert status(demo_db, letter_id, "region-02", ON_DUE) == "expected"  # inclusive
    assert status(demo_db, letter_id, "region-02", DUE + dt.timedelta(days=1)) == "overdue"
    with demo_db.read() as session:  # nothing stored says «просрочен»
        states = set(session.scalars(select(ReportControl.state)))
    assert states == {"expected", "received"}


def test_demo_replies_in_time_and_late(demo_db: Any, letter_id: int) -> None:
    control = letter_control(demo_db, letter_id, today=AFTER)
    assert (len(control.recipients), control.received, control.overdue) == (89, 7, 82)
    assert control.recipient("region-01").label == "Получен в срок"
    assert control.recipient("region-81").label == "Получен с опозданием"  # received 08.12
    assert control.recipient("region-01").rows == 2


def test_overview_counts_and_filters(demo_db: Any, letter_id: int) -> None:
    (row,) = list_controls(demo_db, today=D(2025, 11, 26))
    assert (row.total, row.received, row.overdue, row.due_soon) == (89, 7, 0, 82)
    (row,) = list_controls(demo_db, today=AFTER, show="overdue")
    assert row.overdue == 82 and row.due_soon == 0
    assert list_controls(demo_db, today=AFTER, show="done") == []
    assert list_controls(demo_db, today=AFTER, due_from=D(2026, 1, 1)) == []


def test_notice_at_start(demo_db: Any) -> None:
    assert control_notice(demo_db, today=D(2025, 11, 1)).text == ""
    soon = control_notice(demo_db, today=D(2025, 11, 29))
    assert (soon.overdue, soon.soon, soon.letters) == (0, 82, 1)
    late = control_notice(demo_db, today=AFTER)
    assert late.overdue == 82 and "просрочено отчетов: 82" in late.text


def test_receive_with_typed_rows_and_files(demo_db: Any, letter_id: int, tmp_path: Path) -> None:
    scan = tmp_path / "ответ.pdf"
    scan.write_bytes(b"%PDF-1.4 reply")
    reply = Reply("37-1/2", D(2025, 11, 28), D(2025, 11, 30), [scan], rows=[ROW, [""] * 7])
    assert receive_reply(demo_db, letter_id, "region-20", reply, today=AFTER) == 1
    got = letter_control(demo_db, letter_id, today=AFTER).recipient("region-20")
    assert (got.status, got.reply_number, got.rows, got.files) == (
        "received_in_time",
        "37-1/2",
        1,
        1,
    )
    with demo_db.read() as session:
        row = session.scalars(select(ReportRow).where(ReportRow.control_id == got.control_id)).one()
        stored = session.scalars(select(StoredFile).where(StoredFile.name == "ответ.pdf")).one()
    assert row.values[3:5] == [2, 1200]  # numbers stored as numbers
    assert stored.sha256 == hashlib.sha256(b"%PDF-1.4 reply").hexdigest()
    audit = _audit(demo_db, "received")
    assert audit[-1].details["recipient"] == "Правительство Республики Карелия"


def _audit(db: Any, action: str) -> list[AuditEvent]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize(
    ("recipient", "reply", "message"),
    [
        ("nobody", Reply("1", D(2025, 11, 28)), "не указан в письме"),
        ("99", Reply("1", D(2025, 11, 28)), "не указан в письме"),
        ("region-01", Reply("1", D(2025, 11, 28)), "уже получен"),
        ("region-20", Reply(" ", D(2025, 11, 28)), "Укажите исходящий номер"),
        ("region-20", Reply("1", D(2025, 12, 4), D(2025, 12, 3)), "позже даты получения"),
        ("region-20", Reply("1", D(2025, 12, 4), D(2025, 12, 6)), "еще не наступила"),
        ("region-20", Reply("1", D(2025, 10, 1), D(2025, 12, 3)), "раньше даты письма"),
        ("region-20", Reply("1", D(2025, 12, 1), rows=[["x", "y", "z", "два"]]), "не число"),
        ("region-20", Reply("1", D(2025, 12, 1), files=[Path("/nonexistent.pdf")]), "не найден"),
    ],
)
def test_illegal_receipts_change_nothing(
    demo_db: Any, letter_id: int, recipient: str, reply: Reply, message: str
) -> None:
    before = (count(demo_db, ReportRow), count(demo_db, AuditEvent), count(demo_db, StoredFile))
    with pytest.raises(UserError, match=message):
        receive_reply(demo_db, letter_id, recipient, reply, today=AFTER)
    after = (count(demo_db, ReportRow), count(demo_db, AuditEvent), count(demo_db, StoredFile))
    assert after == before
    assert status(demo_db, letter_id, "region-20", AFTER) == "overdue"


def test_receiving_for_a_letter_without_report_is_refused(demo_db: Any) -> None:
    with demo_db.read() as session:
        other = session.scalar(select(Letter.id).where(Letter.number == "710/5"))
    with pytest.raises(UserError, match="не на контроле"):
        receive_reply(demo_db, other, "kamchatka-governor", Reply("1", D(2025, 5, 5)), today=AFTER)


def test_filled_form_with_wrong_types_names_every_cell(
    demo_db: Any, letter_id: int, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from app.services.output.letter_export import export_report_form

    form = export_report_form(demo_db, letter_id, tmp_path / "форма.xlsx")
    wb = load_workbook(form)
    ws = wb.active
    ws["B3"], ws["C3"], ws["E3"], ws["F3"] = "Приморский край", "Форум", "много", "1 200"
    ws["B4"], ws["E4"], ws["F4"] = "Приморский край", 2, "12,5 чел"
    wb.save(tmp_path / "bad.xlsx")
    reply = Reply("37-1/2", D(2025, 12, 1), rows_file=tmp_path / "bad.xlsx")
    with pytest.raises(FormErrors) as caught:
        receive_reply(demo_db, letter_id, "region-20", reply, today=AFTER)
    assert caught.value.problems == [
        "ячейка E3, столбец «Количество проведений»: «много» — не число",
        "ячейка F4, столбец «Количество участников»: «12,5 чел» — не число",
    ]
    ws["E3"], ws["F4"] = "3", 40.0
    wb.save(tmp_path / "good.xlsx")
    reply.rows_file = tmp_path / "good.xlsx"
    assert receive_reply(demo_db, letter_id, "region-20", reply, today=AFTER) == 2


@pytest.mark.parametrize("name", ["not-xlsx.csv", "garbage.xlsx"])
def test_a_file_that_is_not_a_form_is_a_clear_error(
    demo_db: Any, letter_id: int, tmp_path: Path, name: str
) -> None:
    (tmp_path / name).write_bytes(b"\x00garbage")
    reply = Reply("1", D(2025, 12, 1), rows_file=tmp_path / name)
    with pytest.raises(UserError, match=name):
        receive_reply(demo_db, letter_id, "region-20", reply, today=AFTER)


def test_numbers_and_numeric_columns() -> None:
    assert [parse_number(t) for t in ("1 200", "12,5", "-3", "1e5", "")] == [
        1200,
        12.5,
        -3,
        None,
        None,
    ]
    assert is_numeric("Количество участников") and is_numeric("Сумма, руб.")
    assert not is_numeric("Субъект РФ") and not is_numeric("Ссылка на публикации (при наличии)")


def test_extend_into_the_past_or_not_later_is_refused(demo_db: Any, letter_id: int) -> None:
    with pytest.raises(UserError, match="уже прошел"):
        extend_due(demo_db, letter_id, D(2025, 12, 4), "просьба", today=AFTER)
    with pytest.raises(UserError, match="позже текущего"):
        extend_due(demo_db, letter_id, DUE, "просьба", today=BEFORE)
    with pytest.raises(UserError, match="причину"):
        extend_due(demo_db, letter_id, D(2025, 12, 15), " ", today=AFTER)
    with pytest.raises(UserError, match="не ожидается"):
        extend_due(demo_db, letter_id, D(2025, 12, 15), "x", recipient="region-01", today=AFTER)
    assert count(demo_db, ReportDueChange) == 0


def test_extensions_keep_the_history(demo_db: Any, letter_id: int) -> None:
    extend_due(
        demo_db,
        letter_id,
        D(2025, 12, 20),
        "письмо губернатора",
        recipient="region-30",
        today=AFTER,
    )
    overdue = letter_control(demo_db, letter_id, today=AFTER).overdue
    moved = extend_due(demo_db, letter_id, D(2025, 12, 15), "по просьбе субъектов", today=AFTER)
    assert moved == overdue > 0  # every overdue one; region-30 has a later date of its own already
    control = letter_control(demo_db, letter_id, today=AFTER)
    assert control.due == D(2025, 12, 15) and control.overdue == 0
    assert control.recipient("region-30").due == D(2025, 12, 20)
    assert [(c.recipient, c.old_due, c.new_due, c.reason) for c in control.due_changes] == [
        ("Правительство Санкт-Петербурга", DUE, D(2025, 12, 20), "письмо губернатора"),
        ("", DUE, D(2025, 12, 15), "по просьбе субъектов"),
    ]
    # a reply received after the old date but by the new one is in time
    receive_reply(
        demo_db,
        letter_id,
        "region-02",
        Reply("5", D(2025, 12, 10), D(2025, 12, 10)),
        today=D(2025, 12, 10),
    )
    assert status(demo_db, letter_id, "region-02", D(2025, 12, 30)) == "received_in_time"


def test_excuse_close_and_reopen(demo_db: Any, letter_id: int) -> None:
    with pytest.raises(UserError, match="почему"):
        set_state(demo_db, letter_id, ["region-31"], "excused", "", today=AFTER)
    assert (
        set_state(demo_db, letter_id, ["region-31"], "excused", "реорганизация", today=AFTER) == 1
    )
    with pytest.raises(UserError, match="нельзя"):
        set_state(demo_db, letter_id, ["region-01"], "excused", "x", today=AFTER)
    assert set_state(demo_db, letter_id, ["region-01"], "expected", today=AFTER) == 1
    reopened = letter_control(demo_db, letter_id, today=AFTER).recipient("region-01")
    assert (reopened.status, reopened.reply_number, reopened.rows) == ("overdue", "", 0)
    assert (
        set_state(demo_db, letter_id, None, "closed", "отчетный период завершен", today=AFTER) == 82
    )
    control = letter_control(demo_db, letter_id, today=AFTER)
    assert control.closed and control.received == 6 and control.count("excused") == 1
    assert control.count("closed") == 82
    with pytest.raises(UserError, match="снято с контроля"):
        receive_reply(demo_db, letter_id, "region-02", Reply("1", D(2025, 12, 1)), today=AFTER)
    assert overdue_reports(demo_db, today=AFTER) == []
    actions = {e.action for e in _audit(demo_db, "closed") + _audit(demo_db, "excused")}
    assert actions == {"closed", "excused"}


def test_reminder_is_a_registered_letter_to_those_who_did_not_report(
    demo_db: Any, letter_id: int
) -> None:
    from app.services.control.report_reminders import remind

    set_state(demo_db, letter_id, ["region-31"], "excused", "реорганизация", today=AFTER)
    reminder = remind(demo_db, letter_id, today=AFTER)
    assert (reminder.number, reminder.date, reminder.recipients) == ("1894/5", AFTER, 81)
    with demo_db.read() as session:
        letter = session.get(Letter, reminder.letter_id)
        deliveries = {a.delivery for a in letter.addressees}
        assert len(letter.addressees) == 81 and letter.report is None
        assert "письмом от 28.10.2025 № 1893/5" in letter.body
        assert "1 декабря 2025 года" in letter.body and "в кратчайший срок" in letter.body
        assert letter.subject == "О представлении отчета (к письму от 28.10.2025 № 1893/5)"
    assert deliveries == {"МЭДО", "Электронная почта"}  # as the original went
    control = letter_control(demo_db, letter_id, today=AFTER)
    reminded = control.recipient("region-02")
    assert (reminded.state, reminded.reminder_number) == ("reminded", "1894/5")
    assert reminded.status == "overdue"  # a reminder does not make a late report less late
    assert control.recipient("region-31").state == "excused"
    with pytest.raises(UserError, match="напоминание не нужно"):
        remind(demo_db, letter_id, recipients=["region-01"], today=AFTER)


def test_reminder_with_a_new_due_date(demo_db: Any, letter_id: int) -> None:
    from app.services.control.report_reminders import remind

    remind(demo_db, letter_id, recipients=["region-02", "3"], new_due=D(2025, 12, 15), today=AFTER)
    control = letter_control(demo_db, letter_id, today=AFTER)
    assert control.recipient("region-02").status == "reminded"
    assert control.recipient("region-03").due == D(2025, 12, 15)
    assert control.recipient("region-05").status == "overdue"
    assert len(control.due_changes) == 2
    with demo_db.read() as session:
        body = session.scalar(select(Letter.body).where(Letter.number == "1894/5"))
    assert "в срок до 15 декабря 2025 года" in body


def test_summary_totals_and_missing(demo_db: Any, letter_id: int, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from app.services.control.report_summary import export_summary, report_summary

    receive_reply(
        demo_db, letter_id, "region-20", Reply("1", D(2025, 12, 1), rows=[ROW]), today=AFTER
    )
    receive_reply(  # answered: nothing to report this time
        demo_db, letter_id, "region-21", Reply("2", D(2025, 12, 1), rows=[]), today=AFTER
    )
    summary = report_summary(demo_db, letter_id, today=AFTER)
    assert summary.reported == 9 and len(summary.missing) == 80
    assert summary.without_rows == ["Правительство Республики Коми"]
    # every recipient is in it: 10 report rows of 8 recipients, 1 without rows, 80 still expected
    assert len(summary.rows) == 10 + 1 + 80
    assert len({r.recipient for r in summary.rows}) == 89
    # 2+1+1 +1+1 +3 +1 +1 +1 (demo) + 2 ; participants 240+85+310+1200+60+2150+95+430+75 + 1200
    assert summary.totals == ["", "", "", 14, 5845, "", ""]
    xlsx = export_summary(demo_db, letter_id, tmp_path / "свод.xlsx", today=AFTER)
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("№ п/п", "Адресат", "Состояние", "Субъект РФ")
    by_name = {r[1]: r for r in rows[2:] if r[1]}
    assert by_name["Правительство Республики Коми"][2] == "Получен с опозданием, строк нет"
    assert by_name["Правительство Брянской области"][2] == "Просрочен"
    assert max(len(str(c or "")) for r in rows for c in r) < 200  # no cell of 80 names
    total_row = next(r for r in rows if r[1] == "Итого")
    assert total_row[6:8] == (14, 5845)
    assert any(
        str(r[0]).startswith("Отчеты получены: 9 из 89; из них без строк: 1; не представили: 80")
        for r in rows
    )
    docx = export_summary(demo_db, letter_id, tmp_path / "свод.docx", today=AFTER)
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert "Итого" in xml and "5\u00a0845" in xml and "Правительство Москвы" in xml
    assert "Получен с опозданием, строк нет" in xml and "Правительство Брянской области" in xml
    assert "<w:tblHeader" in xml and 'w:orient="landscape"' in xml
    with pytest.raises(UserError, match="XLSX или DOCX"):
        export_summary(demo_db, letter_id, tmp_path / "свод.pdf")


@pytest.mark.parametrize(
    ("day", "warning"),
    [
        (D(2025, 12, 1), ""),
        (D(2025, 12, 6), "выходной день (суббота)"),
        (D(2025, 11, 4), "праздничный день (День народного единства)"),
        (D(2025, 11, 3), "перенесенный выходной"),
        (D(2025, 11, 1), ""),  # a Saturday made a working day
        (D(2026, 1, 5), "праздничный день (Новогодние каникулы)"),
    ],
)
def test_production_calendar(day: dt.date, warning: str) -> None:
    from app.rules.production_calendar import due_date_warning

    assert (warning in due_date_warning(day)) and (bool(warning) == bool(due_date_warning(day)))


def test_extensions_are_counted_in_words() -> None:
    from app.services.control.reports import DueChange, extension_note
    from app.support.text import plural

    def change(recipient: str) -> DueChange:
        day = dt.date(2026, 12, 1)
        return DueChange(dt.datetime(2026, 11, 30), "root", recipient, day, day, "напоминание")

    assert extension_note([change(f"r{i}") for i in range(80)]) == "для 80 адресатов продлен"
    assert extension_note([change("")]) == "продлен"
    assert extension_note([change(""), change(""), change("r1")]) == (
        "продлен 2 раза; для 1 адресата продлен"
    )
    assert [plural(n, "раз", "раза", "раз") for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "раз", "раза", "раз", "раз", "раз", "раза", "раз",
    ]  # fmt: skip
