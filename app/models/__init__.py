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
from app.models.audit import AuditEntry
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
from app.models.weekly import (
    Customer,
    ReviewEvent,
    SummaryVisit,
    TripRecord,
    VisitLog,
    VisitPlan,
    WeeklyRollup,
    WeeklySummary,
)

__all__ = [
    "AbsenceNotice",
    "ActionItem",
    "AgendaTemplate",
    "Appeal",
    "AttendanceRequest",
    "AuditEntry",
    "Base",
    "Branch",
    "CalendarDay",
    "CalendarYear",
    "Customer",
    "Meeting",
    "MeetingAttachment",
    "MeetingAttendance",
    "MeetingSchedule",
    "MinutesRevision",
    "Punch",
    "ReviewEvent",
    "RotaOverride",
    "RotaPattern",
    "RuleAssignment",
    "Setting",
    "Signature",
    "Staff",
    "SummaryVisit",
    "TripRecord",
    "UTCDateTime",
    "User",
    "VisitLog",
    "VisitPlan",
    "WeeklyRollup",
    "WeeklySummary",
    "WorkRuleRecord",
    "utcnow",
]
