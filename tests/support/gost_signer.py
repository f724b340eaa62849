"""A GOST R 34.10-2012 signatory in miniature: a key made by gostcrypto, its certificate
(self-signed, or issued by a GOST authority) built with asn1crypto, and the signature value in the
byte order of X.509 and CMS (s then r; the key x then y little-endian; the digest read
little-endian).

That byte order is not taken on trust from this module: the program's verifier is checked against
TC 26's examples and a certificate КриптоПро CSP signed (tests/data/gost/), and this signer is
checked against the verifier.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from asn1crypto import core, x509

from app.rules.gost_signature import KEY_256, KEY_512, STREEBOG, KeyInfo, KeyParameters, streebog

if TYPE_CHECKING:
    from tests.support.cms_signer import SignerKey

SIGN_WITH = {KEY_256: "1.2.643.7.1.1.3.2", KEY_512: "1.2.643.7.1.1.3.3"}
CURVES = {  # publicKeyParamSet → gostcrypto's curve
    KEY_256: ("1.2.643.7.1.2.1.1.1", "id-tc26-gost-3410-2012-256-paramSetA"),
    KEY_512: ("1.2.643.7.1.2.1.2.1", "id-tc26-gost-3410-12-512-paramSetA"),
}


@dataclass(frozen=True)
class GostPrivateKey:
    algorithm: str  # KEY_256 or KEY_512
    secret: bytes  # big-endian, gostcrypto's order

    @property
    def size(self) -> int:
        return 32 if self.algorithm == KEY_256 else 64

    def _scheme(self) -> Any:
        import gostcrypto

        mode = gostcrypto.gostsignature.MODE_256 if self.size == 32 else 2
        curves = gostcrypto.gostsignature.CURVES_R_1323565_1_024_2019
        return gostcrypto.gostsignature.new(mode, curves[CURVES[self.algorithm][1]])

    def public_key_info(self) -> bytes:
        point = bytes(self._scheme().public_key_generate(bytearray(self.secret)))
        x, y = point[: self.size], point[self.size :]
        octets = core.OctetString(x[::-1] + y[::-1]).dump()
        parameters = KeyParameters({"public_key_param_set": CURVES[self.algorithm][0]})
        return KeyInfo(
            {
                "algorithm": {"algorithm": self.algorithm, "parameters": parameters},
                "public_key": octets,
            }
        ).dump()

    def sign(self, data: bytes) -> bytes:
        """s then r over ``data``."""
        digest = streebog(STREEBOG[self.algorithm], data)[::-1]
        r_then_s = bytes(self._scheme().sign(bytearray(self.secret), bytearray(digest)))
        return r_then_s[self.size :] + r_then_s[: self.size]


class _Tbs(x509.TbsCertificate):
    """asn1crypto's TbsCertificate with the key left as it is (its own schema fails on GOST)."""

    _fields: ClassVar[list[Any]] = [
        (name, core.Any, options) if name == "subject_public_key_info" else (name, spec, options)
        for name, spec, options in (
            field if len(field) == 3 else (*field, {}) for field in x509.TbsCertificate._fields
        )
    ]


class _Certificate(x509.Certificate):
    _fields: ClassVar[list[Any]] = [
        (name, _Tbs, *rest) if name == "tbs_certificate" else (name, spec, *rest)
        for name, spec, *rest in x509.Certificate._fields
    ]


def new_key(bits: int = 256) -> GostPrivateKey:
    """A random key below the curve's order (the first byte kept small: q is just under 2^n)."""
    size = bits // 8
    secret = bytes([os.urandom(1)[0] & 0x3F]) + os.urandom(size - 1)
    return GostPrivateKey(KEY_256 if bits == 256 else KEY_512, secret)


def _name(surname: str, given: str) -> x509.Name:
    return x509.Name.build(
        {
            "surname": surname,
            "given_name": given,
            "common_name": f"{surname} {given}".strip(),
            "organization_name": "Минэкономразвития России",
        },
        use_printable=False,
    )


def gost_certificate(
    key: GostPrivateKey,
    subject: x509.Name,
    *,
    issuer: tuple[GostPrivateKey, x509.Name] | None = None,
    serial: int = 1,
    valid_from: dt.datetime | None = None,
    days: int = 365,
    authority: bool = False,
) -> bytes:
    """A certificate of ``key`` signed by ``issuer`` (key and name), or by itself."""
    signing_key, issuer_name = issuer if issuer else (key, subject)
    start = valid_from or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    extensions = []
    if authority:
        extensions.append(
            {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": True}}
        )
    algorithm = {"algorithm": SIGN_WITH[signing_key.algorithm]}
    tbs = _Tbs(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": algorithm,
            "issuer": issuer_name,
            "validity": {
                "not_before": x509.Time({"utc_time": start.replace(microsecond=0)}),
                "not_after": x509.Time(
                    {"utc_time": (start + dt.timedelta(days=days)).replace(microsecond=0)}
                ),
            },
            "subject": subject,
            "subject_public_key_info": core.Any.load(key.public_key_info()),
            "extensions": extensions or None,
        }
    )
    value = signing_key.sign(tbs.dump())
    return _Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": algorithm, "signature_value": value}
    ).dump()


@dataclass(frozen=True)
class GostAuthority:
    key: GostPrivateKey
    name: x509.Name
    certificate: bytes


def make_gost_authority(
    name: str = "Тестовый УЦ ГОСТ", valid_from: dt.datetime | None = None
) -> GostAuthority:
    key = new_key()
    subject = x509.Name.build({"common_name": name}, use_printable=False)
    start = valid_from or dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    cert = gost_certificate(key, subject, valid_from=start, days=3650, authority=True)
    return GostAuthority(key, subject, cert)


def make_gost_signer(
    surname: str = "Протасов",
    given: str = "Максим Александрович",
    *,
    bits: int = 256,
    authority: GostAuthority | None = None,
    valid_from: dt.datetime | None = None,
    serial: int = 0x01D7A3C4B2E5F60718293A4B5C6D7E8F,
) -> SignerKey:
    """A signatory's GOST key and certificate, as tests/support/cms_signer.SignerKey."""
    from tests.support.cms_signer import SignerKey

    key = new_key(bits)
    issuer = (authority.key, authority.name) if authority else None
    cert = gost_certificate(
        key, _name(surname, given), issuer=issuer, serial=serial, valid_from=valid_from
    )
    return SignerKey(key, cert)
