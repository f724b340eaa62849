"""Incoming correspondence (issue 25), on SQLite and on a real PostgreSQL server: numbers of an
incoming journal, the card, the duplicate check, files, search by word forms, replies that
close report control, resolutions and execution, and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.rules.states import ControlState, Execution
from app.services.control.reports import letter_control
from app.services.incoming.cards import IncomingCard, card_from_json
from app.services.incoming.detail import card_lines, incoming_detail
from app.services.incoming.listing import (
    IncomingNotice,
    IncomingQuery,
    count_incoming,
    incoming_notice,
    list_incoming,
)
from app.services.incoming.registration import (
    DuplicateIncoming,
    complete_incoming,
    register_incoming,
)
from app.services.incoming.resolutions import assign_incoming
from app.services.organization.profile import JournalData, save_journal
from app.services.registry.letters import (
    Addressee,
    RegisteredLetter,
    ReportData,
    register_letter,
)
from app.support.errors import UserError
from db.engine import Database
from db.models import ReportControl
from tests.support.builders import make_card
from tests.support.registries import module_registry, own_registry

TODAY = dt.date(2025, 11, 20)
INCOMING_JOURNAL = JournalData(
    code="ОГ", name="Обращения граждан", template="{seq}-ог", period="year", kind="incoming"
)


def _with_journal(db: Database) -> Database:
    """The demo's set-up and directory (without its incoming letters), and an incoming journal
    «ОГ»."""
    from app.services.demo import load_demo

    load_demo(db, incoming=False)
    save_journal(db, INCOMING_JOURNAL, today=TODAY)
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A registry of the test's own with the journal «ОГ»."""
    yield from own_registry(request, tmp_path, _with_journal)


