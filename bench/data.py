"""Generated registry data for the benchmarks: letters of a large ministry and its directory.

Rows are written with plain ``sqlite3`` in batches (the services would take hours for a million
letters), but they are the rows the services write: one ``letter_addressee`` per addressee as
printed, report requests with a control per addressee, journal counters that continue after the
highest number, and each row's terms in the word index (``app/storage/word_index.py``, the same
terms the program computes).

Shape, per 1,000,000 letters over 30 years (1990–2019, clear of the demo's 2024–2025):
- journal ИСХ ``{seq}/{case}`` (85 %) and РСК ``{seq}-РСК`` (15 %), ≈33,000 letters a year;
- 97 % to one addressee from the directory, 3 % mailings to 10–89 of them;
- every mailing and 2 % of single letters ask for a report (a control per addressee);
- 1 % annulled; delivery states as an archive has them.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from app.storage.word_index import INCOMING, LETTERS, RECIPIENTS

FIRST_YEAR, YEARS = 1990, 30
WORDS = (  # noqa: SIM905
    "качество конкурс неделя день региональный мероприятие информация поддержка отчет форма "
    "субъект правительство администрация министерство образование проведение организация просим "
    "направить срок представить сведения результаты приложение участие развитие производитель "
    "товар услуга потребитель программа проект ресурс публикация ссылка"
).split()
SUBJECTS = (
    "О проведении Недели качества",
    "О поддержке Конкурса «Лидер качества»",
    "О представлении отчета",
    "О направлении информации",
    "Об участии в Международном форуме",
    "О предоставлении сведений",
    "О ёлке для детей сотрудников",
)
REGIONS = (
    "Камчатского края",
    "Курской области",
    "Республики Татарстан",
    "Московской области",
    "Приморского края",
    "Новгородской области",
    "Республики Саха (Якутия)",
    "Ханты-Мансийского автономного округа – Югры",
    "Свердловской области",
    "Краснодарского края",
)
BODIES = (
    ("Министерство образования", "Министр образования", "Министру образования"),
    ("Министерство промышленности и торговли", "Министр промышленности", "Министру промышленности"),
    ("Правительство", "Губернатор", "Губернатору"),
    ("Департамент экономического развития", "Директор департамента", "Директору департамента"),
    ("Управление Роспотребнадзора по", "Руководитель управления", "Руководителю управления"),
)
PEOPLE = (  # last name, dative, first, middle, gender
    ("Иванов", "Иванову", "Сергей", "Петрович", "m"),
    ("Солодов", "Солодову", "Владимир", "Викторович", "m"),
    ("Петрова", "Петровой", "Анна", "Сергеевна", "f"),
    ("Ёлкин", "Ёлкину", "Алексей", "Иванович", "m"),
    ("Кузнецова", "Кузнецовой", "Мария", "Олеговна", "f"),
    ("Смирнов", "Смирнову", "Дмитрий", "Александрович", "m"),
)
DELIVERIES = ("МЭДО", "МЭДО", "МЭДО", "Электронная почта", "Почта")


def _connect(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA synchronous = OFF")  # a throw-away database: speed over durability
    conn.execute("PRAGMA cache_size = -200000")
    return conn


def _count(conn: sqlite3.Connection, table: str, where: str = "") -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0])


def generate_recipients(db_path: Path, count: int) -> float:
    """Add recipients until the directory has ``count`` generated ones; returns seconds."""
    start = time.perf_counter()
    conn = _connect(db_path)
    have = _count(conn, "recipient", "WHERE code LIKE 'gen-%'")
    rng = random.Random(2 + have)
    now = dt.datetime.now().isoformat(sep=" ")
    rows = []
    for i in range(have, count):
        org, position, position_dat = rng.choice(BODIES)
        region = rng.choice(REGIONS)
        last, last_dat, first, middle, gender = rng.choice(PEOPLE)
        code = f"gen-{i:07d}"
        organization = f"{org} {region}"
        position = f"{position} {region}"
        lines = f"{position_dat} {region}\n{first[0]}.{middle[0]}.\u00a0{last_dat}"
        salutation = f"{'Уважаемый' if gender == 'm' else 'Уважаемая'} {first} {middle}!"
        email = f"{code}@example.gov.ru"
        terms = RECIPIENTS.document(
            {"code": code, "organization": organization, "position": position,
             "last_name": last, "first_name": first, "middle_name": middle,
             "addressee_lines": lines, "email": email}
        )  # fmt: skip
        rows.append(
            (code, organization, position, last, first, middle, gender, lines, salutation,
             rng.choice(DELIVERIES), email, now, " ".join(terms))
        )  # fmt: skip
    first_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM recipient").fetchone()[0]) + 1
    conn.executemany(
        "INSERT INTO recipient (code, organization, position, last_name, first_name, "
        "middle_name, gender, addressee_lines, addressee_edited, salutation, salutation_edited, "
        "delivery, email, medo_id, address, postcode, phone, active, created_at, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, '', '', '', '', 1, ?, 1)",
        [row[:-1] for row in rows],
    )
    conn.executemany(
        "INSERT INTO recipient_words (rowid, terms) VALUES (?, ?)",
        [(first_id + n, row[-1]) for n, row in enumerate(rows)],
    )
    _known_terms(conn, "recipient", [row[-1] for row in rows])
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def _known_terms(conn: sqlite3.Connection, name: str, documents: list[str]) -> None:
    """The terms of indexed rows in ``search_term``, as the program keeps them (migration
    0017): an unfinished word is completed from there."""
    terms = sorted({t for document in documents for t in document.split()})
    conn.executemany(
        "INSERT OR IGNORE INTO search_term (name, term) VALUES (?, ?)", [(name, t) for t in terms]
    )


def _body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(30, 60))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs)


class _Ids:
    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        self.next = int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    def take(self) -> int:
        self.next += 1
        return self.next


def generate_letters(db_path: Path, count: int, *, progress: bool = False) -> float:
    """Add generated letters until there are ``count`` of them; returns seconds."""
    start = time.perf_counter()
    conn = _connect(db_path)
    have = _count(conn, "letter", "WHERE created_by = 'bench'")
    if have >= count:
        conn.close()
        return 0.0
    journals = dict(conn.execute("SELECT code, id FROM journal").fetchall())
    staff = [row[0] for row in conn.execute("SELECT id FROM staff")]
    directory = conn.execute(
        "SELECT id, addressee_lines, salutation, delivery FROM recipient WHERE active = 1"
    ).fetchall()
    columns = json_columns()
    per_year = max(1, -(-count // YEARS))
    rng = random.Random(1 + have)
    now = dt.datetime.now().isoformat(sep=" ")
    letter_ids, addressee_ids = _Ids(conn, "letter"), _Ids(conn, "letter_addressee")
    counters: dict[tuple[int, str], int] = {}
    for journal_id, period, last in conn.execute(
        "SELECT journal_id, period_key, last_seq FROM journal_counter"
    ):
        counters[(journal_id, period)] = last
    letters: list[tuple[Any, ...]] = []
    addressees: list[tuple[Any, ...]] = []
    requests: list[tuple[Any, ...]] = []
    controls: list[tuple[Any, ...]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO letter (id, journal_id, period_key, seq, number, reg_date, status, "
            "case_index, department, correspondent, subject, body, closing, addressee_kind, "
            "addressee_text, salutation, reply_to_number, signatory_id, signature_kind, "
            "executor_id, appendices, delivery_state, annul_reason, created_at, created_by, "
            "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, "
            "'', ?, ?, ?, '', ?, 'handwritten', ?, '[]', ?, ?, ?, 'bench', ?, 1)",
            [row[:-1] for row in letters],
        )
        conn.executemany(
            "INSERT INTO letter_words (rowid, terms) VALUES (?, ?)",
            [(row[0], row[-1]) for row in letters],
        )
        _known_terms(conn, "letter", [row[-1] for row in letters])
        conn.executemany(
            "INSERT INTO letter_addressee (id, letter_id, recipient_id, position, "
            "addressee_lines, salutation, delivery, dispatch_state, dispatched_at, dispatched_by, "
            "dispatch_note, dispatch_uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '')",
            addressees,
        )
        conn.executemany(
            "INSERT INTO report_request (letter_id, due_date, columns, form_rows, closed) "
            "VALUES (?, ?, ?, 3, ?)",
            requests,
        )
        conn.executemany(
            "INSERT INTO report_control (addressee_id, state, due_date, reply_number, "
            "reply_date, received_date, version, late, reminder_number, note) "
            "VALUES (?, ?, NULL, ?, ?, ?, 1, ?, '', '')",
            controls,
        )
        conn.commit()
        for rows in (letters, addressees, requests, controls):
            rows.clear()

    for i in range(have, count):
        year = FIRST_YEAR + min(YEARS - 1, i // per_year)
        day = dt.date(year, 1, 1) + dt.timedelta(days=(i % per_year) * 365 // per_year)
        code = "РСК" if rng.random() < 0.15 else "ИСХ"
        key = (journals[code], str(year))
        seq = counters[key] = counters.get(key, 0) + 1
        number = (
            f"{seq}-РСК"
            if code == "РСК"
            else f"{seq}/{rng.randint(1, 12):02d}-{rng.randint(1, 40)}"
        )
        mailing = rng.random() < 0.03
        chosen = rng.sample(directory, rng.randint(10, 89)) if mailing else [rng.choice(directory)]
        if mailing:
            kind, addressee_text = "list", "Руководителям органов исполнительной власти субъектов"
        else:
            kind, addressee_text = "recipient", chosen[0][1]
        annulled = rng.random() < 0.01
        subject = rng.choice(SUBJECTS)
        body = _body(rng)
        letter_id = letter_ids.take()
        delivery = rng.choice(("delivered", "delivered", "sent", "not_sent"))
        case = f"{rng.randint(1, 12):02d}-{rng.randint(1, 40)}"
        letters.append(
            (letter_id, key[0], key[1], seq, number, day.isoformat(),
             "annulled" if annulled else "registered", case,
             subject, body, kind, addressee_text, "" if mailing else chosen[0][2],
             rng.choice(staff), rng.choice(staff), delivery,
             "Ошибка в реквизитах" if annulled else "", now, now,
             " ".join(LETTERS.document({"number": number, "subject": subject,
                                        "addressee_text": addressee_text, "body": body})))
        )  # fmt: skip
        report = mailing or rng.random() < 0.02
        if report:
            due = day + dt.timedelta(days=30)
            requests.append((letter_id, due.isoformat(), columns, 1))
        for position, (rid, lines, salutation, method) in enumerate(chosen, start=1):
            aid = addressee_ids.take()
            sent_at = None if delivery == "not_sent" else now
            addressees.append(
                (aid, letter_id, rid, position, lines, salutation, method, delivery, sent_at)
            )
            if report:
                got = day + dt.timedelta(days=rng.randint(10, 45))
                controls.append(
                    (aid, rng.choice(("received", "received", "closed", "excused")),
                     f"{rng.randint(100, 9999)}", got.isoformat(), got.isoformat(), got > due)
                )  # fmt: skip
        if len(letters) == 5_000 or i == count - 1:
            flush()
            if progress:
                print(f"  {i + 1:,} letters, {time.perf_counter() - start:.0f} s", flush=True)
    conn.executemany(
        "INSERT INTO journal_counter (journal_id, period_key, last_seq) VALUES (?, ?, ?) "
        "ON CONFLICT (journal_id, period_key) DO UPDATE SET last_seq = excluded.last_seq",
        [(j, p, s) for (j, p), s in counters.items()],
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - start


def json_columns() -> str:
    import json

    return json.dumps(["Субъект РФ", "Мероприятие", "Количество участников"], ensure_ascii=False)


def year_with_most_letters(db_path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db_path)
    year, n = conn.execute(
        "SELECT substr(reg_date, 1, 4) AS y, count(*) FROM letter GROUP BY y "
        "ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    conn.close()
    return int(year), int(n)


INCOMING_SUBJECTS = (
    "О проведении мероприятий Недели качества",
    "О представлении предложений в план работы",
    "Об итогах конкурса «Лидер качества»",
    "О направлении отчета о проведенных мероприятиях",
    "Обращение о порядке участия в конкурсе",
    "О ёлке для детей сотрудников",
)
CITIZENS = ("Петрова Анна Сергеевна", "Смирнов Дмитрий Александрович", "Кузнецова Мария Олеговна")


def generate_incoming(db_path: Path, count: int, *, progress: bool = False) -> float:
    """Add generated incoming letters (journal «ВХ» of the demo) until there are ``count``:
    70 % from the directory, 30 % from citizens; the recent ones given to executors with a
    due date; the rows' terms in the word index as the program computes them."""
    start = time.perf_counter()
    conn = _connect(db_path)
    have = _count(conn, "incoming_letter", "WHERE created_by = 'bench'")
    if have >= count:
        conn.close()
        return 0.0
    journal = conn.execute("SELECT id FROM journal WHERE code = 'ВХ'").fetchone()[0]
    staff = [row[0] for row in conn.execute("SELECT id FROM staff")]
    directory = conn.execute(
        "SELECT id, organization, position, last_name FROM recipient WHERE active = 1"
    ).fetchall()
    per_year = max(1, -(-count // YEARS))
    rng = random.Random(3 + have)
    now = dt.datetime.now().isoformat(sep=" ")
    ids = _Ids(conn, "incoming_letter")
    counters: dict[str, int] = dict(
        conn.execute(
            "SELECT period_key, last_seq FROM journal_counter WHERE journal_id = ?", (journal,)
        ).fetchall()
    )
    rows: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO incoming_letter (id, journal_id, period_key, seq, number, reg_date, "
            "status, sender_id, sender_text, sender_number, sender_date, subject, delivery, "
            "pages, note, execution, done_date, done_note, uid, created_at, created_by, version)"
            " VALUES (?, ?, ?, ?, ?, ?, 'registered', ?, ?, ?, ?, ?, ?, ?, '', ?, ?, '', '', ?, "
            "'bench', 1)",
            [row[:-1] for row in rows],
        )
        conn.executemany(
            "INSERT INTO incoming_letter_words (rowid, terms) VALUES (?, ?)",
            [(row[0], row[-1]) for row in rows],
        )
        _known_terms(conn, "incoming_letter", [row[-1] for row in rows])
        conn.executemany(
            "INSERT INTO incoming_assignment (incoming_id, position, executor_id, responsible, "
            "task, due_date, assigned_at) VALUES (?, 0, ?, 1, 'Подготовить ответ', ?, ?)",
            assignments,
        )
        conn.commit()
        rows.clear()
        assignments.clear()

    for i in range(have, count):
        year = FIRST_YEAR + min(YEARS - 1, i // per_year)
        day = dt.date(year, 1, 1) + dt.timedelta(days=(i % per_year) * 365 // per_year)
        seq = counters[str(year)] = counters.get(str(year), 0) + 1
        number = f"{seq}-вх"
        if rng.random() < 0.7:
            rid, organization, position, last = rng.choice(directory)
            sender_id, sender = (
                rid,
                " — ".join(p for p in (organization, f"{position} {last}") if p),
            )
        else:
            sender_id, sender = None, f"{rng.choice(CITIZENS)}, г. Курск"
        their = f"{rng.randint(1, 99):02d}-{rng.randint(100, 99999)}/{year % 100:02d}"
        subject = rng.choice(INCOMING_SUBJECTS)
        letter_id = ids.take()
        recent = i >= count - 2_000
        execution = "on_control" if recent else rng.choice(("answered", "done", "none"))
        terms = INCOMING.document(
            {"number": number, "sender_text": sender, "sender_number": their,
             "subject": subject, "note": ""}
        )  # fmt: skip
        rows.append(
            (letter_id, journal, str(year), seq, number, day.isoformat(), sender_id, sender,
             their, (day - dt.timedelta(days=rng.randint(1, 5))).isoformat(), subject,
             rng.choice(DELIVERIES), rng.randint(1, 12), execution,
             None if execution in ("on_control", "none") else day.isoformat(), now,
             " ".join(terms))
        )  # fmt: skip
        if recent:
            due = day + dt.timedelta(days=rng.randint(5, 30))
            assignments.append((letter_id, rng.choice(staff), due.isoformat(), now))
        if len(rows) == 5_000 or i == count - 1:
            flush()
            if progress:
                print(f"  {i + 1:,} incoming letters, {time.perf_counter() - start:.0f} s")
    conn.executemany(
        "INSERT INTO journal_counter (journal_id, period_key, last_seq) VALUES (?, ?, ?) "
        "ON CONFLICT (journal_id, period_key) DO UPDATE SET last_seq = excluded.last_seq",
        [(journal, p, n) for p, n in counters.items()],
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - start
