"""МЭДО notifications both ways (issue 40, in part): the receiver of our letter registers it and
tells us its number (``documentAccepted``), or refuses it with a reason (``documentRefused``);
every notification the program writes is valid against the IEDMS message schema, and
``dispatch receipt`` of it shows on the copy we sent. The round trip runs between two registries:
ours out, theirs in, the notification back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from lxml import etree

from app.exporters.medo_notification import Notification, notification_xml
from app.rules.medo_answers import read_answer
from app.rules.medo_refusals import REASONS, refusal_of
from app.rules.states import CopyState
from app.services.directory.recipients import RecipientData, save_recipient
from app.services.dispatch.record import apply_receipt, dispatch_status
from app.services.incoming.medo_import import import_medo
from app.services.incoming.medo_notify import (
    accepted_notice,
    refused_notice,
    tell_assigned,
    write_notification,
)
from app.services.organization.profile import get_organization, save_organization
from app.services.registry.letters import letter_id_by_number
from app.services.safety.opening import open_registry
from app.support.errors import UserError
from db.engine import Database
from tests.support.cli import assert_user_error, run
from tests.support.medo import TODAY, assert_valid_message, sign_and_send

pytestmark = pytest.mark.usefixtures("program_date")  # the demo's day: its certificates are valid

THEIR_MEDO_ID = "0b6a4c1e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
WHEN = dt.datetime(2025, 12, 3, 11, 30)


@pytest.fixture
def receiver(tmp_path: Path, mailing_db: Database) -> Database:
    """Another registry: the demo's set-up under a МЭДО id of its own, with us in its
    directory, no letters in."""
    from app.services.demo import load_demo

    db = open_registry(str(tmp_path / "receiver.db"))
    load_demo(db, incoming=False)
    org = get_organization(db)
    assert org is not None
    from dataclasses import replace

    save_organization(db, replace(org, name="Министерство-получатель", medo_id=THEIR_MEDO_ID))
    ours = get_organization(mailing_db)
    assert ours is not None
    save_recipient(
        db, RecipientData(code="roskachestvo", organization=ours.name, medo_id=ours.medo_id)
    )
    return db


@pytest.fixture
def sent(mailing_db: Database, tmp_path: Path) -> tuple[int, Path]:
    """Letter 1961/5 sent by МЭДО to the Ministry of Industry, whose МЭДО id is the receiver's;
    the letter's id and its package folder."""
    with mailing_db.write() as session:
        from db.models import Recipient

        ministry = session.query(Recipient).filter_by(code="minpromtorg").one()
        ministry.medo_id = THEIR_MEDO_ID
    letter = letter_id_by_number(mailing_db, "1961/5")
    out = tmp_path / "out"
    sign_and_send(mailing_db, letter, out)
    (folder,) = [p for p in (out / "МЭДО").iterdir() if p.name != "На подпись"]
    return letter, folder


def _copy_to_them(db: Database, letter: int) -> tuple[str, str]:
    (copy,) = [c for c in dispatch_status(db, letter).copies if c.method == "МЭДО"]
    return copy.state, copy.note


def _uid_sent(db: Database, letter: int) -> str:
    """The uid of the document as sent (of the package, the container, the copy)."""
    (copy,) = [c for c in dispatch_status(db, letter).copies if c.method == "МЭДО"]
    assert copy.uid
    return copy.uid


def test_registered_by_them_shows_their_number_on_our_copy(
    mailing_db: Database, receiver: Database, sent: tuple[int, Path], tmp_path: Path
) -> None:
    letter, package = sent
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    outbox.mkdir()
    shutil.copytree(package, inbox / package.name)
    (done,) = import_medo(receiver, inbox, today=TODAY, notify_to=outbox)
    assert done.registered is not None
    assert "уведомление о регистрации" in done.note
    (notice,) = list(outbox.iterdir())
    assert sorted(p.name for p in notice.iterdir()) == ["envelope.ini", "message.xml"]
    message = (notice / "message.xml").read_bytes()
    assert_valid_message(message)
    root = etree.fromstring(message)
    ns = {"x": "urn:IEDMS:MESSAGE"}
    assert root.findtext("x:notification/x:documentAccepted/x:num/x:number", namespaces=ns) == (
        done.registered.number
    )
    uid = root.find("x:notification", ns).get("{urn:IEDMS:MESSAGE}uid")
    assert uid == _uid_sent(mailing_db, letter)
    # the notification back at the sender: the copy says under which number they registered it
    result = apply_receipt(mailing_db, notice / "message.xml")
    day = done.registered.reg_date.strftime("%d.%m.%Y")
    expected = f"Зарегистрировано у адресата № {done.registered.number} от {day}"
    assert result.note == expected
    assert _copy_to_them(mailing_db, letter) == (CopyState.DELIVERED, expected)
    history = [s.note for s in dispatch_status(mailing_db, letter).history]
    assert expected in history


