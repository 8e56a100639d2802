"""Meetings: schedules, occurrences, roll call, notices, signatures, minutes, actions.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "agenda_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sections_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_agenda_template_branch_id_branch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_template")),
        sa.UniqueConstraint("branch_id", "kind", name=op.f("uq_agenda_template_branch_id_kind")),
    )
    with op.batch_alter_table("agenda_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_template_branch_id"), ["branch_id"], unique=False
        )

    op.create_table(
        "meeting_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recurrence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("week_of_month", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("host_name", sa.String(length=50), nullable=False),
        sa.Column("minute_taker_staff_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_meeting_schedule_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["minute_taker_staff_id"],
            ["staff.id"],
            name=op.f("fk_meeting_schedule_minute_taker_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_schedule")),
    )
    with op.batch_alter_table("meeting_schedule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_schedule_branch_id"), ["branch_id"], unique=False
        )

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("original_day", sa.Date(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("host_name", sa.String(length=50), nullable=False),
        sa.Column("delegated_host_staff_id", sa.Integer(), nullable=True),
        sa.Column("delegation_note", sa.String(length=200), nullable=False),
        sa.Column("minute_taker_staff_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("change_reason", sa.String(length=200), nullable=False),
        sa.Column("draft_json", sa.Text(), nullable=False),
        sa.Column("draft_saved_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("finalized_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_meeting_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["delegated_host_staff_id"],
            ["staff.id"],
            name=op.f("fk_meeting_delegated_host_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["minute_taker_staff_id"],
            ["staff.id"],
            name=op.f("fk_meeting_minute_taker_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["meeting_schedule.id"],
            name=op.f("fk_meeting_schedule_id_meeting_schedule"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint(
            "schedule_id", "original_day", name=op.f("uq_meeting_schedule_id_original_day")
        ),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_day"), ["day"], unique=False)

    op.create_table(
        "absence_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("notified_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("recorded_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_absence_notice_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_absence_notice_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_absence_notice_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence_notice")),
        sa.UniqueConstraint(
            "meeting_id", "staff_id", name=op.f("uq_absence_notice_meeting_id_staff_id")
        ),
    )
    with op.batch_alter_table("absence_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_absence_notice_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_absence_notice_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("owner_staff_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("done_in_meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_action_item_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["done_in_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_action_item_done_in_meeting_id_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_action_item_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["owner_staff_id"], ["staff.id"], name=op.f("fk_action_item_owner_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_meeting_attachment_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attachment_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attachment")),
    )
    with op.batch_alter_table("meeting_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attachment_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_attachment_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "meeting_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("arrival", sa.Time(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_meeting_attendance_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendance_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_meeting_attendance_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendance")),
        sa.UniqueConstraint(
            "meeting_id", "staff_id", name=op.f("uq_meeting_attendance_meeting_id_staff_id")
        ),
    )
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attendance_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_attendance_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "minutes_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("finalized_by", sa.Integer(), nullable=True),
        sa.Column("finalized_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_minutes_revision_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["finalized_by"],
            ["app_user.id"],
            name=op.f("fk_minutes_revision_finalized_by_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_minutes_revision_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_revision")),
        sa.UniqueConstraint(
            "meeting_id", "revision", name=op.f("uq_minutes_revision_meeting_id_revision")
        ),
    )
    with op.batch_alter_table("minutes_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_minutes_revision_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_minutes_revision_fingerprint"), ["fingerprint"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_minutes_revision_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("signer_key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_signature_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_signature_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_signature_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
        sa.UniqueConstraint(
            "meeting_id", "role", "signer_key", name=op.f("uq_signature_meeting_id_role_signer_key")
        ),
    )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signature_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signature_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signature_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_signature_branch_id"))

    op.drop_table("signature")
    with op.batch_alter_table("minutes_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_revision_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_revision_fingerprint"))
        batch_op.drop_index(batch_op.f("ix_minutes_revision_branch_id"))

    op.drop_table("minutes_revision")
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendance_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_attendance_branch_id"))

    op.drop_table("meeting_attendance")
    with op.batch_alter_table("meeting_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attachment_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_attachment_branch_id"))

    op.drop_table("meeting_attachment")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_branch_id"))

    op.drop_table("action_item")
    with op.batch_alter_table("absence_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_notice_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_absence_notice_branch_id"))

    op.drop_table("absence_notice")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_day"))
        batch_op.drop_index(batch_op.f("ix_meeting_branch_id"))

    op.drop_table("meeting")
    with op.batch_alter_table("meeting_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_schedule_branch_id"))

    op.drop_table("meeting_schedule")
    with op.batch_alter_table("agenda_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_template_branch_id"))

    op.drop_table("agenda_template")
