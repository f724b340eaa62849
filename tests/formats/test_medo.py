"""МЭДО 2.7.1 in two steps: the document to sign, then the container with the signatory's
detached signature — each passport validated against the vendored container schema, the
signature checked against the very document, the stamps placed on the document's own text.

Demo letter 1961/5 goes to Минпромторг by МЭДО (and to others by e-mail and post); 1893/5 goes
to 85 regional governments by МЭДО.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select

from app.services.dispatch.record import dispatch_status, mark
from app.services.dispatch.run import dispatch_letter
from app.services.registry.letters import letter_id_by_number
from app.support.errors import UserError
from db.models import Recipient, StoredFile
from tests.support.cms_signer import make_signer, sign_detached
from tests.support.medo import (
    assert_valid_passport,
    documents_to_sign,
    package_of,
    sign_and_send,
    sign_document,
    signer_key,
)

pytestmark = pytest.mark.usefixtures("program_date")  # the demo's day: its certificates are valid

C = "{urn:IEDMS:CONTAINER}"
M = "{urn:IEDMS:MESSAGE}"


@pytest.fixture
def letter(mailing_db: Any) -> int:
    return letter_id_by_number(mailing_db, "1961/5")


def test_without_a_signature_the_document_to_sign_is_prepared(
    mailing_db: Any, letter: int, tmp_path: Path
):
    outcome = dispatch_letter(mailing_db, letter, tmp_path / "a", methods=("МЭДО",))
    assert outcome.unsigned == {"МЭДО": 1} and outcome.prepared == {}
    (document,) = documents_to_sign(tmp_path / "a")
    assert outcome.to_sign == [str(document.relative_to(tmp_path / "a"))]
    assert [p.name for p in (tmp_path / "a").rglob("*") if p.is_file()] == ["document.pdf"]
    copy = dispatch_status(mailing_db, letter).copy("minpromtorg")
    assert copy.state == "unsigned" and copy.label == "Подготовлено (не подписано)"
    assert "подпишите document.pdf" in copy.note
    assert dispatch_status(mailing_db, letter).state == "prepared"

    # the same letter version gives the same bytes: a signature made of the first stays valid
    dispatch_letter(mailing_db, letter, tmp_path / "b", methods=("МЭДО",))
    (again,) = documents_to_sign(tmp_path / "b")
    assert again.read_bytes() == document.read_bytes()


def test_document_to_sign_is_pdf_a_1b(mailing_db: Any, letter: int, tmp_path: Path):
    dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",))
    (document,) = documents_to_sign(tmp_path)
    data = document.read_bytes()
    assert data.startswith(b"%PDF-1.4")
    assert b"/ObjStm" not in data and b"/XRefStm" not in data and b"/Type /XRef" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("1", "B")
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                assert "/SMask" not in obj  # PDF/A-1: no transparency
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/ExtGState":
                assert float(obj.get("/CA", 1)) == 1 and float(obj.get("/ca", 1)) == 1
    assert "Министерство промышленности" in _text(data)


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_signed_container_passes_the_schema(mailing_db: Any, letter: int, tmp_path: Path):
    dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",))
    (document,) = documents_to_sign(tmp_path)
    signature = sign_document(document)
    outcome = dispatch_letter(
        mailing_db, letter, tmp_path, methods=("МЭДО",), signatures=[signature]
    )
    assert outcome.prepared == {"МЭДО": 1} and outcome.problems == []
    assert outcome.signed == [
        "document.pdf.sig: Чекушов Роман Андреевич, сертификат 1D7A3C4B2E5F60718293A4B5C6D7E8F"
    ]
    folder, files = package_of(tmp_path)

    assert sorted(files) == [
        "document.pdf",
        "document.sig",
        "passport.xml",
        "registration_stamp.png",
        "signature_stamp.png",
    ]
    assert files["document.pdf"] == document.read_bytes()  # the very file signed
    assert files["document.sig"] == signature.read_bytes()
    assert_valid_passport(files["passport.xml"])

    passport = ET.fromstring(files["passport.xml"])
    uid = passport.get(f"{C}uid")
    author = passport.find(f"{C}authors/{C}author")
    assert author is not None
    assert author.find(f"{C}organization").get(f"{C}id") == "7d4f1c2e-5b8a-4e0f-9c3d-2a6b8e1f4c07"  # type: ignore[union-attr]
    assert author.findtext(f"{C}registration/{C}number") == "1961/5"
    assert author.findtext(f"{C}registration/{C}date") == "2025-12-02"
    stamp = author.find(f"{C}registration/{C}registrationStamp")
    assert stamp is not None and stamp.get(f"{C}localName") == "registration_stamp.png"
    assert stamp.findtext(f"{C}position/{C}page") == "1"
    assert author.findtext(f"{C}sign/{C}person/{C}name") == "Р.А. Чекушов"
    sign = author.find(f"{C}sign/{C}documentSignature")
    assert sign is not None and sign.get(f"{C}localName") == "document.sig"
    assert sign.get(f"{C}type") == "Утверждающая"
    assert sign.find(f"{C}signatureStamp").get(f"{C}localName") == "signature_stamp.png"  # type: ignore[union-attr]
    (addressee,) = passport.findall(f"{C}addressees/{C}addressee")
    medo_id = _recipient(mailing_db, "minpromtorg").medo_id
    assert addressee.find(f"{C}organization").get(f"{C}id") == medo_id  # type: ignore[union-attr]
    pages = len(pikepdf.open(io.BytesIO(files["document.pdf"])).pages)
    assert passport.findtext(f"{C}document/{C}pagesQuantity") == str(pages)

    # stamps: PNGs of the size the passport gives (300 dpi), each on the document's own text
    for tag, name in (("registrationStamp", "registration_stamp.png"),
                      ("signatureStamp", "signature_stamp.png")):  # fmt: skip
        element = passport.find(f".//{C}{tag}")
        assert element is not None
        w = int(element.findtext(f"{C}position/{C}dimension/{C}w", "0"))
        h = int(element.findtext(f"{C}position/{C}dimension/{C}h", "0"))
        image = Image.open(io.BytesIO(files[name]))
        assert image.format == "PNG"
        assert image.size == (round(w * 300 / 25.4), round(h * 300 / 25.4))
    number_box = _word_box(files["document.pdf"], "1961/5")
    x = int(stamp.findtext(f"{C}position/{C}topLeft/{C}x", "-1"))
    y = int(stamp.findtext(f"{C}position/{C}topLeft/{C}y", "-1"))
    w = int(stamp.findtext(f"{C}position/{C}dimension/{C}w", "0"))
    h = int(stamp.findtext(f"{C}position/{C}dimension/{C}h", "0"))
    assert x <= number_box[0] and number_box[2] <= x + w
    assert y <= number_box[1] and number_box[3] <= y + h

    message = (folder / "message.xml").read_bytes()
    assert message.split(b"\n")[0] == b'<?xml version="1.0" encoding="UTF-8"?>'
    root = ET.fromstring(message)
    assert root.tag == f"{M}communication" and root.get(f"{M}version") == "2.7.1"
    assert root.findtext(f"{M}container/{M}body") == f"{uid}.zip"
    envelope = (folder / "envelope.ini").read_bytes().decode("cp1251")
    address = _recipient(mailing_db, "minpromtorg").medo_address
    assert "~" in address
    assert f"[АДРЕСАТЫ]\r\n0={address}\r\n" in envelope
    assert "АВТООТПРАВКА=1\r\n" in envelope and "ДАТА=03.12.2025 " in envelope
    assert f"[ФАЙЛЫ]\r\n0=message.xml\r\n1={uid}.zip\r\n" in envelope

    copy = dispatch_status(mailing_db, letter).copy("minpromtorg")
    assert copy.state == "prepared" and copy.uid == uid
    assert "Чекушов Роман Андреевич" in copy.note and "29.11.2026" not in copy.note
    with mailing_db.read() as session:
        stored = session.get(StoredFile, copy.file_id)
        assert stored is not None and stored.content == (folder / f"{uid}.zip").read_bytes()


def _word_box(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """Where ``text`` is printed on page 1: left, top, right, bottom in mm from the top-left."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    page = document[0]
    textpage = page.get_textpage()
    start, count = textpage.search(text).get_next()
    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
    mm = 72 / 25.4
    height = page.get_height()
    return (
        min(b[0] for b in boxes) / mm,
        (height - max(b[3] for b in boxes)) / mm,
        max(b[2] for b in boxes) / mm,
        (height - min(b[1] for b in boxes)) / mm,
    )


