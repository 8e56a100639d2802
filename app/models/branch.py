from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class Branch(Base):
    """One office or venue (分公司 / 网点 / 门店); everything else belongs to one."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    # office | bar | foot-spa | custom; the rules themselves arrive with attendance.
    rules_template: Mapped[str] = mapped_column(String(20), default="office")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Setting(Base):
    """A branch's value for one declared setting (see services/settings.py), as JSON text."""

    __tablename__ = "setting"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
