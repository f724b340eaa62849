"""Whose signature it is (issue 36, row 6): the certificate's serial against the signatory's staff
card, else the owner's name against the signatory's, else refused with the reason."""

from __future__ import annotations

import pytest

from app.rules.signer_match import Signatory, signer_mismatch

PROTASOV = Signatory("Протасов", "Максим", "Александрович", ())


@pytest.mark.parametrize(
    ("owner", "serial", "signatory", "refused"),
    [
        ("Протасов Максим Александрович", "1DB5F3A", PROTASOV, ""),
        ("ПРОТАСОВ МАКСИМ АЛЕКСАНДРОВИЧ", "1", PROTASOV, ""),
        ("Протасов М.А.", "1", PROTASOV, ""),
        ("Протасов", "1", PROTASOV, ""),
        ("Протасов Михаил Александрович", "1", PROTASOV, "а письмо подписывает М.А. Протасов"),
        ("Чужой Некто", "1", PROTASOV, "подпись сделана Чужой Некто"),
        ("", "1", PROTASOV, "неизвестным лицом"),
        ("Федорова Алёна Игоревна", "1", Signatory("Фёдорова", "Алена", "", ()), ""),
        # the staff card's certificates decide, whatever the name
        ("Протасов Максим Александрович", "00:1d:b5:f3:a0",
         Signatory("Протасов", "Максим", "Александрович", ("01DB5F3A0",)), ""),
        ("Протасов Максим Александрович", "2AF",
         Signatory("Протасов", "Максим", "Александрович", ("01DB5F3A0",)),
         "сертификат 2AF (Протасов Максим Александрович) не записан в карточке подписанта"),
        ("Протасов Максим Александрович", "1", None, "у письма нет подписанта"),
    ],
)  # fmt: skip
def test_signer_match(owner: str, serial: str, signatory: Signatory | None, refused: str) -> None:
    reason = signer_mismatch(owner, serial, signatory)
    if refused:
        assert refused in reason
    else:
        assert reason == ""
