"""Attendance (考勤制度): a branch's work rules and who follows which, rotas, punches,
requests (leave, trips, field work, overtime, make-up punches, excuses) and appeals.

Instants are UTC (`UTCDateTime`); work dates and rota times are the branch's wall clock.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class WorkRuleRecord(Base):
    """A branch's own copy of a work rule (app.services.workrules.WorkRule as JSON).

    Made from a template the first time it is used, then the branch's to adjust.
    """

    __tablename__ = "work_rule"
    __table_args__ = (UniqueConstraint("branch_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    rule_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RuleAssignment(Base):
    """From `effective_from` on, `staff_id` (or, when it is NULL, the whole branch) follows
    `rule_id`. A person's rule on a date is the latest assignment on or before it, their own
    or the branch's; with none, the branch's starting template (Branch.rules_template)."""

    __tablename__ = "rule_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("work_rule.id"))
    effective_from: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RotaPattern(Base):
    """A person's weekly rota: on `weekday` (0 = Monday) they rest or work, optionally with
    their own shift times instead of the rule's."""

    __tablename__ = "rota_pattern"
    __table_args__ = (UniqueConstraint("staff_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    weekday: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))  # rest | work
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]


class RotaOverride(Base):
    """One date that departs from the pattern and the calendar for one person (换班)."""

    __tablename__ = "rota_override"
    __table_args__ = (UniqueConstraint("staff_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(8))  # rest | work
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]


class Punch(Base):
    """One clock-in or clock-out. `minute_key` is `at` in whole UTC minutes since 1970:
    the unique (staff_id, minute_key) keeps the same punch from being stored twice, and
    its index serves the month's range queries."""

    __tablename__ = "punch"
    __table_args__ = (UniqueConstraint("staff_id", "minute_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    minute_key: Mapped[int]
    source: Mapped[str] = mapped_column(String(16))  # kiosk | manual | meeting | import
    note: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")  # why it was entered by hand
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A wrong punch is voided with a reason, never deleted: the record of what the clock
    # said stays, and a re-imported clock file does not bring it back.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class AttendanceRequest(Base):
    """Leave, a business trip, field work, overtime, a make-up punch (补卡) or an excuse.

    `entered_after`: recorded after it began (an emergency, explained afterwards).
    """

    __tablename__ = "attendance_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    leave_type: Mapped[str] = mapped_column(String(16), default="")
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    entered_after: Mapped[bool] = mapped_column(Boolean, default=False)
    proof: Mapped[bytes | None] = mapped_column(LargeBinary)
    proof_filename: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_comment: Mapped[str] = mapped_column(String(500), default="")


class Appeal(Base):
    """A person disputes a work date's result; an accepted appeal sets that day's points."""

    __tablename__ = "attendance_appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    work_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|accepted|rejected
    decision: Mapped[str] = mapped_column(String(500), default="")
    points_after: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
