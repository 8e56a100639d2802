"""Weekly summaries: customers, trip records, visit logs and plans, summaries, reviews, roll-ups.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 05:29:54.099093
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("owner_staff_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("company", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_customer_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["owner_staff_id"], ["staff.id"], name=op.f("fk_customer_owner_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("owner_staff_id", "name", name=op.f("uq_customer_owner_staff_id_name")),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customer_owner_staff_id"), ["owner_staff_id"], unique=False
        )

    op.create_table(
        "trip_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("planned_out", sa.Time(), nullable=True),
        sa.Column("planned_back", sa.Time(), nullable=True),
        sa.Column("entered_after", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_trip_record_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_trip_record_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_trip_record_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_trip_record_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trip_record")),
    )
    with op.batch_alter_table("trip_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trip_record_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trip_record_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_trip_record_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "visit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.String(length=500), nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_visit_log_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_visit_log_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_visit_log_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_visit_log_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_log")),
    )
    with op.batch_alter_table("visit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_log_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_log_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_log_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_log_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "visit_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("planned_day", sa.Date(), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("outcome_reason", sa.String(length=200), nullable=False),
        sa.Column("moved_to", sa.Date(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_visit_plan_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_visit_plan_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_visit_plan_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plan")),
    )
    with op.batch_alter_table("visit_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_plan_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_plan_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_plan_week_start"), ["week_start"], unique=False)

    op.create_table(
        "weekly_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=260), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("produced_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("produced_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_weekly_rollup_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["produced_by"], ["app_user.id"], name=op.f("fk_weekly_rollup_produced_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_rollup")),
    )
    with op.batch_alter_table("weekly_rollup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weekly_rollup_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_weekly_rollup_week_start"), ["week_start"], unique=False
        )

    op.create_table(
        "weekly_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("needs_trends", sa.Text(), nullable=False),
        sa.Column("campaign_response", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("suggestions", sa.Text(), nullable=False),
        sa.Column("next_week_plan", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("source_file", sa.String(length=260), nullable=False),
        sa.Column("submitted_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("deadline_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("return_reason", sa.String(length=500), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_weekly_summary_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_weekly_summary_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["app_user.id"], name=op.f("fk_weekly_summary_reviewed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_weekly_summary_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_summary")),
        sa.UniqueConstraint(
            "staff_id",
            "week_start",
            "revision",
            name=op.f("uq_weekly_summary_staff_id_week_start_revision"),
        ),
    )
    with op.batch_alter_table("weekly_summary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weekly_summary_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_weekly_summary_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_weekly_summary_week_start"), ["week_start"], unique=False
        )

    op.create_table(
        "summary_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_summary_visit_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["summary_id"],
            ["weekly_summary.id"],
            name=op.f("fk_summary_visit_summary_id_weekly_summary"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_visit")),
    )
    with op.batch_alter_table("summary_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_summary_visit_summary_id"), ["summary_id"], unique=False
        )

    op.create_table(
        "weekly_review_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=True),
        sa.Column("at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user"], ["app_user.id"], name=op.f("fk_weekly_review_event_by_user_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["summary_id"],
            ["weekly_summary.id"],
            name=op.f("fk_weekly_review_event_summary_id_weekly_summary"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_review_event")),
    )
    with op.batch_alter_table("weekly_review_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weekly_review_event_summary_id"), ["summary_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("weekly_review_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_review_event_summary_id"))

    op.drop_table("weekly_review_event")
    with op.batch_alter_table("summary_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_visit_summary_id"))

    op.drop_table("summary_visit")
    with op.batch_alter_table("weekly_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_summary_week_start"))
        batch_op.drop_index(batch_op.f("ix_weekly_summary_staff_id"))
        batch_op.drop_index(batch_op.f("ix_weekly_summary_branch_id"))

    op.drop_table("weekly_summary")
    with op.batch_alter_table("weekly_rollup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_rollup_week_start"))
        batch_op.drop_index(batch_op.f("ix_weekly_rollup_branch_id"))

    op.drop_table("weekly_rollup")
    with op.batch_alter_table("visit_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_plan_week_start"))
        batch_op.drop_index(batch_op.f("ix_visit_plan_staff_id"))
        batch_op.drop_index(batch_op.f("ix_visit_plan_branch_id"))

    op.drop_table("visit_plan")
    with op.batch_alter_table("visit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_log_staff_id"))
        batch_op.drop_index(batch_op.f("ix_visit_log_day"))
        batch_op.drop_index(batch_op.f("ix_visit_log_customer_id"))
        batch_op.drop_index(batch_op.f("ix_visit_log_branch_id"))

    op.drop_table("visit_log")
    with op.batch_alter_table("trip_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trip_record_staff_id"))
        batch_op.drop_index(batch_op.f("ix_trip_record_day"))
        batch_op.drop_index(batch_op.f("ix_trip_record_branch_id"))

    op.drop_table("trip_record")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_owner_staff_id"))
        batch_op.drop_index(batch_op.f("ix_customer_branch_id"))

    op.drop_table("customer")
