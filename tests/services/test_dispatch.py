"""Dispatch: each copy of a mailing goes out by its method and the record shows what went how.

Demo letter 1961/5 goes to four recipients: МЭДО (Минпромторг), e-mail (Правительство ДНР) and
post (ТПП РФ, РСПП). Every test reads what was written back: the XML of the МЭДО container, the
MIME of the e-mail, the text and positions in the envelope PDF, the rows of form 103 and of the
database.
"""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import io
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.services.dispatch.post_list import export_post_list
from app.services.dispatch.record import (
    apply_receipt,
    dispatch_status,
    export_dispatch_sheet,
    mark,
)
from app.services.dispatch.run import dispatch_letter, envelopes_pdf
from app.services.registry.letters import letter_id_by_number
from app.support.errors import UserError
from db.models import AuditEvent, DispatchEvent, Letter, Recipient, StoredFile
from tests.support.smtp import SmtpHandler, free_port

C = "{urn:IEDMS:CONTAINER}"
M = "{urn:IEDMS:MESSAGE}"
TODAY = dt.date(2025, 12, 3)


pytestmark = pytest.mark.usefixtures("program_date")  # the demo's day: its certificates are valid


@pytest.fixture
def letter(mailing_db: Any) -> int:
    return letter_id_by_number(mailing_db, "1961/5")


def _set(db: Any, code: str, **values: str) -> None:
    with db.write() as session:
        r = session.scalars(select(Recipient).where(Recipient.code == code)).one()
        for key, value in values.items():
            setattr(r, key, value)


def test_one_action_sends_every_copy_by_its_method(mailing_db: Any, letter: int, tmp_path: Path):
    out = tmp_path / "out"
    outcome = dispatch_letter(mailing_db, letter, out)
    assert outcome.prepared == {"Электронная почта": 1}
    assert outcome.unsigned == {"МЭДО": 1}  # the document to sign (tests/formats/test_medo.py)
    assert outcome.sent == {"Почта": 2}
    assert outcome.problems == []
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert [n for n in names if n.startswith("МЭДО/")] == [
        "МЭДО/На подпись/1961-5 от 02.12.2025 - 1 Министерство промышленности и торговли "
        "Российской Федерации/document.pdf"
    ]
    assert [n for n in names if n.endswith(".eml")] == [
        "Электронная почта/1961-5 от 02.12.2025 - 2 Правительство Донецкой Народной Республики.eml"
    ]
    assert "Почта/Форма 103 от 03.12.2025.xlsx" in names
    assert "Почта/Форма 103 от 03.12.2025.pdf" in names
    assert "Почта/1961-5 от 02.12.2025 - конверты DL.pdf" in names
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left

    status = dispatch_status(mailing_db, letter)
    assert [c.state for c in status.copies] == ["unsigned", "prepared", "sent", "sent"]
    assert status.state == "partly_sent"
    assert all(c.at is not None and c.at.date() == TODAY and c.by for c in status.copies)
    with mailing_db.read() as session:
        events = session.scalars(select(DispatchEvent).where(DispatchEvent.letter_id == letter))
        for event in events:  # the file sent, kept with its checksum
            stored = session.get(StoredFile, event.file_id)
            assert stored is not None
            assert hashlib.sha256(stored.content).hexdigest() == event.sha256 == stored.sha256
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "letter", AuditEvent.action == "dispatch")
        ).all()
        news = {a.details["new"] for a in audit if a.entity_id == letter}
        assert news == {"unsigned", "prepared", "sent"}

    # the МЭДО and e-mail copies confirmed: the registry shows the letter as sent
    mark(mailing_db, letter, ["minpromtorg", "2"], "отправлено")
    assert dispatch_status(mailing_db, letter).state == "sent"
    with mailing_db.read() as session:
        assert session.get(Letter, letter).delivery_state == "sent"

    again = dispatch_letter(mailing_db, letter, tmp_path / "again")
    assert again.copies == 0 and len(again.already) == 4


def _recipient(db: Any, code: str) -> Recipient:
    with db.read() as session:
        return session.scalars(select(Recipient).where(Recipient.code == code)).one()


