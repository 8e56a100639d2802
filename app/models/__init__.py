"""SQLAlchemy 2.0 typed models, one module per aggregate."""

from app.models.attendance import (
    Appeal,
    AttendanceRequest,
    Punch,
    RotaOverride,
    RotaPattern,
    RuleAssignment,
    WorkRuleRecord,
)
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
    "Appeal",
    "AttendanceRequest",
    "Base",
    "Branch",
    "CalendarDay",
    "CalendarYear",
    "Meeting",
    "MeetingAttachment",
    "MeetingAttendance",
    "MeetingSchedule",
    "MinutesRevision",
    "Punch",
    "RotaOverride",
    "RotaPattern",
    "RuleAssignment",
    "Setting",
    "Signature",
    "Staff",
    "UTCDateTime",
    "User",
    "WorkRuleRecord",
    "utcnow",
]
