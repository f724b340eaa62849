"""``secretariat reports …`` as a clerk runs it: one demo registry, the date set by
``SECRETARIAT_TODAY`` (the injected clock of the CLI)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.cli import assert_user_error, run


@pytest.fixture
def env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ, SECRETARIAT_DB=str(db_path), SECRETARIAT_TODAY="2025-12-05")
    assert run("demo", env=env).returncode == 0
    return env


def test_status_receive_extend_remind_summary(env: dict[str, str], tmp_path: Path) -> None:
    status = json.loads(run("reports", "status", "1893/5", "--json", env=env).stdout)
    assert status["counts"] == {"total": 89, "received": 7, "overdue": 82, "outstanding": 82}
    assert status["recipients"][1]["label"] == "Просрочен"

    assert (
        run(
            "letters", "report-form", "1893/5", "--out", str(tmp_path / "f.xlsx"), env=env
        ).returncode
        == 0
    )
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "f.xlsx")
    wb.active["B3"], wb.active["E3"], wb.active["F3"] = "Республика Карелия", "один", 50
    wb.save(tmp_path / "f.xlsx")
    args = ["reports", "receive", "1893/5", "--recipient", "region-20", "--incoming", "37-1/2"]
    bad = run(*args, "--date", "2025-12-03", "--rows", str(tmp_path / "f.xlsx"), env=env)
    assert_user_error(bad, "ячейка E3, столбец «Количество проведений»: «один» — не число")
    wb.active["E3"] = 1
    wb.save(tmp_path / "f.xlsx")
    good = run(
        *args,
        "--date",
        "2025-12-03",
        "--rows",
        str(tmp_path / "f.xlsx"),
        "--file",
        str(tmp_path / "f.xlsx"),
        env=env,
    )
    assert good.returncode == 0 and "строк: 1" in good.stdout

    past = run("reports", "extend", "1893/5", "--due", "2025-12-01", "--reason", "x", env=env)
    assert_user_error(past, "уже прошел")
    weekend = run(
        "reports", "extend", "1893/5", "--due", "2025-12-13", "--reason", "просьба", env=env
    )
    assert weekend.returncode == 0 and "нерабочий день: выходной день (суббота)" in weekend.stdout

    remind = run("reports", "remind", "1893/5", env=env)
    assert remind.returncode == 0, remind.stderr
    assert "№ 1894/5 от 05.12.2025; адресатов: 81" in remind.stdout
    shown = run("letters", "show", "1894/5", env=env).stdout
    assert "Правительство Брянской области" in shown

    out = tmp_path / "свод.xlsx"
    assert run("reports", "summary", "1893/5", "--out", str(out), env=env).returncode == 0
    assert out.stat().st_size > 0
    overdue = run("reports", "overdue", "--format", "json", env=env)
    assert json.loads(overdue.stdout) == []  # extended to the 13th, nobody is late on the 5th


def test_unknown_recipient_and_letter(env: dict[str, str]) -> None:
    assert_user_error(
        run(
            "reports",
            "receive",
            "1893/5",
            "--recipient",
            "x",
            "--incoming",
            "1",
            "--date",
            "2025-12-01",
            env=env,
        ),
        "не указан в письме № 1893/5",
    )
    assert_user_error(run("reports", "status", "710/5", env=env), "не на контроле")
    listed = run("reports", "overdue", env=env).stdout.splitlines()
    assert listed[-1] == "Всего: 82" and "просрочен на 4 дн." in listed[0]
