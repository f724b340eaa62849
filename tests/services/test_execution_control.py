"""Execution control (issue 41): a head's resolution with three executors and two terms, a
deputy's sub-resolution to their own person, a progress note with a file, a term extended by
the resolution's author (and refused to anyone else), a late and an on-time completion — and the
discipline report they make, checked against counts made by hand; the control view over tasks
and reports; the command line with the names the issue gives. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.rules.discipline import TaskFact, discipline
from app.rules.executor_terms import ExecutorTerm, parse_executor_term
from app.rules.production_calendar import add_working_days
from app.services.execution.control_view import (
    INCOMING,
    NOTICE_DAYS,
    REPORT,
    ControlQuery,
    ExecutionNotice,
    control_items,
    execution_notice,
)
from app.services.execution.discipline_report import discipline_rows, export_discipline
from app.services.incoming.detail import card_lines, incoming_detail
from app.services.incoming.resolutions import ResolutionData, resolve_incoming
from app.services.incoming.tasks import add_progress, complete_task, extend_term
from app.services.links.replies import incoming_id_by_number
from app.services.organization.profile import StaffData, list_staff, save_staff
from app.support.errors import UserError
from db.engine import Database
from db.models import TaskEvent
from tests.support.cli import assert_user_error, run
from tests.support.registries import own_registry

DAY = dt.date(2025, 12, 3)  # the demo's day: the resolutions are written
JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
REPORT_DAY = dt.date(2026, 2, 2)

pytestmark = pytest.mark.usefixtures("program_date")  # the demo's day: its letters' dates


def _staffed(db: Database) -> None:
    from app.services.demo import load_demo

    load_demo(db)
    departments = {"chekushov": "Руководство", "starchikova": "Отдел А", "tabolova": "Отдел Б"}
    for person in list_staff(db):
        if person.code in departments:
            save_staff(db, replace(person, department=departments[person.code]))
    save_staff(db, StaffData("ivanova", "Иванова", "Анна", "Петровна", "Специалист", "Отдел А"))


@pytest.fixture(params=["sqlite", "postgresql"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from own_registry(request, tmp_path, _staffed)


def _the_month_of_work(db: Database, tmp_path: Path) -> tuple[int, int, int]:
    """What the issue's «done when» describes, on letter 1-вх; its id and the two resolutions."""
    letter = incoming_id_by_number(db, "1-вх")
    head = resolve_incoming(db, letter, ResolutionData(
        [ExecutorTerm("chekushov", dt.date(2026, 1, 15)),
         ExecutorTerm("starchikova", dt.date(2026, 1, 15)),
         ExecutorTerm("tabolova", dt.date(2026, 1, 20))],
        text="Подготовить предложения к совещанию", author="protasov",
    ), today=DAY)  # fmt: skip
    deputy = resolve_incoming(db, letter, ResolutionData(
        [ExecutorTerm("ivanova", dt.date(2026, 1, 13))], text="Собрать сведения по отделу",
        author="chekushov", parent=head.resolution_id,
    ), today=DAY)  # fmt: skip
    note = tmp_path / "справка.docx"
    note.write_bytes(b"PK\x03\x04 draft")
    add_progress(db, letter, "starchikova", "Запрошены сведения у подразделений", file=note,
                 today=dt.date(2025, 12, 10))  # fmt: skip
    with pytest.raises(UserError, match="только автор резолюции"):
        extend_term(db, letter, "tabolova", dt.date(2026, 1, 27), by="chekushov",
                    reason="нет сведений", today=dt.date(2025, 12, 15))  # fmt: skip
    extend_term(db, letter, "tabolova", dt.date(2026, 1, 27), by="protasov",
                reason="Запрос дополнительных сведений", today=dt.date(2025, 12, 15))  # fmt: skip
    complete_task(db, letter, "ivanova", note="Сведения собраны", today=dt.date(2026, 1, 12))
    complete_task(db, letter, "chekushov", note="Предложения направлены",
                  today=dt.date(2026, 1, 15))  # fmt: skip
    done = complete_task(db, letter, "starchikova", note="С опозданием",
                         today=dt.date(2026, 1, 19))  # fmt: skip
    assert not done.letter_done  # Таболова has not reported
    return letter, head.resolution_id, deputy.resolution_id


