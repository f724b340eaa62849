"""Clerks at once on one registry: ``python -m bench --only concurrency``.

Each clerk is a process of its own that opens the registry, does each thing once untimed (the
program open for the day: statements compiled, dictionaries loaded), waits for the others and
then, for ``seconds``, does what a secretariat's clerk does all day, one thing after another with a
pause between them (exponential, ``pace`` seconds on average — a person reads and types): it
registers an outgoing letter (30 %), registers an incoming one (15 %), searches the registry
(35 %) or opens a letter's card (20 %). The figures: registrations per second over the wall time,
p50/p95/p99 of registration and of search, the waits for the lock, and the check that every
number was issued once — duplicates, and gaps a reservation does not explain.

On PostgreSQL (started as the bench starts it, ``bench/postgres.py``): 20 clerks; lock waits are
the samples of ``pg_stat_activity`` (every 50 ms) that found a clerk waiting on a lock. On
SQLite: 4 clerks on one file — its limit for writers (one writes at a time; beyond a few, waits
for the lock grow with every clerk); lock waits are the writes that found the lock taken.
"""

from __future__ import annotations

import multiprocessing
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SEARCHES = ("губернатору", "лидер качества", "1893", "отчет", "мероприятиями", "Солодов")
WEIGHTS = (("outgoing", 0.30), ("incoming", 0.15), ("search", 0.35), ("card", 0.20))


def _pick(rng: random.Random) -> str:
    x, total = rng.random(), 0.0
    for name, weight in WEIGHTS:
        total += weight
        if x < total:
            return name
    return WEIGHTS[-1][0]


def _clerk(
    url: str, n: int, seconds: float, pace: float, ready: Any, queue: Any
) -> None:  # pragma: no cover - a process of its own
    import datetime as dt

    from app.services.incoming.cards import IncomingCard
    from app.services.incoming.registration import register_incoming
    from app.services.registry.letter_cards import letter_card
    from app.services.registry.letter_list import LetterQuery, list_letters
    from app.services.registry.letters import Addressee, LetterCard, register_letter
    from app.services.safety.opening import open_registry
    from db.engine import add_busy_hook

    waits = [0]

    def waited(_seconds: float) -> None:
        waits[0] += 1

    db = open_registry(url)
    rng = random.Random(n)
    ids = [row.id for row in list_letters(db, LetterQuery(), limit=200)]
    count = 0

    def act(what: str) -> None:
        if what == "outgoing":
            card = LetterCard(
                journal="РСК",
                subject=f"О проверке исполнения поручения {n}-{count}",
                addressee=Addressee(text="Руководителям организаций (по списку)"),
                body="Прошу представить сведения о ходе исполнения поручения.",
                signatory="protasov",
            )
            ids.append(register_letter(db, card).id)
        elif what == "incoming":
            register_incoming(
                db,
                IncomingCard(
                    journal="ВХ", subject=f"О представлении сведений {n}-{count}",
                    sender_text="Министерство образования Курской области",
                    sender_number=f"{n}/{count}", sender_date=dt.date.today(),
                ),
            )  # fmt: skip
        elif what == "search":
            list_letters(db, LetterQuery(search=rng.choice(SEARCHES)))
        else:
            letter_card(db, rng.choice(ids))

    # the program open for the day before the clock starts: each thing done once, untimed (its
    # first statements compiled, the dictionaries loaded) — not the start-up (bench/gui.py)
    errors: list[str] = []
    for what, _weight in WEIGHTS:
        count += 1
        try:
            act(what)
        except Exception as exc:  # said below; the clerk still comes to the start
            errors.append(f"warm-up {what}: {type(exc).__name__}: {str(exc)[:120]}")
    add_busy_hook(waited)
    times: dict[str, list[float]] = {name: [] for name, _w in WEIGHTS}
    ready.wait(timeout=900)
    end = time.time() + seconds
    while time.time() < end:
        what = _pick(rng)
        count += 1
        begin = time.perf_counter()
        try:
            act(what)
        except Exception as exc:  # counted, not fatal: the figure says how many
            errors.append(f"{what}: {type(exc).__name__}: {str(exc)[:120]}")
        times[what].append((time.perf_counter() - begin) * 1000)
        time.sleep(rng.expovariate(1 / pace) if pace > 0 else 0)
    db.dispose()
    queue.put({"times": times, "errors": errors, "waits": waits[0]})


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def counters(url: str) -> dict[tuple[int, str], int]:
    """Every journal counter: (journal, period) → the last number issued."""
    from sqlalchemy import text

    from app.services.safety.opening import open_registry

    db = open_registry(url)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT journal_id, period_key, last_seq FROM journal_counter"))
        found = {(int(j), str(k)): int(last) for j, k, last in rows}
    db.dispose()
    return found


