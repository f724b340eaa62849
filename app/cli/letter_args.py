"""The one way command groups name a letter: ``NUMBER [--year YEAR]``, found in the registry."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (a clear message otherwise)."""

    def parse(value: str) -> int:
        text = value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 12 or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(
                f"«{value[:20]}»: нужно целое число от {low} до {high}"
            )
        return int(text)

    return parse


YEAR = bounded(1900, 2200)


def add_letter_ref(p: Any) -> None:
    """NUMBER, and --year / --journal for a number that repeats."""
    p.add_argument("number", metavar="NUMBER", help="регистрационный номер письма")
    p.add_argument("--year", type=YEAR, help="год, если номер повторяется в разные годы")
    p.add_argument("--journal", metavar="CODE", help="журнал, если номер есть в нескольких")


def add_letter_command(sub: Any, name: str, help_text: str) -> Any:
    """A subcommand that takes a letter's registration number (and its year, if repeated)."""
    p = sub.add_parser(name, help=help_text)
    add_letter_ref(p)
    return p


def letter_of(args: argparse.Namespace) -> tuple[Any, int]:
    """The opened database and the id of the letter the arguments name."""
    db = args.open_db(args)
    return db, letter_id_of(db, args)


def letter_id_of(db: Any, args: argparse.Namespace) -> int:
    """The id of the letter NUMBER [--year] [--journal] names."""
    from app.services.registry.letters import letter_id_by_number

    return letter_id_by_number(db, args.number, year=args.year, journal=args.journal)


def incoming_id_of(db: Any, args: argparse.Namespace) -> int:
    """The incoming letter ``args.number`` names (``--year``, ``--journal`` if it repeats)."""
    from app.services.links.replies import incoming_id_by_number

    return incoming_id_by_number(db, args.number, year=args.year, journal=args.journal)