def test_receipt_marks_delivered_or_error(mailing_db: Any, letter: int, tmp_path: Path):
    from tests.support.medo import sign_and_send

    sign_and_send(mailing_db, letter, tmp_path / "out")
    copy = dispatch_status(mailing_db, letter).copy("minpromtorg")
    receipt = tmp_path / "receipt.xml"
    receipt.write_text(_receipt(copy.uid, copy.medo_id, "true"), encoding="utf-8")
    result = apply_receipt(mailing_db, receipt)
    assert (result.number, result.state) == ("1961/5", "delivered")
    copy = dispatch_status(mailing_db, letter).copy("minpromtorg")
    assert copy.state == "delivered" and copy.at is not None and copy.at.date() == TODAY
    last = dispatch_status(mailing_db, letter).history[-1]
    assert (last.state, last.source) == ("delivered", "receipt")
    assert last.at == dt.datetime(2025, 12, 3, 12, 5)

    receipt.write_text(_receipt(copy.uid, copy.medo_id, "false", "Адресат не найден"), "utf-8")
    assert apply_receipt(mailing_db, receipt).state == "error"
    assert dispatch_status(mailing_db, letter).state == "error"
    receipt.write_text(_receipt("no-such-uid", "", "true"), encoding="utf-8")
    with pytest.raises(UserError, match="не найдено среди отправленных копий"):
        apply_receipt(mailing_db, receipt)
    receipt.write_text("<html/>", encoding="utf-8")
    with pytest.raises(UserError, match="не сообщение МЭДО"):
        apply_receipt(mailing_db, receipt)


def _receipt(uid: str, source: str, accepted: str, error: str = "") -> str:
    err = f"<c:errorText>{error}</c:errorText>" if error else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<c:communication c:version="2.7.1" xmlns:c="urn:IEDMS:MESSAGE">'
        f'<c:header c:type="Квитанция" c:uid="r-1" c:created="2025-12-03T12:05:00+03:00">'
        f'<c:source c:uid="{source}"><c:organization>Минпромторг</c:organization></c:source>'
        f'</c:header><c:acknowledgment c:uid="{uid}"><c:time>2025-12-03T12:05:00+03:00</c:time>'
        f"<c:accepted>{accepted}</c:accepted>{err}</c:acknowledgment></c:communication>"
    )


def test_eml_is_rfc5322_with_the_pdf_attached(mailing_db: Any, letter: int, tmp_path: Path):
    dispatch_letter(mailing_db, letter, tmp_path, methods=("Электронная почта",))
    (eml,) = (tmp_path / "Электронная почта").iterdir()
    raw = eml.read_bytes()
    raw.decode("ascii")  # 7-bit on the wire: names and subject encoded
    assert b"\r\n" in raw
    message = BytesParser(policy=policy.default).parsebytes(raw)
    # decoded as RFC 2047 says (white space between encoded words dropped), as mail clients
    # do; Python's modern parser keeps that white space, so it is not the judge here
    strict = email.message_from_bytes(raw)
    decoded = {h: str(make_header(decode_header(strict[h]))) for h in ("From", "To", "Subject")}
    assert decoded["Subject"] == "Письмо Роскачество от 02.12.2025 № 1961/5"
    assert decoded["To"] == (
        "Правительство Донецкой Народной Республики <kancelyaria@region-40.example>"
    )
    assert decoded["From"].endswith("<info@roskachestvo.gov.ru>")
    assert max(len(line) for line in raw.split(b"\r\n")) < 998
    assert message["To"].addresses[0].addr_spec == "kancelyaria@region-40.example"
    assert message["From"].addresses[0].addr_spec == "info@roskachestvo.gov.ru"
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "от 02.12.2025 № 1961/5 «О направлении методических рекомендаций" in body
    assert "А.В. Таболова" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "Письмо 1961-5 от 02.12.2025.pdf"  # filename* (RFC 2231)
    (part,) = [p for p in strict.walk() if p.get_content_type() == "application/pdf"]
    raw_name = part.get_param("name")
    assert isinstance(raw_name, str)
    name = str(make_header(decode_header(raw_name)))  # name= as clients write it
    assert name == "Письмо 1961-5 от 02.12.2025.pdf"
    assert "filename*=utf-8''" in part["Content-Disposition"]
    pdf = attachment.get_content()
    assert "Правительство Донецкой Народной" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    copy = dispatch_status(mailing_db, letter).copy("region-40")
    assert copy.uid == message["Message-ID"]


