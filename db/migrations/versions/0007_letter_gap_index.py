"""Gaps: a partial index over the numbers that have no registered letter.

``journal gaps`` lists reserved, cancelled and annulled numbers. They are about one in a hundred,
but without an index finding them reads every letter: 112 s on a million-letter archive of
13 GB. The partial index holds only those rows; the skipped numbers are found from the unique
(journal, period, seq) index alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NOT_REGISTERED = sa.text("status <> 'registered'")


def upgrade() -> None:
    op.create_index(
        "ix_letter_not_registered",
        "letter",
        ["journal_id", "period_key", "seq"],
        sqlite_where=NOT_REGISTERED,
        postgresql_where=NOT_REGISTERED,
    )


def downgrade() -> None:
    op.drop_index("ix_letter_not_registered", "letter")
