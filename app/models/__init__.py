"""SQLAlchemy 2.0 typed models, one module per aggregate."""

from app.models.base import Base, UTCDateTime, utcnow
from app.models.branch import Branch, Setting
from app.models.calendar import CalendarDay, CalendarYear
from app.models.staff import Staff, User

__all__ = [
    "Base",
    "Branch",
    "CalendarDay",
    "CalendarYear",
    "Setting",
    "Staff",
    "UTCDateTime",
    "User",
    "utcnow",
]
