"""МЭДО for the tests: the program date, the container schema, a test signer, sign-and-send."""

from __future__ import annotations

import datetime as dt
import functools
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from app.services.dispatch.run import dispatch_letter
from tests.support.cms_signer import SignerKey, make_signer, sign_detached
from tests.support.places import SCHEMAS

TODAY = dt.date(2025, 12, 3)


SCHEMA = SCHEMAS / "medo" / "container_2.7.1_adapted.xsd"


def assert_valid_passport(data: bytes) -> None:
    schema = container_schema()
    if not schema.validate(etree.fromstring(data)):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:10])
        raise AssertionError(f"passport.xml fails the МЭДО 2.7.1 container schema:\n{errors}")


def sign_and_send(db: Any, letter: int, out: Path) -> None:
    """Both steps: the document to sign, its signature, the container."""
    before = set(documents_to_sign(out))
    dispatch_letter(db, letter, out, methods=("МЭДО",))
    documents = [d for d in documents_to_sign(out) if d not in before] or documents_to_sign(out)
    outcome = dispatch_letter(
        db, letter, out, methods=("МЭДО",), signatures=[sign_document(d) for d in documents]
    )
    assert outcome.problems == []


def package_of(out: Path) -> tuple[Path, dict[str, bytes]]:
    (folder,) = [p for p in (out / "МЭДО").iterdir() if p.name != "На подпись"]
    (zip_path,) = folder.glob("*.zip")
    with zipfile.ZipFile(zip_path) as archive:
        return folder, {name: archive.read(name) for name in archive.namelist()}


OLD_PASSPORT = """<?xml version="1.0" encoding="UTF-8"?>
<xdms:communication xmlns:xdms="http://www.infpres.com/IEDMS" xdms:version="2.6">
  <xdms:header xdms:type="Документ" xdms:uid="old-package-1" xdms:created="2025-11-30T10:00:00">
    <xdms:source xdms:uid="c0ffee00-0000-0000-0000-000000000001">
      <xdms:organization>Министерство промышленности и торговли Российской Федерации
      </xdms:organization>
    </xdms:source>
  </xdms:header>
  <xdms:document xdms:uid="doc-1">
    <xdms:num><xdms:number>ЕВ-12345/08</xdms:number><xdms:date>2025-11-28</xdms:date></xdms:num>
    <xdms:pages>2</xdms:pages>
    <xdms:annotation>О проведении совещания</xdms:annotation>
  </xdms:document>
  <xdms:files>
    <xdms:file xdms:localName="письмо.pdf" xdms:localId="0">
      <xdms:group>Текст документа</xdms:group></xdms:file>
    <xdms:file xdms:localName="../../etc/passwd" xdms:localId="1">
      <xdms:group>x</xdms:group></xdms:file>
  </xdms:files>
</xdms:communication>
"""


@functools.cache
def container_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@functools.cache
def signer_key() -> SignerKey:
    # 1961/5 is signed by Р.А. Чекушов (no certificate in his card: his name decides)
    return make_signer(
        "Чекушов", "Роман Андреевич", valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )


def documents_to_sign(out: Path) -> list[Path]:
    return sorted((out / SIGN_FOLDER).rglob("document.pdf"))


def sign_document(document: Path, digest: str = "sha256", signer: SignerKey | None = None) -> Path:
    signature = document.with_name("document.pdf.sig")
    signature.write_bytes(sign_detached(document.read_bytes(), signer or signer_key(), digest))
    return signature


SIGN_FOLDER = "МЭДО/На подпись"


@functools.cache
def message_schema() -> etree.XMLSchema:
    path = SCHEMAS / "medo" / "communication_2.6_ns_urnIEDMSMESSAGE_adapted.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid_message(data: bytes) -> None:
    schema = message_schema()
    document = etree.fromstring(data)
    assert schema.validate(document), schema.error_log
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
