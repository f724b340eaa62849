"""Where things are: the repository, the tests' data and fixtures, the validators' schemas."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
DATA = TESTS / "data"
FIXTURES = TESTS / "fixtures"
SCHEMAS = TESTS / "schemas"
GOLDEN = TESTS / "golden"
