"""Alembic environment: always driven from :mod:`db.schema` with a live connection."""

from __future__ import annotations

from alembic import context

from db.models import Base
from db.schema import UNMODELLED_PREFIXES

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic revision --autogenerate` by hand
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://").connect()


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    # the full-text index (a virtual table and its shadow tables) lives outside the models
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_PREFIXES))


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_name=include_name,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
