"""Registry benchmarks: ``python -m bench --letters 100000``. Prints a table, writes JSON.

Not part of the test suite: tests assert behaviour, this prints figures. Every figure is taken on
a fresh temporary database filled with generated, realistic letters (Russian headings, bodies of
letter length, real templates), next to the floor it is compared with (the bare SQLite query).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.registry import open_registry
from app.services.demo import load_demo
from app.services.letter_list import LetterQuery, count_letters, list_letters
from app.services.letters import Addressee, LetterCard, register_letter
from app.text import normalize, search_blob

QUERIES = ("губернатору", "лидер качества", "1893/5", "отчет минпромторг", "ёлка")
WORDS = [
    "качество",
    "конкурс",
    "неделя",
    "день",
    "региональный",
    "мероприятие",
    "информация",
    "поддержка",
    "отчет",
    "форма",
    "субъект",
    "правительство",
    "администрация",
    "министерство",
    "образование",
    "проведение",
    "организация",
    "просим",
    "направить",
    "срок",
    "представить",
    "сведения",
    "результаты",
    "приложение",
    "участие",
    "развитие",
    "производитель",
    "товар",
    "услуга",
    "потребитель",
    "программа",
    "проект",
    "ресурс",
    "публикация",
    "ссылка",
]
SUBJECTS = (
    "О проведении Недели качества",
    "О поддержке Конкурса «Лидер качества»",
    "О представлении отчета",
    "О направлении информации",
    "Об участии в Международном форуме",
    "О предоставлении сведений",
)
ADDRESSEES = (
    "Губернатору Камчатского края\nВ.В.\u00a0Солодову",
    "Руководителям органов управления образованием",
    "Министерство промышленности и торговли Российской Федерации",
    "Правительство Московской области",
    "Высшие органы исполнительной власти субъектов Российской Федерации\nПо списку рассылки",
)


def _body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(30, 60))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs)


def generate(db_path: Path, count: int) -> float:
    """Fill the journal ИСХ with ``count`` registered letters over 30 years; returns seconds."""
    rng = random.Random(1)
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    journal_id = conn.execute("SELECT id FROM journal WHERE code = 'ИСХ'").fetchone()[0]
    staff = [row[0] for row in conn.execute("SELECT id FROM staff")]
    per_year = max(1, count // 30)
    now = dt.datetime.now().isoformat(sep=" ")
    batch: list[tuple[Any, ...]] = []
    for i in range(count):
        year = 1990 + i // per_year  # 1990–2019: clear of the demo letters (2024, 2025)
        seq = i % per_year + 1
        day = dt.date(year, 1, 1) + dt.timedelta(days=(seq * 365) // per_year)
        number = f"{seq}/{rng.randint(1, 30)}"
        subject = rng.choice(SUBJECTS)
        addressee = rng.choice(ADDRESSEES)
        body = _body(rng)
        batch.append(
            (
                journal_id,
                str(year),
                seq,
                number,
                day.isoformat(),
                subject,
                body,
                addressee,
                rng.choice(staff),
                rng.choice(staff),
                now,
                now,
                search_blob(number, subject, addressee, body),
            )
        )
        if len(batch) == 10_000 or i == count - 1:
            conn.executemany(
                "INSERT INTO letter (journal_id, period_key, seq, number, reg_date, status, "
                "case_index, department, correspondent, subject, body, closing, addressee_kind, "
                "addressee_text, salutation, reply_to_number, signatory_id, signature_kind, "
                "executor_id, appendices, delivery_state, annul_reason, created_at, created_by, "
                "updated_at, version, search_norm) VALUES (?, ?, ?, ?, ?, 'registered', '', '', "
                "'', ?, ?, '', 'text', ?, '', '', ?, 'handwritten', ?, '[]', 'not_sent', '', ?, "
                "'bench', ?, 1, ?)",
                batch,
            )
            conn.commit()
            batch.clear()
    conn.close()
    return time.perf_counter() - start


def _timed(fn: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"median_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def bench_search(db_path: Path, repeat: int) -> dict[str, Any]:
    db = open_registry(str(db_path))
    raw = sqlite3.connect(db_path)
    ours, floor = [], []
    per_query = {}
    for q in QUERIES:
        query = LetterQuery(search=q)
        times = _timed(
            lambda query=query: (count_letters(db, query), list_letters(db, query, limit=200)),
            repeat,
        )
        words = normalize(q).split()
        where = " AND ".join("search_norm LIKE ?" for _ in words)
        args = [f"%{w}%" for w in words]
        sql_count = f"SELECT count(*) FROM letter WHERE {where}"
        sql_page = f"SELECT * FROM letter WHERE {where} ORDER BY reg_date DESC, id DESC LIMIT 200"
        raw_times = _timed(
            lambda a=args, c=sql_count, p=sql_page: (
                raw.execute(c, a).fetchall(),
                raw.execute(p, a).fetchall(),
            ),
            repeat,
        )
        per_query[q] = {"ours": _stats(times), "raw_sql": _stats(raw_times)}
        ours += times
        floor += raw_times
    db.dispose()
    return {"all": {"ours": _stats(ours), "raw_sql": _stats(floor)}, "queries": per_query}


def bench_first_page(db_path: Path, repeat: int) -> dict[str, float]:
    def first_page() -> None:
        db = open_registry(str(db_path))
        count_letters(db)
        list_letters(db, limit=200)
        db.dispose()

    return _stats(_timed(first_page, repeat))


def _card(i: int) -> LetterCard:
    return LetterCard(
        journal="РСК",
        subject=f"О проверке {i}",
        addressee=Addressee(text="Руководителям организаций (по списку)"),
    )


def _register(db_path: str, n: int, start_at: float, queue: Any) -> None:
    db = open_registry(db_path)
    time.sleep(max(0.0, start_at - time.time()))  # start together, after the imports
    begin, errors = time.time(), 0
    for i in range(n):
        try:
            register_letter(db, _card(i))
        except Exception:
            errors += 1
    queue.put((errors, begin, time.time()))


def bench_registration(db_path: Path, n: int) -> dict[str, Any]:
    db = open_registry(str(db_path))
    start = time.perf_counter()
    for i in range(n):
        register_letter(db, _card(i))
    one = n / (time.perf_counter() - start)
    db.dispose()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 5.0
    procs = [
        ctx.Process(target=_register, args=(str(db_path), n // 4, start_at, queue))
        for _ in range(4)
    ]
    for p in procs:
        p.start()
    reports = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    errors = sum(r[0] for r in reports)
    four = (n // 4 * 4) / (max(r[2] for r in reports) - min(r[1] for r in reports))
    return {
        "one_process_per_s": round(one, 1),
        "four_processes_per_s": round(four, 1),
        "four_processes_errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--registrations", type=int, default=400)
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="secretariat-bench-"))
    os.environ["SECRETARIAT_DATA_DIR"] = str(tmp)
    db_path = tmp / "bench.db"
    db = open_registry(str(db_path))
    load_demo(db)
    db.dispose()
    gen = generate(db_path, args.letters)
    results: dict[str, Any] = {
        "letters": args.letters,
        "database_mb": round(db_path.stat().st_size / 2**20, 1),
        "generate_s": round(gen, 1),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    }
    results["first_page"] = bench_first_page(db_path, args.repeat)
    results["search"] = bench_search(db_path, args.repeat)
    results["registration"] = bench_registration(db_path, args.registrations)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    _print(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _print(r: dict[str, Any]) -> None:
    s = r["search"]["all"]
    rows = [
        ("letters", f"{r['letters']:,}", f"database {r['database_mb']} MB"),
        (
            "first page + count (open db)",
            f"{r['first_page']['median_ms']} ms",
            f"p95 {r['first_page']['p95_ms']} ms",
        ),
        (
            "search, 5 queries (ours)",
            f"{s['ours']['median_ms']} ms",
            f"p95 {s['ours']['p95_ms']} ms",
        ),
        (
            "search, bare SQL (floor)",
            f"{s['raw_sql']['median_ms']} ms",
            f"p95 {s['raw_sql']['p95_ms']} ms",
        ),
        ("registration, 1 process", f"{r['registration']['one_process_per_s']}/s", ""),
        (
            "registration, 4 processes",
            f"{r['registration']['four_processes_per_s']}/s",
            f"errors {r['registration']['four_processes_errors']}",
        ),
        ("peak RSS (bench process)", f"{r['peak_rss_mb']} MB", ""),
    ]
    print(r["machine"])
    for name, value, extra in rows:
        print(f"{name:<32}{value:>14}  {extra}")
    for q, v in r["search"]["queries"].items():
        print(f"  «{q}»: ours {v['ours']['median_ms']} ms, SQL {v['raw_sql']['median_ms']} ms")


if __name__ == "__main__":
    raise SystemExit(main())
