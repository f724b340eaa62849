"""The command line, run as a clerk or a script would: a real subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.support.cli import assert_user_error, run
from tests.support.places import DATA


def demo_day() -> dict[str, str]:
    """The environment with the program's date set to the day the demo data were written for
    (``app.services.demo.DEMO_DAY``): the demo's dates stay as the tests know them."""
    return dict(os.environ, SECRETARIAT_TODAY="2025-12-05")


def test_version() -> None:
    from app.version import __version__

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"secretariat {__version__}"


def test_setup_then_check(db_path: Path) -> None:
    result = run("--db", str(db_path), "setup", str(DATA / "setup-example.json"))
    assert result.returncode == 0, result.stderr
    assert "сотрудников — 1, журналов — 1" in result.stdout
    check = run("check", db=db_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip().splitlines()[-1] == "OK"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT code, template FROM journal").fetchall() == [
            ("ИСХ", "{seq}/{case}")
        ]


def test_default_database_lives_in_the_data_folder(isolated_profile: Path) -> None:
    env_db = os.environ.pop("SECRETARIAT_DB")
    try:
        result = run("check")
    finally:
        os.environ["SECRETARIAT_DB"] = env_db
    assert result.returncode == 0, result.stderr
    assert (isolated_profile / "data" / "secretariat.db").exists()