def test_the_discipline_report_of_a_month_of_work(office: Database, tmp_path: Path) -> None:
    letter, head, deputy = _the_month_of_work(office, tmp_path)
    rows = {r.executor: r for r in discipline_rows(office, *JAN, today=REPORT_DAY)}
    # by hand: Чекушов 15.01 in time; Старчикова 15.01 → 19.01, four days late; Таболова
    # 20.01 moved to 27.01, not done by 02.02; Иванова 13.01 → 12.01
    assert (rows["chekushov"].assigned, rows["chekushov"].on_time) == (1, 1)
    assert (rows["starchikova"].late, rows["starchikova"].avg_days_late) == (1, 4.0)
    assert (rows["tabolova"].outstanding, rows["tabolova"].overdue) == (1, 1)
    assert (rows["ivanova"].on_time, rows["ivanova"].late) == (1, 0)
    total = rows[""]
    assert (total.assigned, total.on_time, total.late, total.outstanding, total.overdue) == (
        4, 2, 1, 1, 1,
    )  # fmt: skip
    assert total.avg_days_late == 4.0
    departments = {r.name: r for r in discipline_rows(office, *JAN, by="department",
                                                       today=REPORT_DAY)}  # fmt: skip
    assert (departments["Отдел А"].assigned, departments["Отдел А"].on_time,
            departments["Отдел А"].late) == (2, 1, 1)  # fmt: skip
    assert departments["Отдел Б"].overdue == 1 and departments["Руководство"].on_time == 1
    # December holds the demo's own tasks only (given before, none done), not January's
    december = discipline_rows(office, dt.date(2025, 12, 1), dt.date(2025, 12, 31),
                               today=REPORT_DAY)  # fmt: skip
    assert december[-1].assigned == december[-1].overdue and "ivanova" not in {
        r.executor for r in december
    }

    # the history: the old term kept, who changed it and why; the note with its file
    detail = incoming_detail(office, letter, today=REPORT_DAY)
    assert detail.execution == "on_control"
    tree = "\n".join(card_lines(detail))  # the card: the resolutions as a tree
    assert f"  Резолюция {head} (М.А.\xa0Протасов, 03.12.2025, контроль): Подготовить" in tree
    assert (
        f"\n    Резолюция {deputy} (Р.А.\xa0Чекушов, 03.12.2025, контроль) к резолюции {head}"
        in tree
    )
    assert "А.В.\xa0Таболова — срок 27.01.2026 (первый срок 20.01.2026) — просрочено" in tree
    assert "исполнено 19.01.2026, опоздание 4 дн.: С опозданием" in tree
    assert (
        "ход исполнения М.С.\xa0Старчикова: Запрошены сведения у подразделений [справка.docx]"
        in tree
    )
    assert "срок 20.01.2026 → 27.01.2026, изменил М.А.\xa0Протасов: Запрос доп" in tree
    with office.read() as session:
        events = session.query(TaskEvent).order_by(TaskEvent.id).all()
        kinds = [(e.kind, e.person.code if e.person else "") for e in events]
        extended = next(e for e in events if e.kind == "extended")
        assert (extended.old_due, extended.new_due) == (dt.date(2026, 1, 20), dt.date(2026, 1, 27))
        assert extended.note == "Запрос дополнительных сведений"
        progress = next(e for e in events if e.kind == "progress")
        assert progress.file is not None and progress.file.name == "справка.docx"
    assert kinds == [("progress", "starchikova"), ("extended", "protasov"), ("done", "ivanova"),
                     ("done", "chekushov"), ("done", "starchikova")]  # fmt: skip
    assert head != deputy


