"""GOST R 34.10-2012 signature values (issue 36, row 6), checked against signatures others made:
TC 26's example certificates and signed messages, and the root certificate of КриптоПро's test CA,
which КриптоПро CSP 4.0 signed (tests/data/gost/PROVENANCE.md). Then the program's own test signer
is held to the same verifier, and a detached signature and a chain are checked end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from asn1crypto import cms, x509

from app.rules import gost_signature
from app.rules.cert_chain import check_chain, load_authorities
from app.rules.detached_signature import ForgedSignature, read_signature
from app.support.errors import UserError
from tests.support.cms_signer import sign_detached
from tests.support.gost_signer import make_gost_authority, make_gost_signer
from tests.support.places import DATA

GOST = DATA / "gost"
TODAY = dt.date.today()


def _certificate(name: str) -> x509.Certificate:
    return x509.Certificate.load((GOST / name).read_bytes())


def _key(cert: x509.Certificate) -> gost_signature.GostKey:
    return gost_signature.gost_key(cert["tbs_certificate"]["subject_public_key_info"].dump())


@pytest.mark.parametrize(
    ("name", "curve"),
    [
        ("tk26iok-256.cer", "id-tc26-gost-3410-2012-256-paramSetB"),  # CryptoPro-XchA
        ("tk26iok-512.cer", "id-tc26-gost-3410-12-512-paramSetB"),
        ("cryptopro-test-ca-2018.cer", "id-tc26-gost-3410-2012-256-paramSetB"),  # CryptoPro-A
    ],
)
def test_self_signed_certificates_others_made_verify(name: str, curve: str) -> None:
    cert = _certificate(name)
    key = _key(cert)
    assert key.curve == curve
    tbs, value = cert["tbs_certificate"].dump(), cert["signature_value"].native
    assert gost_signature.verify(key, tbs, value)
    changed = bytearray(tbs)
    changed[-40] ^= 0x01
    assert not gost_signature.verify(key, bytes(changed), value)
    assert not gost_signature.verify(key, tbs, value[::-1])  # r and s in the other order
    assert not gost_signature.verify(key, tbs, value[:-1])


@pytest.mark.parametrize("bits", [256, 512])
def test_tc26_signed_messages_verify_with_their_certificates_key(bits: int) -> None:
    """TK26CMS's SignedData of «Test message», by the key of TK26IOK's certificate."""
    key = _key(_certificate(f"tk26iok-{bits}.cer"))
    signed = cms.ContentInfo.load((GOST / f"tk26cms-signed-{bits}.p7m").read_bytes())["content"]
    content = signed["encap_content_info"]["content"].native
    signer = signed["signer_infos"][0]
    assert content == b"Test message"
    assert signer["digest_algorithm"]["algorithm"].dotted == key.digest_oid
    assert gost_signature.verify(key, content, signer["signature"].native)
    assert not gost_signature.verify(key, b"Test messagE", signer["signature"].native)


def _as_key(spki: bytes, algorithm: str) -> bytes:
    """The same key bits under another algorithm's name."""
    info = gost_signature.KeyInfo.load(spki)
    return gost_signature.KeyInfo(
        {
            "algorithm": {"algorithm": algorithm, "parameters": info["algorithm"]["parameters"]},
            "public_key": info["public_key"],
        }
    ).dump()


def test_keys_the_program_does_not_verify_with_are_named() -> None:
    spki = _certificate("tk26iok-256.cer")["tbs_certificate"]["subject_public_key_info"].dump()
    with pytest.raises(gost_signature.UnsupportedKey, match=r"34\.10-2001"):
        gost_signature.gost_key(_as_key(spki, gost_signature.KEY_2001))
    with pytest.raises(ValueError, match="длиной 64 байт вместо 128"):  # 256-bit point as 512
        gost_signature.gost_key(_as_key(spki, gost_signature.KEY_512))
    xch_a, unknown = "06072a85030202240006", "06072a85030202240906"  # 1.2.643.2.2.36.0 → .9
    unknown_set = spki.replace(bytes.fromhex(xch_a), bytes.fromhex(unknown))
    assert unknown_set != spki
    with pytest.raises(gost_signature.UnsupportedKey, match="не поддерживаются"):
        gost_signature.gost_key(unknown_set)