def _two_registered(db: Database) -> None:
    _with_journal(db)
    register_incoming(db, card(), today=TODAY)
    register_incoming(
        db,
        card(subject="О ремонте дорог", sender_number="9", sender_code="kamchatka-governor"),
        today=TODAY,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def two_registered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """Two letters registered in «ОГ», built once per module for the tests that only search."""
    yield from module_registry(request, tmp_path_factory, _two_registered)


def card(**fields: object) -> IncomingCard:
    base: dict[str, object] = {
        "journal": "ОГ",
        "subject": "О проведённых мероприятиях Недели качества",
        "sender_code": "minpromtorg",
        "sender_number": "01-12/345",
        "sender_date": dt.date(2025, 11, 14),
        "date": dt.date(2025, 11, 18),
        "delivery": "МЭДО",
        "pages": 3,
    }
    base.update(fields)
    return IncomingCard(**base)  # type: ignore[arg-type]


def test_numbers_of_an_incoming_journal(registry: Database) -> None:
    first = register_incoming(registry, card(), today=TODAY)
    second = register_incoming(
        registry,
        card(sender_code="", sender_text="Иванов Иван Иванович, г. Курск", sender_number=""),
        today=TODAY,
    )
    assert (first.number, second.number) == ("1-ог", "2-ог")
    detail = incoming_detail(registry, first.id, today=TODAY)
    assert detail.sender.startswith("Министерство промышленности и торговли")
    assert detail.sender_code == "minpromtorg"
    assert (detail.sender_number, detail.sender_date) == ("01-12/345", dt.date(2025, 11, 14))
    assert (detail.delivery, detail.pages, detail.execution) == ("МЭДО", 3, Execution.NONE)
    # the two kinds of journal do not mix
    with pytest.raises(UserError, match="журнал входящих"):
        register_letter(registry, make_card(journal="ОГ"))
    with pytest.raises(UserError, match="журнал исходящих"):
        register_incoming(registry, card(journal="ИСХ", sender_number="x"), today=TODAY)


def test_a_card_is_checked_before_anything_is_written(registry: Database) -> None:
    for bad, message in [
        (card(subject=" "), "заголовок"),
        (card(sender_code="", sender_text=""), "отправитель"),
        (card(date=dt.date(2025, 11, 21)), "еще не наступила"),
        (card(sender_date=dt.date(2025, 11, 19)), "позже даты получения"),
        (card(delivery="голубиная"), "Способ доставки"),
        (card(sender_code="nobody"), "не найден в справочнике"),
        (card(files=[Path("/nonexistent/scan.pdf")]), "не найден"),
    ]:
        with pytest.raises(UserError, match=message):
            register_incoming(registry, bad, today=TODAY)
    assert count_incoming(registry, IncomingQuery()) == 0
    assert register_incoming(registry, card(), today=TODAY).number == "1-ог"  # none used up


def test_the_same_letter_is_not_registered_twice_unless_confirmed(registry: Database) -> None:
    first = register_incoming(registry, card(), today=TODAY)
    with pytest.raises(DuplicateIncoming) as caught:
        register_incoming(registry, card(delivery="Почта"), today=TODAY)
    assert caught.value.number == first.number
    again = register_incoming(registry, card(), today=TODAY, again=True)
    assert again.number == "2-ог"
    # another date or another sender is another letter
    register_incoming(registry, card(sender_date=dt.date(2025, 11, 13)), today=TODAY)
    register_incoming(registry, card(sender_code="kamchatka-governor"), today=TODAY)
    # a МЭДО package or an e-mail is known by its identifier
    register_incoming(registry, card(sender_number="", uid="medo-1"), today=TODAY)
    with pytest.raises(DuplicateIncoming):
        register_incoming(registry, card(sender_number="7", uid="medo-1"), today=TODAY)


def test_files_are_kept_with_the_letter(registry: Database, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    other = tmp_path / "other"
    other.mkdir()
    (other / "scan.pdf").write_bytes(b"%PDF-1.4 second")
    registered = register_incoming(registry, card(files=[scan, other / "scan.pdf"]), today=TODAY)
    detail = incoming_detail(registry, registered.id, today=TODAY)
    assert [(f.name, f.size) for f in detail.files] == [("scan.pdf", 13), ("scan (2).pdf", 15)]
    assert list_incoming(registry, IncomingQuery(today=TODAY))[0].files == 2
    # the scan of the paper original comes later
    from app.services.incoming.registration import attach_to_incoming

    assert attach_to_incoming(registry, registered.id, [scan]) == ["scan (3).pdf"]
    with pytest.raises(UserError, match="не найден"):
        attach_to_incoming(registry, registered.id, [tmp_path / "nothing.pdf"])
    assert len(incoming_detail(registry, registered.id, today=TODAY).files) == 3


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("мероприятие", True),  # another form of «мероприятиях»
        ("проведенное мероприятие", True),
        ("минпромторг", False),
        ("промышленности", True),  # the sender
        ("01-12/345", True),  # the sender's number, as typed
        ("1-ог", True),  # ours
        ("конкурс", False),
    ],
)
def test_search_by_word_forms(two_registered: Database, search: str, found: bool) -> None:
    rows = list_incoming(two_registered, IncomingQuery(search=search, today=TODAY))
    subjects = {r.subject for r in rows}
    assert ("О проведённых мероприятиях Недели качества" in subjects) is found, search
    assert count_incoming(two_registered, IncomingQuery(search=search), cap=1_000) == len(rows)


def test_a_reply_closes_the_report_control_of_its_sender(
    registry: Database, tmp_path: Path
) -> None:
    """Our letter asked the Ministry for a report; its reply, registered as incoming with
    ``reply_to``, marks the report received with its number, date and files, and both stay
    linked. A reply from someone not on control only links."""
    letter = register_letter(
        registry,
        make_card(
            addressee=Addressee(recipient="minpromtorg"),
            date=dt.date(2025, 11, 3),
            report=ReportData(dt.date(2025, 11, 28), ["Показатель", "Значение"]),
        ),
    )
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    reply = register_incoming(registry, card(reply_to=letter.number, files=[report]), today=TODAY)
    assert "отмечен полученным" in reply.report
    control = letter_control(registry, letter.id, today=TODAY)
    got = control.recipients[0]
    assert (got.state, got.reply_number, got.reply_date, got.received_date) == (
        ControlState.RECEIVED,
        "01-12/345",
        dt.date(2025, 11, 14),
        dt.date(2025, 11, 18),
    )
    assert got.files == 1
    with registry.read() as session:
        linked = session.scalars(
            select(ReportControl.id).where(ReportControl.incoming_id == reply.id)
        )
        assert list(linked) == [got.control_id]
    detail = incoming_detail(registry, reply.id, today=TODAY)
    assert detail.reply_to is not None and detail.reply_to.number == letter.number
    assert f"по письму № {letter.number}" in detail.report
    # a second reply from the same sender only links: the report is in already
    again = register_incoming(
        registry, card(reply_to=letter.number, sender_number="01-12/400"), today=TODAY
    )
    assert again.report == ""
    # a reply dated before our letter cannot be one
    with pytest.raises(UserError, match="раньше нашего письма"):
        register_incoming(
            registry,
            card(reply_to=letter.number, sender_number="5", sender_date=dt.date(2025, 11, 1)),
            today=TODAY,
        )


