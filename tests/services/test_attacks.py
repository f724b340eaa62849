"""What an attacker broke (issue 36): rows 9 and 10 — crashes on hostile input and arguments, an
old-format МЭДО package that followed a link, devices read as files. Each case is one Russian
line and exit code 2 (or a result), never an internal error, and nothing half written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.cli import main
from app.support.errors import UserError
from db.engine import Database


def _one_line(capsys: pytest.CaptureFixture[str], code: int, expected: int = 2) -> str:
    err = capsys.readouterr().err
    assert code == expected, err
    lines = err.strip().splitlines()
    assert lines and "внутренняя ошибка" not in err, err
    return lines[-1]


def _deep_mail(path: Path, depth: int) -> Path:
    body = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    )
    body += "Content-Type: text/plain\r\n\r\nТекст\r\n"
    body += "".join(f"--b{i}--\r\n" for i in reversed(range(depth)))
    path.write_text(f"From: a@b.ru\r\nSubject: x\r\nMIME-Version: 1.0\r\n{body}", "utf-8")
    return path


@pytest.mark.parametrize("depth", [1000, 150])
def test_a_mail_nested_deep_is_one_line(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    depth: int,
) -> None:  # fmt: skip
    mail = _deep_mail(tmp_path / "deep.eml", depth)
    argv = ["--db", str(db_path), "incoming", "import-eml", str(mail), "--number", "1",
            "--date", "01.12.2025"]  # fmt: skip
    line = _one_line(capsys, main(argv))
    assert line.startswith("secretariat: ")


def test_a_malformed_sender_header_is_read_as_it_came(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mail = tmp_path / "from.eml"
    mail.write_bytes(b'From: =?utf-8?q?a?= =?utf-8?q?b?= <"a"@[1.2.3.4>\r\nSubject: x\r\n'
                     b"Message-ID: <2@x>\r\n\r\nText\r\n")  # fmt: skip
    argv = ["--db", str(db_path), "incoming", "import-eml", str(mail), "--number", "2",
            "--date", "01.12.2025"]  # fmt: skip
    assert main(argv) == 0
    assert "внутренняя ошибка" not in capsys.readouterr().err


def test_a_nul_in_an_attachment_name_is_dropped(tmp_path: Path) -> None:
    from app.services.incoming.eml_import import read_mail

    mail = tmp_path / "nul.eml"
    mail.write_bytes(
        b"From: a@b.ru\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n'
        b"\r\nText\r\n--b\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="a\x00b\r\n c.pdf"\r\n\r\n%PDF\r\n--b--\r\n'
    )
    names = [name for name, _data in read_mail(mail, 10_000_000).files]
    assert names[1:] and all("\x00" not in n and "\n" not in n for n in names), names


def test_relative_backup_folders(
    demo_db: Database, db_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(db_path.parent)
    demo_db.dispose()
    base = ["--db", db_path.name]
    assert main([*base, "backup", "--to", "копии"]) == 0
    assert main([*base, "backup", "--list", "--to", "копии"]) == 0
    assert "Копий в" in capsys.readouterr().out
    assert main([*base, "restore", "--latest", "--from-folder", "копии"]) == 0
    assert "База восстановлена" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["incoming", "show", "1-вх", "--year", "99999999999"],
        ["incoming", "done", "1-вх", "--reply", "1893/5", "--reply-year", "-5"],
        ["incoming", "list", "--limit", "-1"],
    ],
)
def test_years_and_counts_are_bounded(
    demo_db: Database, db_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--db", str(db_path), *argv])
    line = _one_line(capsys, int(stop.value.code or 0))
    assert "нужно целое число от" in line


@pytest.mark.parametrize("url", ["postgresql+pg8000://clerk@localhost/registry", "nosuch://x/y"])
def test_a_database_address_without_its_driver(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _one_line(capsys, main(["--db", url, "check"]))
    assert "драйвер «pg8000»" in line or "не распознан" in line


def test_an_old_package_never_follows_a_link(demo_db: Database, tmp_path: Path) -> None:
    from app.services.incoming.listing import IncomingQuery, count_incoming
    from app.services.incoming.medo_import import import_medo
    from tests.support.medo import OLD_PASSPORT

    secret = tmp_path / "secret.txt"
    secret.write_text("пароль администратора", encoding="utf-8")
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "document.xml").write_text(OLD_PASSPORT, encoding="utf-8")
    (folder / "письмо.pdf").symlink_to(secret)
    before = count_incoming(demo_db, IncomingQuery())
    with pytest.raises(UserError, match=r"письмо\.pdf: это ссылка на другой файл"):
        import_medo(demo_db, folder)
    assert count_incoming(demo_db, IncomingQuery()) == before
    # the package's XML itself behind a link is refused the same way
    (folder / "письмо.pdf").unlink()
    (folder / "document.xml").rename(tmp_path / "real.xml")
    (folder / "document.xml").symlink_to(tmp_path / "real.xml")
    with pytest.raises(UserError, match=r"document\.xml: это ссылка на другой файл"):
        import_medo(demo_db, folder)


@pytest.mark.parametrize(
    "argv",
    [
        ["letters", "register", "/dev/zero"],
        ["incoming", "register", "/dev/zero"],
        ["incoming", "import-eml", "/dev/zero"],
        ["letters", "from-docx", "/dev/zero"],
        ["setup", "/dev/zero"],
        ["recipients", "import", "/dev/zero"],
        ["letters", "attach", "1893/5", "/dev/zero"],
    ],
)
def test_a_device_is_not_read_as_a_file(
    demo_db: Database, db_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    line = _one_line(capsys, main(["--db", str(db_path), *argv]))
    assert "не обычный файл" in line


def test_a_fifo_is_not_waited_on(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "card.json"
    os.mkfifo(fifo)
    line = _one_line(capsys, main(["--db", str(db_path), "letters", "register", str(fifo)]))
    assert "не обычный файл" in line


def test_a_copy_of_a_registry_that_went_its_own_way_is_not_restored_silently(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 36 row 5: registry B started as a file copy of A (the same identity); B's copy
    in a shared folder is not restored over A without --force — A's letter and B's share a
    number, and the refusal names it."""
    import shutil

    from app.services.registry.letters import register_letter
    from app.services.safety.backup import create_backup
    from app.services.safety.opening import open_registry
    from tests.support.builders import make_card

    demo_db.dispose()
    other = tmp_path / "b" / "registry.db"
    other.parent.mkdir()
    shutil.copy(db_path, other)
    a, b = open_registry(str(db_path)), open_registry(str(other))
    mine = register_letter(a, make_card(subject="О письме реестра А"))
    theirs = register_letter(b, make_card(subject="О письме реестра Б"))
    assert mine.number == theirs.number
    shared = tmp_path / "общая папка копий"
    create_backup(b, shared)
    a.dispose()
    b.dispose()
    argv = ["--db", str(db_path), "restore", "--latest", "--from-folder", str(shared)]
    line = _one_line(capsys, main(argv))
    assert f"№ {mine.number}: в базе" in line and "«О письме реестра А»" in line
    assert "«О письме реестра Б»" in line and "--force" in line
    a = open_registry(str(db_path))
    from app.services.registry.letter_cards import show_letter

    assert show_letter(a, mine.number)["subject"] == "О письме реестра А"  # nothing replaced
    a.dispose()
    assert main([*argv, "--force"]) == 0  # said explicitly: it is done


