"""The one way command groups name a letter: ``NUMBER [--year YEAR]``, found in the registry."""

from __future__ import annotations

import argparse
from typing import Any


def add_letter_command(sub: Any, name: str, help_text: str) -> Any:
    """A subcommand that takes a letter's registration number (and its year, if repeated)."""
    p = sub.add_parser(name, help=help_text)
    p.add_argument("number", metavar="NUMBER", help="регистрационный номер письма")
    p.add_argument("--year", type=int, help="год, если номер повторяется в разные годы")
    return p


def letter_of(args: argparse.Namespace) -> tuple[Any, int]:
    """The opened database and the id of the letter the arguments name."""
    from app.services.letters import letter_id_by_number

    db = args.open_db(args)
    return db, letter_id_by_number(db, args.number, year=args.year)
