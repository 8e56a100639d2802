from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class CalendarDay(Base):
    """A date that departs from the Monday–Friday rule for one branch.

    kind: `holiday` (statutory day off), `workday` (make-up working day, 调休上班,
    usually a weekend), `closure` (the branch's own day off).
    """

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("branch_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(16), default="user")  # package | user | import


class CalendarYear(Base):
    """Marks a year whose official holidays are in the store (seeded, entered or imported).

    A year without this row falls back to Monday–Friday and is flagged.
    """

    __tablename__ = "calendar_year"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    year: Mapped[int]
    source: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