def test_pages_and_pictures_too_large_to_be_a_letter_are_refused_before_rendering(
    demo_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 36 row 7: a tiny PDF with a 14,400 pt page, a small PNG of 64 megapixels — one
    line each before anything is rendered or decoded, no number issued."""
    import io
    import json

    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    from app.services.registry.letter_list import LetterQuery, count_letters

    huge = io.BytesIO()
    canvas = Canvas(huge, pagesize=(14_400, 14_400))
    canvas.drawString(100, 100, "x")
    canvas.save()
    (tmp_path / "огромная.pdf").write_bytes(huge.getvalue())
    Image.new("1", (8000, 8000), 1).save(tmp_path / "скан.png")
    card = tmp_path / "card.json"
    card.write_text(json.dumps({
        "journal": "ИСХ", "case": "5", "subject": "О письме",
        "addressee": {"recipient": "kamchatka-governor"}, "signatory": "protasov",
    }), encoding="utf-8")  # fmt: skip
    before = count_letters(demo_db, LetterQuery())
    for name, said in (("огромная.pdf", "больше листа A0"), ("скан.png", "мегапикселей")):
        argv = ["--db", str(db_path), "letters", "register", str(card), "--document",
                str(tmp_path / name)]  # fmt: skip
        assert said in _one_line(capsys, main(argv))
    assert count_letters(demo_db, LetterQuery()) == before


def _resigned(info: object) -> bytes:
    """The ContentInfo dumped again after a change inside its SignedData (no forced dump of the
    certificates: asn1crypto's key schema fails on a GOST key)."""
    from asn1crypto import cms

    signed = info["content"]  # type: ignore[index]
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def _swap_value(signature: bytes, value: bytes) -> bytes:
    from asn1crypto import cms

    info = cms.ContentInfo.load(signature)
    signer = info["content"]["signer_infos"][0]
    signer["signature"] = value
    info["content"]["signer_infos"] = [signer]
    return _resigned(info)


def _swap_certificate(signature: bytes, certificate: bytes) -> bytes:
    from asn1crypto import cms, x509

    info = cms.ContentInfo.load(signature)
    cert = x509.Certificate.load(certificate)
    signed = info["content"]
    signed["certificates"] = [cert]
    signer = signed["signer_infos"][0]
    signer["sid"] = cms.SignerIdentifier(
        {
            "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                {"issuer": cert.issuer, "serial_number": cert.serial_number}
            )
        }
    )
    signed["signer_infos"] = [signer]
    return _resigned(info)


@pytest.mark.parametrize("kind", ["RSA", "ECDSA", "GOST-256", "GOST-512"])
def test_a_signature_value_is_checked_with_the_certificates_key(kind: str) -> None:
    """Issue 36 row 6 (the value): random bytes in place of the value, or the signatory's
    certificate beside a stranger's signature, are refused; a true signature passes."""
    import secrets

    from app.rules.detached_signature import ForgedSignature, read_signature
    from tests.support.cms_signer import SignerKey, make_signer, sign_detached
    from tests.support.gost_signer import make_gost_signer

    def signer(surname: str, given: str) -> SignerKey:
        if kind.startswith("GOST"):
            return make_gost_signer(surname, given, bits=int(kind[-3:]))
        return make_signer(surname, given, curve=kind == "ECDSA")

    document = b"%PDF-1.4 letter"
    signatory = signer("Протасов", "Максим Александрович")
    stranger = signer("Чужой", "Некто")
    true = sign_detached(document, signatory)
    assert read_signature(true).signs(document)
    size = {"RSA": 256, "ECDSA": 72, "GOST-256": 64, "GOST-512": 128}[kind]
    random_value = _swap_value(true, secrets.token_bytes(size))
    forged = _swap_certificate(sign_detached(document, stranger), signatory.certificate)
    for bad in (random_value, forged):
        with pytest.raises(ForgedSignature, match="значение подписи не сходится"):
            read_signature(bad, "document.sig")
