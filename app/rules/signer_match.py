"""Whether a signature's certificate is the letter's signatory's — a pure rule, no storage.

As a receiver checks it: the certificate's serial number among those in the signatory's staff
card when the card has any; else the owner named in the certificate matched to the signatory
(the surname, then the given name and patronymic — whole where both spell them out, else their
initials); else refused with the reason, which the clerk may override under their own name in
the audit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Signatory:
    last_name: str
    first_name: str
    middle_name: str
    serials: tuple[str, ...]  # of the certificates in the staff card

    @property
    def label(self) -> str:
        initials = "".join(
            f"{n.strip()[0]}." for n in (self.first_name, self.middle_name) if n.strip()
        )
        return f"{initials} {self.last_name}".strip()


def _serial(text: str) -> str:
    return re.sub(r"[^0-9A-F]", "", text.upper()).lstrip("0")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s.]+", text.lower().replace("ё", "е")) if w]


def _given_agree(theirs: Sequence[str], ours: Sequence[str]) -> bool:
    """Given names and patronymics: whole where both sides spell them out, else the initials."""
    return all(
        a == b if len(a) > 1 and len(b) > 1 else a[0] == b[0]
        for a, b in zip(theirs, ours, strict=False)
    )


def signer_mismatch(owner: str, serial: str, signatory: Signatory | None) -> str:
    """Empty when the certificate (its owner's name and serial) is the signatory's; else why not,
    in the clerk's words."""
    if signatory is None:
        return "у письма нет подписанта"
    if signatory.serials:
        known = {_serial(s) for s in signatory.serials}
        if _serial(serial) in known:
            return ""
        return (
            f"сертификат {serial} ({owner}) не записан в карточке подписанта "
            f"{signatory.label} (там: {', '.join(signatory.serials)})"
        )
    words = _words(owner)
    ours = _words(signatory.last_name)
    given = _words(f"{signatory.first_name} {signatory.middle_name}")
    if ours and words[: len(ours)] == ours and _given_agree(words[len(ours) :], given):
        return ""
    return f"подпись сделана {owner or 'неизвестным лицом'}, а письмо подписывает {signatory.label}"