@pytest.mark.parametrize("bits", [256, 512])
def test_a_gost_signature_is_accepted(mailing_db: Any, letter: int, tmp_path: Path, bits: int):
    """As КриптоПро signs: GOST R 34.10-2012 with Streebog of the key's size; its value checked."""
    from tests.support.gost_signer import make_gost_signer

    dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",))
    (document,) = documents_to_sign(tmp_path)
    signer = make_gost_signer(
        "Чекушов", "Роман Андреевич", bits=bits, valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    signature = sign_document(document, signer=signer)
    outcome = dispatch_letter(
        mailing_db, letter, tmp_path, methods=("МЭДО",), signatures=[signature]
    )
    assert outcome.prepared == {"МЭДО": 1}
    _folder, files = package_of(tmp_path)
    assert_valid_passport(files["passport.xml"])


def test_signature_of_another_file_is_refused(mailing_db: Any, letter: int, tmp_path: Path):
    dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",))
    (document,) = documents_to_sign(tmp_path)
    other = tmp_path / "other.sig"
    other.write_bytes(sign_detached(document.read_bytes() + b"\n", signer_key()))
    before = dispatch_status(mailing_db, letter).copy("minpromtorg")
    with pytest.raises(UserError, match="подпись сделана к другому файлу"):
        dispatch_letter(mailing_db, letter, tmp_path / "x", methods=("МЭДО",), signatures=[other])
    assert not (tmp_path / "x" / "МЭДО").exists()
    after = dispatch_status(mailing_db, letter).copy("minpromtorg")
    assert (after.state, after.note) == (before.state, before.note)

    damaged = tmp_path / "damaged.sig"
    damaged.write_bytes(b"\x30\x82\x01\x00" + bytes(200))
    with pytest.raises(UserError, match="поврежден"):
        dispatch_letter(mailing_db, letter, tmp_path / "y", methods=("МЭДО",), signatures=[damaged])


def test_expired_certificate_is_refused(mailing_db: Any, letter: int, tmp_path: Path):
    dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",))
    (document,) = documents_to_sign(tmp_path)
    old = make_signer(valid_from=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), days=365)
    signature = sign_document(document, signer=old)
    with pytest.raises(UserError, match=r"по 31\.12\.2024 — подпись на сегодня недействительна"):
        dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",), signatures=[signature])