def test_the_control_view_over_tasks_and_reports(office: Database, tmp_path: Path) -> None:
    _the_month_of_work(office, tmp_path)
    overdue = control_items(office, ControlQuery(show="overdue", today=REPORT_DAY))
    mine = [(i.number, i.executor, i.due) for i in overdue if i.kind == INCOMING]
    assert [m for m in mine if m[2] >= JAN[0]] == [("1-вх", "tabolova", dt.date(2026, 1, 27))]
    assert mine[0] == ("2-вх", "starchikova", dt.date(2025, 11, 28))  # the nearest term first
    assert [m[2] for m in mine] == sorted(m[2] for m in mine)
    assert all(i.overdue(REPORT_DAY) for i in overdue)
    assert any(i.kind == REPORT for i in overdue)  # what the regions owe us, in the same view
    by_author = control_items(office, ControlQuery(author="protasov", show="all", today=REPORT_DAY))
    assert {i.executor for i in by_author if i.kind == INCOMING} == {
        "chekushov", "starchikova", "tabolova",
    }  # fmt: skip
    late = control_items(
        office, ControlQuery(show="done_late", kinds=(INCOMING,), today=REPORT_DAY)
    )
    assert [(i.executor, i.state(REPORT_DAY)) for i in late] == [
        ("starchikova", "исполнено с опозданием 4 дн.")
    ]
    # due within a week of 22.01: Таболова's 27.01 (and the overdue, still open), not what is done
    week = control_items(office, ControlQuery(due_within=7, kinds=(INCOMING,),
                                              today=dt.date(2026, 1, 22)))  # fmt: skip
    assert ("tabolova", dt.date(2026, 1, 27)) in [(i.executor, i.due) for i in week]
    assert not {"ivanova", "chekushov"} & {i.executor for i in week}
    assert max(i.due for i in week) <= dt.date(2026, 1, 29)
    # the notice at start counts in the database what the view lists
    for today in (DAY, dt.date(2026, 1, 14), dt.date(2026, 1, 22), REPORT_DAY):
        items = control_items(office, ControlQuery(due_within=NOTICE_DAYS, today=today))
        late = [i for i in items if i.overdue(today)]
        assert execution_notice(office, today=today) == ExecutionNotice(
            tasks_overdue=sum(1 for i in late if i.kind == INCOMING),
            reports_overdue=sum(1 for i in late if i.kind == REPORT),
            soon=len(items) - len(late),
        )
    assert execution_notice(office, today=REPORT_DAY).tasks_overdue > 0


def test_resolutions_refuse_what_a_head_would_not_sign(office: Database) -> None:
    letter = incoming_id_by_number(office, "1-вх")
    head = resolve_incoming(
        office,
        letter,
        ResolutionData([ExecutorTerm("chekushov", dt.date(2026, 1, 15))], author="protasov"),
        today=DAY,
    )
    for data, said in (
        (ResolutionData([]), "Укажите исполнителя"),
        (ResolutionData([ExecutorTerm("tabolova"), ExecutorTerm("tabolova")]), "дважды"),
        (ResolutionData([ExecutorTerm("tabolova", dt.date(2025, 12, 1))]), "уже прошел"),
        (ResolutionData([ExecutorTerm("nobody")], author="protasov"), "не найден"),
        (ResolutionData([ExecutorTerm("tabolova")], parent=head.resolution_id),
         "должен быть автор"),
        (ResolutionData([ExecutorTerm("tabolova")], author="starchikova",
                        parent=head.resolution_id), "не исполнитель резолюции"),
        (ResolutionData([ExecutorTerm("tabolova")], author="protasov", parent=99999),
         "нет резолюции 99999"),
        (ResolutionData([ExecutorTerm("tabolova")], day=DAY + dt.timedelta(days=1)),
         "позже сегодняшней"),
    ):  # fmt: skip
        with pytest.raises(UserError, match=said):
            resolve_incoming(office, letter, data, today=DAY)
    # a deputy's term later than their own is said, not refused; ten working days counted
    sub = resolve_incoming(office, letter, ResolutionData(
        [ExecutorTerm("tabolova", days=30)], author="chekushov", parent=head.resolution_id,
    ), today=DAY)  # fmt: skip
    assert any("позже срока" in w for w in sub.warnings)