def numbers_check(url: str, before: dict[tuple[int, str], int]) -> dict[str, int]:
    """Numbers issued twice in the registry (the same journal, period and sequence number, or
    the same printed number in a journal's period), and gaps among the numbers issued during the
    run — a counter moved past a number no row holds (a reserved, annulled or cancelled number
    is a row, so a reservation explains its number)."""
    from sqlalchemy import text

    from app.services.safety.opening import open_registry

    after = counters(url)
    db = open_registry(url)
    duplicates = gaps = 0
    with db.engine.connect() as conn:
        for table in ("letter", "incoming_letter"):
            for columns in ("journal_id, period_key, seq", "journal_id, period_key, number"):
                duplicates += int(
                    conn.execute(
                        text(
                            f"SELECT count(*) FROM (SELECT {columns} FROM {table} "
                            f"GROUP BY {columns} HAVING count(*) > 1) d"
                        )
                    ).scalar_one()
                )
        for (journal, period), last in after.items():
            first = before.get((journal, period), 0)
            if last == first:
                continue
            held = sum(
                int(
                    conn.execute(
                        text(
                            f"SELECT count(DISTINCT seq) FROM {table} WHERE journal_id = :j "
                            "AND period_key = :k AND seq > :a AND seq <= :b"
                        ),
                        {"j": journal, "k": period, "a": first, "b": last},
                    ).scalar_one()
                )
                for table in ("letter", "incoming_letter")
            )
            gaps += (last - first) - held
    db.dispose()
    return {"duplicates": duplicates, "gaps": gaps}


def _pg_lock_sampler(url: str, stop: threading.Event, found: list[int]) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        while not stop.is_set():
            found[0] += int(
                conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                ).scalar_one()
            )
            conn.rollback()
            time.sleep(0.05)
    engine.dispose()


def run_clerks(url: str, clerks: int, seconds: float, pace: float) -> dict[str, Any]:
    before = counters(url)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ready = ctx.Barrier(clerks)  # all start together, each after its warm-up
    procs = [
        ctx.Process(target=_clerk, args=(url, n, seconds, pace, ready, queue))
        for n in range(clerks)
    ]
    for p in procs:
        p.start()
    stop, lock_samples = threading.Event(), [0]
    sampler = None
    if url.startswith("postgresql"):
        sampler = threading.Thread(target=_pg_lock_sampler, args=(url, stop, lock_samples))
        sampler.start()
    reports = [queue.get(timeout=seconds + 600) for _ in procs]
    for p in procs:
        p.join()
    stop.set()
    if sampler is not None:
        sampler.join()
    merged: dict[str, list[float]] = {name: [] for name, _w in WEIGHTS}
    for report in reports:
        for name, values in report["times"].items():
            merged[name] += values
    registrations = merged["outgoing"] + merged["incoming"]
    errors = [e for r in reports for e in r["errors"]]
    return {
        "clerks": clerks,
        "seconds": seconds,
        "pace_s": pace,
        "registrations": len(registrations),
        "registrations_per_s": round(len(registrations) / seconds, 1),
        "registration": _percentiles(registrations),
        "search": _percentiles(merged["search"]),
        "card": _percentiles(merged["card"]),
        "searches": len(merged["search"]),
        "lock_waits": lock_samples[0] if sampler is not None else sum(r["waits"] for r in reports),
        "errors": len(errors),
        "error_examples": errors[:3],
        **numbers_check(url, before),
    }


def run(
    db_path: Path, *, seconds: float = 60, pace: float = 0.5, pg_clerks: int = 20,
    sqlite_clerks: int = 4,
) -> dict[str, Any]:  # fmt: skip
    """SQLite on a copy of the bench's registry (``db_path``: the demo and the generated
    letters); PostgreSQL on a copy of the database the ``postgres`` section moved there
    (``CREATE DATABASE … TEMPLATE``), or of this registry moved now — the searches and the cards
    are those of a full registry, and the bench's own databases stay as they were."""
    import json
    import shutil

    from app.services.safety.migrate import migrate_to
    from app.services.safety.opening import open_registry
    from bench.postgres import DATABASE, server_folder
    from tests.support.pg_server import start_server

    out: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench-concurrency-"))
    try:
        copy = tmp / "sqlite.db"
        shutil.copy(db_path, copy)
        out["sqlite"] = run_clerks(str(copy), sqlite_clerks, seconds, pace)
        root = server_folder(db_path)
        kept = (root / "loaded.json").exists()
        server = start_server(root, shared_buffers="1GB")
        if server is None:
            out["postgresql"] = {"skipped": "PostgreSQL is not installed here"}
            return out
        try:
            if kept:
                rows = json.loads((root / "loaded.json").read_text(encoding="utf-8"))["rows"]
                url = server.create_database("clerks", template=DATABASE)
            else:
                url = server.create_database("clerks")
                source = open_registry(str(db_path))
                rows = migrate_to(source, url).rows
                source.dispose()
            out["postgresql"] = run_clerks(url, pg_clerks, seconds, pace) | {
                "copied_from": "the postgres section's database" if kept else "moved now",
                "registry_rows": rows,
            }
            server._run(str(server.bin_dir / "dropdb"), "-h", str(server.socket_dir), "-U",
                        server.user, "clerks")  # fmt: skip
        finally:
            server.stop(remove=not kept)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
