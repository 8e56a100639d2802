"""SQLAlchemy 2.0 typed models, one module per aggregate."""

from app.models.base import Base, UTCDateTime, utcnow
from app.models.branch import Branch, Setting
from app.models.calendar import CalendarDay, CalendarYear
from app.models.meeting import (
    AbsenceNotice,
    ActionItem,
    AgendaTemplate,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    MeetingSchedule,
    MinutesRevision,
    Signature,
)
from app.models.staff import Staff, User

__all__ = [
    "AbsenceNotice",
    "ActionItem",
    "AgendaTemplate",
    "Base",
    "Branch",
    "CalendarDay",
    "CalendarYear",
    "Meeting",
    "MeetingAttachment",
    "MeetingAttendance",
    "MeetingSchedule",
    "MinutesRevision",
    "Setting",
    "Signature",
    "Staff",
    "UTCDateTime",
    "User",
    "utcnow",
]
