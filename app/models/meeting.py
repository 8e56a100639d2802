"""Meetings (会议制度): schedules, occurrences, roll call, signatures, minutes, action items."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class MeetingSchedule(Base):
    """A branch's rule that generates meetings of one kind on its working calendar.

    recurrence: `working_days` (every working day), `weekly` (on `weekday`, 0 = Monday),
    `monthly` (the `week_of_month`-th `weekday` of the month; -1 = the last one).
    """

    __tablename__ = "meeting_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    recurrence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None]
    week_of_month: Mapped[int | None]
    start_time: Mapped[time]
    end_time: Mapped[time]
    place: Mapped[str] = mapped_column(String(100), default="")
    host_name: Mapped[str] = mapped_column(String(50), default="")
    minute_taker_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Meeting(Base):
    """One occurrence. `day` is the work date; times are wall-clock times in the branch."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("schedule_id", "original_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_schedule.id"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100), default="")
    day: Mapped[date] = mapped_column(index=True)
    # The date the schedule generated it for; a rescheduled meeting keeps it, so a
    # regenerated calendar never makes a second copy.
    original_day: Mapped[date | None]
    start_time: Mapped[time]
    end_time: Mapped[time]
    place: Mapped[str] = mapped_column(String(100), default="")
    host_name: Mapped[str] = mapped_column(String(50), default="")
    delegated_host_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    delegation_note: Mapped[str] = mapped_column(String(200), default="")
    minute_taker_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    change_reason: Mapped[str] = mapped_column(String(200), default="")
    # The minutes being written (JSON); frozen copies live in MinutesRevision.
    draft_json: Mapped[str] = mapped_column(Text, default="")
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class MeetingAttendance(Base):
    """One line of the roll call: present / late / excused / absent / leave / trip."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    status: Mapped[str] = mapped_column(String(16))
    arrival: Mapped[time | None]
    note: Mapped[str] = mapped_column(String(200), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")


class AbsenceNotice(Base):
    """ "Cannot attend": excused only when given before the end of the previous day."""

    __tablename__ = "absence_notice"
    __table_args__ = (UniqueConstraint("meeting_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str] = mapped_column(String(200))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Signature(Base):
    """A signature drawn on screen (PNG). role: attendee | host | minute_taker."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("meeting_id", "role", "signer_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # staff id as text, or "host" for a host without a staff row: one signature per signer.
    signer_key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    png: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionItem(Base):
    """A task decided in a meeting; open ones reappear on the next meeting's agenda."""

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    owner_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    due: Mapped[date | None]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_in_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))


class MinutesRevision(Base):
    """A finalized, locked copy of the minutes; an amendment adds the next revision."""

    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("meeting_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    revision: Mapped[int]
    content_json: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    # SHA-256 of the PDF rendered at finalize time: a printed copy is checked against it.
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    finalized_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    finalized_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingAttachment(Base):
    """Evidence kept with a meeting, e.g. a scanned paper sign-in sheet (image or PDF)."""

    __tablename__ = "meeting_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="signin_scan")
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaTemplate(Base):
    """The sections a kind of meeting's minutes start with (editable in Settings)."""

    __tablename__ = "agenda_template"
    __table_args__ = (UniqueConstraint("branch_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    sections_json: Mapped[str] = mapped_column(Text)
