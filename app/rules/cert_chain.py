"""Whether a signer's certificate leads to a certification authority the administrator trusts —
the certificates of those authorities are files in a folder («Папка сертификатов УЦ», Settings →
Отправка почты).

The chain is built from the signer's certificate up: each issuer found among the certificates the
signature carries and those in the folder by name, and its signature over the certificate checked
with its key (RSA and ECDSA through ``cryptography``, GOST R 34.10-2012 through
app/rules/gost_signature.py); the chain is trusted when it reaches a certificate of the folder,
every link valid on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_FILES = 500
MAX_FILE = 1024 * 1024
SUFFIXES = {".cer", ".crt", ".pem", ".der"}


@dataclass(frozen=True)
class ChainCheck:
    trusted: bool
    checked: bool  # False: no folder given — nothing was decided
    line: str  # what the clerk reads on the copy's card

    @property
    def refused(self) -> bool:
        return self.checked and not self.trusted


def _parse(data: bytes) -> list[Any]:
    from cryptography import x509

    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            return list(x509.load_pem_x509_certificates(data))
        except ValueError:
            return []
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []


@dataclass(frozen=True)
class Authorities:
    """The folder named, read once for a whole dispatch run."""

    folder: Path
    found: bool  # the folder exists
    certificates: tuple[Any, ...]


def load_authorities(folder: Path | None) -> Authorities | None:
    """The certificates in the folder (DER or PEM, several to a file), bounded in count and
    size; files that are not certificates are passed over. None: no folder named."""
    from app.support.files import read_regular

    if folder is None:
        return None
    if not folder.is_dir():
        return Authorities(folder, False, ())
    found: list[Any] = []
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)[:MAX_FILES]
    for path in paths:
        try:
            found.extend(_parse(read_regular(path, MAX_FILE, "Сертификат УЦ")))
        except Exception:
            continue
    return Authorities(folder, True, tuple(found))


def _valid(cert: Any, day: dt.date) -> bool:
    return bool(cert.not_valid_before_utc.date() <= day <= cert.not_valid_after_utc.date())


def _gost_issued_by(cert: Any, issuer: Any) -> bool:
    from asn1crypto import x509

    from app.rules import gost_signature

    expected = gost_signature.SIGNATURE_KEYS.get(cert.signature_algorithm_oid.dotted_string)
    try:
        spki = x509.Certificate.load(issuer.public_bytes(_der()))["tbs_certificate"][
            "subject_public_key_info"
        ].dump()
        key = gost_signature.gost_key(spki)
    except ValueError:  # UnsupportedKey too
        return False
    if key.algorithm != expected:
        return False
    return gost_signature.verify(key, cert.tbs_certificate_bytes, cert.signature)


def _issued_by(cert: Any, issuer: Any) -> bool:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    from app.rules.gost_signature import GOST_KEYS

    if issuer.public_key_algorithm_oid.dotted_string in GOST_KEYS:
        return _gost_issued_by(cert, issuer)
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def check_chain(
    signer: bytes, carried: Iterable[bytes], given: Authorities | None, day: dt.date
) -> ChainCheck:
    """The signer's certificate (DER) up to an authority of the folder given."""
    from cryptography import x509

    if given is None:
        return ChainCheck(
            False, False, "цепочка до УЦ не проверена: папка сертификатов УЦ не задана"
        )
    folder, authorities = given.folder, given.certificates
    if not given.found:
        return ChainCheck(False, True, f"папка сертификатов УЦ {folder} не найдена")
    if not authorities:
        return ChainCheck(False, True, f"в папке {folder} нет сертификатов УЦ")
    try:
        current = x509.load_der_x509_certificate(signer)
    except ValueError:
        return ChainCheck(False, True, "сертификат подписавшего не читается")
    pool = [*authorities, *(c for d in carried for c in _parse(d))]
    trusted = {a.public_bytes(_der()) for a in authorities}
    for _depth in range(8):
        if not _valid(current, day):
            return ChainCheck(False, True, f"сертификат {current.subject.rfc4514_string()} "
                              "недействителен на сегодня")  # fmt: skip
        if current.public_bytes(_der()) in trusted:
            return ChainCheck(True, True, "цепочка до УЦ проверена")
        issuer = next(
            (c for c in pool if c.subject == current.issuer and _issued_by(current, c)), None
        )
        if issuer is None:
            return ChainCheck(
                False, True, f"сертификат не выдан удостоверяющим центром из папки {folder}"
            )
        if issuer.public_bytes(_der()) == current.public_bytes(_der()):
            break  # self-signed, not in the folder
        current = issuer
    return ChainCheck(False, True, f"сертификат не выдан удостоверяющим центром из папки {folder}")


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER
