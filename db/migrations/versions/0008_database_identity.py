"""The registry's identity: a random id made once, kept by every backup copy.

Copies of two registries that share one backup folder are told apart by it: the latest copy,
rotation, the daily copy and a restore consider only copies of the same registry.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "database_identity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_identity")),
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    op.bulk_insert(table, [{"id": str(uuid.uuid4()), "created_at": now}])


def downgrade() -> None:
    op.drop_table("database_identity")
