"""A document that came with a detached signature, checked as an outgoing one is: the signature
read, the document's digest against the one it signed, whose certificate, for what dates — and
said in one line for the card and the queue. The signature value is checked with the certificate's
key (GOST R 34.10-2012, RSA, ECDSA) when the signature is read: one that does not verify is
«НЕДЕЙСТВИТЕЛЬНА», with the reason; one that cannot be read is said so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.rules.detached_signature import ForgedSignature, read_signature
from app.support.errors import UserError
from app.support.text import date_ru


@dataclass(frozen=True)
class SignatureCheck:
    signs: bool  # the signature is of this very document
    line: str  # what the card says


def check_signature(
    document: bytes, signature: bytes, today: dt.date, name: str = "файл подписи"
) -> SignatureCheck:
    """``name``: the signature file's, for the reason a signature is refused."""
    try:
        read = read_signature(signature, name)
    except ForgedSignature as exc:
        return SignatureCheck(False, f"Подпись НЕДЕЙСТВИТЕЛЬНА: {exc}")
    except UserError as exc:
        return SignatureCheck(False, f"Подпись не читается: {exc}")
    info = read.signer
    if not read.signs(document):
        return SignatureCheck(
            False,
            f"Подпись НЕ соответствует документу: документ изменен после подписания или "
            f"подпись от другого документа (подписал {info.owner})",
        )
    when = f"действителен с {date_ru(info.valid_from)} по {date_ru(info.valid_to)}"
    if not info.valid_on(today):
        when += " — на сегодня недействителен"
    return SignatureCheck(
        True,
        f"Подпись: {info.owner}, сертификат № {info.serial}, {when}; документ после подписания "
        f"не изменен ({info.digest}); значение подписи проверено",
    )
