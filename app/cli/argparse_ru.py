"""argparse's own words in Russian: «неизвестный аргумент», not «unrecognized arguments».

Python ships no Russian catalogue for argparse, and its messages are looked up through the
module's ``_``/``ngettext`` at the time they are raised; :func:`install` replaces those two with
this table (format strings kept, so every ``%``-placeholder is filled as before). A message
missing here stays English: a later Python's new wording shows up in the CLI tests, which run
every command with wrong arguments and look for Latin letters.
"""

from __future__ import annotations

import argparse
from typing import Any

MESSAGES = {
    "usage: ": "использование: ",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "неизвестная команда %(parser_name)r (допустимо: %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "не открыть «%(filename)s»: %(error)s",
    "positional arguments": "аргументы",
    "options": "ключи",
    "show this help message and exit": "показать эту справку и выйти",
    "unrecognized arguments: %s": "лишние или неизвестные аргументы: %s",
    "not allowed with argument %s": "нельзя вместе с %s",
    "ignored explicit argument %r": "значение %r не нужно",
    "the following arguments are required: %s": "не указаны обязательные аргументы: %s",
    "one of the arguments %s is required": "нужен один из аргументов: %s",
    "expected one argument": "нужно значение",
    "expected at most one argument": "нужно не больше одного значения",
    "expected at least one argument": "нужно хотя бы одно значение",
    "ambiguous option: %(option)s could match %(matches)s": (
        "неоднозначный ключ %(option)s: подходят %(matches)s"
    ),
    "unexpected option string: %s": "неожиданный ключ: %s",
    "invalid %(type)s value: %(value)r": "неверное значение %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "недопустимое значение %(value)r (допустимо: %(choices)s)"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
}
PLURALS = {
    "expected %s argument": ("нужно значений: %s", "нужно значений: %s"),
    "conflicting option string: %s": ("ключ задан дважды: %s", "ключи заданы дважды: %s"),
}


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    forms = PLURALS.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms[0] if n == 1 else forms[1]


def install() -> None:
    """Once, before the parser is built (the help of ``-h`` is made at that time)."""
    module: Any = argparse
    module._ = gettext
    module.ngettext = ngettext
