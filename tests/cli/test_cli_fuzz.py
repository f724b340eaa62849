"""Every CLI command that reads a file or an argument, driven with generated hostile input
(hypothesis): the exit code is 0 or 2 — never the internal-error path (1) — and a refusal
leaves the database as it was. Runs in-process through ``main(argv)``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.cli import main
from app.support.json_input import read_json_file
from db.engine import Database
from db.models import AuditEvent, Journal, JournalCounter, Letter, Recipient, Staff
from tests.support.mutations import CHANGES, JSON, mutate
from tests.support.places import DATA
from tests.support.registries import Fresh

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HOSTILE_TEXT = st.text(max_size=60) | st.sampled_from(
    [
        "5\r\n[АДРЕСАТЫ]\r\n7=x",
        "\x00",
        "\ud800",
        "9" * 5000,
        "-1",
        "0",
        "99999999999999999999",
        "2025-02-30",
        "../../etc/passwd",
        "а" * 300,
        "1893/5",
        "{seq}",
        "%s%n",
    ]
)
CARD = {
    "journal": "ИСХ",
    "case": "5",
    "subject": "О проверке",
    "addressee": {"recipient": "kamchatka-governor"},
    "signatory": "protasov",
    "body": "Текст.",
    "attachments": [{"title": "Отчет", "sheets": 2}],
}


def _state(db: Any) -> tuple[int, ...]:
    with db.read() as session:
        counts = [
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Journal, Staff, Recipient, Letter, AuditEvent)
        ]
        counts.append(int(session.scalar(select(func.sum(JournalCounter.last_seq))) or 0))
        return tuple(counts)


def _run(db: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """One command: exit 0 or 2; after 2 (a refusal), nothing changed and the reason is one
    line (the last of standard error, after any warnings)."""
    before = _state(db)
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse refuses an argument
        code = int(stop.code or 0)
    assert code in (0, 2), argv
    if code == 2:
        assert _state(db) == before, argv
        err = capsys.readouterr().err
        assert err.endswith("\n") and err.splitlines()[-1].startswith("secretariat: "), err


def _file(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


RECEIPT = ["--recipient", "kamchatka-governor", "--incoming", "1", "--date", "2025-11-01"]
SETUP = read_json_file(DATA / "setup-example.json")
FILE_COMMANDS = [
    ("card.json", ["letters", "register", "{}"]),
    ("setup.json", ["setup", "{}"]),
    ("journal.csv", ["journal", "import", "{}", "--journal", "ИСХ"]),
    ("journal.xlsx", ["journal", "import", "{}", "--journal", "ИСХ"]),
    ("recipients.csv", ["recipients", "import", "{}"]),
    ("receipt.xml", ["dispatch", "receipt", "{}"]),
    ("rows.xlsx", ["reports", "receive", "1893/5", *RECEIPT, "--rows", "{}"]),
]


def _contents() -> st.SearchStrategy[bytes]:
    card = CHANGES.map(lambda changes: json.dumps(mutate(CARD, changes)).encode())
    setup = CHANGES.map(lambda changes: json.dumps(mutate(SETUP, changes)).encode())
    lines = st.lists(HOSTILE_TEXT, max_size=6).map(
        lambda xs: ";".join(xs).encode("utf-8", "replace")
    )
    return st.one_of(
        st.binary(max_size=400),
        JSON.map(lambda value: json.dumps(value).encode()),
        card,
        setup,
        lines.map(lambda row: "Дата;Номер;Адресат;Заголовок\n".encode() + row),
        st.just(b"PK\x03\x04" + b"\x00" * 200),
    )


@FUZZ
@given(command=st.sampled_from(FILE_COMMANDS), content=_contents())
def test_every_command_reading_a_file(
    fresh: Fresh,
    db_path: Path,
    tmp_path: Path,
    command: tuple[str, list[str]],
    content: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, argv = command
    path = _file(tmp_path, name, content)
    with fresh(path=db_path) as demo_db:
        _run(demo_db, [path if arg == "{}" else arg for arg in argv], capsys)


ARGUMENT_COMMANDS = [
    ["letters", "show", "{}"],
    ["letters", "show", "1893/5", "--journal", "{}"],
    ["letters", "list", "--journal", "{}"],
    ["letters", "list", "--status", "{}"],
    ["lists", "show", "{}"],
    ["dispatch", "mark", "1893/5", "--recipient", "{}", "--state", "отправлено"],
    ["dispatch", "mark", "1893/5", "--state", "{}"],
    ["reports", "list", "--show", "{}"],
    ["bring-back", "{}", "--list"],
    ["audit", "--entity", "{}"],
    ["letters", "show", "1893/5", "--year", "{}"],
    ["letters", "list", "--search", "{}"],
    ["letters", "list", "--from", "{}"],
    ["letters", "list", "--limit", "{}"],
    ["letters", "reserve", "--journal", "ИСХ", "--case", "{}"],
    ["letters", "annul", "{}", "--reason", "проверка"],
    ["letters", "cancel", "{}"],
    ["recipients", "show", "{}"],
    ["recipients", "list", "--search", "{}"],
    ["journal", "gaps", "--journal", "{}"],
    ["reports", "status", "{}"],
    ["reports", "overdue", "--within", "{}"],
    ["reports", "extend", "1893/5", "--due", "{}", "--reason", "{}"],
    ["dispatch", "status", "{}"],
    ["audit", "--limit", "{}"],
    ["audit", "--search", "{}"],
    ["restore", "--latest", "--continue-after", "{}"],
]


# commands that write a file: the generated name stays inside the test's folder
OUTPUT_COMMANDS = [
    ["letters", "export", "1893/5", "--out", "{}"],
    ["letters", "report-form", "2174-РСК", "--out", "{}"],
    ["journal", "export", "--from", "2025-01-01", "--to", "2025-12-31", "--out", "{}"],
    ["journal", "gaps", "--out", "{}"],
    ["recipients", "export", "{}"],
    ["lists", "export", "Высшие органы исполнительной власти субъектов Российской Федерации", "{}"],
    ["reports", "summary", "1893/5", "--out", "{}"],
    ["dispatch", "sheet", "1893/5", "--out", "{}"],
    ["dispatch", "post-list", "--out", "{}"],
    ["dispatch", "envelopes", "1893/5", "--format", "DL", "--out", "{}"],
]
SUFFIXES = st.sampled_from(["", ".pdf", ".docx", ".xlsx", ".csv", ".PDF", ".txt", ".pdf.docx"])


@FUZZ
@given(command=st.sampled_from(OUTPUT_COMMANDS), value=HOSTILE_TEXT, suffix=SUFFIXES)
def test_every_command_writing_a_file(
    fresh: Fresh,
    db_path: Path,
    tmp_path: Path,
    command: list[str],
    value: str,
    suffix: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    safe = value.replace("\x00", "").replace("/", "_").replace("\\", "_").replace("..", "_")
    out = str(tmp_path / "out" / f"{safe}{suffix}")
    with fresh(path=db_path) as demo_db:
        _run(demo_db, [out if arg == "{}" else arg for arg in command], capsys)


@FUZZ
@given(command=st.sampled_from(ARGUMENT_COMMANDS), value=HOSTILE_TEXT)
def test_every_command_taking_an_argument(
    fresh: Fresh,
    db_path: Path,
    command: list[str],
    value: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    value = value.replace("\x00", "")  # an operating system passes no NUL in an argument
    with fresh(path=db_path) as demo_db:
        _run(demo_db, [value if arg == "{}" else arg for arg in command], capsys)


def _leaves(parser: Any, path: tuple[str, ...] = ()) -> Any:
    """Every command of the CLI, found in the parser itself (a new command is covered without
    being listed): its words, its positional arguments and its options taking a value."""
    import argparse

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        positional = [a for a in parser._actions if not a.option_strings and a.dest != "help"]
        options = [
            a.option_strings[-1]
            for a in parser._actions
            if a.option_strings and a.nargs != 0 and a.dest != "help"
        ]
        yield path, len(positional), options
        return
    for name, sub in subs[0].choices.items():
        yield from _leaves(sub, (*path, name))


# the window, and a password asked on the terminal, are not for a test process
NOT_HERE = {("gui",), ("dispatch", "smtp-password")}
ODD = ["", "0", "-1", "99999999999999999999", "а" * 300, "2025-02-30", "1893/5", "%s{seq}", "x\ny"]


def test_every_command_with_odd_arguments(
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each command of the parser, its positional arguments and then each of its options given
    odd values: exit 0 or 2 with one line, never the internal-error path (issue 36: «0 internal
    errors»). Files a command may write land in the test's own folder."""
    from app.cli.main import build_parser

    monkeypatch.chdir(tmp_path)
    failures: list[str] = []
    runs = 0
    for path, positional, options in _leaves(build_parser()):
        if path in NOT_HERE:
            continue
        argvs = [[*path, *[value] * positional] for value in ODD]
        argvs += [[*path, *["1893/5"] * positional, option, value]
                  for option in options for value in ODD[1:5]]  # fmt: skip
        for argv in argvs:
            runs += 1
            capsys.readouterr()
            try:
                code = main(["--db", str(demo_db.sqlite_path), *argv])
            except SystemExit as stop:
                code = int(stop.code or 0)
            err = capsys.readouterr().err
            if code not in (0, 2) or "Traceback" in err or "внутренняя ошибка" in err:
                failures.append(f"{argv!r}: {code} {err.strip()[-200:]}")
    assert runs > 500
    assert not failures, "\n".join(failures[:20])
