"""Roles on a shared registry (PostgreSQL): the group roles secretariat_reader, _registrar and
_admin with their GRANTs (db/roles.py); the owner of the database stays its administrator. On
SQLite (one workstation) there is nothing to do.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from db.roles import LEGACY_NAMES, create_statements, grant_statements

    tables = list(sa.inspect(bind).get_table_names())
    for statement in create_statements(LEGACY_NAMES) + grant_statements(tables):
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from db.roles import LEGACY_NAMES as ROLE_NAMES

    for name in ROLE_NAMES.values():
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}")
        op.execute(f"REVOKE USAGE ON SCHEMA public FROM {name}")
