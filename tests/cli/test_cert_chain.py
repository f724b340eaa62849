"""A signature's certificate leads to a trusted certification authority (issue 36, row 6): the
authorities are certificate files in a folder the administrator names; without the folder the
copy's card says the chain was not checked."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from app.rules.cert_chain import check_chain, load_authorities
from app.rules.detached_signature import read_signature
from tests.support.cli import run
from tests.support.cms_signer import issued_by, make_authority, make_signer, sign_detached
from tests.support.gost_signer import make_gost_authority, make_gost_signer

TODAY = dt.date.today()


def _folder(tmp_path: Path, name: str, *certificates: bytes) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for i, der in enumerate(certificates):
        (folder / f"ca{i}.cer").write_bytes(der)
    (folder / "readme.txt").write_text("не сертификат", encoding="utf-8")
    return folder


def test_the_chain_to_a_trusted_authority(tmp_path: Path) -> None:
    authority, stranger = make_authority(), make_authority("Чужой УЦ")
    signer = issued_by(make_signer(), authority)
    signature = read_signature(sign_detached(b"document", signer))
    trusted = _folder(tmp_path, "trusted", authority.certificate)
    other = _folder(tmp_path, "other", stranger.certificate)
    ok = check_chain(signature.certificate, signature.others, load_authorities(trusted), TODAY)
    assert ok.trusted and ok.line == "цепочка до УЦ проверена"
    refused = check_chain(signature.certificate, signature.others, load_authorities(other), TODAY)
    assert refused.refused and "не выдан удостоверяющим центром" in refused.line
    unchecked = check_chain(signature.certificate, signature.others, None, TODAY)
    assert not unchecked.refused and "не проверена" in unchecked.line
    self_signed = read_signature(sign_detached(b"document", make_signer()))
    assert check_chain(self_signed.certificate, (), load_authorities(trusted), TODAY).refused
    empty = _folder(tmp_path, "empty")
    assert check_chain(signature.certificate, (), load_authorities(empty), TODAY).refused


@pytest.fixture
def env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ, SECRETARIAT_DB=str(db_path), SECRETARIAT_TODAY="2025-12-03")
    assert run("demo", "--mixed-mailing", env=env).returncode == 0
    return env


@pytest.mark.parametrize("kind", ["RSA", "GOST"])
def test_dispatch_checks_the_chain_when_the_folder_is_given(
    env: dict[str, str], tmp_path: Path, kind: str
) -> None:
    """With a GOST key, the signature value and each link of the chain are GOST R 34.10-2012."""
    out = tmp_path / "m"
    assert run("dispatch", "medo", "1961/5", "--out", str(out), env=env).returncode == 0
    (document,) = (out / "МЭДО" / "На подпись").rglob("document.pdf")
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    if kind == "GOST":
        gost_authority = make_gost_authority(valid_from=start)
        authority_der = gost_authority.certificate
        signer = make_gost_signer(
            "Чекушов", "Роман Андреевич", authority=gost_authority, valid_from=start
        )
        stranger = make_gost_authority("Чужой УЦ", valid_from=start).certificate
    else:
        authority = make_authority()
        authority_der = authority.certificate
        signer = issued_by(make_signer("Чекушов", "Роман Андреевич", valid_from=start), authority)
        stranger = make_authority("Чужой УЦ").certificate
    sig = tmp_path / "document.pdf.sig"
    sig.write_bytes(sign_detached(document.read_bytes(), signer))
    base = ("dispatch", "medo", "1961/5", "--out", str(out), "--signature", str(sig))
    forged = bytearray(sig.read_bytes())
    forged[-3] ^= 0x01  # the last bytes are the signature value's
    bad = tmp_path / "forged.sig"
    bad.write_bytes(bytes(forged))
    refused = run("dispatch", "medo", "1961/5", "--out", str(out), "--signature", str(bad), env=env)
    assert refused.returncode == 2 and "значение подписи не сходится" in refused.stderr
    wrong = _folder(tmp_path, "wrong", stranger)
    refused = run(*base, "--ca-folder", str(wrong), env=env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "сертификат не выдан удостоверяющим центром из папки" in refused.stderr
    trusted = _folder(tmp_path, "trusted", authority_der)
    done = run(*base, "--ca-folder", str(trusted), env=env)
    assert done.returncode == 0, done.stderr
    status = run("dispatch", "status", "1961/5", env=env).stdout
    assert "цепочка до УЦ проверена" in status