def test_terms_in_working_days_and_the_parsing_of_them() -> None:
    # 30.12.2025 + 3 working days: 31.12.2025 and 1–11.01.2026 are days off (moved by decree)
    assert add_working_days(dt.date(2025, 12, 30), 3) == dt.date(2026, 1, 14)
    assert add_working_days(dt.date(2025, 12, 5), 1) == dt.date(2025, 12, 8)  # Fri → Mon
    assert parse_executor_term("tabolova:+10").due_from(DAY) == add_working_days(DAY, 10)
    assert parse_executor_term("tabolova:20.01.2026").due == dt.date(2026, 1, 20)
    assert parse_executor_term(" tabolova ") == ExecutorTerm("tabolova")
    for bad, said in (("tabolova:завтра", "не дата"), (":+3", "не указан код"),
                      ("x:+0", "от 1 до"), ("x:+a", "не число")):  # fmt: skip
        with pytest.raises(UserError, match=said):
            parse_executor_term(bad)


def test_the_counts_of_the_discipline_rules() -> None:
    """The pure rule on its own: the total row, the average of days late, an empty period."""
    day = dt.date(2026, 3, 2)
    facts = [
        TaskFact("a", "А", "1", dt.date(2026, 2, 10), dt.date(2026, 2, 12)),
        TaskFact("a", "А", "1", dt.date(2026, 2, 10), dt.date(2026, 2, 17)),
        TaskFact("b", "Б", "1", dt.date(2026, 3, 5), None),
    ]
    rows = discipline(facts, day)
    assert [(r.executor, r.late, r.avg_days_late, r.outstanding, r.overdue) for r in rows] == [
        ("a", 2, 4.5, 0, 0), ("b", 0, 0.0, 1, 0), ("", 2, 4.5, 1, 0),
    ]  # fmt: skip
    assert discipline([], day) == []