def test_copy_without_a_medo_address_stops_that_recipient_only(mailing_db: Any, tmp_path: Path):
    from app.services.registry.letters import Addressee, register_letter
    from tests.support.builders import make_card

    card = make_card(addressee=Addressee(recipients=["region-01", "region-02"]))
    number = register_letter(mailing_db, card).number
    letter = letter_id_by_number(mailing_db, number)
    with mailing_db.write() as session:
        r = session.scalars(select(Recipient).where(Recipient.code == "region-02")).one()
        r.medo_address = ""
    outcome = dispatch_letter(mailing_db, letter, tmp_path)
    assert outcome.unsigned == {"МЭДО": 1}
    assert outcome.problems == [
        "№ 2 Правительство Брянской области: у адресата нет адреса МЭДО вида ИМЯ~ДОМЕН "
        "(карточка адресата)"
    ]
    states = [c.state for c in dispatch_status(mailing_db, letter).copies]
    assert states == ["unsigned", "not_sent"]


def test_whole_mailing_is_one_signed_container_for_all(mailing_db: Any, tmp_path: Path):
    letter = letter_id_by_number(mailing_db, "1893/5")
    mark(mailing_db, letter, [], "не отправлено")
    outcome = dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",), medo_whole=True)
    assert outcome.unsigned == {"МЭДО": 85}
    (document,) = documents_to_sign(tmp_path)
    outcome = dispatch_letter(
        mailing_db,
        letter,
        tmp_path,
        methods=("МЭДО",),
        medo_whole=True,
        signatures=[sign_document(document)],
    )
    assert outcome.prepared == {"МЭДО": 85}
    folder, files = package_of(tmp_path)
    assert_valid_passport(files["passport.xml"])
    passport = ET.fromstring(files["passport.xml"])
    assert len(passport.findall(f"{C}addressees/{C}addressee")) == 85
    text = (folder / "envelope.ini").read_bytes().decode("cp1251")
    assert "84=" in text and "85=" not in text
    uid = {c.uid for c in dispatch_status(mailing_db, letter).copies if c.method == "МЭДО"}
    assert len(uid) == 1