def test_covering_text_template_is_checked(mailing_db: Any, letter: int, tmp_path: Path):
    from app.services.organization.profile import get_organization, save_organization

    org = get_organization(mailing_db)
    assert org is not None
    org.email_subject = "Исх. {numbr}"
    save_organization(mailing_db, org)
    with pytest.raises(UserError, match=r"Тема письма: неизвестное поле \{numbr\}"):
        dispatch_letter(mailing_db, letter, tmp_path, methods=("Электронная почта",))
    assert not list(tmp_path.rglob("*.eml"))
    assert dispatch_status(mailing_db, letter).copy("region-40").state == "not_sent"


@pytest.fixture
def smtp_server() -> Any:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"secret"
        return AuthResult(success=ok, handled=False)

    handler = SmtpHandler()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield controller, handler
    controller.stop()


def _mailing_of_three(db: Any) -> int:
    from app.services.registry.letters import Addressee, register_letter
    from tests.support.builders import make_card

    _set(db, "region-05", email="refuse@region-05.example")
    _set(db, "region-84", email="kancelyaria@region-84.example")
    card = make_card(addressee=Addressee(recipients=["region-05", "region-40", "region-84"]))
    return letter_id_by_number(db, register_letter(db, card).number)


def _smtp_settings(db: Any, port: int, login: str = "kancelyaria") -> None:
    from app.services.organization.profile import get_organization, save_organization

    org = get_organization(db)
    assert org is not None
    org.smtp_host, org.smtp_port = "127.0.0.1", port
    org.smtp_security, org.smtp_login = "none", login
    save_organization(db, org)


def test_smtp_sends_each_and_reports_a_refused_address(mailing_db: Any, smtp_server: Any, tmp_path):
    controller, handler = smtp_server
    letter = _mailing_of_three(mailing_db)
    _smtp_settings(mailing_db, controller.port)
    outcome = dispatch_letter(mailing_db, letter, tmp_path, send=True, password="secret")
    assert outcome.sent == {"Электронная почта": 2}
    (problem,) = outcome.problems
    assert problem.startswith("№ 1 Администрация Запорожской области: сервер не принял адрес (550")
    assert sorted(m["To"].addresses[0].addr_spec for m in handler.messages) == [
        "kancelyaria@region-40.example",
        "kancelyaria@region-84.example",
    ]
    assert all(m["Subject"].endswith(f"№ {_number(mailing_db, letter)}") for m in handler.messages)
    states = [(c.state, c.note[:24]) for c in dispatch_status(mailing_db, letter).copies]
    assert states[0] == ("error", "сервер не принял адрес (")
    assert [s for s, _ in states[1:]] == ["sent", "sent"]
    assert not list(tmp_path.rglob("*.eml"))  # sent, not written


def _number(db: Any, letter: int) -> str:
    return dispatch_status(db, letter).number


def test_smtp_refused_login_or_connection_is_reported_per_recipient(
    mailing_db: Any, smtp_server: Any, tmp_path: Path
):
    controller, handler = smtp_server
    letter = _mailing_of_three(mailing_db)
    _smtp_settings(mailing_db, controller.port)
    outcome = dispatch_letter(mailing_db, letter, tmp_path, send=True, password="wrong")
    assert len(outcome.problems) == 3 and "отклонил вход для kancelyaria" in outcome.problems[1]
    assert handler.messages == []
    assert {c.state for c in dispatch_status(mailing_db, letter).copies} == {"error"}

    _smtp_settings(mailing_db, free_port())  # nobody listens there
    outcome = dispatch_letter(
        mailing_db, letter, tmp_path, send=True, password="secret", again=True
    )
    assert len(outcome.problems) == 3 and "недоступен" in outcome.problems[2]


def test_envelopes_put_the_address_in_the_window(mailing_db: Any, letter: int, tmp_path: Path):
    from app.exporters.envelope_pdf import MM, SIZES, recipient_window, sender_window

    for size in SIZES:
        path, count = envelopes_pdf(mailing_db, letter, size, tmp_path / f"{size}.pdf")
        reader = PdfReader(path)
        assert count == len(reader.pages) == 2
        page = reader.pages[0]
        width, height = SIZES[size]
        assert round(float(page.mediabox.width) / MM) == round(width)
        assert round(float(page.mediabox.height) / MM) == round(height)
        found, postcodes = _positions(page)
        x, y, w, h = recipient_window(size)
        ax, ay = found["Ильинка"]
        assert x - 0.01 <= ax <= x + w and y <= ay <= y + h
        sx, sy, sw, sh = sender_window(size)
        ox, oy = found["Орджоникидзе"]
        assert sx - 0.01 <= ox <= sx + sw and sy <= oy <= sy + sh
        assert min(postcodes) < x - 0.01 <= max(postcodes)  # in the address, and large lower left
    with pytest.raises(UserError, match="нет адресатов с доставкой почтой"):
        envelopes_pdf(
            mailing_db, letter_id_by_number(mailing_db, "1893/5"), "DL", tmp_path / "x.pdf"
        )


