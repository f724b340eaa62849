"""Which registry a workstation opens (issue 44): ``--db``, then ``SECRETARIAT_DB``, then the
choice made in the program, then ``/etc/secretariat/secretariat.conf``, then the user's embedded
registry; the system file read as an administrator writes it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.support.connection import DatabaseSource, database_choice
from app.support.paths import SYSTEM_CONFIG_ENV, default_database, system_setting
from app.support.settings import choose_database, chosen_database
from tests.support.cli import assert_user_error, run


@pytest.fixture
def system_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    conf = tmp_path / "secretariat.conf"
    monkeypatch.setenv(SYSTEM_CONFIG_ENV, str(conf))
    monkeypatch.delenv("SECRETARIAT_DB")
    return conf


def test_each_source_in_its_order(system_file: Path, tmp_path: Path) -> None:
    assert database_choice() == database_choice(None)
    assert database_choice().source is DatabaseSource.DEFAULT
    assert database_choice().target == str(default_database())
    system_file.write_text("SECRETARIAT_DB=/srv/all.db\n", encoding="utf-8")
    assert (database_choice().target, database_choice().source) == (
        "/srv/all.db", DatabaseSource.SYSTEM,
    )  # fmt: skip
    assert str(system_file) in database_choice().told
    choose_database("/home/me/mine.db")
    assert chosen_database() == "/home/me/mine.db"
    assert database_choice().source is DatabaseSource.CHOSEN
    os.environ["SECRETARIAT_DB"] = "/env.db"
    try:
        assert database_choice().target == "/env.db"
        assert database_choice("/cli.db").source is DatabaseSource.COMMAND_LINE
    finally:
        del os.environ["SECRETARIAT_DB"]
    choose_database(None)  # forgotten: the computer's setting again
    assert database_choice().target == "/srv/all.db"


def test_the_system_file_as_an_administrator_writes_it(system_file: Path) -> None:
    system_file.write_text(
        "# commented\n#SECRETARIAT_DB=/no.db\n  SECRETARIAT_DB = \"/srv/quoted.db\"  \n"
        "OTHER=1\nnot a setting\n", encoding="utf-8",
    )  # fmt: skip
    assert system_setting("SECRETARIAT_DB") == "/srv/quoted.db"
    system_file.write_text("SECRETARIAT_DB=/a.db\nSECRETARIAT_DB=/b.db\n", encoding="utf-8")
    assert system_setting("SECRETARIAT_DB") == "/b.db"  # the last line, as in a shell
    system_file.write_text("SECRETARIAT_DB=\n", encoding="utf-8")
    assert system_setting("SECRETARIAT_DB") is None
    system_file.write_bytes(b"SECRETARIAT_DB=/x.db\n" + b"#" * 10_000_000)  # read to a bound
    assert system_setting("SECRETARIAT_DB") == "/x.db"
    system_file.unlink()
    assert system_setting("SECRETARIAT_DB") is None
    system_file.mkdir()  # not a file: as if absent
    assert system_setting("SECRETARIAT_DB") is None


def test_the_registry_named_by_the_system_file_is_opened(system_file: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared.db"
    system_file.write_text(f"SECRETARIAT_DB={shared}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SECRETARIAT_DB"}
    assert run("demo", env=env).returncode == 0
    assert shared.exists() and not default_database().exists()
    # server check without an address: this workstation's, and here that is a file
    told = run("server", "check", env=env)
    assert_user_error(told, f"Рабочее место открывает встроенную базу {shared}")


def test_a_server_out_of_reach_is_one_line() -> None:
    pytest.importorskip("psycopg")
    told = run("server", "check", "postgresql+psycopg://clerk@127.0.0.1:1/secretariat")
    assert_user_error(told, "не удалось подключиться к серверу")
