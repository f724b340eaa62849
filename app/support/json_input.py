"""Reading JSON given by a clerk or a script: comments allowed, every problem named."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from app.support.errors import UserError

MAX_JSON_BYTES = 50_000_000  # a card with a 200,000-character body is well under 2 MB
MAX_INTEGER = 2_147_483_647  # what every integer column holds, in SQLite and PostgreSQL


def strip_json_comments(text: str) -> str:
    """Remove ``//`` line comments outside strings (``http://`` inside a string stays)."""
    out: list[str] = []
    in_string = escaped = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def read_json_file(path: Path) -> Any:
    from app.support.files import read_regular

    raw = read_regular(path, MAX_JSON_BYTES, "карточка")  # a device or FIFO refused
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path}: файл не в кодировке UTF-8") from None
    try:
        return json.loads(strip_json_comments(text))
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{path}: ошибка JSON в строке {exc.lineno}, позиция {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise UserError(f"{path}: слишком глубокая вложенность JSON") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise UserError(f"{path}: число в JSON длиннее 4 300 цифр ({type(exc).__name__})") from None


class JsonObject:
    """Typed access to one JSON object, with messages naming the field."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise UserError(f"{where}: ожидается объект {{...}}")
        self.data = data
        self.where = where

    def text(self, key: str, default: str | None = "") -> str:
        value = self.data.get(key, default)
        if value is None:
            if default is None:
                raise UserError(f"{self.where}.{key}: обязательное поле")
            return ""
        if not isinstance(value, str):
            raise UserError(f"{self.where}.{key}: ожидается строка")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise UserError(f"{self.where}.{key}: ожидается true или false")
        return value

    def integer(self, key: str, default: int | None) -> int | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{self.where}.{key}: ожидается целое число")
        if abs(value) > MAX_INTEGER:
            raise UserError(f"{self.where}.{key}: число {str(value)[:20]}… слишком велико")
        return value

    def date(self, key: str) -> dt.date:
        value = self.text(key, None)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise UserError(f"{self.where}.{key}: «{value}» не дата ГГГГ-ММ-ДД") from None

    def lines(self, key: str) -> list[str]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UserError(f"{self.where}.{key}: ожидается список строк")
        return list(value)

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise UserError(f"{self.where}.{key}: ожидается список [...]")
        return value
