"""E-mail headers every reader decodes alike (issue 37): the subject, the display names and the
attachment names of every message the program writes read the same in Python, in GMime 3 (what
Geary, Balsa and notmuch use) and in MIME-tools (Perl) — each run as a program of its own over the
.eml files — and no header line is longer than 78 octets.

Python's strict parser is the reference for subjects and file names. For display names it is
Python's RFC 2047 decoder (``email.header.decode_header``): the strict parser of Python 3.11–3.13
keeps the white space between two encoded words of a display name (CPython gh-128110, fixed
upstream in 2026), which RFC 2047 §6.2 says to drop — GMime and MIME-tools drop it."""

from __future__ import annotations

import datetime as dt
import email
import os
from email import policy
from pathlib import Path

import pytest

from app.exporters.eml import Mail, build_message, encoded_words
from tests.support.cli import run
from tests.support.validators import gmime_read, mime_tools_read

NAMES = [
    "Правительство Луганской Народной Республики",
    "Министерство промышленности и торговли Российской Федерации — департамент "
    "государственной политики в области технического регулирования",
    "Иванов И.И., «Рога и копыта»",
    'ООО "Ромашка" (отдел №1)',
    "Ёжикова Алёна-Мария",
    "Aktiv GmbH, Abteilung Qualität",
    "Губернатору Костромской области С.К. Ситникову",
    "日本語の名前",
]
SUBJECTS = [
    "Письмо Роскачество от 02.12.2025 № 1961/5",
    "О представлении сведений о выполнении мероприятий по повышению качества продукции, "
    "произведенной на территории субъектов Российской Федерации, за 2025 год",
    "Re: ответ на № 01-12/345 от 14.11.2025 (повторно) — срочно!",
]


def _written(tmp_path: Path) -> list[Path]:
    """The messages the program writes: the dispatch of the demo's mixed mailing, and messages
    with hard names, subjects and file names."""
    env = dict(os.environ, SECRETARIAT_DB=str(tmp_path / "r.db"), SECRETARIAT_TODAY="2025-12-03")
    assert run("demo", "--mixed-mailing", env=env).returncode == 0
    done = run("dispatch", "all", "1961/5", "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 0, done.stderr
    paths = sorted((tmp_path / "out").rglob("*.eml"))
    assert paths
    for i, (name, subject) in enumerate(zip(NAMES, SUBJECTS * 3, strict=False)):
        mail = Mail(
            "info@roskachestvo.gov.ru", NAMES[-1 - i], f"r{i}@example.ru", name, subject,
            "Текст письма.", f"{subject[:90]}.pdf", b"%PDF-1.4", dt.datetime.now(dt.UTC),
            ((f"Приложение {i} — {name[:40]}.xlsx", b"x"),),
        )  # fmt: skip
        path = tmp_path / f"hard-{i}.eml"
        path.write_bytes(build_message(mail).as_bytes())
        paths.append(path)
    return paths


def _display_name(raw: str) -> str:
    """The display name of a one-address header, decoded by RFC 2047's rules."""
    from email.header import decode_header, make_header

    phrase = raw.rpartition("<")[0].strip() if "<" in raw else ""
    text = str(make_header(decode_header(phrase)))
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


def _python(path: Path) -> dict[str, object]:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.strict)
    raw = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
    names = [_display_name(raw["To"]), _display_name(raw["From"])]
    files = [p.get_filename() for p in message.walk() if p.get_filename()]
    return {"subject": str(message["Subject"]), "names": names, "files": files}


@pytest.fixture(scope="module")
def messages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _written(tmp_path_factory.mktemp("eml"))


def test_lines_within_78_octets_and_7_bit(messages: list[Path]) -> None:
    for path in messages:
        head = path.read_bytes().split(b"\r\n\r\n", 1)[0]
        for line in head.split(b"\r\n"):
            assert len(line) <= 78, (path.name, line)
            assert line.isascii()


def test_gmime_reads_what_python_reads(messages: list[Path]) -> None:
    read = gmime_read(messages)
    for path, theirs in zip(messages, read, strict=True):
        ours = _python(path)
        assert theirs["subject"] == ours["subject"], path.name
        assert theirs["names"] == ours["names"], path.name
        assert theirs["files"] == ours["files"], path.name


def test_mime_tools_read_what_python_reads(messages: list[Path]) -> None:
    read = mime_tools_read(messages)
    for path, theirs in zip(messages, read, strict=True):
        ours = _python(path)
        assert theirs["subject"] == ours["subject"], path.name
        names = ours["names"]
        assert isinstance(names, list)
        to, sender = str(names[0]), str(names[1])
        assert str(theirs["to"]).startswith(str(to) or "<"), (path.name, theirs["to"])
        assert str(theirs["from"]).startswith(str(sender)), (path.name, theirs["from"])
        assert theirs["files"] == ours["files"], path.name


def test_an_encoded_word_holds_whole_characters_and_no_padding() -> None:
    for text in NAMES + SUBJECTS:
        words = encoded_words(text).split()
        for word in words if not text.isascii() else []:
            assert word.startswith("=?utf-8?q?") and word.endswith("?=") and len(word) <= 66
            raw = word[len("=?utf-8?q?") : -2]
            assert not raw.endswith("=")  # a byte never cut after its «=»
        decoded = str(email.header.make_header(email.header.decode_header(encoded_words(text))))
        assert decoded == " ".join(text.split())


def test_a_name_split_inside_a_word_is_read_whole_as_gmime_reads_it(tmp_path: Path) -> None:
    """Python's own mailer (and others) split a long name into encoded words in the middle of a
    word; RFC 2047 says the space between two encoded words is no text. The standard library's
    address parser kept it («промышленн ости»); what the program reads is what GMime reads."""
    from email.message import EmailMessage

    from app.services.incoming.eml_import import mail_of

    message = EmailMessage()
    message["From"] = "Министерство промышленности Курской области <minprom@kursk.example>"
    message["To"] = "Автономная некоммерческая организация «Российская система качества» <a@b.ru>"
    message["Subject"] = "О проведении Недели качества"
    message.set_content("Текст.")
    raw = bytes(message)
    assert b"\n =?utf-8?b?" in raw  # the name is folded into two encoded words
    path = tmp_path / "split.eml"
    path.write_bytes(raw)
    mail = mail_of(raw, path, 10**6)
    assert mail.name == "Министерство промышленности Курской области"
    (theirs,) = gmime_read([path])
    names = theirs["names"]
    assert isinstance(names, list) and names[1] == mail.name