@pytest.mark.parametrize("bits", [256, 512])
def test_a_detached_gost_signature_is_read_and_its_value_checked(bits: int) -> None:
    document = b"%PDF-1.4 letter"
    signer = make_gost_signer(bits=bits)
    read = read_signature(sign_detached(document, signer), "document.pdf.sig")
    assert read.signs(document) and not read.signs(document + b" ")
    assert read.signer.owner == "Протасов Максим Александрович"
    assert read.signer.digest == f"ГОСТ Р 34.11-2012 ({bits} бит)"


def test_the_digest_must_fit_the_key() -> None:
    """A 256-bit key's signature declaring Streebog-512 is refused before any value check."""
    signer = make_gost_signer()
    info = cms.ContentInfo.load(sign_detached(b"doc", signer))
    signed = info["content"]
    one = signed["signer_infos"][0]
    one["digest_algorithm"] = {"algorithm": "1.2.643.7.1.1.2.3"}
    signed["signer_infos"] = [one]
    changed = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    with pytest.raises(UserError, match="не подходит к ключу") as raised:
        read_signature(changed, "document.pdf.sig")
    assert not isinstance(raised.value, ForgedSignature)


def _folder(tmp_path: Path, name: str, *certificates: bytes) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for i, der in enumerate(certificates):
        (folder / f"ca{i}.cer").write_bytes(der)
    return folder


def test_a_gost_chain_to_a_trusted_authority(tmp_path: Path) -> None:
    authority, stranger = make_gost_authority(), make_gost_authority("Чужой УЦ ГОСТ")
    signed = read_signature(sign_detached(b"doc", make_gost_signer(authority=authority)))
    trusted = load_authorities(_folder(tmp_path, "trusted", authority.certificate))
    ok = check_chain(signed.certificate, signed.others, trusted, TODAY)
    assert ok.trusted and ok.line == "цепочка до УЦ проверена"
    # an authority of the same name with another key did not issue it
    impostor = make_gost_authority()
    other = load_authorities(
        _folder(
            tmp_path,
            "other",
            stranger.certificate,
            impostor.certificate,
            (GOST / "cryptopro-test-ca-2018.cer").read_bytes(),
        )
    )
    refused = check_chain(signed.certificate, signed.others, other, TODAY)
    assert refused.refused and "не выдан удостоверяющим центром" in refused.line


def test_the_cards_line_says_the_value_was_checked_or_forged() -> None:
    """What the incoming card and the arrivals queue show for a package's GOST signature."""
    from app.rules.signature_check import check_signature

    document = b"%PDF-1.4 incoming"
    good = sign_detached(document, make_gost_signer())
    line = check_signature(document, good, TODAY).line
    assert line.startswith("Подпись: Протасов Максим Александрович")
    assert line.endswith("значение подписи проверено")
    info = cms.ContentInfo.load(good)
    signed = info["content"]
    one = signed["signer_infos"][0]
    one["signature"] = bytes(64)
    signed["signer_infos"] = [one]
    forged = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    checked = check_signature(document, forged, TODAY)
    assert not checked.signs
    assert checked.line.startswith("Подпись НЕДЕЙСТВИТЕЛЬНА: ")


def test_a_signature_carrying_certificates_as_cryptopro_issues_them_is_read() -> None:
    """The certificates of a real КриптоПро chain (ИНН and ОГРН in the name, the sign-tool
    extensions) carried in the file are read, not taken for damage."""
    document = b"%PDF-1.4 letter"
    info = cms.ContentInfo.load(sign_detached(document, make_gost_signer()))
    signed = info["content"]
    real = _certificate("cryptopro-test-ca-2018.cer")
    signed["certificates"] = [*signed["certificates"], real]
    carried = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    read = read_signature(carried, "document.pdf.sig")
    assert read.signs(document) and read.others == (real.dump(),)
