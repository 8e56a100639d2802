"""Attendance: work rules and who follows them, rotas, punches, requests, appeals.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("rule_json", sa.Text(), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_work_rule_branch_id_branch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_rule")),
        sa.UniqueConstraint("branch_id", "key", name=op.f("uq_work_rule_branch_id_key")),
    )
    with op.batch_alter_table("work_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_rule_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "rota_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_rota_override_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_rota_override_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_override")),
        sa.UniqueConstraint("staff_id", "day", name=op.f("uq_rota_override_staff_id_day")),
    )
    with op.batch_alter_table("rota_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_override_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "rota_pattern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_rota_pattern_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_rota_pattern_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_pattern")),
        sa.UniqueConstraint("staff_id", "weekday", name=op.f("uq_rota_pattern_staff_id_weekday")),
    )
    with op.batch_alter_table("rota_pattern", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_pattern_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "rule_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_rule_assignment_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["work_rule.id"], name=op.f("fk_rule_assignment_rule_id_work_rule")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_rule_assignment_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_assignment")),
    )
    with op.batch_alter_table("rule_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rule_assignment_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rule_assignment_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "attendance_appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=500), nullable=False),
        sa.Column("points_after", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_attendance_appeal_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["app_user.id"], name=op.f("fk_attendance_appeal_decided_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_attendance_appeal_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_appeal")),
    )
    with op.batch_alter_table("attendance_appeal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_appeal_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_appeal_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "attendance_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("leave_type", sa.String(length=16), nullable=False),
        sa.Column("start", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("end", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entered_after", sa.Boolean(), nullable=False),
        sa.Column("proof", sa.LargeBinary(), nullable=True),
        sa.Column("proof_filename", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("decision_comment", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_attendance_request_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_attendance_request_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["app_user.id"], name=op.f("fk_attendance_request_decided_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_attendance_request_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_request")),
    )
    with op.batch_alter_table("attendance_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_request_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_request_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "punch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("minute_key", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_punch_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_punch_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_punch_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_punch")),
        sa.UniqueConstraint("staff_id", "minute_key", name=op.f("uq_punch_staff_id_minute_key")),
    )
    with op.batch_alter_table("punch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_punch_branch_id"), ["branch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("punch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_punch_branch_id"))

    op.drop_table("punch")
    with op.batch_alter_table("attendance_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_request_staff_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_request_branch_id"))

    op.drop_table("attendance_request")
    with op.batch_alter_table("attendance_appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_appeal_staff_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_appeal_branch_id"))

    op.drop_table("attendance_appeal")
    with op.batch_alter_table("rule_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_assignment_staff_id"))
        batch_op.drop_index(batch_op.f("ix_rule_assignment_branch_id"))

    op.drop_table("rule_assignment")
    with op.batch_alter_table("rota_pattern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_pattern_branch_id"))

    op.drop_table("rota_pattern")
    with op.batch_alter_table("rota_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_override_branch_id"))

    op.drop_table("rota_override")
    with op.batch_alter_table("work_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_rule_branch_id"))

    op.drop_table("work_rule")
