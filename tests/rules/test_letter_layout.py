"""The page description: every requisite built from the letter and the profile (no files)."""

from __future__ import annotations

import datetime as dt

from app.rules.letter_body import parse_markup as parse_body
from app.rules.letter_layout import (
    NBSP,
    Copy,
    Letterhead,
    LetterSource,
    Person,
    appendix_kinds,
    attachment_mark,
    bind_initials,
    build_page,
    letter_date,
)

HEAD = Letterhead(name="АНО «Роскачество»", letterhead=("РОСКАЧЕСТВО",), address="Москва")
SIGNER = Person(
    "Протасов",
    "Максим",
    "Александрович",
    "заместитель\nпредседателя Правительства",
    certificate=("01D7", "", dt.date(2024, 12, 1), dt.date(2026, 3, 1)),
)


def source(**fields: object) -> LetterSource:
    base: dict[str, object] = {
        "number": "710/5",
        "date": dt.date(2025, 4, 29),
        "subject": "О поддержке",
        "addressee_text": "Губернатору Камчатского края\nВ.В. Солодову",
        "salutation": "Уважаемый Владимир Викторович!",
        "signatory": SIGNER,
    }
    base.update(fields)
    return LetterSource(**base)  # type: ignore[arg-type]


def test_body_markup_paragraphs_lists_bold_and_breaks() -> None:
    blocks = parse_body(
        "Первый **важный** абзац.\nСтрока вторая.\n\nСписок:\n- пункт\n1. первый\n2) второй"
    )
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "bullet", "numbered", "numbered"]
    assert [s.bold for s in blocks[0].spans] == [False, True, False]
    assert blocks[0].text == "Первый важный абзац.\nСтрока вторая."
    assert (blocks[3].label, blocks[3].text) == ("1.", "первый")
    assert blocks[4].label == "2)"
    assert parse_body("без **пары")[0].text == "без **пары"


def test_initials_bound_to_the_surname_both_orders() -> None:
    assert bind_initials("В.В. Солодову") == f"В.В.{NBSP}Солодову"
    assert bind_initials("В. В. Солодову") == f"В.В.{NBSP}Солодову"
    assert bind_initials("Солодову В.В.") == f"Солодову{NBSP}В.В."
    assert bind_initials("Правительство Москвы") == "Правительство Москвы"


def test_number_line_orders_date_styles_and_reply_lines() -> None:
    page = build_page(source(), HEAD)
    assert page.number_line == f"№{NBSP}710/5 от{NBSP}29.04.2025"
    assert page.reply_line == ""
    flat = Letterhead(name="X", number_line="date_first", reply_line=True, date_words=True)
    page = build_page(source(), flat)
    assert page.number_line == f"от{NBSP}«29»{NBSP}апреля 2025{NBSP}г. №{NBSP}710/5"
    assert page.reply_line.startswith(f"На{NBSP}№{NBSP}___")
    reply = build_page(source(reply_to_number="12-34", reply_to_date=dt.date(2025, 3, 5)), flat)
    assert reply.reply_line == f"На{NBSP}№{NBSP}12-34 от{NBSP}05.03.2025"
    assert letter_date(dt.date(2024, 10, 22), words=True) == f"«22»{NBSP}октября 2024{NBSP}г."


def test_attachment_mark_named_in_text_or_listed() -> None:
    one = source(attachments=(("Отчетная форма", 1, 1),), body="направить согласно приложению")
    assert attachment_mark(one) == (f"Приложение: на{NBSP}1{NBSP}л. в{NBSP}1{NBSP}экз.",)
    unnamed = source(attachments=(("Отчетная форма", 2, 1),), body="текст")
    assert attachment_mark(unnamed)[0].startswith("Приложение: Отчетная форма на")
    many = source(attachments=(("План", 3, 1), ("Смета", 1, 2)))
    assert attachment_mark(many)[0] == "Приложение:"
    assert attachment_mark(many)[2].startswith("2. Смета на")


def test_signature_position_lines_and_electronic_stamp() -> None:
    page = build_page(source(), HEAD)
    assert page.signature is not None
    assert page.signature.position == ("заместитель", "председателя Правительства")
    assert page.signature.name == f"М.А.{NBSP}Протасов"
    assert page.signature.stamp is None
    stamped = build_page(source(electronic_signature=True), HEAD).signature
    assert stamped is not None and stamped.stamp is not None
    assert stamped.stamp.lines == (
        "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
        "Сертификат 01D7",
        "Владелец Протасов Максим Александрович",
        "Действителен с 01.12.2024 по 01.03.2026",
    )


def test_appendices_a_list_letter_carries_its_list_a_personal_copy_does_not() -> None:
    copies = tuple(Copy(f"Правительство региона {i}", delivery="МЭДО") for i in range(6))
    letter = source(
        addressee_text="По списку рассылки",
        salutation="",
        copies=copies,
        report_columns=("Субъект РФ", "Количество"),
        report_rows=3,
        appendices=("report_form",),
    )
    assert appendix_kinds(letter, personal=False) == ["report_form", "distribution_list"]
    page = build_page(letter, HEAD)
    form, dlist = page.appendices
    assert form.caption == f"Приложение №{NBSP}1 к письму от{NBSP}29.04.2025 №{NBSP}710/5"
    assert form.table.columns == ("№", "Субъект РФ", "Количество")
    assert [r[0] for r in form.table.rows] == ["1", "2", "3"]
    assert len(dlist.table.rows) == 6
    assert dlist.table.rows[5] == ("6.", "Правительство региона 5", "МЭДО")
    personal = build_page(letter, HEAD, copies[2])
    assert [a.kind for a in personal.appendices] == ["report_form"]
    assert personal.addressee == (("Правительство региона 2",),)
    assert personal.salutation == "Уважаемые коллеги!"


def test_up_to_four_addressees_print_one_under_another() -> None:
    text = "Губернатору Камчатского края\nВ.В. Солодову\n\nМинистерство финансов"
    page = build_page(source(addressee_text=text), HEAD)
    assert page.addressee == (
        ("Губернатору Камчатского края", f"В.В.{NBSP}Солодову"),
        ("Министерство финансов",),
    )
    assert page.organization == ("РОСКАЧЕСТВО",)
    assert "Москва" in page.reference
