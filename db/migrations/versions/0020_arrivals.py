"""Arrivals: what the МЭДО client and the mailbox brought waits for the clerk (``arrival``), to be
registered or refused; nothing is numbered before. On PostgreSQL the state accepts only its
family's values and the registry's roles get their rights on the new table (registrars and
administrators read and write it; readers read).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ARRIVAL_STATE = ("waiting", "registered", "refused", "unreadable")


def upgrade() -> None:
    op.create_table(
        "arrival",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("sender_title", sa.Text(), nullable=False),
        sa.Column("sender_medo_id", sa.String(100), nullable=False),
        sa.Column("sender_address", sa.String(300), nullable=False),
        sa.Column("sender_number", sa.String(100), nullable=False),
        sa.Column("sender_date", sa.Date(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column(
            "package_file_id",
            sa.Integer(),
            sa.ForeignKey("stored_file.id", name=op.f("fk_arrival_package_file_id_stored_file")),
            nullable=True,
        ),
        sa.Column(
            "incoming_id",
            sa.Integer(),
            sa.ForeignKey(
                "incoming_letter.id",
                name=op.f("fk_arrival_incoming_id_incoming_letter"),
                ondelete="SET NULL",
            ),
            nullable=True,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("channel", "key", name=op.f("uq_arrival_channel")),
    )
    op.create_index(op.f("ix_arrival_state"), "arrival", ["state"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    allowed = ", ".join(f"'{v}'" for v in ARRIVAL_STATE)
    op.create_check_constraint(op.f("ck_arrival_state"), "arrival", f"state IN ({allowed})")
    from db.roles import registry_grant_statements

    for statement in registry_grant_statements(bind, ["arrival"]):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("arrival")
