from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class Staff(Base):
    """An account manager (客户经理). Deactivated, never deleted: history points at them."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("branch_id", "employee_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    employee_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(32), default="")
    hire_date: Mapped[date | None]
    position: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class User(Base):
    """A person who signs in: the supervisor, an admin, or a manager linked to a Staff row."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    # Unique across the store: a shared server signs people in before it knows the branch.
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # supervisor | manager | admin
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sign-in hardening: failed passwords since `first_failed_at`; too many in a short
    # time lock the account until `locked_until` (app.services.auth).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[Staff | None] = relationship()