def test_a_replys_report_form_is_read_into_the_report(registry: Database, tmp_path: Path) -> None:
    """The filled form attached to a reply gives the report its rows (the same cell checks as
    «Получен отчет»); a form that cannot be read leaves the reply registered and says why; a
    report returned to control keeps the earlier reply's number and date in its note."""
    from openpyxl import Workbook

    from app.services.control.report_control import set_state

    def asking(day: int) -> RegisteredLetter:
        return register_letter(
            registry,
            make_card(
                addressee=Addressee(recipient="minpromtorg"),
                date=dt.date(2025, 11, day),
                report=ReportData(dt.date(2025, 11, 28), ["Мероприятие", "Количество участников"]),
            ),
        )

    asked = asking(3)
    first, number = asked.id, asked.number
    wb = Workbook()  # the form as a region fills it: a title, the header, the rows
    ws = wb.active
    ws["A1"] = "Отчет о мероприятиях"
    ws["A2"], ws["B2"], ws["C2"] = "№", "Мероприятие", "Количество участников"
    ws["B3"], ws["C3"] = "Урок качества", "120"
    ws["B4"], ws["C4"] = "Квиз", 45
    wb.save(tmp_path / "Отчет Минпромторга.xlsx")
    reply = register_incoming(
        registry,
        card(reply_to=number, files=[tmp_path / "Отчет Минпромторга.xlsx"]),
        today=TODAY,
    )
    assert "строк отчетной формы: 2" in reply.report
    got = letter_control(registry, first, today=TODAY).recipients[0]
    assert (got.state, got.rows, got.files) == (ControlState.RECEIVED, 2, 1)

    # reopened: the reply's number and date stay in the note
    set_state(registry, first, [got.control_id], ControlState.EXPECTED, "строки неполные",
              today=TODAY)  # fmt: skip
    got = letter_control(registry, first, today=TODAY).recipients[0]
    assert got.state == ControlState.EXPECTED and got.reply_number == ""
    assert got.note == (
        "прежний ответ № 01-12/345 от 14.11.2025, получен 18.11.2025; "
        "возвращен на контроль: строки неполные"
    )

    # a form with a bad cell: the reply is registered, the report received, the rows not
    asked = asking(4)
    second, number = asked.id, asked.number
    ws["C3"] = "много"
    wb.save(tmp_path / "bad.xlsx")
    reply = register_incoming(
        registry,
        card(reply_to=number, sender_number="01-12/346", files=[tmp_path / "bad.xlsx"]),
        today=TODAY,
    )
    assert "строки отчетной формы не прочитаны" in reply.report and "«много»" in reply.report
    got = letter_control(registry, second, today=TODAY).recipients[0]
    assert (got.state, got.rows) == (ControlState.RECEIVED, 0)


