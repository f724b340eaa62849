"""The letter's attachment files travel with it: listed and carried in the МЭДО container (the
passport valid against the 2.7.1 schema), attached to the e-mail under their own names; a message
too large for mail servers is refused with the reason before anything is written."""

from __future__ import annotations

import email
import os
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.services.dispatch.run import dispatch_letter
from app.services.organization.profile import get_organization, save_organization
from app.services.registry.letter_files import attach_file
from app.services.registry.letters import letter_id_by_number
from db.models import LetterAddressee
from tests.support.medo import assert_valid_passport, package_of, sign_and_send

pytestmark = pytest.mark.usefixtures("program_date")  # the demo's day: its certificates are valid


@pytest.fixture
def letter(mailing_db: Any, tmp_path: Path) -> int:
    letter_id = letter_id_by_number(mailing_db, "1961/5")
    form = tmp_path / "Методические рекомендации.docx"
    form.write_bytes(b"PK\x03\x04 not really a docx, bytes to carry" * 100)
    attach_file(mailing_db, letter_id, form, title="Методические рекомендации")
    return letter_id


def test_medo_container_lists_and_carries_the_files(
    mailing_db: Any, letter: int, tmp_path: Path
) -> None:
    sign_and_send(mailing_db, letter, tmp_path / "out")
    _folder, files = package_of(tmp_path / "out")
    assert files["attachment1.docx"].startswith(b"PK\x03\x04 not really")
    passport = files["passport.xml"]
    assert_valid_passport(passport)
    assert "Методические рекомендации".encode() in passport
    assert b'localName="attachment1.docx"' in passport


def test_email_attaches_the_files_under_their_names(
    mailing_db: Any, letter: int, tmp_path: Path
) -> None:
    dispatch_letter(mailing_db, letter, tmp_path, methods=("Электронная почта",))
    (eml,) = (tmp_path / "Электронная почта").iterdir()
    message = email.message_from_bytes(eml.read_bytes())
    names = [
        str(make_header(decode_header(p.get_param("name"))))  # type: ignore[arg-type]
        for p in message.walk()
        if p.get_param("name")
    ]
    assert names == ["Письмо 1961-5 от 02.12.2025.pdf", "Методические рекомендации.docx"]
    (part,) = [p for p in message.walk() if (p.get_filename() or "").endswith("docx")]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes) and payload.startswith(b"PK\x03\x04 not really")


def _big_attachment(db: Any, letter: int, tmp_path: Path, *, email: int, medo: int) -> None:
    org = get_organization(db)
    assert org is not None and (org.email_max_mb, org.medo_max_mb) == (25, 20)
    org.email_max_mb, org.medo_max_mb = email, medo
    save_organization(db, org)
    scan = tmp_path / "Большой план.bin"
    scan.write_bytes(os.urandom(1024 * 1024 + 1))
    attach_file(db, letter, scan, title="План")


def test_too_large_for_mail_is_refused_with_the_reason(
    mailing_db: Any, letter: int, tmp_path: Path
) -> None:
    _big_attachment(mailing_db, letter, tmp_path, email=1, medo=20)
    outcome = dispatch_letter(mailing_db, letter, tmp_path, methods=("Электронная почта",))
    assert not (tmp_path / "Электронная почта").exists()
    [problem] = outcome.problems
    assert "больше 1,0 МБ" in problem and "отправьте по МЭДО или почтой" in problem


def test_too_large_for_medo_is_refused_before_signing(
    mailing_db: Any, letter: int, tmp_path: Path
) -> None:
    _big_attachment(mailing_db, letter, tmp_path, email=25, medo=1)
    outcome = dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",))
    assert not (tmp_path / "МЭДО").exists() and outcome.unsigned == {}
    [problem] = outcome.problems
    assert "больше 1,0 МБ, допустимых для МЭДО" in problem


def test_the_postal_copy_carries_and_names_the_files(
    mailing_db: Any, letter: int, tmp_path: Path
) -> None:
    outcome = dispatch_letter(mailing_db, letter, tmp_path, methods=("Почта",))
    assert outcome.sent == {"Почта": 2}
    (folder,) = (tmp_path / "Почта").glob("* - приложения")
    (enclosed,) = folder.iterdir()
    assert enclosed.name == "Методические рекомендации.docx"
    assert enclosed.read_bytes().startswith(b"PK\x03\x04 not really")
    with mailing_db.read() as session:
        notes = session.scalars(
            select(LetterAddressee.dispatch_note).where(
                LetterAddressee.letter_id == letter, LetterAddressee.delivery == "Почта"
            )
        ).all()
    assert notes == ["почтой; вложено: Методические рекомендации.docx"] * 2
