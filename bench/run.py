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
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.rules.search_terms import fts5_query, parse_search
from app.services.demo import load_demo
from app.services.directory.recipients import (
    recipient_choices,
    search_recipients,
)
from app.services.incoming.listing import COUNT_CAP as INCOMING_CAP
from app.services.incoming.listing import IncomingQuery, count_incoming, list_incoming
from app.services.organization.profile import JournalData, list_journals, save_journal
from app.services.registry.letter_list import COUNT_CAP, count_letters, list_letters
from app.services.registry.letters import Addressee, LetterCard, register_letter
from app.services.safety.opening import open_registry
from bench import gui, journal, letters, postgres
from bench.data import generate_incoming, generate_letters, generate_recipients
from bench.search_timing import time_searches
from bench.timing import stats, timed

QUERIES = ("губернатору", "лидер качества", "1893/5", "отчет минпромторг", "ёлка")
# the same words in other forms than the letters have them, a phrase in quotes, a surname
WORD_FORM_QUERIES = (
    "мероприятиями",
    "проведения конкурсов",
    "Солодов",
    "«лидеру качества»",
    "отчетов курская",
)
RECIPIENT_QUERIES = ("курской", "иванов", "министру образования", "gen-00042", "ёлкин")


def _two_queries(raw: sqlite3.Connection, count: str, page: str, args: Sequence[Any]) -> None:
    """The bare SQL beside the program's own: a count and a page of the same filter."""
    raw.execute(count, args).fetchall()
    raw.execute(page, args).fetchall()


def bench_search(db_path: Path, repeat: int) -> dict[str, Any]:
    """What the registry does per search (capped count + first page of 200), beside the plain
    SQL a developer would write over the same index: exact count and every match sorted."""
    db = open_registry(str(db_path))
    raw = sqlite3.connect(db_path)
    match = "id IN (SELECT rowid FROM letter_words WHERE letter_words MATCH ?)"
    sql_count = f"SELECT count(*) FROM letter WHERE {match}"
    sql_page = (
        "SELECT id, number, reg_date, addressee_text, subject, status FROM letter "
        f"WHERE {match} ORDER BY reg_date DESC, id DESC LIMIT 200"
    )

    def bare(q: str) -> None:
        _two_queries(raw, sql_count, sql_page, (fts5_query(parse_search(q)),))

    result = time_searches(db, QUERIES + WORD_FORM_QUERIES, repeat, bare)
    db.dispose()
    return result


def bench_recipients(db_path: Path, repeat: int) -> dict[str, Any]:
    """The directory tab's search (count + first page) and the addressee picker (30 choices),
    beside the bare SQL over the same word index (capped count, page in the directory's order)."""
    db = open_registry(str(db_path))
    raw = sqlite3.connect(db_path)
    tab, picker, floor = [], [], []
    for q in RECIPIENT_QUERIES:
        tab += timed(partial(search_recipients, db, q, limit=200), repeat)  # as the tab runs it
        picker += timed(partial(recipient_choices, db, q), repeat)
        where = (
            "active = 1 AND id IN (SELECT rowid FROM recipient_words WHERE recipient_words MATCH ?)"
        )
        args = [fts5_query(parse_search(q))]
        count_sql = f"SELECT count(*) FROM (SELECT 1 FROM recipient WHERE {where} LIMIT 1001)"
        page_sql = (
            f"SELECT * FROM recipient WHERE {where} ORDER BY organization, last_name, id LIMIT 200"
        )
        floor += timed(partial(_two_queries, raw, count_sql, page_sql, args), repeat)
    db.dispose()
    return {
        "recipients": sqlite3.connect(db_path)
        .execute("SELECT count(*) FROM recipient")
        .fetchone()[0],
        "tab": stats(tab),
        "picker": stats(picker),
        "raw_sql": stats(floor),
    }


def bench_first_page(db_path: Path, repeat: int) -> dict[str, float]:
    def first_page() -> None:
        db = open_registry(str(db_path))
        count_letters(db, cap=COUNT_CAP)
        list_letters(db, limit=200)
        db.dispose()

    return stats(timed(first_page, repeat))


