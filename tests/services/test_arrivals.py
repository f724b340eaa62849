"""Arrivals (issue 40, in part): what the МЭДО client and the mail brought waits for the clerk —
nothing registered, no number used — then is registered (the card prefilled, executors given,
the sender told our number) or refused (the sender told why). The same package or message twice
is one arrival; one that matches a registered letter says so; a broken one is «не читается»
beside its neighbours, which arrive all the same. On SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from app.rules.states import ArrivalState, Execution
from app.services.arrivals.fetch import ASIDE, fetch_arrivals, fetch_mailbox
from app.services.arrivals.imap_mailbox import STORED
from app.services.arrivals.queue import (
    arrival_detail,
    count_waiting,
    list_arrivals,
    refuse_arrival,
    register_arrival,
)
from app.services.directory.recipients import RecipientData, save_recipient
from app.services.incoming.detail import incoming_detail
from app.services.incoming.eml_import import import_eml
from app.services.organization.profile import get_organization, save_organization
from app.services.registry.letters import letter_id_by_number
from app.support.errors import UserError
from db.engine import Database
from db.models import IncomingLetter
from tests.support.builders import an_appeal
from tests.support.cli import assert_user_error, run
from tests.support.imap_server import Mailbox
from tests.support.medo import TODAY, assert_valid_message, sign_and_send
from tests.support.registries import open_backend

pytestmark = pytest.mark.usefixtures("program_date")  # the demo's day: its certificates are valid

THEIR_MEDO_ID = "0b6a4c1e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"


def _receiver(
    request: pytest.FixtureRequest, backend: str, folder: Path, ours: Database
) -> Database:
    """Another registry: the demo's set-up under a МЭДО id of its own, us in its directory (by
    МЭДО id and e-mail), no incoming letters."""
    from dataclasses import replace

    from app.services.demo import load_demo

    folder.mkdir()
    db = open_backend(request, backend, folder)
    load_demo(db, incoming=False)
    org = get_organization(db)
    sender = get_organization(ours)
    assert org is not None and sender is not None
    save_organization(db, replace(org, medo_id=THEIR_MEDO_ID))
    save_recipient(
        db,
        RecipientData(
            code="roskachestvo", organization=sender.name, medo_id=sender.medo_id,
            email=sender.mail_from,
        ),
    )  # fmt: skip
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def receiver(
    request: pytest.FixtureRequest, tmp_path: Path, mailing_db: Database
) -> Iterator[Database]:
    db = _receiver(request, request.param, tmp_path / "receiver", mailing_db)
    yield db
    db.dispose()


@pytest.fixture
def embedded_receiver(request: pytest.FixtureRequest, tmp_path: Path, mailing_db: Database) -> Path:
    """The same on SQLite, closed: the command line opens it by its path."""
    db = _receiver(request, "sqlite", tmp_path / "receiver", mailing_db)
    db.dispose()
    return tmp_path / "receiver" / "registry.db"


@pytest.fixture
def sent(mailing_db: Database, tmp_path: Path) -> dict[str, Path]:
    """Two of our letters sent by МЭДО (1961/5, 1893/5 to one region) and one by e-mail."""
    from app.services.dispatch.record import mark
    from app.services.dispatch.run import dispatch_letter

    out = tmp_path / "out"
    first = letter_id_by_number(mailing_db, "1961/5")
    sign_and_send(mailing_db, first, out)
    (package,) = [p for p in (out / "МЭДО").iterdir() if p.name != "На подпись"]
    dispatch_letter(mailing_db, first, tmp_path / "mail", methods=("Электронная почта",))
    (eml,) = (tmp_path / "mail" / "Электронная почта").iterdir()
    other = letter_id_by_number(mailing_db, "710/5")
    mark(mailing_db, other, [], "не отправлено")
    out2 = tmp_path / "out2"
    sign_and_send(mailing_db, other, out2)
    (second,) = [p for p in (out2 / "МЭДО").iterdir() if p.name != "На подпись"]
    return {"package": package, "second": second, "eml": eml}


def _exchange(tmp_path: Path, sent: dict[str, Path]) -> Path:
    """The МЭДО client's incoming folder: two packages, the first again under another name,
    and a broken one."""
    inbox = tmp_path / "medo-in"
    inbox.mkdir()
    shutil.copytree(sent["package"], inbox / "a-first")
    shutil.copytree(sent["second"], inbox / "b-second")
    shutil.copytree(sent["package"], inbox / "c-first-again")
    broken = inbox / "d-broken"
    broken.mkdir()
    (broken / "message.xml").write_text("<communication>не XML", encoding="utf-8")
    return inbox


def _count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(IncomingLetter)) or 0)


def test_arrivals_wait_then_are_registered_or_refused(
    receiver: Database, sent: dict[str, Path], tmp_path: Path, mailbox: Mailbox
) -> None:
    """The issue's «done when»: from an empty exchange folder and mailbox (Dovecot on loopback),
    МЭДО packages and e-mails arrive, wait, are registered or refused, the senders told."""
    inbox = _exchange(tmp_path, sent)
    for mail in (sent["eml"].read_bytes(), an_appeal()):
        mailbox.deliver(mail)
    fetched = fetch_arrivals(receiver, [inbox])
    by_mail, problem = fetch_mailbox(receiver, mailbox.settings(), mailbox.password)
    assert problem == "" and all(STORED in flags for flags in mailbox.look().values())
    fetched += by_mail
    assert [f.new for f in fetched] == [True, True, False, True, True, True]
    assert fetched[2].arrival_id == fetched[0].arrival_id  # the same package: one arrival
    assert fetched[3].state == ArrivalState.UNREADABLE and fetched[3].note
    assert _count(receiver) == 0  # nothing registered, no number used
    assert sorted(p.name for p in inbox.iterdir()) == [ASIDE]  # every folder moved aside, stored
    assert len(list((inbox / ASIDE).iterdir())) == 4
    waiting = list_arrivals(receiver)
    assert len(waiting) == 5 and count_waiting(receiver) == 4
    first = arrival_detail(receiver, fetched[0].arrival_id)
    assert first.line.sender_number == "1961/5" and "document.pdf" in first.files
    assert first.sender_medo_id and first.line.channel == "МЭДО"

    # registered, with executors and a due date, the sender told our number
    outbox = tmp_path / "medo-out"
    outbox.mkdir()
    done = register_arrival(
        receiver, first.line.id, executors=["tabolova"], due=TODAY + dt.timedelta(days=7),
        task="Подготовить ответ", notify_to=outbox, today=TODAY,
    )  # fmt: skip
    assert done.registered is not None and "уведомление" in done.note
    card = incoming_detail(receiver, done.registered.id, today=TODAY)
    assert card.sender_code == "roskachestvo" and card.sender_number == "1961/5"
    assert card.execution == Execution.ON_CONTROL and card.assignments
    assert any(f.name == "document.pdf" for f in card.files)
    (notice,) = outbox.iterdir()
    message = (notice / "message.xml").read_bytes()
    assert_valid_message(message)
    number = etree.fromstring(message).findtext(".//{urn:IEDMS:MESSAGE}number")
    assert number == done.registered.number
    with pytest.raises(UserError, match="уже рассмотрено"):
        register_arrival(receiver, first.line.id, today=TODAY)

    # refused: the sender is told why
    refused = refuse_arrival(receiver, fetched[1].arrival_id, "Ошибка адресации", notify_to=outbox)
    assert "уведомление" in refused.note
    (later,) = [p for p in outbox.iterdir() if p != notice]
    assert_valid_message((later / "message.xml").read_bytes())
    assert b"documentRefused" in (later / "message.xml").read_bytes()

    # the e-mail of the same letter: it says the letter is registered already
    mail_line = next(a for a in list_arrivals(receiver) if a.id == fetched[4].arrival_id)
    assert mail_line.registered_as == ""  # an e-mail carries no number: nothing to match yet
    register_arrival(receiver, fetched[5].arrival_id, today=TODAY)
    assert _count(receiver) == 2
    # the broken one is refused, never registered
    with pytest.raises(UserError, match="не читается"):
        register_arrival(receiver, fetched[3].arrival_id, today=TODAY)
    refuse_arrival(receiver, fetched[3].arrival_id, "Текст отсутствует")
    states = {a.id: a.state for a in list_arrivals(receiver, everything=True)}
    assert states[fetched[3].arrival_id] == ArrivalState.REFUSED
    assert [a.id for a in list_arrivals(receiver)] == [fetched[4].arrival_id]

    # the package comes again: the arrival there was, not a new one
    shutil.copytree(sent["package"], inbox / "again")
    (again,) = fetch_arrivals(receiver, [inbox])
    assert not again.new and again.state == ArrivalState.REGISTERED


def test_an_arrival_of_a_letter_registered_before_says_so(
    receiver: Database, sent: dict[str, Path], tmp_path: Path
) -> None:
    import_eml(receiver, sent["eml"], today=TODAY)  # registered by hand from the file before
    (fetched,) = fetch_arrivals(receiver, [], [sent["eml"]])
    (line,) = list_arrivals(receiver)
    assert line.id == fetched.arrival_id and line.registered_as == "1-вх"
    with pytest.raises(UserError, match="можно отклонить"):
        register_arrival(receiver, line.id, today=TODAY)
    assert _count(receiver) == 1


def test_the_command_line(embedded_receiver: Path, sent: dict[str, Path], tmp_path: Path) -> None:
    path = embedded_receiver
    inbox = _exchange(tmp_path, sent)
    assert_user_error(run("arrivals", "fetch", db=path), "откуда брать")
    result = run("arrivals", "fetch", "--medo", str(inbox), db=path)
    assert result.returncode == 0, result.stderr
    assert "Новых в очереди: 3, уже были: 1" in result.stdout
    listed = run("arrivals", "list", "--json", db=path)
    import json

    rows = json.loads(listed.stdout)
    assert len(rows) == 3 and {r["state"] for r in rows} == {"waiting", "unreadable"}
    first = next(r for r in rows if r["sender_number"] == "1961/5")
    shown = run("arrivals", "show", str(first["id"]), db=path)
    assert "Исходящий отправителя: № 1961/5" in shown.stdout and "document.pdf" in shown.stdout
    outbox = tmp_path / "out-folder"
    assert_user_error(
        run("arrivals", "register", str(first["id"]), "--notify-to", str(outbox), db=path),
        "папки для уведомлений МЭДО нет",
    )
    outbox.mkdir()
    done = run("arrivals", "register", str(first["id"]), "--notify-to", str(outbox), db=path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1-вх\t")
    assert_user_error(run("arrivals", "refuse", str(first["id"]), "--reason", "x", db=path),
                      "уже рассмотрено")  # fmt: skip
    assert_user_error(run("arrivals", "show", "999", db=path), "не найдено")
    assert_user_error(run("arrivals", "refuse", "1", "--reason", "  ", db=path), "причину")


def test_a_signature_that_does_not_sign_the_document_is_shown_before_registration(
    receiver: Database, sent: dict[str, Path], tmp_path: Path
) -> None:
    """The package's detached signature is checked against its document as it came: a document
    changed on the way is said in the queue, before the clerk registers anything."""
    import io
    import zipfile

    inbox = tmp_path / "medo-in"
    good = inbox / "good"
    shutil.copytree(sent["package"], good)
    changed = inbox / "changed"
    shutil.copytree(sent["package"], changed)
    (container,) = changed.glob("*.zip")
    with zipfile.ZipFile(container) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["document.pdf"] = members["document.pdf"].replace(b"%%EOF", b"% changed\n%%EOF")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    container.write_bytes(buffer.getvalue())
    # another uid, so that it is another arrival (as a forged copy would be)
    message = changed / "message.xml"
    message.write_text(
        message.read_text(encoding="utf-8").replace(
            container.stem, "11111111-2222-4333-8444-555555555555"
        ),
        encoding="utf-8",
    )
    container.rename(changed / "11111111-2222-4333-8444-555555555555.zip")
    fetch_arrivals(receiver, [inbox])
    lines = {line.source: line for line in list_arrivals(receiver)}
    assert lines["good"].signature.startswith("Подпись: ") and not lines["good"].signature_fails
    assert "не изменен" in lines["good"].signature
    assert lines["changed"].signature.startswith("Подпись НЕ соответствует документу")
    assert lines["changed"].signature_fails
