"""The signatory's detached signature of a document, checked against the document itself.

A detached signature (``.sig``, ``.p7s``) is a CMS ``SignedData`` without the content, as
КриптоАРМ and the МЭДО client save it (DER, or Base64 with or without PEM lines). The check:

- the file is a ``SignedData`` with one signer and the signed attribute ``messageDigest``;
- that digest equals the digest of the given document, computed with the signer's digest
  algorithm: SHA-256/384/512 or GOST R 34.11-2012 «Стрибог» 256/512;
- the signer's certificate is in the file; its owner, serial number and validity are read out.

- the signature value over the signed attributes, with the key of that certificate: GOST R
  34.10-2012 (256 and 512 bits) through ``gostcrypto`` in the byte conventions of CMS
  (app/rules/gost_signature.py, checked against TC 26's examples and a certificate КриптоПро CSP
  signed), RSA (PKCS #1 v1.5, PSS) and ECDSA through ``cryptography``: random bytes, or the
  signatory's certificate put beside a stranger's signature, are refused.

Whether the certificate is the letter's signatory's is ``app/rules/signer_match.py``'s rule, applied
where the signature meets the letter (services/dispatch/run.py).

The certificate chain is app/rules/cert_chain.py's. A signature without signed attributes (the
value over the document itself) is refused: КриптоАРМ, КриптоПро and the МЭДО client always
write them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.support.errors import UserError
from app.support.text import thousands

MAX_SIGNATURE = 1024 * 1024  # a signature with its certificates is a few kilobytes


def _streebog(oid: str) -> Callable[[bytes], bytes]:
    def digest(data: bytes) -> bytes:
        from app.rules.gost_signature import streebog

        return streebog(oid, data)

    return digest


def _hashlib(name: str) -> Callable[[bytes], bytes]:
    return lambda data: hashlib.new(name, data).digest()


DIGESTS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "2.16.840.1.101.3.4.2.1": ("SHA-256", _hashlib("sha256")),
    "2.16.840.1.101.3.4.2.2": ("SHA-384", _hashlib("sha384")),
    "2.16.840.1.101.3.4.2.3": ("SHA-512", _hashlib("sha512")),
    "1.2.643.7.1.1.2.2": ("ГОСТ Р 34.11-2012 (256 бит)", _streebog("1.2.643.7.1.1.2.2")),
    "1.2.643.7.1.1.2.3": ("ГОСТ Р 34.11-2012 (512 бит)", _streebog("1.2.643.7.1.1.2.3")),
}
_PEM_LINE = re.compile(rb"^-----[A-Z0-9 ]+-----\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SignerInfo:
    """Whose signature it is, from the certificate carried in the file."""

    owner: str  # «Протасов Максим Александрович»
    organization: str
    serial: str  # hexadecimal, as certificate tools show it
    valid_from: dt.date
    valid_to: dt.date
    digest: str  # «ГОСТ Р 34.11-2012 (256 бит)»

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


def _too_large(name: str) -> str:
    return (
        f"{name}: файл подписи больше {thousands(MAX_SIGNATURE // 1024)} КБ — "
        "это не открепленная подпись"
    )


def _der(data: bytes, name: str) -> bytes:
    """DER from DER, Base64 or PEM."""
    if data[:1] == b"\x30":
        return data
    text = _PEM_LINE.sub(b"", data)
    try:
        return base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise UserError(f"{name}: это не файл подписи (ожидается .sig в DER или Base64)") from None


def _signed_data(data: bytes, name: str) -> object:
    from asn1crypto import cms

    if len(data) > MAX_SIGNATURE:
        raise UserError(_too_large(name))
    try:
        info = cms.ContentInfo.load(_der(data, name), strict=True)
        if info["content_type"].native != "signed_data":
            raise UserError(f"{name}: это не подпись CMS (SignedData)")
        signed = info["content"]
        _parse_whole(signed)  # now, not half-way through the check
    except UserError:
        raise
    except Exception:  # asn1crypto raises ValueError, TypeError, … on damaged DER
        raise UserError(f"{name}: файл подписи поврежден или это не подпись CMS") from None
    return signed


_TBS_FIELDS = ("version", "serial_number", "signature", "issuer", "validity", "subject",
               "issuer_unique_id", "subject_unique_id", "extensions")  # fmt: skip


def _parse_whole(signed: Any) -> None:
    """Every part of the SignedData parsed, so that damage shows here. A certificate's key is
    read by gost_signature's own schema: asn1crypto's fails on a GOST key."""
    from app.rules.gost_signature import key_algorithm

    for field in ("version", "digest_algorithms", "encap_content_info", "crls", "signer_infos"):
        _ = signed[field].native
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            _ = choice.native
            continue
        cert = choice.chosen
        _ = cert["signature_algorithm"].native, cert["signature_value"].native
        tbs = cert["tbs_certificate"]
        for field in _TBS_FIELDS:
            _ = tbs[field].native
        key_algorithm(tbs["subject_public_key_info"].dump())


def _certificate(signed: object, signer: object) -> object:
    sid = signer["sid"]  # type: ignore[index]
    for choice in signed["certificates"] or []:  # type: ignore[index]
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer == wanted["issuer"]
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _name_part(name: object, *keys: str) -> str:
    native = name.native  # type: ignore[attr-defined]
    for key in keys:
        value = native.get(key)
        if value:
            return str(value if isinstance(value, str) else value[0])
    return ""


def _owner(subject: object) -> str:
    surname = _name_part(subject, "surname")
    given = _name_part(subject, "given_name")
    if surname:
        return " ".join(part for part in (surname, given) if part)
    return _name_part(subject, "common_name")


@dataclass(frozen=True)
class DetachedSignature:
    """A signature file read once: its bytes, the digest it declares and whose it is."""

    name: str  # for messages: the file's name
    content: bytes
    digest_oid: str
    declared: bytes  # the signed attribute messageDigest
    signer: SignerInfo
    certificate: bytes = b""  # the signer's certificate, DER
    others: tuple[bytes, ...] = ()  # the other certificates the file carries (intermediates)

    def digest_of(self, document: bytes) -> bytes:
        return DIGESTS[self.digest_oid][1](document)

    def signs(self, document: bytes, digest: bytes | None = None) -> bool:
        """Whether this signs ``document`` (``digest``: its digest by this algorithm, when the
        caller has it already)."""
        return self.declared == (digest if digest is not None else self.digest_of(document))


def read_signature(data: bytes, name: str = "Подпись") -> DetachedSignature:
    """A detached signature parsed and checked for what it must hold; else UserError."""
    signed = _signed_data(data, name)
    signers = signed["signer_infos"]  # type: ignore[index]
    if len(signers) != 1:
        raise UserError(f"{name}: в файле {len(signers)} подписей; нужна одна подпись документа")
    signer = signers[0]
    oid = signer["digest_algorithm"]["algorithm"].dotted
    if oid not in DIGESTS:
        raise UserError(
            f"{name}: алгоритм хэширования {signer['digest_algorithm']['algorithm'].native} "
            "не поддерживается (ГОСТ Р 34.11-2012 или SHA-256)"
        )
    attributes = signer["signed_attrs"]
    declared = None
    for attribute in attributes if attributes else []:
        if attribute["type"].native == "message_digest":
            declared = attribute["values"][0].native
    if declared is None:
        raise UserError(f"{name}: в подписи нет хэша документа (атрибут messageDigest)")
    cert = _certificate(signed, signer)
    if cert is None:
        raise UserError(f"{name}: в файле подписи нет сертификата подписавшего")
    _check_value(signer, cert, oid, name)
    tbs = cert["tbs_certificate"]  # type: ignore[index]
    validity = tbs["validity"]
    info = SignerInfo(
        owner=_owner(tbs["subject"]),
        organization=_name_part(tbs["subject"], "organization_name"),
        serial=format(tbs["serial_number"].native, "X"),
        valid_from=validity["not_before"].native.date(),
        valid_to=validity["not_after"].native.date(),
        digest=DIGESTS[oid][0],
    )
    carried = [
        c.chosen.dump()
        for c in signed["certificates"] or []  # type: ignore[index]
        if c.name == "certificate"
    ]
    own = cert.dump()  # type: ignore[attr-defined]
    others = tuple(c for c in carried if c != own)
    return DetachedSignature(name, data, oid, declared, info, own, others)


_HASHES = {"sha256": "SHA256", "sha384": "SHA384", "sha512": "SHA512", "sha1": "SHA1"}


class ForgedSignature(UserError):
    """The signature reads, but its value is not the certificate's key's over what it signs."""


def _broken(name: str) -> UserError:
    return ForgedSignature(
        f"{name}: значение подписи не сходится с ключом сертификата подписавшего — подпись "
        "испорчена или подделана"
    )


def _check_value(signer: Any, cert: Any, digest_oid: str, name: str) -> None:
    """The signature value over the signed attributes verified with the certificate's key;
    UserError when it does not verify or the key is of a kind not checked."""
    from app.rules import gost_signature

    spki = cert["tbs_certificate"]["subject_public_key_info"].dump()
    signed_attributes = b"\x31" + signer["signed_attrs"].dump()[1:]  # SET OF, as signed
    value = signer["signature"].native
    if gost_signature.key_algorithm(spki) in gost_signature.GOST_KEYS:
        try:
            key = gost_signature.gost_key(spki)
        except gost_signature.UnsupportedKey as exc:
            raise UserError(f"{name}: {exc}") from None
        except ValueError:
            raise UserError(f"{name}: ключ сертификата подписавшего поврежден") from None
        if digest_oid != key.digest_oid:
            raise UserError(
                f"{name}: хэш {DIGESTS[digest_oid][0]} не подходит к ключу ГОСТ Р 34.10-2012 "
                f"({key.size * 8} бит)"
            )
        if not gost_signature.verify(key, signed_attributes, value):
            raise _broken(name)
        return
    _check_foreign_value(signer, cert, signed_attributes, value, name)


def _check_foreign_value(
    signer: Any, cert: Any, signed_attributes: bytes, value: bytes, name: str
) -> None:
    """RSA and ECDSA through ``cryptography``."""
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.x509 import load_der_x509_certificate

    algorithm = signer["signature_algorithm"]
    try:
        hash_name = algorithm.hash_algo
    except ValueError:  # «rsaEncryption»: the hash is the signer's digest algorithm
        hash_name = signer["digest_algorithm"]["algorithm"].native
    if hash_name not in _HASHES:
        raise UserError(
            f"{name}: алгоритм подписи {algorithm['algorithm'].native} не поддерживается"
        )
    chosen = getattr(hashes, _HASHES[hash_name])()
    try:
        key = load_der_x509_certificate(cert.dump()).public_key()
        if isinstance(key, rsa.RSAPublicKey):
            if algorithm.signature_algo == "rsassa_pss":
                scheme: Any = padding.PSS(padding.MGF1(chosen), padding.PSS.AUTO)
            else:
                scheme = padding.PKCS1v15()
            key.verify(value, signed_attributes, scheme, chosen)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(value, signed_attributes, ec.ECDSA(chosen))
        else:
            raise UserError(f"{name}: ключ сертификата подписавшего не поддерживается")
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        raise _broken(name) from None


def load_signature(path: Path) -> DetachedSignature:
    """A signature file read in bounded memory (the size is looked at before reading)."""
    from app.support.files import read_regular

    try:
        if path.is_file() and path.stat().st_size > MAX_SIGNATURE:
            raise UserError(_too_large(path.name))
    except OSError as exc:
        raise UserError(f"{path}: не удалось прочитать подпись ({exc.strerror or exc})") from exc
    try:
        data = read_regular(path, MAX_SIGNATURE, "подпись")
    except UserError as exc:
        said = str(exc).removeprefix(f"{path}: ")
        raise UserError(f"{path}: не удалось прочитать подпись ({said})") from None
    return read_signature(data, path.name)
