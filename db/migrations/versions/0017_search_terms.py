"""The terms of the word index in a table of their own (``search_term``), so that an unfinished
word is completed to the terms it begins instead of the index reading every match of each.

Filled here from the index as it stands (FTS5's vocabulary on SQLite, ``ts_stat`` on
PostgreSQL); from then on the program adds the terms of every row it indexes.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLES = ("letter", "recipient")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "search_term",
        sa.Column("name", sa.String(30), nullable=False),
        sa.Column(
            "term", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", "term", name="pk_search_term"),
        sqlite_with_rowid=False,
    )
    for table in TABLES:
        if sqlite:
            op.execute(
                f"CREATE VIRTUAL TABLE temp.{table}_vocabulary "
                f"USING fts5vocab(main, {table}_words, row)"
            )
            op.execute(
                f"INSERT INTO search_term (name, term) "
                f"SELECT '{table}', term FROM temp.{table}_vocabulary"
            )
            op.execute(f"DROP TABLE temp.{table}_vocabulary")
        else:
            op.execute(
                f"INSERT INTO search_term (name, term) SELECT '{table}', word "
                f"FROM ts_stat('SELECT search_vector FROM {table}')"
            )
    if not sqlite:
        from db.roles import grant_statements

        for statement in grant_statements(["search_term"]):
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("search_term")
