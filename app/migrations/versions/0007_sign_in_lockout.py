"""Sign-in hardening: failed attempts and a lock time on each account.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 07:31:56.449877
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("first_failed_at", app.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("locked_until", app.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("first_failed_at")
        batch_op.drop_column("failed_logins")
