"""The state columns accept only their family's values: a CHECK constraint on PostgreSQL.

The values are written out here (a migration is a snapshot; ``tests/test_schema.py`` checks they
still equal ``app/rules/states.py``). SQLite is left without: adding a CHECK there rebuilds the
table, and ``letter`` and ``recipient`` cannot be dropped while other tables refer to them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LETTER_STATUS = ("reserved", "registered", "annulled", "cancelled")
DELIVERY_STATE = ("not_sent", "prepared", "partly_sent", "sent", "delivered", "error")
COPY_STATE = ("not_sent", "unsigned", "prepared", "sent", "delivered", "error")
CONTROL_STATE = ("expected", "reminded", "received", "closed", "excused")
CHECKS = (
    ("letter", "status", LETTER_STATUS),
    ("letter", "delivery_state", DELIVERY_STATE),
    ("letter_addressee", "dispatch_state", COPY_STATE),
    ("dispatch_event", "state", COPY_STATE),
    ("report_control", "state", CONTROL_STATE),
)


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, values in CHECKS:
        allowed = ", ".join(f"'{v}'" for v in values)
        op.create_check_constraint(op.f(_name(table, column)), table, f"{column} IN ({allowed})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, _values in CHECKS:
        op.drop_constraint(op.f(_name(table, column)), table, type_="check")
