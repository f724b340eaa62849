"""``setup``: the documented example, idempotence, and all-or-nothing on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.organization.profile import get_organization, list_journals, list_staff
from app.services.organization.setup import setup_from_file
from app.support.errors import UserError
from app.support.json_input import read_json_file, strip_json_comments
from db.engine import Database
from db.models import AuditEvent, Certificate, Journal, Staff
from tests.support.places import DATA

EXAMPLE = DATA / "setup-example.json"


def test_documented_example_loads(db: Database) -> None:
    result = setup_from_file(db, EXAMPLE)
    assert (result.organization, result.staff, result.journals) == (True, 1, 1)
    org = get_organization(db)
    assert org is not None
    assert org.name == "Автономная некоммерческая организация «Российская система качества»"
    assert org.letterhead == ["РОСКАЧЕСТВО"]
    assert org.website == "http://roskachestvo.gov.ru"  # '//' inside a string is not a comment
    assert (org.layout, org.number_line, org.reply_line, org.font_size) == (
        "angular",
        "number_first",
        True,
        14,
    )
    [person] = list_staff(db)
    assert (person.code, person.last_name, person.position) == (
        "protasov",
        "Протасов",
        "Руководитель",
    )
    assert person.certificate is not None and person.certificate.serial == "00ABC2..."
    [journal] = list_journals(db)
    assert (journal.code, journal.template, journal.period, journal.next_seq) == (
        "ИСХ",
        "{seq}/{case}",
        "year",
        1,
    )


def test_setup_is_idempotent(db: Database) -> None:
    setup_from_file(db, EXAMPLE)
    setup_from_file(db, EXAMPLE)
    with db.read() as s:
        assert s.scalar(select(func.count(Staff.id))) == 1
        assert s.scalar(select(func.count(Journal.id))) == 1
        assert s.scalar(select(func.count(Certificate.id))) == 1
        assert (s.scalar(select(func.count(AuditEvent.id))) or 0) > 0


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "setup.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["organization"].pop("name"), r"organization\.name: обязательное поле"),
        (lambda d: d["journals"][0].update(template="{case}"), r"journals\[0\].*ровно один"),
        (lambda d: d["journals"][0].update(period="week"), r"journals\[0\].*период"),
        (lambda d: d["staff"][0]["certificate"].update(valid_to="31.12.2024"), "не дата"),
        (lambda d: d["organization"].update(font_size=20), "Размер шрифта"),
        (lambda d: d["staff"].append(dict(d["staff"][0])), "код повторяется"),
        (lambda d: d["organization"].update(reply_line="да"), "true или false"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    db: Database, tmp_path: Path, mutate: object, message: str
) -> None:
    data = json.loads(strip_json_comments(EXAMPLE.read_text(encoding="utf-8")))
    data["journals"].insert(0, {"code": "ВН", "name": "Внутренние", "template": "{seq}"})
    mutate(data)  # type: ignore[operator]
    with pytest.raises(UserError, match=message):
        setup_from_file(db, _write(tmp_path, data))
    assert get_organization(db) is None
    assert list_journals(db) == []


def test_invalid_json_names_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "organization": {\n    "name": "X",,\n  }\n}', encoding="utf-8")
    with pytest.raises(UserError, match="строке 3"):
        setup_from_file(db, path)


def test_next_moves_forward_only(db: Database, tmp_path: Path) -> None:
    data = json.loads(strip_json_comments(EXAMPLE.read_text(encoding="utf-8")))
    data["journals"][0]["next"] = 345
    setup_from_file(db, _write(tmp_path, data))
    assert list_journals(db)[0].next_seq == 345
    data["journals"][0]["next"] = 1  # re-running an older file does not move the counter back
    setup_from_file(db, _write(tmp_path, data))
    assert list_journals(db)[0].next_seq == 345


def test_the_exchange_folders_of_the_medo_client(db: Database, tmp_path: Path) -> None:
    """``"exchange"``: the МЭДО client's folders, with the organization or on their own."""
    from app.services.arrivals.sources import exchange_folders
    from app.services.organization.setup import apply_setup, parse_setup

    apply_setup(db, parse_setup(read_json_file(EXAMPLE)))
    assert exchange_folders(db) == (None, None)
    setup = parse_setup(
        {"exchange": {"medo_in": str(tmp_path / "in"), "medo_out": str(tmp_path / "out")}}
    )
    apply_setup(db, setup)
    assert exchange_folders(db) == (tmp_path / "in", tmp_path / "out")
    org = get_organization(db)
    assert org is not None and org.name  # the rest of the organization stays
    # the mailbox and the executor notice: what the file names changes, the rest stays
    apply_setup(db, parse_setup({"exchange": {"notify_executor": True, "mailbox": {
        "host": "imap.example.ru", "login": "office", "done_folder": "Принятые",
    }}}))  # fmt: skip
    from app.services.arrivals.sources import mailbox_settings

    org = get_organization(db)
    assert org is not None and org.medo_notify_executor
    assert exchange_folders(db) == (tmp_path / "in", tmp_path / "out")
    server = mailbox_settings(db)
    assert server is not None and (server.host, server.port, server.security) == (
        "imap.example.ru", 993, "ssl",
    )  # fmt: skip
    assert (server.folder, server.done_folder, server.login) == ("INBOX", "Принятые", "office")
    for bad, said in (
        ({"mailbox": {"login": "x"}}, "exchange.mailbox.host: обязательное поле"),
        ({"mailbox": {"host": "h", "port": 0}}, "Порт IMAP 0"),
        ({"mailbox": {"host": "h", "security": "tls"}}, "Защита соединения IMAP «tls»"),
        ({"notify_executor": "да"}, "exchange.notify_executor: ожидается true или false"),
    ):
        with pytest.raises(UserError, match=said):
            apply_setup(db, parse_setup({"exchange": bad}))
