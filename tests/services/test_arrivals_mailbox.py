"""The mailbox letters arrive in (issue 40): read over IMAP from a real Dovecot server started on
loopback (tests/support/imap_server.py), each message into «Поступившие» — nothing registered —
and marked on the server (or moved into a folder) only after it was stored. The clerk's mail
program still sees it unread; a message the program failed to store stays unmarked; the same
message twice is one arrival; a message too large is not downloaded and says so."""

from __future__ import annotations

import dataclasses
import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest

from app.rules.states import ArrivalState
from app.services.arrivals.fetch import fetch_configured, fetch_mailbox
from app.services.arrivals.imap_mailbox import STORED, MailboxMessage, read_mailbox
from app.services.arrivals.queue import arrival_detail, list_arrivals
from app.services.organization.profile import get_organization, save_organization
from app.support.errors import UserError
from db.engine import Database
from tests.support.cli import assert_user_error, run
from tests.support.imap_server import Mailbox

SEEN = b"\\Seen"


def _letter(n: int, subject: str = "Запрос сведений", *, size: int = 0) -> bytes:
    message = EmailMessage()
    message["From"] = f"Отдел {n} <dept{n}@region.example.ru>"
    message["To"] = "office@example.ru"
    message["Subject"] = f"{subject} № {n}"
    message["Message-ID"] = f"<letter-{n}@region.example.ru>"
    message.set_content("Просим представить сведения.\n" + "x" * size)
    return bytes(message)


def test_messages_are_stored_then_marked_and_left_unread(demo_db: Database, mailbox: Mailbox):
    mailbox.deliver(_letter(1))
    mailbox.deliver(_letter(2, "Обращение гражданина"))
    fetched, problem = fetch_mailbox(demo_db, mailbox.settings(), mailbox.password)
    assert problem == "" and [f.new for f in fetched] == [True, True]
    lines = {line.id: line for line in list_arrivals(demo_db)}
    assert lines[fetched[1].arrival_id].subject == "Обращение гражданина № 2"
    assert lines[fetched[0].arrival_id].channel == "Эл. почта"
    detail = arrival_detail(demo_db, fetched[0].arrival_id)
    assert detail.sender_address == "dept1@region.example.ru"
    assert detail.key == "<letter-1@region.example.ru>"
    # on the server: both marked as read into the queue, neither read by the clerk's program
    flags = mailbox.look()
    assert len(flags) == 2 and all(STORED in f and SEEN not in f for f in flags.values())

    # the next fetch asks only for new messages; the same letter again is the same arrival
    again, _ = fetch_mailbox(demo_db, mailbox.settings(), mailbox.password)
    assert again == []
    mailbox.deliver(_letter(1))
    (same,) = fetch_mailbox(demo_db, mailbox.settings(), mailbox.password)[0]
    assert not same.new and same.arrival_id == fetched[0].arrival_id
    assert len(list_arrivals(demo_db)) == 2


def test_stored_messages_move_into_the_folder_named(demo_db: Database, mailbox: Mailbox):
    """«Принятые» goes to the server in modified UTF-7; the inbox is left empty."""
    mailbox.deliver(_letter(3))
    server = mailbox.settings(done_folder="Принятые")
    fetched, problem = fetch_mailbox(demo_db, server, mailbox.password)
    assert problem == "" and len(fetched) == 1
    assert mailbox.look() == {}
    (flags,) = mailbox.look("Принятые").values()
    assert STORED in flags and SEEN not in flags
    imap = mailbox.server.client(mailbox.login)  # the folder's name as the server keeps it
    try:
        folders = imap.list()[1]
    finally:
        imap.logout()
    assert any(str(line).endswith("&BB8EQAQ4BD0ETwRCBEsENQ-'") for line in folders), folders


def test_a_message_not_stored_stays_unmarked(mailbox: Mailbox) -> None:
    """The store failing on the second message stops the fetch there: the first is marked,
    the second and the third are not — the next fetch takes them."""
    for n in (4, 5, 6):
        mailbox.deliver(_letter(n))
    seen: list[int] = []

    def keep(message: MailboxMessage) -> int:
        if len(seen) == 1:
            raise RuntimeError("the database went away")
        seen.append(message.uid)
        return message.uid

    with pytest.raises(RuntimeError):
        read_mailbox(mailbox.settings(), mailbox.password, keep, max_bytes=10**6)
    flags = mailbox.look()
    assert [STORED in flags[uid] for uid in sorted(flags)] == [True, False, False]
    kept, problem = read_mailbox(
        mailbox.settings(), mailbox.password, lambda m: m.uid, max_bytes=10**6
    )
    assert problem == "" and kept == sorted(flags)[1:]


