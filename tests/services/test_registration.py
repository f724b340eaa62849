"""Reserve, register into a reservation, annul, cancel, edit, gaps, journal export and import."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.rules.numbering import number_pattern, parse_template
from app.services.journal.excel_import import apply_import, preview_import
from app.services.journal.gaps import export_gaps, journal_gaps
from app.services.journal.printouts import export_journal
from app.services.numbers.counters import next_seq
from app.services.registry.letter_cards import card_from_json, letter_card, show_letter
from app.services.registry.letter_list import LetterQuery, count_letters, list_letters
from app.services.registry.letters import (
    LetterCard,
    annul_letter,
    cancel_reservation,
    change_registration,
    register_letter,
    reserve_number,
    similar_today,
    update_letter,
)
from app.support.errors import ConflictError, UserError
from app.support.json_input import strip_json_comments
from db.engine import Database
from db.models import AuditEvent, Journal, Letter
from tests.support.builders import make_card
from tests.support.pdf_facts import font_names
from tests.support.places import DATA

DAY = dt.date(2025, 11, 5)


def card(**kw: object) -> LetterCard:
    return make_card(**{"date": DAY, "executor": "starchikova", **kw})


def test_reserve_then_register_into_the_reservation(demo_db: Database) -> None:
    reserved = reserve_number(demo_db, "ИСХ", date=DAY, case="5", note="письмо в Минфин")
    assert reserved.number == "1894/5"
    after = register_letter(demo_db, card())
    assert after.number == "1895/5"  # the reservation holds its number
    filled = register_letter(demo_db, card(number="1894/5", subject="О бюджете"))
    assert filled.number == "1894/5" and filled.id == reserved.id
    with pytest.raises(UserError, match="не зарезервирован"):
        register_letter(demo_db, card(number="1894/5"))


def test_cancelled_reservation_and_annulled_letter_stay_visible(demo_db: Database) -> None:
    reserved = reserve_number(demo_db, "ИСХ", date=DAY, case="5")
    letter = register_letter(demo_db, card())
    cancel_reservation(demo_db, reserved.id, "не понадобился")
    with pytest.raises(UserError, match="причину"):
        annul_letter(demo_db, letter.id, "  ")
    annul_letter(demo_db, letter.id, "ошибка в адресате")
    with pytest.raises(UserError, match="уже аннулировано"):
        annul_letter(demo_db, letter.id, "еще раз")
    statuses = {r.number: r.status for r in list_letters(demo_db)}
    assert statuses["1894/5"] == "cancelled" and statuses["1895/5"] == "annulled"
    assert count_letters(demo_db, LetterQuery(status="annulled")) == 1
    gaps = journal_gaps(demo_db, journal="ИСХ")
    assert [(g.label, g.reason, g.note) for g in gaps] == [
        ("№ 711–1892", "номер не выдавался (пропуск в нумерации)", ""),
        ("1894/5", "резерв отменен", "не понадобился"),
        ("1895/5", "аннулирован", "ошибка в адресате"),
    ]
    assert register_letter(demo_db, card()).number == "1896/5"  # never reused


def test_edit_is_audited_and_keeps_the_number(demo_db: Database) -> None:
    letter = register_letter(demo_db, card())
    version = _version(demo_db, letter.id)
    update_letter(demo_db, letter.id, card(subject="О поддержке Конкурса"), version=version)
    with pytest.raises(ConflictError) as refused:
        update_letter(demo_db, letter.id, card(subject="Другое"), version=version)
    message = str(refused.value)  # who changed what since the card was read
    assert "изменено" in message and "заголовок: «" in message
    assert "» → «О поддержке Конкурса»" in message
    shown = letter_card(demo_db, letter.id)
    assert shown.card.subject == "О поддержке Конкурса"
    assert shown.registration.number == "1894/5"
    with demo_db.read() as s:
        event = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == letter.id, AuditEvent.action == "edited"
            )
        ).one()
        assert event.details["changes"]["subject"][1] == "О поддержке Конкурса"
        assert event.os_user


def test_change_of_registration_date_within_the_period(demo_db: Database) -> None:
    letter = register_letter(demo_db, card(journal="РСК", case=""))
    version = _version(demo_db, letter.id)
    with pytest.raises(UserError, match="причину"):
        change_registration(demo_db, letter.id, date=DAY, version=version, reason="")
    with pytest.raises(UserError, match="вне периода"):
        change_registration(
            demo_db, letter.id, date=dt.date(2026, 1, 9), version=version, reason="опечатка"
        )
    change_registration(demo_db, letter.id, date=dt.date(2025, 11, 6), version=version, reason="x")
    assert show_letter(demo_db, "1-РСК")["date"] == "2025-11-06"


def test_same_heading_and_addressee_today_is_flagged(demo_db: Database) -> None:
    assert similar_today(demo_db, card()) == []
    register_letter(demo_db, card())
    assert similar_today(demo_db, card()) == ["1894/5"]
    assert similar_today(demo_db, card(subject="О другом")) == []


def test_printed_card_registers_again_as_the_same_letter(demo_db: Database) -> None:
    original = show_letter(demo_db, "1893/5")
    original.pop("registration")
    again = register_letter(demo_db, card_from_json(json.loads(json.dumps(original))))
    copy = show_letter(demo_db, again.number)
    copy.pop("registration")
    assert {k: v for k, v in copy.items() if k != "date"} == {
        k: v for k, v in original.items() if k != "date"
    }
    assert copy["addressee"] == {
        "list": "Высшие органы исполнительной власти субъектов Российской Федерации"
    }


def test_documented_card_example_parses() -> None:
    text = (DATA / "card-example.json").read_text(encoding="utf-8")
    parsed = card_from_json(json.loads(strip_json_comments(text)))
    assert parsed.addressee.recipient == "kamchatka-governor"
    assert parsed.salutation is None and parsed.date == dt.date(2025, 4, 29)


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"addressee": {}}, "ровно одно"),
        ({"addressee": {"text": "А", "recipient": "b"}}, "ровно одно"),
        ({"date": "29.04.2025"}, "не дата"),
        ({"report": {"due": "2025-12-15", "rows": -1}}, "rows"),
        ({"appendices": ["qr"]}, "appendices"),
        ({"attachments": [{"title": "Форма", "sheets": 0}]}, "листов — от 1 до 10 000"),
    ],
)
def test_bad_cards_name_the_field(patch: dict[str, object], message: str) -> None:
    data = json.loads(strip_json_comments((DATA / "card-example.json").read_text("utf-8")))
    data.update(patch)
    with pytest.raises(UserError, match=message):
        card_from_json(data)


@pytest.mark.parametrize(
    ("template", "number", "parts"),
    [
        ("{seq}/{case}", "710/5", {"seq": "710", "case": "5"}),
        ("{seq}-РСК", "2174-РСК", {"seq": "2174"}),
        ("01-{case}/{seq}", "01-12/345", {"case": "12", "seq": "345"}),
        ("МЭР-{dept}/{seq:4}", "МЭР-3/0042", {"dept": "3", "seq": "0042"}),
    ],
)
def test_numbers_read_back(template: str, number: str, parts: dict[str, str]) -> None:
    match = number_pattern(parse_template(template)).match(number)
    assert match is not None and match.groupdict() | parts == match.groupdict()


def test_journal_export_xlsx_and_pdf(demo_db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from app.services.access.audit_log import verify_audit

    register_letter(demo_db, card())
    xlsx = export_journal(demo_db, dt.date(2024, 1, 1), dt.date(2025, 12, 31), tmp_path / "j.xlsx")
    ws = load_workbook(xlsx).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:3] == ("№ п/п", "Дата", "Рег. номер")
    assert [r[2] for r in rows[2:-2]] == ["2174-РСК", "710/5", "1893/5", "1894/5"]
    # the audit chain's head at printing: an anchor kept outside the registry
    head = verify_audit(demo_db)
    note = f"Журнал изменений на момент печати: событий {head.events}, хеш последнего {head.head}"
    assert rows[-1][0].startswith(note)
    pdf = export_journal(demo_db, dt.date(2024, 1, 1), dt.date(2025, 12, 31), tmp_path / "j.pdf")
    reader = PdfReader(pdf)
    text = reader.pages[0].extract_text()
    assert "Журнал регистрации исходящих документов" in text and "1893/5" in text
    assert f"событий {head.events}" in "".join(p.extract_text() for p in reader.pages)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    fonts = {name.split("+")[-1] for name in font_names(pdf.read_bytes())}
    assert fonts <= {"LiberationSerif", "LiberationSerif-Bold"}
    assert not list(tmp_path.glob(".*.tmp"))


def test_journal_pdf_repeats_the_header_on_every_page(demo_db: Database, tmp_path: Path) -> None:
    for i in range(60):
        register_letter(demo_db, card(subject=f"О письме {i}", date=dt.date(2025, 11, 10)))
    pdf = export_journal(demo_db, dt.date(2025, 11, 1), dt.date(2025, 11, 30), tmp_path / "j.pdf")
    pages = PdfReader(pdf).pages
    assert len(pages) >= 2
    assert all("Рег. номер" in p.extract_text() for p in pages)
    assert pages[1].extract_text().lstrip().startswith("2")  # page number on page 2


def test_journal_export_tells_progress_and_stops(demo_db: Database, tmp_path: Path) -> None:
    """Reading the rows is the first quarter, the file the rest; stopped at any point, nothing
    is written."""
    from app.support.progress import Cancelled

    for suffix in ("pdf", "xlsx"):
        told: list[tuple[int, int]] = []

        def tell(done: int, total: int, seen: list[tuple[int, int]] = told) -> bool:
            seen.append((done, total))
            return True

        out = tmp_path / f"j.{suffix}"
        export_journal(demo_db, DAY.replace(month=1, day=1), DAY, out, progress=tell)
        assert told[0] == (0, 1000) and told[-1] == (1000, 1000)
        assert [d for d, _ in told] == sorted(d for d, _ in told)
        for stop_at in {done for done, _ in told}:

            def stop(done: int, _total: int, at: int = stop_at) -> bool:
                return done < at

            with pytest.raises(Cancelled):
                export_journal(
                    demo_db, DAY.replace(month=1, day=1), DAY, tmp_path / f"stopped.{suffix}",
                    progress=stop,
                )  # fmt: skip
    assert not list(tmp_path.glob("stopped*")) and not list(tmp_path.glob(".*.tmp"))


def test_export_into_missing_folder_leaves_nothing(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="не существует"):
        export_journal(demo_db, DAY, DAY, tmp_path / "no" / "j.xlsx")
    with pytest.raises(UserError, match="журнал записывается в XLSX или PDF"):
        export_journal(demo_db, DAY, DAY, tmp_path / "j.docx")


def _version(db: Database, letter_id: int) -> int:
    with db.read() as s:
        return s.get(Letter, letter_id).version  # type: ignore[union-attr]


def _journal_csv(tmp_path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / "journal.csv"
    header = "Дата;Регистрационный номер;Адресат;Краткое содержание;Подписал;Исполнитель"
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def test_journal_import_keeps_numbers_and_continues(demo_db: Database, tmp_path: Path) -> None:
    path = _journal_csv(
        tmp_path,
        [
            "10.01.2026;1/5;Минфин России;О бюджете;Протасов М.А.;Старчикова",
            "12.01.2026;2/5;Минпромторг России;О качестве;М.А. Протасов;",
            "15.01.2026;7/12;Правительство Москвы;О Дне качества;Иванов И.И.;",
        ],
        encoding="cp1251",
    )
    preview = preview_import(demo_db, path, "ИСХ")
    assert [r.number for r in preview.accepted] == ["1/5", "2/5", "7/12"]
    assert preview.rejected == []
    assert preview.warnings == [(4, "Подписант «Иванов И.И.» не найден среди сотрудников")]
    assert apply_import(demo_db, preview) == 3
    assert register_letter(demo_db, card(date=dt.date(2026, 2, 1))).number == "8/5"
    assert count_letters(demo_db, LetterQuery(search="минфин")) == 1


def test_journal_import_rejects_and_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    path = _journal_csv(
        tmp_path,
        [
            "10.01.2026;1/5;Минфин России;О бюджете;;",
            "32.01.2026;2/5;Минфин России;О бюджете;;",
            "12.01.2026;без номера;Минфин России;О бюджете;;",
            "13.01.2026;1/5;Минфин России;Повтор;;",
            "29.04.2025;710/5;Губернатору;Уже есть;;",
        ],
    )
    preview = preview_import(demo_db, path, "ИСХ")
    reasons = dict(preview.rejected)
    assert set(reasons) == {3, 4, 5, 6}
    assert "не распознана" in reasons[3] and "шаблону" in reasons[4]
    assert reasons[5] == "номер «1/5» за 2026 повторяет строку 2"
    assert reasons[6] == "номер «710/5» за 2025 уже есть в журнале"
    with pytest.raises(UserError, match="ничего не записано"):
        apply_import(demo_db, preview)
    assert count_letters(demo_db) == 3


def test_gaps_inside_after_the_last_and_per_journal(demo_db: Database, tmp_path: Path) -> None:
    path = _journal_csv(
        tmp_path,
        ["10.01.2026;1/5;Минфин;О бюджете;;", "11.01.2026;2/5;Минфин;О бюджете;;",
         "12.01.2026;5/5;Минфин;О бюджете;;", "13.01.2026;9/5;Минфин;О бюджете;;"],
    )  # fmt: skip
    apply_import(demo_db, preview_import(demo_db, path, "ИСХ"))
    reserved = reserve_number(demo_db, "ИСХ", date=dt.date(2026, 1, 14), case="5", note="Минфин")
    with demo_db.write() as session:  # the clerk moved the next number forward
        journal = session.scalars(select(Journal).where(Journal.code == "ИСХ")).one()
        next_seq(session, journal, "2026", at_least=14)
    gaps = [g for g in journal_gaps(demo_db, journal="ИСХ") if g.period == "2026"]
    assert [(g.label, g.kind, g.size, g.letter_id, g.note) for g in gaps] == [
        ("№ 3–4", "missing", 2, None, ""),
        ("№ 6–8", "missing", 3, None, ""),
        ("10/5", "reserved", 1, reserved.id, "Минфин"),
        ("№ 11–14", "missing", 4, None, ""),
    ]
    assert journal_gaps(demo_db, journal="РСК") == []
    assert {g.journal for g in journal_gaps(demo_db)} == {"ИСХ"}
    with pytest.raises(UserError, match="«НЕТ» не найден"):
        journal_gaps(demo_db, journal="НЕТ")
    out = export_gaps(demo_db, tmp_path / "gaps.pdf", journal="ИСХ")
    text = PdfReader(str(out)).pages[0].extract_text()
    assert "Номера без зарегистрированного письма" in text and "№ 6–8" in text
    assert "журнал «ИСХ»; номеров: 1192" in text  # 711–1892 in 2025 (1,182), 10 in 2026
    with pytest.raises(UserError, match="XLSX или PDF"):
        export_gaps(demo_db, tmp_path / "gaps.docx")


def test_import_preview_tells_rows_and_numbering(demo_db: Database, tmp_path: Path) -> None:
    path = _journal_csv(
        tmp_path,
        ["10.01.2026;1/5;Минфин;О бюджете;;", "31.02.2026;2/5;Минпромторг;О качестве;;",
         "05.11.2025;2000/5;Минфин;Позже выданных;;"],
    )  # fmt: skip
    preview = preview_import(demo_db, path, "ИСХ")
    assert preview.cells == {3: ("31.02.2026", "2/5", "Минпромторг", "О качестве")}
    assert not preview.can_apply
    path = _journal_csv(tmp_path, ["10.01.2026;1/5;Минфин;О бюджете;;",
                                   "05.11.2025;2000/5;Минфин;Позже выданных;;"])  # fmt: skip
    preview = preview_import(demo_db, path, "ИСХ")
    assert [(c.period, c.last_before, c.last_after) for c in preview.numbering] == [
        ("2025", 1893, 2000), ("2026", 0, 1)]  # fmt: skip
    assert preview.numbering[0].label == "2025: следующий № 2001"
    taken = register_letter(demo_db, card(date=dt.date(2026, 1, 20)))  # another workstation
    assert taken.number == "1/5"
    with pytest.raises(UserError, match="«1/5» \\(строка 2\\) уже занят"):
        apply_import(demo_db, preview)
    assert count_letters(demo_db, LetterQuery(search="позже выданных")) == 0


def test_import_of_a_header_alone_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    preview = preview_import(demo_db, _journal_csv(tmp_path, ["", ";;;;;"]), "ИСХ")
    assert (preview.accepted, preview.rejected, preview.can_apply) == ([], [], False)
    with pytest.raises(UserError, match="нет строк с письмами"):
        apply_import(demo_db, preview)
    assert count_letters(demo_db) == 3


def test_import_keeps_the_parts_of_the_number(demo_db: Database, tmp_path: Path) -> None:
    from app.services.organization.profile import JournalData, save_journal

    save_journal(demo_db, JournalData("МЭР", "Мэрия", "МЭР-{dept}/{q}-{seq:4}", period="quarter"))
    path = _journal_csv(tmp_path, ["02.04.2026;МЭР-3/2-0042;Минфин;О бюджете;;"])
    preview = preview_import(demo_db, path, "МЭР")
    assert [(c.period, c.last_after) for c in preview.numbering] == [("2026-Q2", 42)]
    apply_import(demo_db, preview)
    with demo_db.read() as session:
        letter = session.scalars(select(Letter).where(Letter.number == "МЭР-3/2-0042")).one()
        assert (letter.department, letter.seq, letter.period_key) == ("3", 42, "2026-Q2")


def test_import_from_xlsx(demo_db: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["№", "Дата", "Номер", "Адресат", "Заголовок"])
    ws.append([1, dt.datetime(2026, 3, 2), "1-РСК", "Минфин России", "О бюджете"])
    wb.save(tmp_path / "j.xlsx")
    preview = preview_import(demo_db, tmp_path / "j.xlsx", "РСК")
    assert [(r.date, r.seq) for r in preview.accepted] == [(dt.date(2026, 3, 2), 1)]


def test_counter_survives_in_the_file(demo_db: Database, db_path: Path) -> None:
    register_letter(demo_db, card())
    with sqlite3.connect(db_path) as conn:
        assert conn.execute(
            "SELECT last_seq FROM journal_counter c JOIN journal j ON j.id = c.journal_id "
            "WHERE j.code = 'ИСХ' AND c.period_key = '2025'"
        ).fetchone() == (1894,)


def test_an_attachment_beyond_the_bounds_is_refused_by_the_service(demo_db: Database) -> None:
    """The same bounds as a typed line and a JSON card, for a card from anywhere (a Word draft's
    «Приложение: на 20 000 л.»): nothing registered."""
    from app.services.registry.letters import AttachmentData

    before = count_letters(demo_db, LetterQuery())
    with pytest.raises(UserError, match="приложение 1: листов — от 1 до 10 000"):
        register_letter(demo_db, card(attachments=[AttachmentData("Альбом", 20_000, 1)]))
    assert count_letters(demo_db, LetterQuery()) == before
