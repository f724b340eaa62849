"""``secretariat dispatch …`` as a clerk runs it, on the demo registry (program date 03.12.2025)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import assert_user_error, run
from tests.support.cms_signer import make_signer, sign_detached


@pytest.fixture
def env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ, SECRETARIAT_DB=str(db_path), SECRETARIAT_TODAY="2025-12-03")
    assert run("demo", "--mixed-mailing", env=env).returncode == 0
    return env


def test_mixed_mailing_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("dispatch", "all", "1961/5", "--out", str(out), "--envelope", "C5", env=env)
    assert result.returncode == 0, result.stderr
    assert "Почта: отправлено 2" in result.stdout
    assert "МЭДО: на подпись 1 — подпишите открепленной подписью:" in result.stdout
    assert "document.pdf" in result.stdout and "--signature ФАЙЛ.sig" in result.stdout
    assert (out / "Почта" / "1961-5 от 02.12.2025 - конверты C5.pdf").is_file()

    status = json.loads(run("dispatch", "status", "1961/5", "--json", env=env).stdout)
    assert status["state"] == "partly_sent"
    assert [c["state"] for c in status["copies"]] == ["unsigned", "prepared", "sent", "sent"]
    assert all(h["sha256"] and h["file"] for h in status["history"])

    mark = run(
        "dispatch", "mark", "1961/5", "--recipient", "region-40", "--state", "ошибка", env=env
    )
    assert_user_error(mark, "Укажите, что за ошибка")
    args = ["dispatch", "mark", "1961/5", "--recipient", "1", "--recipient", "2"]
    assert run(*args, "--state", "доставлено", env=env).returncode == 0
    listing = run("letters", "list", "--format", "json", env=env)
    letter = next(r for r in json.loads(listing.stdout) if r["number"] == "1961/5")
    assert letter["delivery_state"] == "sent"  # every copy is sent or delivered

    text = run("dispatch", "status", "1961/5", env=env).stdout
    assert "Отправлено: отправлено 4 из 4" in text
    assert "1\tminpromtorg\tМинистерство промышленности и торговли Российской Федерации" in text

    f103 = tmp_path / "f103.pdf"
    result = run("dispatch", "post-list", "--date", "2025-12-03", "--out", str(f103), env=env)
    assert result.returncode == 0 and f103.read_bytes().startswith(b"%PDF")
    sheet = tmp_path / "sheet.xlsx"
    assert run("dispatch", "sheet", "1961/5", "--out", str(sheet), env=env).returncode == 0
    bad = run("dispatch", "post-list", "--date", "2025-12-04", "--out", str(f103), env=env)
    assert_user_error(bad, "04.12.2025 почтой ничего не отправлено")


def test_medo_refusals_and_receipts(env: dict[str, str], tmp_path: Path) -> None:
    result = run("dispatch", "medo", "1893/5", "--out", str(tmp_path / "m"), env=env)
    assert result.returncode == 0 and "Уже отправлены раньше: 85" in result.stdout
    out = tmp_path / "m"
    result = run("dispatch", "medo", "1961/5", "--out", str(out), env=env)
    assert result.returncode == 0 and "МЭДО: на подпись 1" in result.stdout
    (document,) = (out / "МЭДО" / "На подпись").rglob("document.pdf")
    # 1961/5 is signed by Р.А. Чекушов, with no certificate in his card: his name decides
    signer = make_signer(
        "Чекушов", "Роман Андреевич", valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    wrong = tmp_path / "wrong.sig"
    wrong.write_bytes(sign_detached(b"another file", signer))
    refused = run(
        "dispatch", "medo", "1961/5", "--out", str(out), "--signature", str(wrong), env=env
    )
    assert_user_error(refused, "wrong.sig: подпись сделана к другому файлу")
    assert_user_error(
        run("dispatch", "medo", "1961/5", "--out", str(out), "--signature", str(out), env=env),
        "не удалось прочитать подпись",
    )
    good = document.with_name("document.pdf.sig")
    good.write_bytes(sign_detached(document.read_bytes(), signer))
    result = run("dispatch", "medo", "1961/5", "--out", str(out), "--signature", str(good), env=env)
    assert result.returncode == 0, result.stderr
    assert "МЭДО: подготовлено 1" in result.stdout
    assert "Подпись" in result.stdout and "Чекушов Роман Андреевич" in result.stdout
    assert "отправьте их в клиенте МЭДО" in result.stdout
    status = json.loads(run("dispatch", "status", "1961/5", "--json", env=env).stdout)
    uid = status["copies"][0]["uid"]
    receipt = tmp_path / "r.xml"
    receipt.write_text(
        '<c:communication xmlns:c="urn:IEDMS:MESSAGE" c:version="2.7.1">'
        '<c:header c:type="Квитанция" c:uid="x"><c:source c:uid="s"/></c:header>'
        f'<c:acknowledgment c:uid="{uid}"><c:accepted>true</c:accepted></c:acknowledgment>'
        "</c:communication>",
        encoding="utf-8",
    )
    result = run("dispatch", "receipt", str(receipt), env=env)
    assert result.returncode == 0 and "№ 1961/5\tМинистерство" in result.stdout
    assert "\tДоставлено\t" in result.stdout
    assert_user_error(run("dispatch", "receipt", str(tmp_path / "none.xml"), env=env), "none.xml")

    assert_user_error(
        run("dispatch", "envelopes", "1961/5", "--out", str(tmp_path / "e.txt"), env=env),
        "конверты записываются в PDF",
    )
    assert_user_error(run("dispatch", "status", "9999", env=env), "Письмо № 9999 не найдено")


def test_email_send_with_the_password_from_the_keyring(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: dict[tuple[str, str], str],
) -> None:
    """In one process: the OS keyring is replaced by one in memory, the server runs on loopback."""
    import io

    from aiosmtpd.controller import Controller

    from app.cli import main
    from tests.support.smtp import SmtpHandler, free_port

    monkeypatch.setenv("SECRETARIAT_TODAY", "2025-12-03")
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, auth_require_tls=False)
    controller.start()
    try:
        db = ["--db", str(db_path)]
        assert main([*db, "demo", "--mixed-mailing"]) == 0
        setup = db_path.parent / "smtp.json"
        setup.write_text(
            json.dumps(
                {
                    "organization": {
                        "name": "АНО «Российская система качества»",
                        "short_name": "Роскачество",
                        "letterhead": ["РОСКАЧЕСТВО"],
                        "email": "info@roskachestvo.gov.ru",
                        "medo_id": "7d4f1c2e-5b8a-4e0f-9c3d-2a6b8e1f4c07",
                        "smtp_host": "127.0.0.1",
                        "smtp_port": port,
                        "smtp_security": "none",
                        "smtp_login": "",
                    }
                }
            ),
            encoding="utf-8",
        )
        assert main([*db, "setup", str(setup)]) == 0
        capsys.readouterr()
        assert main([*db, "dispatch", "email", "1961/5", "--send"]) == 0
        assert "Электронная почта: отправлено 1" in capsys.readouterr().out
        (message,) = handler.messages
        assert message["To"].addresses[0].addr_spec == "kancelyaria@region-40.example"

        monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
        assert main([*db, "dispatch", "smtp-password"]) == 2  # no login: nothing to keep it for
        assert "Укажите логин" in capsys.readouterr().err
        login: dict[str, Any] = json.loads(setup.read_text(encoding="utf-8"))
        login["organization"]["smtp_login"] = "kancelyaria"
        setup.write_text(json.dumps(login), encoding="utf-8")
        assert main([*db, "setup", str(setup)]) == 0
        monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
        assert main([*db, "dispatch", "smtp-password"]) == 0
        assert memory_keyring == {("Секретариат: SMTP", f"kancelyaria@127.0.0.1:{port}"): "s3cret"}
    finally:
        controller.stop()


def test_a_signature_by_someone_else_is_refused_unless_the_clerk_accepts_it(
    env: dict[str, str], tmp_path: Path, db_path: Path
) -> None:
    """A valid signature whose certificate is not the signatory's (issue 36, row 6): refused
    with the reason; sent with --accept-signer, the decision in the audit under the clerk's
    name."""
    import sqlite3

    out = tmp_path / "m"
    assert run("dispatch", "medo", "1961/5", "--out", str(out), env=env).returncode == 0
    (document,) = (out / "МЭДО" / "На подпись").rglob("document.pdf")
    stranger = make_signer("Чужой", "Некто", valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    sig = tmp_path / "stranger.sig"
    sig.write_bytes(sign_detached(document.read_bytes(), stranger))
    args = ("dispatch", "medo", "1961/5", "--out", str(out), "--signature", str(sig))
    refused = run(*args, env=env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "подпись сделана Чужой Некто, а письмо подписывает Р.А. Чекушов" in refused.stderr
    assert "--accept-signer" in refused.stderr
    assert "МЭДО: подготовлено" not in refused.stdout
    accepted = run(*args, "--accept-signer", env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert "Подпись не подписанта принята" in accepted.stdout
    with sqlite3.connect(db_path) as con:
        (details,) = con.execute(
            "SELECT details FROM audit_event WHERE action = 'signer_accepted'"
        ).fetchone()
    assert "Чужой Некто" in json.loads(details)["reason"]