@pytest.mark.slow
def test_every_regional_passport_passes_the_schema(mailing_db: Any, tmp_path: Path):
    """85 personal copies of 1893/5, each signed by its own signature (one run, 85 files)."""
    letter = letter_id_by_number(mailing_db, "1893/5")
    mark(mailing_db, letter, [], "не отправлено")
    dispatch_letter(mailing_db, letter, tmp_path, methods=("МЭДО",))
    documents = documents_to_sign(tmp_path)
    assert len(documents) == 85
    signatures = [sign_document(d) for d in documents]
    outcome = dispatch_letter(
        mailing_db, letter, tmp_path, methods=("МЭДО",), signatures=signatures
    )
    assert outcome.prepared == {"МЭДО": 85} and outcome.problems == []
    zips = [p for p in (tmp_path / "МЭДО").rglob("*.zip")]
    assert len(zips) == 85
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            assert_valid_passport(archive.read("passport.xml"))


def _recipient(db: Any, code: str) -> Recipient:
    with db.read() as session:
        return session.scalars(select(Recipient).where(Recipient.code == code)).one()


def test_signature_stamp_lies_over_the_letters_own_mark(
    mailing_db: Any, letter: int, tmp_path: Path
):
    """A letter signed electronically prints the mark itself: the stamp goes over it."""
    from db.models import Certificate, Letter

    with mailing_db.write() as session:
        row = session.get(Letter, letter)
        row.signature_kind = "electronic"
        session.add(
            Certificate(
                staff_id=row.signatory_id,
                serial="01D7A3C4B2E5F60718293A4B5C6D7E8F",
                owner="Чекушов Роман Александрович",
                valid_from=dt.date(2025, 1, 1),
                valid_to=dt.date(2026, 1, 1),
            )
        )
    sign_and_send(mailing_db, letter, tmp_path)
    _folder, files = package_of(tmp_path)
    assert_valid_passport(files["passport.xml"])
    stamp = ET.fromstring(files["passport.xml"]).find(f".//{C}signatureStamp")
    assert stamp is not None
    x = int(stamp.findtext(f"{C}position/{C}topLeft/{C}x", "-1"))
    y = int(stamp.findtext(f"{C}position/{C}topLeft/{C}y", "-1"))
    w = int(stamp.findtext(f"{C}position/{C}dimension/{C}w", "0"))
    h = int(stamp.findtext(f"{C}position/{C}dimension/{C}h", "0"))
    mark = _word_box(files["document.pdf"], "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ")
    assert x <= mark[0] and mark[2] <= x + w and y <= mark[1] and mark[3] <= y + h
    validity = _word_box(files["document.pdf"], "Действителен")
    assert validity[3] <= y + h  # the whole mark, down to its last line