def test_resolutions_control_and_execution(registry: Database) -> None:
    first = register_incoming(registry, card(), today=TODAY)
    second = register_incoming(registry, card(sender_number="2"), today=TODAY)
    assigned = assign_incoming(
        registry,
        first.id,
        ["protasov", "tabolova"],
        due=dt.date(2025, 11, 22),  # a Saturday
        task="Подготовить ответ",
        responsible="tabolova",
        today=TODAY,
    )
    assert assigned.warnings and "нерабочий" in assigned.warnings[0]
    assign_incoming(
        registry, second.id, ["protasov"], due=dt.date(2025, 11, 25), task="", today=TODAY
    )
    rows = list_incoming(registry, IncomingQuery(on_control=True, today=TODAY))
    assert {r.number for r in rows} == {"1-ог", "2-ог"}
    later = dt.date(2025, 11, 24)
    overdue = list_incoming(registry, IncomingQuery(overdue=True, today=later))
    assert [(r.number, r.overdue) for r in overdue] == [("1-ог", True)]
    assert incoming_notice(registry, today=later) == IncomingNotice(on_control=2, overdue=1)
    mine = list_incoming(registry, IncomingQuery(executor="tabolova", today=TODAY))
    assert [r.number for r in mine] == ["1-ог"]
    assert mine[0].executor.endswith("Таболова")  # the responsible one is shown
    detail = incoming_detail(registry, first.id, today=later)
    assert [(a.executor_code, a.responsible) for a in detail.assignments] == [
        ("protasov", False),
        ("tabolova", True),
    ]
    lines = "\n".join(card_lines(detail))
    assert "М.А.\xa0Протасов — срок" in lines
    assert "А.В.\xa0Таболова (ответственный)" in lines and "Поручение " in lines
    # answered by our letter; the other done with a note
    answer = register_letter(registry, make_card(date=dt.date(2025, 11, 19)))
    assert complete_incoming(registry, first.id, reply=answer.number, today=later) == "Дан ответ"
    complete_incoming(registry, second.id, note="Информация принята к сведению", today=later)
    assert list_incoming(registry, IncomingQuery(on_control=True, today=later)) == []
    detail = incoming_detail(registry, first.id, today=later)
    assert detail.answered_by is not None and detail.answered_by.number == answer.number
    assert detail.execution == Execution.ANSWERED
    with pytest.raises(UserError, match="уже прошел"):
        assign_incoming(
            registry, first.id, ["protasov"], due=dt.date(2025, 11, 1), task="", today=TODAY
        )
    with pytest.raises(UserError, match="не найден"):
        assign_incoming(registry, first.id, ["nobody"], due=None, task="", today=TODAY)