def test_refused_by_them_shows_the_reason_on_our_copy(
    mailing_db: Database, receiver: Database, sent: tuple[int, Path], tmp_path: Path
) -> None:
    letter, _package = sent
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    uid = _uid_sent(mailing_db, letter)
    note = refused_notice(receiver, uid, "нет подписи", now=WHEN)
    folder = write_notification(note, outbox)
    message = (folder / "message.xml").read_bytes()
    assert_valid_message(message)
    assert "<xdms:reason>Нет подписи</xdms:reason>".encode() in message
    apply_receipt(mailing_db, folder / "message.xml")
    assert _copy_to_them(mailing_db, letter) == (
        CopyState.ERROR,
        "Отказано в регистрации: Нет подписи",
    )
    # a reason of the clerk's own words goes as «Не подлежит регистрации» with the words
    own = write_notification(
        refused_notice(receiver, uid, "Письмо адресовано другому ведомству", now=WHEN),
        outbox,
    )
    data = (own / "message.xml").read_bytes()
    assert_valid_message(data)
    assert read_answer(data, "message.xml").note == (
        "Отказано в регистрации: Не подлежит регистрации; Письмо адресовано другому ведомству"
    )


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_of_the_schema_is_valid(reason: str) -> None:
    note = Notification(
        document_uid="6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
        source_title="Министерство",
        source_medo_id=THEIR_MEDO_ID,
        time=WHEN,
        reason=reason.upper(),
    )
    assert refusal_of(reason.upper()) == (reason, "")
    assert_valid_message(notification_xml(note))


def test_an_accepted_notice_with_hostile_text_stays_valid() -> None:
    note = Notification(
        document_uid="6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
        source_title="«Рога & копыта» <ООО>\x00\n" + "я" * 600,
        source_medo_id=THEIR_MEDO_ID,
        time=WHEN,
        destination_title="",
        destination_medo_id=THEIR_MEDO_ID,
        number="12-34/567 " + "9" * 40,
        date=dt.date(2025, 12, 3),
    )
    data = notification_xml(note)
    assert_valid_message(data)
    answer = read_answer(data, "message.xml")
    assert answer.state == CopyState.DELIVERED and "№ 12-34/567 9" in answer.note


def test_no_notice_without_our_medo_id_or_for_a_letter_not_from_medo(
    demo_db: Database, tmp_path: Path
) -> None:
    org = get_organization(demo_db)
    assert org is not None
    from dataclasses import replace

    from app.services.incoming.listing import IncomingQuery, list_incoming

    first = list_incoming(demo_db, IncomingQuery(today=TODAY))[0]
    with pytest.raises(UserError, match="пришло не по МЭДО"):
        accepted_notice(demo_db, first.id)
    save_organization(demo_db, replace(org, medo_id=""))
    with pytest.raises(UserError, match="нет ее идентификатора МЭДО"):
        accepted_notice(demo_db, first.id)
    with pytest.raises(UserError, match="нет ее идентификатора МЭДО"):
        import_medo(demo_db, tmp_path, notify_to=tmp_path)


