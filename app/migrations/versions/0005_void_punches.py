"""Punches can be voided (with a reason) instead of deleted.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("punch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", app.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("void_reason", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("voided_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_punch_voided_by_app_user"), "app_user", ["voided_by"], ["id"]
        )


def downgrade() -> None:

    with op.batch_alter_table("punch", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_punch_voided_by_app_user"), type_="foreignkey")
        batch_op.drop_column("voided_by")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
