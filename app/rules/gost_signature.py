"""A GOST R 34.10-2012 signature value verified with the key of a certificate (gostcrypto).

The byte conventions are those of X.509 and CMS (RFC 4491, RFC 9215, Р 1323565.1.024-2019), which
differ from gostcrypto's own:

- the public key in ``subjectPublicKeyInfo`` is an OCTET STRING of x then y, each little-endian;
  the curve is named by ``publicKeyParamSet`` in the algorithm's parameters;
- the signature value is s then r, each big-endian;
- the digest (GOST R 34.11-2012 «Стрибог» of the key's size) is read as a little-endian number.

They are checked against TC 26's published examples (certificates of TK26IOK and signed messages
of TK26CMS, tests/data/gost/), not against a signer of our own.

``subjectPublicKeyInfo`` is read by a schema of its own here: asn1crypto's parses only the key
types it knows and fails on a GOST key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from asn1crypto import core

KEY_256 = "1.2.643.7.1.1.1.1"
KEY_512 = "1.2.643.7.1.1.1.2"
KEY_2001 = "1.2.643.2.2.19"  # GOST R 34.10-2001: signing with it ended on 1 January 2020
GOST_KEYS = (KEY_256, KEY_512, KEY_2001)
STREEBOG = {KEY_256: "1.2.643.7.1.1.2.2", KEY_512: "1.2.643.7.1.1.2.3"}
# a certificate's signatureAlgorithm: «signwithdigest» 256 and 512
SIGNATURE_KEYS = {"1.2.643.7.1.1.3.2": KEY_256, "1.2.643.7.1.1.3.3": KEY_512}

# publicKeyParamSet → gostcrypto's curve (the CryptoPro sets are the TC 26 B, C, D sets)
_CURVES = {
    "1.2.643.2.2.35.1": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-A
    "1.2.643.2.2.35.2": "id-tc26-gost-3410-2012-256-paramSetC",  # CryptoPro-B
    "1.2.643.2.2.35.3": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-C
    "1.2.643.2.2.36.0": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-XchA
    "1.2.643.2.2.36.1": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-XchB
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.7.1.2.1.2.1": "id-tc26-gost-3410-12-512-paramSetA",
    "1.2.643.7.1.2.1.2.2": "id-tc26-gost-3410-12-512-paramSetB",
    "1.2.643.7.1.2.1.2.3": "id-tc26-gost-3410-2012-512-paramSetC",
}


class _Algorithm(core.Sequence):
    _fields: ClassVar[list[Any]] = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", core.Any, {"optional": True}),
    ]


class KeyInfo(core.Sequence):
    """``SubjectPublicKeyInfo`` of any key type: the key is left as the bits it is."""

    _fields: ClassVar[list[Any]] = [("algorithm", _Algorithm), ("public_key", core.OctetBitString)]


class KeyParameters(core.Sequence):
    """A GOST key's parameters: the curve, and (for 256-bit keys, optionally) the digest."""

    _fields: ClassVar[list[Any]] = [
        ("public_key_param_set", core.ObjectIdentifier),
        ("digest_param_set", core.ObjectIdentifier, {"optional": True}),
        ("encryption_param_set", core.ObjectIdentifier, {"optional": True}),
    ]


class UnsupportedKey(ValueError):
    """A GOST key this module cannot verify with; the message says why, in Russian."""


@dataclass(frozen=True)
class GostKey:
    algorithm: str  # KEY_256 or KEY_512
    curve: str  # gostcrypto's name of the curve
    point: bytes  # x then y, big-endian — gostcrypto's order

    @property
    def size(self) -> int:
        return len(self.point) // 2

    @property
    def digest_oid(self) -> str:
        return STREEBOG[self.algorithm]


def key_algorithm(spki: bytes) -> str:
    """The key's algorithm (dotted OID) from a DER ``SubjectPublicKeyInfo``; ValueError if
    damaged."""
    info = KeyInfo.load(spki, strict=True)
    return str(info["algorithm"]["algorithm"].dotted)


def gost_key(spki: bytes) -> GostKey:
    """The GOST R 34.10-2012 key of a DER ``SubjectPublicKeyInfo``; UnsupportedKey for a GOST key
    of another kind, ValueError for a damaged one."""
    info = KeyInfo.load(spki, strict=True)
    algorithm = info["algorithm"]["algorithm"].dotted
    if algorithm == KEY_2001:
        raise UnsupportedKey(
            "ключ ГОСТ Р 34.10-2001: подписи по этому стандарту не создаются с 1 января 2020 г."
        )
    if algorithm not in STREEBOG:
        raise UnsupportedKey(f"ключ {algorithm} — не ГОСТ Р 34.10-2012")
    parameters = info["algorithm"]["parameters"]
    if parameters.native is None:
        raise ValueError("у ключа ГОСТ нет параметров")
    param_set = KeyParameters.load(parameters.dump(), strict=True)["public_key_param_set"].dotted
    curve = _CURVES.get(param_set)
    if curve is None:
        raise UnsupportedKey(f"параметры ключа ГОСТ {param_set} не поддерживаются")
    bits = info["public_key"]
    if bits.contents[:1] != b"\x00":  # unused bits: not an OCTET STRING inside
        raise ValueError("ключ ГОСТ поврежден")
    point = core.OctetString.load(bits.native, strict=True).native
    size = 32 if algorithm == KEY_256 else 64
    if len(point) != 2 * size:
        raise ValueError(f"ключ ГОСТ длиной {len(point)} байт вместо {2 * size}")
    return GostKey(algorithm, curve, point[:size][::-1] + point[size:][::-1])


def streebog(oid: str, data: bytes) -> bytes:
    import gostcrypto

    name = "streebog256" if oid == STREEBOG[KEY_256] else "streebog512"
    return bytes(gostcrypto.gosthash.new(name, data=data).digest())


def verify(key: GostKey, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (s then r, as X.509 and CMS carry it) is the key's over ``data``."""
    import gostcrypto

    size = key.size
    if len(signature) != 2 * size:
        return False
    digest = streebog(key.digest_oid, data)[::-1]
    curves = gostcrypto.gostsignature.CURVES_R_1323565_1_024_2019
    mode = gostcrypto.gostsignature.MODE_256 if size == 32 else gostcrypto.gostsignature.MODE_512
    scheme = gostcrypto.gostsignature.new(mode, curves[key.curve])
    r_then_s = signature[size:] + signature[:size]
    try:
        return bool(scheme.verify(bytearray(key.point), bytearray(digest), bytearray(r_then_s)))
    except gostcrypto.gostsignature.GOSTSignatureError:
        return False
