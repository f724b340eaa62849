"""A document that came with a detached signature, checked as an outgoing one is: the signature
read, the document's digest against the one it signed, whose certificate, for what dates — and
said in one line for the card and the queue. What was not checked is said too: a ГОСТ signature's
value needs a certified crypto provider the program does not have (issue 36)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.rules.detached_signature import read_signature
from app.support.errors import UserError
from app.support.text import date_ru


@dataclass(frozen=True)
class SignatureCheck:
    signs: bool  # the signature is of this very document
    line: str  # what the card says


def check_signature(
    document: bytes, signature: bytes, today: dt.date, name: str = "Подпись"
) -> SignatureCheck:
    try:
        read = read_signature(signature, name)
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
    value = (
        "значение подписи проверено"
        if info.value_checked
        else "значение подписи ГОСТ не проверено (нужно средство электронной подписи)"
    )
    return SignatureCheck(
        True,
        f"Подпись: {info.owner}, сертификат № {info.serial}, {when}; документ после подписания "
        f"не изменен ({info.digest}); {value}",
    )
