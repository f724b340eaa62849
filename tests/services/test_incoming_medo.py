"""Incoming letters from МЭДО packages: a package this program sends is registered by another
registry as an incoming letter (the round trip), an older ``document.xml`` package is read, a
package registered before is skipped, and hostile packages are refused with one line."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.directory.recipients import RecipientData, save_recipient
from app.services.incoming.detail import incoming_detail
from app.services.incoming.medo_import import import_medo
from app.services.organization.profile import get_organization
from app.services.registry.letters import find_letter_in, letter_id_by_number
from app.services.safety.opening import open_registry
from app.support.errors import UserError
from db.engine import Database
from tests.support.medo import OLD_PASSPORT, TODAY, sign_and_send
from tests.support.pdf_facts import page_lines


def _receiver(url: str) -> Database:
    from app.services.demo import load_demo

    db = open_registry(url)
    load_demo(db, incoming=False)
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def receiver(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Another registry: the demo's set-up (with its incoming journal «ВХ»), no letters in;
    embedded or on a real PostgreSQL server."""
    if request.param == "sqlite":
        db = _receiver(str(tmp_path / "receiver.db"))
    else:
        db = _receiver(request.getfixturevalue("pg_url"))
    yield db
    db.dispose()


@pytest.fixture
def embedded_receiver(tmp_path: Path) -> Iterator[Database]:
    db = _receiver(str(tmp_path / "receiver.db"))
    yield db
    db.dispose()


