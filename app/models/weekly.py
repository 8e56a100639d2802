"""Visits and weekly reports (日志管理 / 工作报告制度): the manager's customer book, trip
records filled before going out, visit logs after, next week's visit plans, the weekly
progress summary with its review, and the branch roll-up sent to the market department.

A week is an ISO week, stored as its Monday (`week_start`); "2026-W48" is its label.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class Customer(Base):
    """A customer in a manager's book. Confidential: only the owner and the supervisor see it."""

    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("owner_staff_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    owner_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    company: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    grade: Mapped[str] = mapped_column(String(16), default="normal")  # key | normal
    birthday: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TripRecord(Base):
    """出行记录表: filled before going out. `entered_after`: written after the planned time
    out, which the rule book does not allow, so the check shows it."""

    __tablename__ = "trip_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    day: Mapped[date] = mapped_column(index=True)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    planned_out: Mapped[time | None]
    planned_back: Mapped[time | None]
    entered_after: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitLog(Base):
    """服务日志: what was done at a visit, the customer's feedback and the follow-up."""

    __tablename__ = "visit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(String(500), default="")
    follow_up_due: Mapped[date | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitPlan(Base):
    """下周客户拜访计划: one planned visit in `week_start`'s week (made the week before).

    In that week's summary it is a checklist line: done when a visit log matches (same
    person, customer, week), otherwise the manager says `moved` (to `moved_to`) or
    `dropped`, with a reason.
    """

    __tablename__ = "visit_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    week_start: Mapped[date] = mapped_column(index=True)
    planned_day: Mapped[date | None]
    purpose: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")  # "" | moved | dropped
    outcome_reason: Mapped[str] = mapped_column(String(200), default="")
    moved_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WeeklySummary(Base):
    """每周工作进度汇总表: one manager's week. A reviewed revision (returned or approved) is
    never changed: revising it, or importing a file over it, makes revision n+1 and keeps
    both. The current summary of a week is the highest revision.

    state: draft | submitted | returned | approved. `late` is decided when it is submitted
    (against the deadline then in force) and kept, so a later change of the setting does
    not rewrite history.
    """

    __tablename__ = "weekly_summary"
    __table_args__ = (UniqueConstraint("staff_id", "week_start", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    week_start: Mapped[date] = mapped_column(index=True)
    revision: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    services: Mapped[str] = mapped_column(Text, default="")
    needs_trends: Mapped[str] = mapped_column(Text, default="")
    campaign_response: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
    next_week_plan: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(8), default="app")  # app | xlsx
    source_file: Mapped[str] = mapped_column(String(260), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    review_comment: Mapped[str] = mapped_column(Text, default="")  # 点评
    return_reason: Mapped[str] = mapped_column(String(500), default="")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    visits: Mapped[list[SummaryVisit]] = relationship(
        order_by="SummaryVisit.position", cascade="all, delete-orphan"
    )


class SummaryVisit(Base):
    """One line of a summary's "visits done": prefilled from the week's logs, editable."""

    __tablename__ = "summary_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("weekly_summary.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    day: Mapped[date]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    content: Mapped[str] = mapped_column(String(500), default="")


class ReviewEvent(Base):
    """The supervisor's review of a summary, kept in order: comment | return | approve."""

    __tablename__ = "weekly_review_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("weekly_summary.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WeeklyRollup(Base):
    """A roll-up (汇总) the supervisor produced for the market department: when, which file."""

    __tablename__ = "weekly_rollup"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    week_start: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdf | xlsx
    filename: Mapped[str] = mapped_column(String(260), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    produced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    produced_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
