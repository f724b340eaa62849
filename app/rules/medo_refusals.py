"""Why a МЭДО document is refused registration: the reasons the message schema allows
(``reasonForRejection`` of the IEDMS ``communication``, 2.6). A clerk's own words that are none
of them go as «Не подлежит регистрации» with the words in the notification's comment."""

from __future__ import annotations

REASONS = (
    "Не подлежит регистрации",
    "Ошибка адресации",
    "Не указан корреспондент",
    "Нет искового заявления",
    "Отсутствует текст",
    "Нет подписи",
    "Приложение отсутствует",
    "Листаж приложения указан ошибочно",
    "Несовпадение реквизитов приложения с приложенными документами",
    "Нет № и даты",
    "Не полная комплектация",
    "Дата документа неразборчива",
    "Исходящий номер документа неразборчив",
    "Отсутствует (не видна) подпись",
    "Перевернуты страницы",
    "Продублированы страницы",
    "В приложении проект нормативного акта",
    "Документ ДСП",
    "Документ и/или приложение отсканированы с оборотом",
    "Документ неверно адресован",
    "Документ получен ранее на бумажном носителе",
    "Документ зарегистрирован ранее, текст взамен разосланного загружен",
    "Количество страниц в тексте документа не соответствует заявленному",
    "Несоответствие переданных реквизитов тексту документа",
    "Отсутствует приложение, указанное в документе",
    "Текст неразборчив",
    "Текст отсутствует",
    "Текст не соответствует регламенту",
)
OTHER = REASONS[0]


def _key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold().rstrip(".")


_BY_KEY = {_key(reason): reason for reason in REASONS}


def refusal_of(text: str) -> tuple[str, str]:
    """(the schema's reason, a comment): a reason of the list as written in any case, or
    «Не подлежит регистрации» with the clerk's words as the comment."""
    words = " ".join(text.split())
    if not words:
        raise ValueError("a refusal needs its reason")
    known = _BY_KEY.get(_key(words))
    return (known, "") if known else (OTHER, words)
