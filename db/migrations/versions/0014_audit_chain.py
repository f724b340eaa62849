"""The audit as a hash chain, append-only: every event's place and hash, the chain's head, and
triggers that refuse changing or removing an event (unless the documented maintenance switch is
on). An existing registry's events are chained in their order, then «начало проверяемой цепочки».

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

REFUSAL = "журнал изменений только дополняется: событие нельзя изменить или удалить"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('secretariat.audit_maintenance', true), '') = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def _chain_existing() -> None:
    from db.audit_hash import GENESIS, event_hash

    bind = op.get_bind()
    events = sa.table(
        "audit_event",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime),
        sa.column("os_user", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("details", sa.JSON),
        sa.column("chain_seq", sa.Integer),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    rows = [
        tuple(r)
        for r in bind.execute(
            sa.select(
                events.c.id, events.c.at, events.c.os_user, events.c.entity,
                events.c.entity_id, events.c.action, events.c.details,
            ).order_by(events.c.id)
        )
    ]  # fmt: skip
    prev, seq = GENESIS, 0
    if rows:  # an existing registry: its past is chained, and the start is said in the audit
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        started = (rows[-1][0] + 1, now, "", "audit", None, "chain_started",
                   {"events": len(rows), "note": "начало проверяемой цепочки"})  # fmt: skip
        bind.execute(events.insert().values(dict(zip(
            ("id", "at", "os_user", "entity", "entity_id", "action", "details"), started,
            strict=True,
        ))))  # fmt: skip
        rows.append(started)
    for event_id, at, os_user, entity, entity_id, action, details in rows:
        seq += 1
        digest = event_hash(prev, seq, at, os_user, entity, entity_id, action, details)
        bind.execute(
            events.update()
            .where(events.c.id == event_id)
            .values(chain_seq=seq, prev_hash=prev, hash=digest)
        )
        prev = digest
    chain = sa.table(
        "audit_chain", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
        sa.column("hash", sa.String),
    )  # fmt: skip
    bind.execute(chain.insert().values(id=1, seq=seq, hash=prev))


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=False, server_default=""))
        batch.create_unique_constraint("uq_audit_event_chain_seq", ["chain_seq"])
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_maintenance",  # SQLite's switch: a row here lets an event be changed or removed
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("reason"),
    )
    _chain_existing()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{what.lower()} BEFORE {what} ON audit_event "
                "WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance) "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.drop_table("audit_maintenance")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_constraint("uq_audit_event_chain_seq", type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("chain_seq")
