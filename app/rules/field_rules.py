"""One rule for every text a clerk or a file gives the program: what characters a field may hold
and how long it may be.

- A one-line field (a code, a case index, a name, a МЭДО id, a heading) holds no line break and
  no control character: a CR/LF in a case index became part of the number and then an extra
  line of ``envelope.ini``. A multi-line field (the body, an addressee as printed, an address)
  may hold line breaks and tabs, nothing else below U+0020.
- Lone surrogates (``"\\ud800"`` in JSON) are refused everywhere: no file can be written with
  them.
- The length limit of a field is the length of its database column (read from the models, so
  that SQLite, which does not enforce it, and PostgreSQL, which does, accept the same values);
  text columns have :data:`MAX_TEXT`, the letter body :data:`MAX_BODY`.

The checks run where data enters: the set-up file, the letter card (file or window), imports,
Settings — all through the services' ``validate``/``problems`` that call :func:`problems_of`.
"""

from __future__ import annotations

import re

from app.support.errors import UserError
from app.support.text import thousands

MAX_BODY = 200_000  # characters of a letter body: about 70 pages at 14 pt
MAX_TEXT = 20_000  # any other text column: a heading, an addressee as printed, a note
# the Russian name of a field, in messages and in the audit viewer
FIELD_LABELS = {
    "subject": "заголовок",
    "body": "текст",
    "closing": "заключительная фраза",
    "addressee_text": "адресат",
    "salutation": "обращение",
    "signatory_id": "подписал",
    "executor_id": "исполнитель",
    "organization": "организация",
    "position": "должность",
    "last_name": "фамилия",
    "first_name": "имя",
    "middle_name": "отчество",
    "gender": "пол",
    "addressee_lines": "адресат",
    "delivery": "способ доставки",
    "email": "эл. почта",
    "medo_id": "МЭДО",
    "medo_address": "адрес МЭДО",
    "address": "адрес",
    "postcode": "индекс",
    "phone": "телефон",
    "code": "код",
    "template": "шаблон",
    "period": "период нумерации",
    "name": "наименование",
    "short_name": "краткое наименование",
    "journal": "журнал",
    "number": "номер",
    "case": "индекс дела",
    "case_index": "индекс дела",
    "department": "подразделение",
    "signatory": "подписал",
    "executor": "исполнитель",
    "signature": "вид подписи",
    "reply_to_number": "номер письма, на которое дается ответ",
    "fax": "факс",
    "website": "сайт",
    "okpo": "ОКПО",
    "ogrn": "ОГРН",
    "inn": "ИНН",
    "kpp": "КПП",
    "layout": "вид бланка",
    "number_line": "порядок даты и номера",
    "font_file": "файл шрифта",
    "mail_from": "адрес отправителя",
    "smtp_host": "почтовый сервер",
    "smtp_security": "защита соединения",
    "smtp_login": "учетная запись",
    "email_subject": "тема письма",
    "email_body": "сопроводительный текст",
}
_ONE_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_MULTI_LINE_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _char_name(ch: str) -> str:
    if ch in "\r\n":
        return "перевод строки"
    if ch == "\t":
        return "табуляция"
    if "\ud800" <= ch <= "\udfff":
        return f"недопустимый символ U+{ord(ch):04X}"
    return f"управляющий символ U+{ord(ch):04X}"


def text_problem(value: str, label: str, *, limit: int, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored in the field, or None."""
    bad = (_MULTI_LINE_BAD if multiline else _ONE_LINE_BAD).search(value)
    if bad:
        return f"{label}: {_char_name(bad.group())} недопустим"
    if len(value) > limit:
        return f"{label}: {thousands(len(value))} знаков, допустимо не больше {thousands(limit)}"
    return None


def check_text(value: str, label: str, *, limit: int, multiline: bool = False) -> None:
    problem = text_problem(value, label, limit=limit, multiline=multiline)
    if problem:
        raise UserError(problem)


def refuse(problems: list[str], who: str) -> None:
    if problems:
        raise UserError(f"{who}: {'; '.join(problems)}")