def test_the_command_line(tmp_path: Path) -> None:
    from app.services.safety.opening import open_registry

    path = tmp_path / "registry.db"
    db = open_registry(str(path))
    _staffed(db)
    db.dispose()
    env = {**__import__("os").environ, "SECRETARIAT_TODAY": DAY.isoformat()}
    resolved = run("incoming", "resolve", "1-вх", "--author", "protasov", "--text", "Подготовить",
                   "--executor", "chekushov:15.01.2026", "--executor", "tabolova:+10",
                   "--responsible", "tabolova", db=path, env=env)  # fmt: skip
    assert resolved.returncode == 0, resolved.stderr
    head = resolved.stdout.split("\t")[0]
    sub = run("incoming", "resolve", "1-вх", "--author", "chekushov", "--parent", head,
              "--executor", "ivanova:2026-01-13", db=path, env=env)  # fmt: skip
    assert sub.returncode == 0, sub.stderr
    note = tmp_path / "ход.txt"
    note.write_text("сведения запрошены", encoding="utf-8")
    progress = run("incoming", "progress", "1-вх", "--executor", "ivanova", "--note", "Запрошено",
                   "--file", str(note), db=path, env=env)  # fmt: skip
    assert progress.returncode == 0, progress.stderr
    assert_user_error(run("incoming", "extend", "1-вх", "--executor", "tabolova", "--due",
                          "30.01.2026", "--by", "chekushov", "--reason", "x", db=path, env=env),
                      "только автор резолюции")  # fmt: skip
    extended = run("incoming", "extend", "1-вх", "--executor", "chekushov", "--due", "20.01.2026",
                   "--by", "protasov", "--reason", "Ждем сведения", db=path, env=env)  # fmt: skip
    assert extended.returncode == 0, extended.stderr
    later = {**env, "SECRETARIAT_TODAY": "2026-01-22"}
    done = run("incoming", "done", "1-вх", "--executor", "chekushov", "--note", "Готово", db=path,
               env=later)  # fmt: skip
    assert done.returncode == 0 and "chekushov — исполнено" in done.stdout, done.stderr
    listed = run("control", "list", "--overdue", "--format", "json", db=path, env=later)
    overdue = json.loads(listed.stdout)
    assert {(r["number"], r["executor"]) for r in overdue if r["kind"] == "incoming"} >= {
        ("1-вх", "ivanova"), ("2-вх", "starchikova"),
    }  # fmt: skip
    csv = run("control", "list", "--executor", "tabolova", "--format", "csv", db=path, env=later)
    assert csv.returncode == 0 and "Таболова" in csv.stdout
    report = run("control", "discipline", "--from", "01.01.2026", "--to", "31.01.2026", "--json",
                 db=path, env={**env, "SECRETARIAT_TODAY": "2026-02-02"})  # fmt: skip
    rows = {r["executor"]: r for r in json.loads(report.stdout)}
    assert rows["chekushov"] == {
        "executor": "chekushov", "name": "Р.А.\xa0Чекушов", "assigned": 1, "on_time": 0, "late": 1,
        "outstanding": 0, "overdue": 0, "avg_days_late": 2.0,
    }  # fmt: skip
    assert rows["ivanova"]["overdue"] == 1
    assert "tabolova" not in rows  # +10 working days from 03.12.2025: 17.12.2025
    for suffix in ("xlsx", "pdf"):
        out = tmp_path / f"сводка.{suffix}"
        written = run("control", "discipline", "--from", "2026-01-01", "--to", "2026-01-31",
                      "--by", "department", "--out", str(out), db=path, env=env)  # fmt: skip
        assert written.returncode == 0, written.stderr
        assert out.stat().st_size > 1000
    assert_user_error(run("control", "discipline", "--from", "2026-02-01", "--to", "2026-01-01",
                          db=path, env=env), "позже")  # fmt: skip
    assert_user_error(
        run(
            "control",
            "discipline",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--out",
            str(tmp_path / "x.docx"),
            db=path,
            env=env,
        ),
        ".xlsx или .pdf",
    )


def test_the_report_files_say_what_the_window_says(office: Database, tmp_path: Path) -> None:
    """The XLSX holds the rows as numbers and a chart; the PDF the same rows as text."""
    from openpyxl import load_workbook

    from tests.support.pdf_facts import page_lines

    _the_month_of_work(office, tmp_path)
    xlsx = export_discipline(office, *JAN, tmp_path / "d.xlsx", today=REPORT_DAY)
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert ["А.В.\xa0Таболова", 1, 0, 0, 0, 1, 1] in values
    assert ["Итого", 4, 2, 1, 4, 1, 1] in values
    assert len(sheet._charts) == 1
    pdf = export_discipline(office, *JAN, tmp_path / "d.pdf", today=REPORT_DAY)
    pages = page_lines(pdf.read_bytes())
    assert "Сводка по исполнительской дисциплине" in pages[0] and "Итого 4 2 1 4 1 1" in pages[0]
    assert "Исполнено в срок и с нарушением срока" in pages[-1]