def test_a_notification_is_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The МЭДО client must never pick up half a package: it is written in a hidden folder and
    renamed; a failed write leaves nothing."""
    from app.services.incoming import medo_notify

    note = Notification(
        document_uid="6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
        source_title="Министерство",
        source_medo_id=THEIR_MEDO_ID,
        time=WHEN,
        number="1-вх",
    )
    with pytest.raises(UserError, match="папки для уведомлений МЭДО нет"):
        write_notification(note, tmp_path / "nowhere")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    written: list[int] = []

    def full_disk(fd: int) -> None:
        written.append(fd)
        if len(written) == 2:  # the second file of the package
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(medo_notify.os, "fsync", full_disk)
    with pytest.raises(UserError, match="не записано: No space left on device"):
        write_notification(note, outbox)
    assert list(outbox.iterdir()) == []


def test_the_command_line_registers_and_notifies(
    mailing_db: Database, receiver: Database, sent: tuple[int, Path], tmp_path: Path
) -> None:
    _letter, package = sent
    receiver_path = tmp_path / "receiver.db"
    receiver.dispose()
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    shutil.copytree(package, inbox / package.name)
    command = ("incoming", "import-medo", str(inbox), "--notify-to", str(outbox))
    assert_user_error(run(*command, db=receiver_path), "папки для уведомлений МЭДО нет")
    outbox.mkdir()
    result = run(*command, db=receiver_path)
    assert result.returncode == 0, result.stderr
    assert "уведомление о регистрации" in result.stdout
    (notice,) = list(outbox.iterdir())
    assert_valid_message((notice / "message.xml").read_bytes())


def test_the_executor_assigned_goes_back_to_the_sender(
    mailing_db: Database, receiver: Database, sent: tuple[int, Path], tmp_path: Path
) -> None:
    """With «Сообщать отправителю, кому поручено исполнение» set, giving the letter to executors
    writes an ``executorAssigned`` (valid against the schema) into the МЭДО client's outgoing
    folder; at the sender it goes to the copy's history, the copy's state unchanged."""
    from dataclasses import replace

    from app.services.incoming.resolutions import assign_incoming

    letter, package = sent
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    outbox.mkdir()
    shutil.copytree(package, inbox / package.name)
    (done,) = import_medo(receiver, inbox, today=TODAY)
    assert done.registered is not None
    incoming = done.registered.id
    assign_incoming(receiver, incoming, ["tabolova"], due=None, task="Ответить", today=TODAY)
    assert tell_assigned(receiver, incoming) == (False, "")  # not asked for: nothing written
    org = get_organization(receiver)
    assert org is not None
    org = save_organization(receiver, replace(org, medo_notify_executor=True))
    assert tell_assigned(receiver, incoming)[1].startswith("исходящая папка МЭДО не задана")
    save_organization(receiver, replace(org, medo_outbox=str(outbox)))
    written, said = tell_assigned(receiver, incoming)
    assert written and said == "отправителю записано уведомление о назначении исполнителя"
    (notice,) = outbox.iterdir()
    message = (notice / "message.xml").read_bytes()
    assert_valid_message(message)
    ns = {"x": "urn:IEDMS:MESSAGE"}
    root = etree.fromstring(message)
    assert root.find("x:notification", ns).get("{urn:IEDMS:MESSAGE}type") == "Назначен исполнитель"
    event = root.find("x:notification/x:executorAssigned", ns)
    assert event.findtext("x:executor/x:person", namespaces=ns).startswith("Таболова")
    assert event.findtext("x:secretary/x:organization", namespaces=ns) == (
        "Министерство-получатель"
    )
    # a head's resolution: the notice names its author as the one who gave it
    from app.rules.executor_terms import ExecutorTerm
    from app.services.incoming.resolutions import ResolutionData, resolve_incoming

    resolve_incoming(receiver, incoming, ResolutionData(
        [ExecutorTerm("starchikova")], author="protasov"), today=TODAY)  # fmt: skip
    by_head = tmp_path / "by-head"
    by_head.mkdir()
    assert tell_assigned(receiver, incoming, by_head)[0]
    (head_notice,) = by_head.iterdir()
    head_xml = (head_notice / "message.xml").read_bytes()
    assert_valid_message(head_xml)
    assigned = etree.fromstring(head_xml).find("x:notification/x:executorAssigned", ns)
    assert assigned.findtext("x:secretary/x:person", namespaces=ns).startswith("Протасов")
    assert assigned.findtext("x:executor/x:person", namespaces=ns).startswith("Старчикова")

    state_before = _copy_to_them(mailing_db, letter)[0]
    result = apply_receipt(mailing_db, notice / "message.xml")
    assert result.note.startswith("У адресата назначен исполнитель: Таболова")
    assert _copy_to_them(mailing_db, letter)[0] == state_before
    assert result.note in [s.note for s in dispatch_status(mailing_db, letter).history]

    # the command line: asked for by --notify-to, into the folder given
    other = tmp_path / "other"
    other.mkdir()
    receiver_path = tmp_path / "receiver.db"
    receiver.dispose()
    assign = ("incoming", "assign", done.registered.number, "--executor", "tabolova")
    cli = run(*assign, "--notify-to", str(other), db=receiver_path)
    assert cli.returncode == 0, cli.stderr
    assert "уведомление о назначении исполнителя" in cli.stdout
    (cli_notice,) = other.iterdir()
    assert_valid_message((cli_notice / "message.xml").read_bytes())
    nowhere = str(tmp_path / "nowhere")
    assert_user_error(
        run(*assign, "--notify-to", nowhere, db=receiver_path), "папки для уведомлений МЭДО нет"
    )