def test_the_cli(tmp_path: Path) -> None:
    from tests.support.cli import run

    db = tmp_path / "cli.db"
    assert run("demo", db=db).returncode == 0
    setup = tmp_path / "setup.json"
    setup.write_text(
        json.dumps(
            {
                "journals": [
                    {
                        "code": "ОГ",
                        "name": "Обращения граждан",
                        "template": "{seq}-ог",
                        "kind": "incoming",
                    }
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert run("setup", str(setup), db=db).returncode == 0
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 scan")
    card_file = tmp_path / "card.json"
    today = dt.date.today()
    card_file.write_text(
        json.dumps(
            {
                "journal": "ОГ",
                "date": today.isoformat(),
                "sender": {"recipient": "minpromtorg"},
                "sender_number": "01-12/345",
                "sender_date": today.isoformat(),
                "subject": "О мероприятиях Недели качества",
                "delivery": "МЭДО",
                "pages": 2,
                "files": ["scan.pdf"],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    done = run("incoming", "register", str(card_file), db=db)
    assert (done.returncode, done.stdout) == (0, "1-ог\n"), done.stderr
    twice = run("incoming", "register", str(card_file), db=db)
    assert twice.returncode == 2
    assert "уже зарегистрировано: № 1-ог" in twice.stderr and "--again" in twice.stderr
    assert len(twice.stderr.strip().splitlines()) == 1
    assert run("incoming", "register", str(card_file), "--again", db=db).stdout == "2-ог\n"
    shown = json.loads(run("incoming", "show", "1-ог", "--json", db=db).stdout)
    assert shown["sender_number"] == "01-12/345" and shown["files"][0]["name"] == "scan.pdf"
    due = (today + dt.timedelta(days=10)).isoformat()
    assigned = run(
        "incoming", "assign", "1-ог", "--executor", "protasov", "--due", due, "--task", "Ответить",
        db=db,
    )  # fmt: skip
    assert assigned.returncode == 0, assigned.stderr
    listed = run("incoming", "list", "--on-control", "--format", "csv", db=db).stdout
    assert listed.splitlines()[1].startswith("1-ог;")  # the CSV of every list command
    assert "На контроле" in run("incoming", "show", "1-ог", db=db).stdout
    found = run("incoming", "list", "--search", "мероприятие", "--journal", "ОГ", db=db).stdout
    assert "1-ог" in found and "Всего: 2" in found
    assert run("incoming", "done", "1-ог", "--note", "Учтено", db=db).returncode == 0
    remaining = run("incoming", "list", "--on-control", "--journal", "ОГ", db=db).stdout
    assert remaining.strip() == "Всего: 0"
    missing = run("incoming", "show", "99-ог", db=db)
    assert missing.returncode == 2 and "не найдено" in missing.stderr
    fixed = json.loads(card_file.read_text(encoding="utf-8"))
    fixed.pop("journal")
    fixed["subject"] = "О совещании"
    card_file.write_text(json.dumps(fixed, ensure_ascii=False), encoding="utf-8")
    assert run("incoming", "edit", "1-ог", str(card_file), db=db).returncode == 0
    assert "Заголовок: О совещании" in run("incoming", "show", "1-ог", db=db).stdout
    assert run("incoming", "annul", "2-ог", "--reason", "Дважды", db=db).returncode == 0
    listed = run("incoming", "list", "--journal", "ОГ", db=db).stdout
    assert "[Аннулировано]" in listed.splitlines()[0]


def test_a_json_card_names_its_problems(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="sender"):
        card_from_json({"journal": "ОГ", "subject": "x", "sender": {}})
    with pytest.raises(UserError, match="sender_date"):
        card_from_json(
            {"journal": "ОГ", "subject": "x", "sender": {"text": "y"}, "sender_date": "вчера"}
        )
    parsed = card_from_json(
        {"journal": "ОГ", "subject": "x", "sender": {"text": "y"}, "files": ["a.pdf"]}, tmp_path
    )
    assert parsed.files == [tmp_path / "a.pdf"]


def test_gaps_and_export_of_an_incoming_journal(registry: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from app.services.journal.gaps import journal_gaps
    from app.services.journal.printouts import export_journal

    register_incoming(registry, card(), today=TODAY)
    moved = JournalData(**{**INCOMING_JOURNAL.__dict__, "next_seq": 5})
    save_journal(registry, moved, today=TODAY)
    register_incoming(registry, card(sender_number="2"), today=TODAY)
    gaps = journal_gaps(registry, journal="ОГ")
    assert [(g.journal, g.label) for g in gaps] == [("ОГ", "№ 2–4")]
    assert all(g.journal != "ОГ" for g in journal_gaps(registry, journal="ИСХ"))
    out = export_journal(
        registry, dt.date(2025, 11, 1), dt.date(2025, 11, 30), tmp_path / "in.xlsx", journal="ОГ"
    )
    sheet = load_workbook(out).active
    assert sheet is not None
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    text = "\n".join(" | ".join(str(c) for c in row if c is not None) for row in values)
    assert "Журнал регистрации входящих документов" in text
    assert "1-ог" in text and "5-ог" in text and "01-12/345 от 14.11.2025" in text


def test_an_outgoing_letter_answers_an_incoming_one(registry: Database) -> None:
    """``"reply_to": {"incoming": "1-ог"}``: «На № <their number> от <their date>» comes from
    the incoming letter, both are linked, and the incoming letter is answered."""
    from app.services.registry.letter_cards import card_from_json as letter_card_from_json
    from app.services.registry.letter_cards import letter_card
    from app.services.registry.letters import letter_id_by_number

    incoming = register_incoming(registry, card(), today=TODAY)
    assign_incoming(
        registry, incoming.id, ["protasov"], due=dt.date(2025, 11, 28), task="", today=TODAY
    )
    outgoing = letter_card_from_json(
        {
            "journal": "ИСХ",
            "case": "5",
            "date": "2025-11-20",
            "subject": "О мероприятиях",
            "addressee": {"recipient": "minpromtorg"},
            "signatory": "protasov",
            "body": "Сообщаем.",
            "reply_to": {"incoming": "1-ог"},
        }
    )
    answer = register_letter(registry, outgoing)
    from pypdf import PdfReader

    from app.services.output.letter_export import preview_pdf

    pdf = preview_pdf(registry, answer.id)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "01-12/345" in text and "14.11.2025" in text  # «На № … от …» on the letterhead
    printed = letter_card(registry, letter_id_by_number(registry, answer.number))
    assert (printed.card.reply_to_number, printed.card.reply_to_date) == (
        "01-12/345",
        dt.date(2025, 11, 14),
    )
    detail = incoming_detail(registry, incoming.id, today=TODAY)
    assert detail.execution == Execution.ANSWERED
    assert detail.answered_by is not None and detail.answered_by.number == answer.number
    assert list_incoming(registry, IncomingQuery(on_control=True, today=TODAY)) == []
    # a reply needs their number to print, and comes after the letter it answers
    bare = register_incoming(
        registry, card(sender_number="", sender_code="kamchatka-governor"), today=TODAY
    )
    with pytest.raises(UserError, match="не указан исходящий номер"):
        register_letter(
            registry, letter_card_from_json({**_card_json(), "reply_to": {"incoming": bare.number}})
        )
    with pytest.raises(UserError, match="раньше входящего"):
        register_letter(
            registry,
            letter_card_from_json(
                {**_card_json(), "date": "2025-11-17", "reply_to": {"incoming": "1-ог"}}
            ),
        )


def _card_json() -> dict[str, object]:
    return {
        "journal": "ИСХ",
        "case": "5",
        "date": "2025-11-20",
        "subject": "О мероприятиях",
        "addressee": {"recipient": "minpromtorg"},
        "signatory": "protasov",
        "body": "Сообщаем.",
    }


def test_a_card_is_corrected_and_a_mistaken_registration_annulled(
    registry: Database, tmp_path: Path
) -> None:
    from app.services.incoming.registration import annul_incoming, update_incoming
    from app.services.journal.gaps import journal_gaps
    from app.support.errors import ConflictError

    first = register_incoming(registry, card(), today=TODAY)
    read = incoming_detail(registry, first.id, today=TODAY)
    update_incoming(
        registry,
        first.id,
        card(subject="О проведении совещания", sender_number="01-12/346", pages=4),
        version=read.version,
        today=TODAY,
    )
    fixed = incoming_detail(registry, first.id, today=TODAY)
    assert (fixed.number, fixed.reg_date, fixed.subject, fixed.sender_number, fixed.pages) == (
        "1-ог",
        dt.date(2025, 11, 18),
        "О проведении совещания",
        "01-12/346",
        4,
    )
    assert [r.number for r in list_incoming(registry, IncomingQuery(search="совещание"))] == [
        "1-ог"
    ]
    assert list_incoming(registry, IncomingQuery(search="мероприятие")) == []
    with pytest.raises(ConflictError):  # the card as read before the correction
        update_incoming(registry, first.id, card(), version=read.version, today=TODAY)
    assign_incoming(
        registry, first.id, ["protasov"], due=dt.date(2025, 11, 28), task="", today=TODAY
    )
    with pytest.raises(UserError, match="причину"):
        annul_incoming(registry, first.id, " ")
    annul_incoming(registry, first.id, "Зарегистрировано дважды")
    gone = incoming_detail(registry, first.id, today=TODAY)
    assert gone.status == "annulled" and gone.execution == Execution.NONE
    assert list_incoming(registry, IncomingQuery(on_control=True, today=TODAY)) == []
    gaps = journal_gaps(registry, journal="ОГ")
    assert [(g.label, g.note) for g in gaps] == [("1-ог", "Зарегистрировано дважды")]
    with pytest.raises(UserError, match="аннулировано"):
        assign_incoming(registry, first.id, ["protasov"], due=None, task="", today=TODAY)
    from app.services.incoming.detail import card_lines

    assert "АННУЛИРОВАН: Зарегистрировано дважды" in card_lines(gone)
