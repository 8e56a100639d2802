"""The branch's working calendar: special days and known years.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_calendar_day_branch_id_branch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_day")),
        sa.UniqueConstraint("branch_id", "day", name=op.f("uq_calendar_day_branch_id_day")),
    )
    with op.batch_alter_table("calendar_day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_day_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "calendar_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_calendar_year_branch_id_branch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_year")),
        sa.UniqueConstraint("branch_id", "year", name=op.f("uq_calendar_year_branch_id_year")),
    )
    with op.batch_alter_table("calendar_year", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_year_branch_id"), ["branch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calendar_year", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_year_branch_id"))
    op.drop_table("calendar_year")
    with op.batch_alter_table("calendar_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_day_branch_id"))
    op.drop_table("calendar_day")