def _positions(page: Any) -> tuple[dict[str, tuple[float, float]], list[float]]:
    """Where (mm) the street of the address and the sender's street start; x of every postcode."""
    from app.exporters.envelope_pdf import MM

    found: dict[str, tuple[float, float]] = {}
    postcodes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        if "109012" in text:
            postcodes.append(x / MM)
        for key in ("Ильинка", "Орджоникидзе"):
            if key in text and key not in found:
                found[key] = (x / MM, y / MM)

    page.extract_text(visitor_text=visit)
    return found, postcodes


def test_form_103_lists_the_postal_copies_of_the_day(mailing_db: Any, letter: int, tmp_path: Path):
    from openpyxl import load_workbook

    with pytest.raises(UserError, match="почтой ничего не отправлено"):
        export_post_list(mailing_db, TODAY, tmp_path / "empty.xlsx")
    dispatch_letter(mailing_db, letter, tmp_path / "out")
    sheet = load_workbook(export_post_list(mailing_db, TODAY, tmp_path / "f103.xlsx")).active
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=1, values_only=True)]
    text = "\n".join(" | ".join(str(c) for c in row if c is not None) for row in rows)
    assert "внутренних почтовых отправлений от 03.12.2025 (ф. 103)" in text
    assert "1 | Союз «Торгово-промышленная палата Российской Федерации» | 109012" in text
    assert "2 | Общероссийская общественная организация" in text and "109240" in text
    assert "№ 1961/5 от 02.12.2025" in text
    pdf = export_post_list(mailing_db, TODAY, tmp_path / "f103.pdf")
    pdf_text = PdfReader(pdf).pages[0].extract_text()
    assert "Котельническая наб., д. 17" in pdf_text and "Всего отправлений: 2." in pdf_text
    with pytest.raises(UserError, match="почтой ничего не отправлено"):
        export_post_list(mailing_db, TODAY + dt.timedelta(days=1), tmp_path / "next.xlsx")


def test_dispatch_sheet_and_manual_marks(mailing_db: Any, letter: int, tmp_path: Path):
    with pytest.raises(UserError, match="что за ошибка"):
        mark(mailing_db, letter, ["rspp"], "ошибка")
    with pytest.raises(UserError, match="нет адресата «nobody»"):
        mark(mailing_db, letter, ["nobody"], "sent")
    with pytest.raises(UserError, match="Состояние «потеряно»"):
        mark(mailing_db, letter, ["rspp"], "потеряно")
    mark(mailing_db, letter, ["rspp"], "ошибка", "возврат: адресат выбыл")
    mark(mailing_db, letter, ["tpp-rf"], "доставлено")
    sheet = export_dispatch_sheet(mailing_db, letter, tmp_path / "sheet.pdf")
    text = " ".join(PdfReader(sheet).pages[0].extract_text().split())
    assert "Лист рассылки письма № 1961/5 от 02.12.2025" in text
    assert "Ошибка: возврат: адресат выбыл" in text and "Доставлено" in text
    assert "Отправлено 1 из 4." in text
    with pytest.raises(UserError, match="лист рассылки записывается в PDF или XLSX"):
        export_dispatch_sheet(mailing_db, letter, tmp_path / "sheet.txt")


def test_a_failed_record_leaves_no_files_and_no_states(
    mailing_db: Any, letter: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import app.services.dispatch.run as run

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run, "record_in", broken)
    with pytest.raises(UserError, match="не удалось записать файлы"):
        dispatch_letter(mailing_db, letter, tmp_path / "out")
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []
    assert {c.state for c in dispatch_status(mailing_db, letter).copies} == {"not_sent"}


def test_text_addressee_and_reserved_letters_are_refused(mailing_db: Any, tmp_path: Path):
    letter = letter_id_by_number(mailing_db, "2174-РСК")
    with pytest.raises(UserError, match="адресат указан текстом"):
        dispatch_letter(mailing_db, letter, tmp_path)