def test_reminders_are_printed_or_mailed_once_a_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Executors whose term is within three days or passed: a list to print, or one e-mail each
    through a real SMTP server on loopback — and not again the same day."""
    from aiosmtpd.controller import Controller

    from app.services.execution.reminders import due_reminders, send_reminders
    from app.services.organization.profile import get_organization, save_organization
    from app.services.safety.opening import open_registry
    from tests.support.pdf_facts import page_lines
    from tests.support.smtp import SmtpHandler, free_port

    path = tmp_path / "registry.db"
    db = open_registry(str(path))
    _staffed(db)
    for person in list_staff(db):
        if person.code in ("starchikova", "tabolova"):
            save_staff(db, replace(person, email=f"{person.code}@example.ru"))
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        org = get_organization(db)
        assert org is not None
        save_organization(db, replace(org, smtp_host="127.0.0.1", smtp_port=port,
                                      smtp_security="none", smtp_login="",
                                      mail_from="kanc@example.ru"))  # fmt: skip
        # the demo on 08.12.2025: 2-вх (Старчикова, 28.11) overdue, 1-вх (Таболова and
        # Старчикова, 09.12) due tomorrow
        day = dt.date(2025, 12, 8)
        reminders, _ = due_reminders(db, today=day)
        assert {r.executor: len(r.items) for r in reminders} == {"starchikova": 2, "tabolova": 1}
        done = send_reminders(db, today=day)
        assert len(done.sent) == 2 and done.not_sent == [] and done.already == 0
        to = sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in handler.messages)
        assert to == ["starchikova@example.ru", "tabolova@example.ru"]
        body = next(m for m in handler.messages if "starchikova" in str(m["To"]))
        text = body.get_body(("plain",)).get_content()
        assert "входящее № 2-вх" in text and "просрочено" in text
        again = send_reminders(db, today=day)  # the same day: nobody twice
        assert again.sent == [] and again.already == 3 and len(handler.messages) == 2
        assert len(send_reminders(db, today=day + dt.timedelta(days=1)).sent) == 2  # next day
        db.dispose()
        env = {**__import__("os").environ, "SECRETARIAT_TODAY": "2025-12-10"}
        listed = run("control", "remind", "--out", str(tmp_path), db=path, env=env)
        assert listed.returncode == 0, listed.stderr
        pdf = tmp_path / "напоминания-2025-12-10.pdf"
        assert "2-вх" in " ".join(page_lines(pdf.read_bytes()))
        sent = run("control", "remind", "--send", db=path, env=env)
        assert sent.returncode == 0 and "Писем отправлено: 2" in sent.stdout, sent.stderr
        assert_user_error(run("control", "remind", "--out", str(tmp_path / "нет"), db=path,
                              env=env), "папки нет")  # fmt: skip
    finally:
        controller.stop()


def test_the_resolution_sheet_and_taking_off_control(office: Database, tmp_path: Path) -> None:
    """The sheet a head signs says what the resolution says; only its author takes it off
    control, and the letter leaves control when no resolution on control has an open task."""
    from app.services.incoming.resolutions import export_resolution_sheet, take_off_control
    from tests.support.pdf_facts import page_lines

    letter, head, deputy = _the_month_of_work(office, tmp_path)
    sheet = export_resolution_sheet(office, letter, tmp_path / "лист.pdf", resolution_id=head)
    text = " ".join(page_lines(sheet.read_bytes())).replace("\xa0", " ")
    for said in ("РЕЗОЛЮЦИЯ", "Вх. № 1-вх", "Подготовить предложения к совещанию",
                 "Р.А. Чекушов (отв.)", "срок 27.01.2026", "КОНТРОЛЬ", "М.А. Протасов",
                 "03.12.2025"):  # fmt: skip
        assert said in text, said
    sub = export_resolution_sheet(office, letter, tmp_path / "sub.pdf", resolution_id=deputy)
    assert "к резолюции от 03.12.2025" in " ".join(page_lines(sub.read_bytes()))
    with pytest.raises(UserError, match="пишется в"):
        export_resolution_sheet(office, letter, tmp_path / "лист.docx")
    with pytest.raises(UserError, match="только автор резолюции"):
        take_off_control(office, letter, head, by="chekushov", today=REPORT_DAY)
    take_off_control(office, letter, head, by="protasov", today=REPORT_DAY)
    with pytest.raises(UserError, match="уже не на контроле"):
        take_off_control(office, letter, head, by="protasov", today=REPORT_DAY)
    # Таболова's open task is off control now: not in the view, nor in the report's «overdue»
    items = control_items(office, ControlQuery(kinds=(INCOMING,), today=REPORT_DAY))
    assert ("1-вх", "tabolova", dt.date(2026, 1, 27)) not in [
        (i.number, i.executor, i.due) for i in items
    ]
    detail = incoming_detail(office, letter, today=REPORT_DAY)
    assert detail.execution == "on_control"  # the demo's own tasks on 1-вх are still open