@pytest.fixture
def package(mailing_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The МЭДО package of letter 1961/5, signed, as this program writes it."""
    monkeypatch.setenv("SECRETARIAT_TODAY", TODAY.isoformat())
    out = tmp_path / "sent"
    sign_and_send(mailing_db, letter_id_by_number(mailing_db, "1961/5"), out)
    (folder,) = [p for p in (out / "МЭДО").iterdir() if p.name != "На подпись"]
    return folder


def test_a_package_sent_by_one_registry_is_registered_by_another(
    mailing_db: Database, receiver: Database, package: Path, tmp_path: Path
) -> None:
    org = get_organization(mailing_db)
    assert org is not None and org.medo_id
    save_recipient(
        receiver,
        RecipientData(code="roskachestvo", organization=org.name, medo_id=org.medo_id),
    )
    inbox = tmp_path / "inbox"
    shutil.copytree(package, inbox / package.name)
    (done,) = import_medo(receiver, inbox, today=TODAY)
    assert done.registered is not None and done.registered.number == "1-вх"
    detail = incoming_detail(receiver, done.registered.id, today=TODAY)
    with mailing_db.read() as session:
        sent = find_letter_in(session, "1961/5")
        sent_date, sent_subject = sent.reg_date, sent.subject
    assert (detail.sender_code, detail.sender_number, detail.sender_date) == (
        "roskachestvo",
        "1961/5",
        sent_date,
    )
    assert detail.subject == sent_subject
    assert detail.delivery == "МЭДО" and detail.subject
    names = [f.name for f in detail.files]
    # the signature kept with the document; a copy with the registration mark beside them
    assert names == ["document.pdf", "document.sig", "document-с-отметкой.pdf"]
    assert "копия с отметкой о поступлении сохранена" in done.note
    stamped = next(f for f in detail.files if f.name == "document-с-отметкой.pdf")
    with receiver.read() as session:
        from app.services.files.stored_files import stored_pieces
        from db.models import StoredFile

        kept = session.get(StoredFile, stamped.file_id)
        assert kept is not None
        data = b"".join(stored_pieces(session, kept))
    assert "Вх. № 1-вх" in " ".join(page_lines(data)[0].split())
    # the original is untouched: its signature still signs it
    assert detail.signature.startswith("Подпись: ") and "не изменен" in detail.signature
    assert detail.pages >= 1
    # the same package again is skipped, not registered twice
    (again,) = import_medo(receiver, inbox, today=TODAY)
    assert again.registered is None and "1-вх" in again.note


def test_a_sender_not_in_the_directory_is_written_as_named(
    receiver: Database, package: Path
) -> None:
    (done,) = import_medo(receiver, package, today=TODAY)
    assert done.registered is not None
    detail = incoming_detail(receiver, done.registered.id, today=TODAY)
    assert detail.sender_code == "" and "Российская система качества" in detail.sender


def test_an_older_document_xml_package(receiver: Database, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "document.xml").write_text(OLD_PASSPORT, encoding="utf-8")
    (folder / "письмо.pdf").write_bytes(b"%PDF-1.4 old")
    (done,) = import_medo(receiver, folder, today=TODAY)
    assert done.registered is not None
    detail = incoming_detail(receiver, done.registered.id, today=TODAY)
    assert (detail.sender_number, detail.sender_date, detail.subject, detail.pages) == (
        "ЕВ-12345/08",
        dt.date(2025, 11, 28),
        "О проведении совещания",
        2,
    )
    assert detail.sender.startswith("Министерство промышленности")
    assert [f.name for f in detail.files] == ["письмо.pdf"]  # «../../etc/passwd» is a name only


def _container_package(folder: Path, entries: dict[str, bytes]) -> Path:
    folder.mkdir()
    (folder / "message.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<xdms:communication xmlns:xdms="urn:IEDMS:MESSAGE" xdms:version="2.7.1">'
        '<xdms:header xdms:type="Транспортный контейнер" xdms:uid="u-1" '
        'xdms:created="2025-12-01T10:00:00"><xdms:source xdms:uid="x">'
        "<xdms:organization>Кто-то</xdms:organization></xdms:source></xdms:header>"
        "<xdms:container><xdms:body>u-1.zip</xdms:body></xdms:container>"
        "</xdms:communication>",
        encoding="utf-8",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    (folder / "u-1.zip").write_bytes(buffer.getvalue())
    return folder


PASSPORT = (
    '<?xml version="1.0" encoding="UTF-8"?><c:container xmlns:c="urn:IEDMS:CONTAINER" '
    'c:uid="u-1" c:version="1.0"><c:requisites><c:annotation>О бомбе</c:annotation>'
    '</c:requisites><c:document c:localName="document.pdf"/></c:container>'
).encode()


def test_hostile_packages_are_refused_with_one_line(receiver: Database, tmp_path: Path) -> None:
    bomb = _container_package(
        tmp_path / "bomb", {"passport.xml": PASSPORT, "document.pdf": b"\0" * 60_000_000}
    )
    with pytest.raises(UserError, match="больше допустимых"):
        import_medo(receiver, bomb, today=TODAY)
    broken = _container_package(tmp_path / "broken", {"passport.xml": b"<c:container"})
    with pytest.raises(UserError, match="не читается как XML"):
        import_medo(receiver, broken, today=TODAY)
    (tmp_path / "notzip").mkdir()
    (tmp_path / "notzip" / "message.xml").write_bytes((bomb / "message.xml").read_bytes())
    (tmp_path / "notzip" / "u-1.zip").write_bytes(b"PK not really")
    with pytest.raises(UserError, match="контейнер не читается"):
        import_medo(receiver, tmp_path / "notzip", today=TODAY)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match="нет пакетов МЭДО"):
        import_medo(receiver, empty, today=TODAY)
    from app.services.incoming.listing import IncomingQuery, count_incoming

    assert count_incoming(receiver, IncomingQuery()) == 0  # nothing half-registered


@pytest.mark.slow
def test_a_package_of_many_large_files_is_refused_by_their_total(
    receiver: Database, tmp_path: Path
) -> None:
    """Issue 36 row 7: 30 attachments of 49 MB each (1.5 MB zipped) — refused when their sizes
    together pass 100 MB, before the rest is read (it took 1.6 GB)."""
    names = [f"a{i}.pdf" for i in range(30)]
    passport = PASSPORT.replace(
        b"</c:container>",
        b"<c:attachments>"
        + b"".join(f'<c:attachment c:localName="{n}"/>'.encode() for n in names)
        + b"</c:attachments></c:container>",
    )
    entries = {"passport.xml": passport, "document.pdf": b"%PDF-1.4\n%%EOF\n"}
    entries |= {name: b"\0" * 49_000_000 for name in names}
    big = _container_package(tmp_path / "big", entries)
    with pytest.raises(UserError, match="вместе больше 100 МБ"):
        import_medo(receiver, big, today=TODAY)


def test_the_cli(embedded_receiver: Database, package: Path, tmp_path: Path) -> None:
    from tests.support.cli import run

    path = embedded_receiver.sqlite_path
    assert path is not None
    embedded_receiver.dispose()
    done = run("incoming", "import-medo", str(package), db=path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1-вх\t") and "Зарегистрировано: 1, пропущено: 0" in done.stdout
    again = run("incoming", "import-medo", str(package), db=path)
    assert "пропущен — уже зарегистрирован: № 1-вх" in again.stdout
    bad = run("incoming", "import-medo", str(tmp_path / "nowhere"), db=path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_an_email_sent_by_one_registry_is_registered_by_another(
    mailing_db: Database, receiver: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``dispatch email`` writes an .eml with the letter's PDF; another registry registers it
    by ``import-eml``: the sender by its address in the directory, the subject, the files."""
    from app.services.dispatch.run import dispatch_letter
    from app.services.incoming.eml_import import import_eml
    from app.services.incoming.registration import DuplicateIncoming

    monkeypatch.setenv("SECRETARIAT_TODAY", TODAY.isoformat())
    letter = letter_id_by_number(mailing_db, "1961/5")
    dispatch_letter(mailing_db, letter, tmp_path / "sent", methods=("Электронная почта",))
    (eml,) = (tmp_path / "sent" / "Электронная почта").iterdir()
    org = get_organization(mailing_db)
    assert org is not None and org.mail_from
    save_recipient(
        receiver,
        RecipientData(code="roskachestvo", organization=org.name, email=org.mail_from.upper()),
    )
    done = import_eml(receiver, eml, sender_number="1961/5", today=TODAY)
    detail = incoming_detail(receiver, done.registered.id, today=TODAY)
    assert (detail.sender_code, detail.sender_number, detail.delivery) == (
        "roskachestvo",
        "1961/5",
        "Электронная почта",
    )
    assert "1961/5" in detail.subject or detail.subject
    assert any(f.name.endswith(".pdf") for f in detail.files)
    with pytest.raises(DuplicateIncoming):
        import_eml(receiver, eml, today=TODAY)  # the same Message-ID


def test_hostile_emails(
    receiver: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services.incoming import eml_import
    from app.services.incoming.eml_import import import_eml

    monkeypatch.setattr(eml_import, "limit_bytes", lambda _session: 1_000_000)

    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\x00\x01\x02 not a message")
    with pytest.raises(UserError):
        import_eml(receiver, junk, today=TODAY)
    big = tmp_path / "big.eml"
    big.write_bytes(
        b"From: a@b.c\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/plain\r\n\r\nhi\r\n--B\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        b'filename="../../x.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + b"QUFB" * 500_000  # 1.5 MB decoded, over the letter's file limit
        + b"\r\n--B--\r\n"
    )
    with pytest.raises(UserError, match="больше допустимых"):
        import_eml(receiver, big, today=TODAY)
    small = tmp_path / "small.eml"
    small.write_bytes(big.read_bytes()[:400] + b"QUFB\r\n--B--\r\n")
    done = import_eml(receiver, small, today=TODAY)
    detail = incoming_detail(receiver, done.registered.id, today=TODAY)
    assert [f.name for f in detail.files] == ["Текст письма.txt", "x.bin"]
    assert detail.sender == "<a@b.c>"
    html = tmp_path / "html.eml"
    html.write_bytes(
        b"From: c@d.e\r\nSubject: y\r\nMessage-ID: <h@d.e>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Text</p>\r\n"
    )
    done = import_eml(receiver, html, today=TODAY)
    detail = incoming_detail(receiver, done.registered.id, today=TODAY)
    assert [f.name for f in detail.files] == ["Текст письма.html"]


def test_a_package_is_read_as_written(
    embedded_receiver: Database, package: Path, tmp_path: Path
) -> None:
    """Issue 37: the letter's pages counted from its document, not the passport's declared
    count; an attachment's description becomes its title; the package's uid is in
    ``incoming show --json``."""
    import json
    import zipfile

    from lxml import etree

    from app.exporters.medo import CONTAINER_NS, PASSPORT
    from app.services.files.file_store import count_pages
    from tests.support.cli import run

    inbox = tmp_path / "inbox" / package.name
    shutil.copytree(package, inbox)
    (container,) = inbox.glob("*.zip")
    with zipfile.ZipFile(container) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    passport = etree.fromstring(parts[PASSPORT])
    ns = {"c": CONTAINER_NS}
    (declared,) = passport.xpath("//c:document/c:pagesQuantity", namespaces=ns)
    declared.text = "12"  # what a sender's system declared, not what the document holds
    attachments = passport.find("c:attachments", ns)
    if attachments is None:
        attachments = etree.SubElement(passport, f"{{{CONTAINER_NS}}}attachments")
        passport.find("c:document", ns).addnext(attachments)
    extra = etree.SubElement(attachments, f"{{{CONTAINER_NS}}}attachment", localName="form.xlsx")
    etree.SubElement(extra, f"{{{CONTAINER_NS}}}order").text = "9"
    etree.SubElement(extra, f"{{{CONTAINER_NS}}}description").text = "Форма  отчета\n за 2025 год"
    parts[PASSPORT] = etree.tostring(passport, xml_declaration=True, encoding="UTF-8")
    parts["form.xlsx"] = b"PK\x05\x06" + bytes(18)
    with zipfile.ZipFile(container, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    pages = count_pages(Path("document.pdf"), parts["document.pdf"])
    assert 0 < pages != 12

    path = embedded_receiver.sqlite_path
    assert path is not None
    embedded_receiver.dispose()
    done = run("incoming", "import-medo", str(inbox), db=path)
    assert done.returncode == 0, done.stderr
    shown = run("incoming", "show", "1-вх", "--json", db=path)
    detail = json.loads(shown.stdout)
    assert detail["pages"] == pages
    assert detail["uid"] and detail["uid"] in (inbox / "message.xml").read_text(encoding="utf-8")
    titles = {f["name"]: f["title"] for f in detail["files"]}
    assert titles["form.xlsx"] == "Форма отчета за 2025 год"


def test_raw_8bit_headers_are_read_not_crashed_on(receiver: Database, tmp_path: Path) -> None:
    """Headers in raw UTF-8 (RFC 6532) or raw Windows-1251, not encoded words: the parser keeps
    their bytes as surrogates, which the database refused with a traceback; now they are text."""
    from app.services.incoming.eml_import import import_eml

    utf8 = tmp_path / "utf8.eml"
    utf8.write_bytes(
        "From: Иван Петров <petrov@example.org>\nSubject: Обращение по поводу конкурса\n"
        "Message-ID: <u8@example.org>\nContent-Type: text/plain; charset=utf-8\n\nПрошу.\n".encode()
    )
    cp1251 = tmp_path / "cp1251.eml"
    cp1251.write_bytes(
        "From: Сидоров <s@example.org>\nSubject: Запрос\nMessage-ID: <w@example.org>\n\nx\n".encode(
            "cp1251"
        )
    )
    first = import_eml(receiver, utf8, today=TODAY)
    second = import_eml(receiver, cp1251, today=TODAY)
    one = incoming_detail(receiver, first.registered.id, today=TODAY)
    two = incoming_detail(receiver, second.registered.id, today=TODAY)
    assert (one.subject, one.sender) == (
        "Обращение по поводу конкурса",
        "Иван Петров <petrov@example.org>",
    )
    assert (two.subject, two.sender) == ("Запрос", "Сидоров <s@example.org>")