def test_demo_and_letters_list(db_path: Path) -> None:
    assert run("demo", db=db_path, env=demo_day()).returncode == 0
    listing = run("letters", "list", "--format", "json", db=db_path)
    assert listing.returncode == 0, listing.stderr
    numbers = [row["number"] for row in json.loads(listing.stdout)]
    assert numbers == ["1893/5", "710/5", "2174-РСК"]
    found = run("letters", "list", "--search", "ГУБЕРНАТОРУ", db=db_path)
    assert "710/5" in found.stdout and "1893/5" not in found.stdout
    assert_user_error(run("demo", db=db_path, env=demo_day()), "только в пустую базу")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("setup", "/no/such/file.json"), "файл не найден"),
        (("bogus",), "неверные аргументы"),
        (("letters", "list", "--from", "вчера"), "не дата"),
    ],
)
def test_bad_input_gives_one_line_and_code_2(
    db_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    assert_user_error(run(*args, db=db_path), fragment)


def test_invalid_json(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    assert_user_error(run("setup", str(bad), db=db_path), "ошибка JSON")
    assert not db_path.exists()  # validated before the database was touched


def test_not_a_database(tmp_path: Path) -> None:
    fake = tmp_path / "fake.db"
    fake.write_text("просто текст\n" * 200, encoding="utf-8")
    assert_user_error(run("check", db=fake), "не является базой данных")


def test_newer_database_refused(db_path: Path) -> None:
    assert run("check", db=db_path).returncode == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    assert_user_error(run("check", db=db_path), "более новой версией")


def test_gui_without_display_is_a_clear_message(db_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = run("--db", str(db_path), env=env, process=True)
    if sys.platform == "linux":
        assert_user_error(result, "нет графического экрана")


def test_gui_starts_and_quits_offscreen(db_path: Path) -> None:
    """The window on the demo registry, closed as a clerk closes it: nothing on stderr at quit
    (Qt's «QObject: shared QObject was deleted directly» and the like are printed after the
    last test of a pytest run could see them, so a process of its own is watched here)."""
    assert run("demo", db=db_path, env=demo_day()).returncode == 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SECRETARIAT_EXIT_AFTER_MS="1500")
    result = run("--db", str(db_path), env=env, process=True)
    assert result.returncode == 0, result.stderr
    said = [ln for ln in result.stderr.splitlines() if "This plugin does not support" not in ln]
    assert said == []  # (the offscreen plugin's notes about window sizes are its own)


def test_letter_lifecycle_from_the_command_line(db_path: Path, tmp_path: Path) -> None:
    assert run("demo", db=db_path, env=demo_day()).returncode == 0
    card = tmp_path / "card.json"
    card.write_text((DATA / "card-example.json").read_text(encoding="utf-8"), encoding="utf-8")
    data_text = card.read_text(encoding="utf-8").replace('"2025-04-29"', '"2025-11-05"')
    card.write_text(data_text, encoding="utf-8")
    first = run("letters", "register", str(card), db=db_path)
    assert (first.returncode, first.stdout.strip(), first.stderr) == (0, "1894/5", "")
    second = run("letters", "register", str(card), db=db_path)
    assert second.stdout.strip() == "1895/5"
    assert "внимание" in second.stderr and "1894/5" in second.stderr  # a warning, not a block
    reserved = run("letters", "reserve", "--journal", "ИСХ", "--case", "5", db=db_path)
    assert reserved.returncode == 0
    annul = run("letters", "annul", "1894/5", "--reason", "ошибка в адресате", db=db_path)
    assert annul.returncode == 0, annul.stderr
    shown = json.loads(run("letters", "show", "1895/5", "--json", db=db_path).stdout)
    assert shown["addressee"] == {"recipient": "kamchatka-governor"}
    assert shown["salutation"] == "Уважаемый Владимир Викторович!"
    gaps = run("journal", "gaps", "--journal", "ИСХ", db=db_path).stdout
    assert "1894/5\tаннулирован: ошибка в адресате" in gaps
    listed = run("letters", "list", "--status", "annulled", "--format", "csv", db=db_path)
    assert listed.stdout.splitlines()[1].startswith("1894/5;2025-11-05;annulled")
    out = tmp_path / "journal.xlsx"
    exported = run("journal", "export", "--from", "2025-01-01", "--to", "2025-12-31",
                   "--out", str(out), db=db_path)  # fmt: skip
    assert exported.returncode == 0 and out.exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("letters", "annul", "9999/5", "--reason", "x"), "не найдено"),
        (("letters", "annul", "710/5"), "неверные аргументы"),
        (("letters", "reserve", "--journal", "НЕТ"), "Журнал с кодом «НЕТ» не найден"),
        (("letters", "reserve", "--journal", "ИСХ"), "индекс дела"),
        (("journal", "export", "--from", "2025-01-01", "--to", "2024-01-01", "--out", "j.pdf"),
         "раньше начала"),
    ],
)  # fmt: skip
def test_registry_commands_refuse_bad_input(
    db_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    assert run("demo", db=db_path, env=demo_day()).returncode == 0
    assert_user_error(run(*args, db=db_path), fragment)


def test_journal_import_dry_run_and_rejection(db_path: Path, tmp_path: Path) -> None:
    assert run("demo", db=db_path, env=demo_day()).returncode == 0
    good = tmp_path / "good.csv"
    good.write_text("Дата,Номер,Адресат,Заголовок\n10.01.2026,1-РСК,Минфин,О бюджете\n", "utf-8")
    dry = run("journal", "import", str(good), "--journal", "РСК", "--dry-run", db=db_path)
    assert dry.returncode == 0 and "К загрузке: 1 строк" in dry.stdout
    assert "1-РСК" not in run("letters", "list", db=db_path).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("Дата;Номер\n10.01.2026;1-РСК\nвчера;2-РСК\n", "utf-8")
    result = run("journal", "import", str(bad), "--journal", "РСК", db=db_path)
    assert_user_error(result, "ничего не загружено")
    assert "строка 3: отклонена" in result.stdout
    done = run("journal", "import", str(good), "--journal", "РСК", db=db_path)
    assert "Нумерация продолжится: 2026: следующий № 2" in done.stdout
    assert "Загружено писем: 1" in done.stdout


def test_journal_gaps_to_a_file(db_path: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert run("demo", db=db_path, env=demo_day()).returncode == 0
    out = tmp_path / "gaps.xlsx"
    result = run("journal", "gaps", "--out", str(out), db=db_path)
    assert result.returncode == 0 and f"Список записан: {out}" in result.stdout
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert ("ИСХ", "2025", "№ 711–1892", "номер не выдавался (пропуск в нумерации)") in [
        row[:4] for row in rows
    ]
    assert_user_error(run("journal", "gaps", "--journal", "НЕТ", db=db_path), "«НЕТ» не найден")
    bad = run("journal", "gaps", "--out", str(tmp_path / "gaps.txt"), db=db_path)
    assert_user_error(bad, "XLSX или PDF")


@pytest.mark.slow
def test_letters_export_from_the_command_line(db_path: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    assert run("demo", db=db_path, env=demo_day()).returncode == 0
    result = run("letters", "export", "710/5", "--out", str(tmp_path / "a.pdf"), db=db_path)
    assert result.returncode == 0, result.stderr
    text = PdfReader(str(tmp_path / "a.pdf")).pages[0].extract_text()
    assert "Губернатору Камчатского края" in text
    result = run(
        "letters",
        "export",
        "1893/5",
        "--per-recipient",
        "--merge",
        "--out",
        str(tmp_path / "m.pdf"),
        db=db_path,
    )
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(str(tmp_path / "m.pdf")).pages) == 89 * 3
    result = run(
        "letters",
        "export",
        "1893/5",
        "--per-recipient",
        "--format",
        "docx",
        "--out",
        str(tmp_path / "copies"),
        db=db_path,
    )
    assert result.returncode == 0, result.stderr
    assert "89" in result.stdout
    assert len(list((tmp_path / "copies").glob("*.docx"))) == 89
    assert (
        run(
            "letters", "report-form", "1893/5", "--out", str(tmp_path / "f.xlsx"), db=db_path
        ).returncode
        == 0
    )
    assert_user_error(
        run("letters", "export", "1893/5", "--out", str(tmp_path / "x.odt"), db=db_path),
        "--format",
    )
    assert_user_error(
        run(
            "letters",
            "export",
            "1893/5",
            "--format",
            "docx",
            "--per-recipient",
            "--merge",
            "--out",
            str(tmp_path / "x.docx"),
            db=db_path,
        ),
        "только в PDF",
    )
    assert_user_error(
        run("letters", "export", "2174-РСК", "--per-recipient", "--out", str(tmp_path), db=db_path),
        "персональные копии",
    )


def test_a_home_folder_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    """«~0» names the home folder of a user «0»; where there is none, one line and code 2
    (the fuzzer found the crash in ``bring-back``)."""
    for args in (["bring-back", "~0", "--list"], ["--db", "~0/x.db", "check"]):
        done = run(*args, db=tmp_path / "r.db")
        assert done.returncode == 2, args
        assert done.stderr.strip().splitlines() == [
            "secretariat: ~0" + args[1][2:] + ": домашняя папка «~0» не найдена"
        ]