def _card(i: int) -> LetterCard:
    return LetterCard(
        journal="РСК",
        subject=f"О проверке {i}",
        addressee=Addressee(text="Руководителям организаций (по списку)"),
        body="Прошу представить сведения о ходе проверки.",  # a card needs its text and signatory
        signatory="protasov",
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


def prepare(db_path: Path, letters_n: int, recipients_n: int) -> dict[str, float]:
    """The database with the demo data, ``recipients_n`` generated recipients and ``letters_n``
    generated letters; an existing file (``--db``) is completed, not rebuilt."""
    if not db_path.exists():
        db = open_registry(str(db_path))
        load_demo(db)
        db.dispose()
    return {
        "recipients_s": round(generate_recipients(db_path, recipients_n), 1),
        "letters_s": round(generate_letters(db_path, letters_n, progress=letters_n > 100_000), 1),
    }


INCOMING_QUERIES = ("мероприятия", "Петровой", "лидер качества", "01-123", "ёлка")


def bench_incoming(db_path: Path, count: int, repeat: int) -> dict[str, Any]:
    """The «Входящие» tab at ``count`` incoming letters: its first page and count, opening, and
    each search (capped count + first page of 200), as the tab runs them."""
    db = open_registry(str(db_path))
    if not any(j.code == "ВХ" for j in list_journals(db)):  # a registry generated before 0018
        save_journal(db, JournalData("ВХ", "Входящие", "{seq}-вх", kind="incoming"))
    db.dispose()
    generated = generate_incoming(db_path, count, progress=count > 100_000)
    db = open_registry(str(db_path))

    def first(search: str) -> None:
        query = IncomingQuery(search=search)
        list_incoming(db, query, limit=200)
        count_incoming(db, query, cap=INCOMING_CAP)

    searches, per_query = [], {}
    for q in INCOMING_QUERIES:
        times = timed(partial(first, q), repeat)
        per_query[q] = stats(times)
        searches += times
    result = {
        "incoming": count,
        "generate_s": round(generated, 1),
        "first_page": stats(timed(partial(first, ""), repeat)),
        "search": stats(searches),
        "queries": per_query,
    }
    db.dispose()
    return result


SECTIONS = (
    "incoming",
    "execution",
    "registry",
    "recipients",
    "registration",
    "window",
    "letters",
    "journal",
    "postgres",
    "concurrency",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--registrations", type=int, default=400)
    parser.add_argument(
        "--incoming", type=int, help="incoming letters (default: as many as --letters)"
    )
    parser.add_argument(
        "--db", type=Path, help="keep the generated database in this file and reuse it next time"
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--no-libreoffice", action="store_true")
    parser.add_argument("--clerks-seconds", type=float, default=60, help="concurrency: how long")
    parser.add_argument(
        "--pace", type=float, default=0.5, help="concurrency: a clerk's mean pause, seconds"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="secretariat-bench-"))
    db_path = args.db.resolve() if args.db else tmp / "bench.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["SECRETARIAT_DATA_DIR"] = str(db_path.parent)
    os.environ["SECRETARIAT_CONFIG_DIR"] = str(tmp / "config")
    generated = prepare(db_path, args.letters, args.recipients)
    results: dict[str, Any] = {
        "letters": args.letters,
        "recipients": args.recipients,
        "database_mb": round(db_path.stat().st_size / 2**20, 1),
        "generate_s": generated,
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    }
    if "window" in args.only:  # first, while the page cache holds least of the database
        results["window"] = gui.cold_start(db_path, max(3, args.repeat // 2))
        results["typing"] = gui.typing(db_path, list(QUERIES + WORD_FORM_QUERIES))
    if "registry" in args.only:
        results["first_page"] = bench_first_page(db_path, args.repeat)
        results["search"] = bench_search(db_path, args.repeat)
    if "postgres" in args.only:
        results["postgres"] = postgres.run(
            db_path, QUERIES + WORD_FORM_QUERIES, args.repeat, keep=args.db is not None
        )
    if "recipients" in args.only:
        results["recipient_search"] = bench_recipients(db_path, args.repeat)
    if "journal" in args.only:
        results["journal_export"] = journal.export(db_path)
        results["journal_gaps"] = journal.gaps(db_path, args.repeat)
        results["journal_import"] = journal.import_year(db_path)
    if "letters" in args.only:
        results["letter_files"] = letters.run(args.repeat, not args.no_libreoffice)
    if "registration" in args.only:
        results["registration"] = bench_registration(db_path, args.registrations)
    if "incoming" in args.only or "execution" in args.only:
        incoming = args.letters if args.incoming is None else args.incoming
        results["incoming"] = bench_incoming(db_path, incoming, args.repeat)
    if "execution" in args.only:
        from bench import execution

        results["execution"] = execution.run(db_path, args.repeat)
    if "concurrency" in args.only:  # last: it starts the PostgreSQL server on its own
        from bench import concurrency

        results["concurrency"] = concurrency.run(
            db_path, seconds=args.clerks_seconds, pace=args.pace
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)  # first: the figures kept whatever the table
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    _print(results)
    if not args.db:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _ms(stats: dict[str, float]) -> str:
    return f"{stats['median_ms']:,.0f} ms (p95 {stats['p95_ms']:,.0f})"


def _concurrency_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for name, label in (
        ("postgresql", "20 clerks on PostgreSQL"),
        ("sqlite", "4 clerks on SQLite"),
    ):
        c = r.get(name, {})
        if "registration" in c:
            reg, found = c["registration"], c["search"]
            rows.append((f"{label}: registration p50/p95/p99",
                         f"{reg['p50_ms']:,.0f}/{reg['p95_ms']:,.0f}/{reg['p99_ms']:,.0f} ms",
                         f"{c['registrations_per_s']:,} reg/s, lock waits {c['lock_waits']}",
                         "p95 < 100 ms"))  # fmt: skip
            rows.append((f"{label}: search p50/p95/p99",
                         f"{found['p50_ms']:,.0f}/{found['p95_ms']:,.0f}/{found['p99_ms']:,.0f} ms",
                         f"duplicates {c['duplicates']}, gaps {c['gaps']}, errors {c['errors']}",
                         "p95 < 100 ms, 0 duplicates"))  # fmt: skip
    return rows


def _letter_rows(lf: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    merged = next(k for k in lf if k.endswith("merged PDF"))
    lo = lf.get("LibreOffice, 89 DOCX → PDF in one call")
    rows.append(("one letter to PDF", _ms(lf["one letter to PDF (render)"]), "", "< 50 ms"))
    rows.append(("one letter to DOCX", _ms(lf["one letter to DOCX (render)"]), "", "< 100 ms"))
    rows.append(
        (merged, _ms(lf[merged]),
         f"LibreOffice {lo['ms']:,} ms, ×{lf.get('LibreOffice route / ours (merged PDF)')}"
         if lo else "LibreOffice not run", "< 1,500 ms, ≥ 10×")
    )  # fmt: skip
    body = lf.get("body length", {})
    for size, row in body.items():  # the sizes, and beside them the ratios (numbers)
        if isinstance(row.get("pdf"), dict):
            rows.append((f"letter of {size} → PDF / DOCX",
                         f"{row['pdf']['median_ms']:,.0f} / {row['docx']['median_ms']:,.0f} ms",
                         f"per 10k chars {row['pdf']['ms_per_10k_chars']} / "
                         f"{row['docx']['ms_per_10k_chars']} ms", "linear"))  # fmt: skip
    return rows


def _rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, ours, compared with, target) for every section that ran."""
    rows = _window_rows(r) if "window" in r else []
    if "search" in r:
        s = r["search"]["all"]
        rows.append(("registry search, 5 + 5 word-form queries", _ms(s["ours"]),
                     f"bare SQL {_ms(s['raw_sql'])}", "< 30 ms (p95 < 150)"))  # fmt: skip
        rows.append(("first page + count, opening", _ms(r["first_page"]), "", "< 300 ms"))
    if "postgres" in r and "all" in r["postgres"]:
        p = r["postgres"]
        rows.append(("PostgreSQL: the same 5 + 5 queries", _ms(p["all"]["ours"]),
                     f"bare SQL {_ms(p['all']['raw_sql'])}", "median < 50 ms"))  # fmt: skip
        rows.append(("PostgreSQL: migrate-to with the word index", f"{p['migrate_to_s']:,} s",
                     f"{p['rows']:,} rows", ""))  # fmt: skip
    if "recipient_search" in r:
        rs = r["recipient_search"]
        rows.append(("recipient search, directory tab", _ms(rs["tab"]),
                     f"bare SQL {_ms(rs['raw_sql'])}", "< 20 ms (p95 < 100)"))  # fmt: skip
        rows.append(("recipient search, picker (30)", _ms(rs["picker"]), "", "median < 20 ms"))
    rows += _concurrency_rows(r.get("concurrency", {}))
    if "registration" in r:
        g = r["registration"]
        rows.append(("registration, 1 process", f"{g['one_process_per_s']:,.0f}/s", "", "≥ 200/s"))
        rows.append(("registration, 4 processes", f"{g['four_processes_per_s']:,.0f}/s",
                     f"errors {g['four_processes_errors']}", "no errors"))  # fmt: skip
    if "letter_files" in r:
        rows += _letter_rows(r["letter_files"])
    if "journal_export" in r:
        j = r["journal_export"]
        rows.append((f"journal {j['year']}, {j['rows']:,} rows → XLSX", f"{j['xlsx']['s']} s",
                     f"{j['xlsx']['mb']} MB", "< 10 s"))  # fmt: skip
        rows.append((f"journal {j['year']}, {j['rows']:,} rows → PDF", f"{j['pdf']['s']} s",
                     f"{j['pdf']['mb']} MB", "< 10 s"))  # fmt: skip
    if "journal_gaps" in r:
        g = r["journal_gaps"]
        rows.append(("journal gaps, every journal and period", _ms(g["ours"]),
                     f"{g['lines']:,} lines, {g['numbers']:,} numbers", "< 1,000 ms"))  # fmt: skip
    if "journal_import" in r:
        i = r["journal_import"]
        rows.append((f"Excel journal of {i['rows']:,} rows: check", f"{i['preview_s']} s",
                     f"rejected {i['rejected']}", "< 10 s"))  # fmt: skip
        rows.append((f"Excel journal of {i['rows']:,} rows: write", f"{i['apply_s']} s",
                     f"loaded {i['loaded']:,}", "< 10 s"))  # fmt: skip
    if "incoming" in r:
        rows += _incoming_rows(r["incoming"])
    if "execution" in r:
        rows += _execution_rows(r["execution"])
    if "window" in r:
        peak = max(r["window"]["peak_mb_at_first_page"], r["typing"]["peak_mb_after_typing"])
        rows.append(("peak memory, window with registry", f"{peak:,.0f} MB",
                     "after 5 searches typed", "< 300 MB"))  # fmt: skip
    return rows


def _window_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    w, t = r["window"], r["typing"]
    imports = ", ".join(f"{name} {ms:,.0f}" for name, ms in list(w["imports_ms"].items())[:6])
    return [
        ("cold start to the frame painted", _ms(w["frame"]),
         f"import PySide6.QtWidgets {_ms(w['floor_import_pyside6'])}", "< 300 ms"),
        ("cold start to the first page painted", _ms(w["first_page"]),
         "read with sqlite3, before the ORM", "< 500 ms"),
        ("cold start to the window built", _ms(w["ours"]), f"imports, ms: {imports}", "—"),
        ("longest the window did not handle events, frame → built", _ms(w["longest_stall"]),
         "a 10 ms timer's longest gap", "—"),
        ("keystroke to updated table", _ms(t["keystroke"]),
         f"max {t['keystroke_max_ms']:,.0f} ms", "< 100 ms"),
    ]  # fmt: skip


def _incoming_rows(n: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (f"incoming ({n['incoming']:,}): first page + count", _ms(n["first_page"]), "",
         "< 300 ms"),
        (f"incoming ({n['incoming']:,}): 5 searches", _ms(n["search"]), "",
         "< 30 ms (p95 < 150)"),
    ]  # fmt: skip


def _execution_rows(e: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (f"control view ({e['tasks']:,} tasks, {e['open']:,} open): first page",
         _ms(e["first_page"]), f"plain SQL {_ms(e['first_page_sql'])}", "< 50 ms"),
        ("control view: overdue", _ms(e["overdue"]), "", "< 50 ms"),
        (f"discipline report for a year ({e['tasks_in_year']:,} tasks)", _ms(e["year_report"]),
         f"plain SQL GROUP BY {_ms(e['year_report_sql'])}", "< 2,000 ms"),
    ]  # fmt: skip


def _print(r: dict[str, Any]) -> None:
    print(f"{r['machine']}; {r['letters']:,} letters, {r['recipients']:,} recipients, "
          f"database {r['database_mb']:,.0f} MB")  # fmt: skip
    rows = [("figure", "ours", "compared with", "target"), *_rows(r)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    for q, v in r.get("search", {}).get("queries", {}).items():
        print(f"  «{q}» ({v['found']}): ours {_ms(v['ours'])}, bare SQL {_ms(v['raw_sql'])}")
    for q, v in r.get("postgres", {}).get("queries", {}).items():
        print(f"  PostgreSQL «{q}» ({v['found']}): ours {_ms(v['ours'])}, "
              f"bare SQL {_ms(v['raw_sql'])}")  # fmt: skip
    for q, v in r.get("incoming", {}).get("queries", {}).items():
        print(f"  incoming «{q}»: {_ms(v)}")
    for q, v in r.get("typing", {}).get("queries", {}).items():
        print(f"  typing «{q}»: {v['per_key_ms']} ms")


if __name__ == "__main__":
    raise SystemExit(main())