def test_a_message_too_large_is_not_downloaded(
    demo_db: Database, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.arrivals.fetch as fetch

    monkeypatch.setattr(fetch, "MAX_EML_BYTES", 20_000)
    mailbox.deliver(_letter(7, size=30_000))
    mailbox.deliver(_letter(8))
    fetched, problem = fetch_mailbox(demo_db, mailbox.settings(), mailbox.password)
    assert problem == ""
    assert [f.state for f in fetched] == [ArrivalState.UNREADABLE, ArrivalState.WAITING]
    assert "не загружено" in fetched[0].note and "МБ" in fetched[0].note
    assert all(STORED in flags for flags in mailbox.look().values())  # not asked for again
    assert fetch_mailbox(demo_db, mailbox.settings(), mailbox.password)[0] == []


def test_a_broken_message_is_an_arrival_that_does_not_read(demo_db: Database, mailbox: Mailbox):
    mailbox.deliver(b"From: x@y.ru\r\nContent-Type: multipart/mixed; boundary=" + b"a" * 5000)
    mailbox.deliver(_letter(9))
    fetched, _problem = fetch_mailbox(demo_db, mailbox.settings(), mailbox.password)
    assert len(fetched) == 2 and fetched[1].state == ArrivalState.WAITING


def test_login_and_connection_failures_are_said(demo_db: Database, mailbox: Mailbox) -> None:
    with pytest.raises(UserError, match="отклонил вход для " + mailbox.login):
        fetch_mailbox(demo_db, mailbox.settings(), "wrong")
    closed = dataclasses.replace(mailbox.settings(), port=1)
    with pytest.raises(UserError, match="недоступен"):
        fetch_mailbox(demo_db, closed, mailbox.password)
    with pytest.raises(UserError, match="нет папки «Архив»"):
        fetch_mailbox(demo_db, mailbox.settings(folder="Архив"), mailbox.password)
    with pytest.raises(UserError, match="та же"):
        fetch_mailbox(demo_db, mailbox.settings(done_folder="INBOX"), mailbox.password)


def test_tls_is_checked_against_the_trusted_authorities(
    demo_db: Database, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SSL/TLS and STARTTLS: the server's certificate must lead to an authority the system
    trusts — here the test's own, through SSL_CERT_FILE; without it, no connection."""
    mailbox.deliver(_letter(10))
    over_tls = mailbox.settings(security="ssl", port=mailbox.server.tls_port)
    with pytest.raises(UserError, match=r"недоступен.*(CERTIFICATE|certificate)"):
        fetch_mailbox(demo_db, over_tls, mailbox.password)
    monkeypatch.setenv("SSL_CERT_FILE", str(mailbox.server.cert))
    assert ssl.create_default_context().cert_store_stats()["x509_ca"] >= 1
    fetched, _ = fetch_mailbox(demo_db, over_tls, mailbox.password)
    assert len(fetched) == 1
    mailbox.deliver(_letter(11))
    fetched, _ = fetch_mailbox(demo_db, mailbox.settings(security="starttls"), mailbox.password)
    assert len(fetched) == 1


def _configure(db: Database, mailbox: Mailbox, **changes: object) -> None:
    org = get_organization(db)
    assert org is not None
    values: dict[str, object] = {
        "imap_host": "127.0.0.1", "imap_port": mailbox.server.port, "imap_security": "none",
        "imap_login": mailbox.login,
    }  # fmt: skip
    values.update(changes)
    save_organization(db, dataclasses.replace(org, **values))  # type: ignore[arg-type]


def test_the_set_up_mailbox_with_its_password_in_the_keyring(
    demo_db: Database,
    mailbox: Mailbox,
    memory_keyring: dict[tuple[str, str], str],
    tmp_path: Path,
) -> None:
    """What the window's timer and ``arrivals fetch`` read: the МЭДО inbox and the mailbox the
    set-up names, each on its own — a missing folder is said, the mailbox is still read."""
    _configure(demo_db, mailbox)
    run_before = fetch_configured(demo_db)
    assert run_before.items == [] and "Пароль IMAP" in run_before.problems[0]
    memory_keyring[("Секретариат: IMAP", f"{mailbox.login}@127.0.0.1:{mailbox.server.port}")] = (
        mailbox.password
    )
    org = get_organization(demo_db)
    assert org is not None
    save_organization(demo_db, dataclasses.replace(org, medo_inbox=str(tmp_path / "нет")))
    mailbox.deliver(_letter(12))
    done = fetch_configured(demo_db)
    assert done.sources == 2 and done.new == 1
    assert done.problems == [f"папки входящих МЭДО {tmp_path / 'нет'} нет"]


def test_the_command_line(
    db_path: Path,
    demo_db: Database,
    mailbox: Mailbox,
    memory_keyring: dict[tuple[str, str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import sys

    _configure(demo_db, mailbox, imap_done_folder="Принятые")
    demo_db.dispose()
    mailbox.deliver(_letter(13))
    assert_user_error(run("arrivals", "fetch", db=db_path), "Пароль IMAP")
    monkeypatch.setattr(sys, "stdin", io.StringIO(mailbox.password + "\n"))
    saved = run("arrivals", "imap-password", db=db_path)
    assert saved.returncode == 0, saved.stderr
    assert "сохранен в хранилище паролей ОС" in saved.stdout
    done = run("arrivals", "fetch", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "Новых в очереди: 1" in done.stdout and "письмо 1" in done.stdout
    assert mailbox.look() == {}
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert_user_error(run("arrivals", "imap-password", db=db_path), "Пароль пустой")
