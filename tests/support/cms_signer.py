"""A signatory's tool in miniature: a test key, its certificate and detached CMS signatures.

The certificate is self-signed (RSA 2048, made by ``cryptography``); the signature is a CMS
``SignedData`` without the content, with the signed attributes contentType, signingTime and
messageDigest, built with asn1crypto — what КриптоАРМ writes to ``document.pdf.sig``. The digest
of the document is SHA-256 or GOST R 34.11-2012 (Streebog-256, gostcrypto); the signature value
over the attributes is RSA (or ECDSA P-256) with SHA-256, or GOST R 34.10-2012 with the key of
tests/support/gost_signer.py (then the digest is Streebog of the key's size), which the program
verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SignerKey:
    key: Any
    certificate: bytes  # DER


def make_signer(
    surname: str = "Протасов",
    given: str = "Максим Александрович",
    *,
    valid_from: dt.datetime | None = None,
    days: int = 365,
    curve: bool = False,
    serial: int = 0x01D7A3C4B2E5F60718293A4B5C6D7E8F,  # the demo's Протасов's, in his staff card
) -> SignerKey:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    key: Any = (
        ec.generate_private_key(ec.SECP256R1())
        if curve
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, given),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {given}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Минэкономразвития России"),
        ]
    )
    start = valid_from or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return SignerKey(key, cert.public_bytes(serialization.Encoding.DER))


def sign_detached(document: bytes, signer: SignerKey, digest: str = "sha256") -> bytes:
    """A detached CMS signature of ``document`` (DER)."""
    from asn1crypto import algos, cms, core, x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from app.rules.gost_signature import KEY_256, STREEBOG, streebog
    from tests.support.gost_signer import GostPrivateKey

    gost = isinstance(signer.key, GostPrivateKey)
    if gost:
        oid = STREEBOG[signer.key.algorithm]
        value = streebog(oid, document)
    elif digest == "sha256":
        oid, value = "sha256", hashlib.sha256(document).digest()
    else:  # Streebog-256 under a foreign key
        oid = STREEBOG[KEY_256]
        value = streebog(oid, document)
    cert = x509.Certificate.load(signer.certificate)
    attributes = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute(
                {
                    "type": "signing_time",
                    "values": [
                        cms.Time(
                            {
                                "utc_time": core.UTCTime(
                                    dt.datetime.now(dt.UTC).replace(microsecond=0)
                                )
                            }
                        )
                    ],
                }
            ),
            cms.CMSAttribute({"type": "message_digest", "values": [value]}),
        ]
    )
    from cryptography.hazmat.primitives.asymmetric import ec

    if gost:  # the key's own algorithm in signatureAlgorithm, as КриптоПро writes it
        signature = signer.key.sign(attributes.dump())
        algorithm = signer.key.algorithm
    elif isinstance(signer.key, ec.EllipticCurvePrivateKey):
        signature = signer.key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
        algorithm = "sha256_ecdsa"
    else:
        signature = signer.key.sign(attributes.dump(), padding.PKCS1v15(), hashes.SHA256())
        algorithm = "sha256_rsa"
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": cert.issuer, "serial_number": cert.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": oid}),
            "signed_attrs": attributes,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": algorithm}),
            "signature": signature,
        }
    )
    signed = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": oid})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [cert],
            "signer_infos": [signer_info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def make_authority(name: str = "Тестовый УЦ") -> SignerKey:
    """A certification authority: a self-signed CA certificate and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return SignerKey(key, cert.public_bytes(serialization.Encoding.DER))


def issued_by(signer: SignerKey, authority: SignerKey) -> SignerKey:
    """The signer's key with a certificate the authority issued (same subject and dates)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    own = x509.load_der_x509_certificate(signer.certificate)
    ca = x509.load_der_x509_certificate(authority.certificate)
    cert = (
        x509.CertificateBuilder()
        .subject_name(own.subject)
        .issuer_name(ca.subject)
        .public_key(signer.key.public_key())
        .serial_number(own.serial_number)
        .not_valid_before(own.not_valid_before_utc)
        .not_valid_after(own.not_valid_after_utc)
        .sign(authority.key, hashes.SHA256())
    )
    return SignerKey(signer.key, cert.public_bytes(serialization.Encoding.DER))
