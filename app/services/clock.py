"""The one place that asks for the current time, so tests can freeze it (time-machine)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"


def now_utc() -> datetime:
    return datetime.now(UTC)


def branch_now(tz: str = DEFAULT_TZ) -> datetime:
    return now_utc().astimezone(ZoneInfo(tz))


def branch_today(tz: str = DEFAULT_TZ) -> date:
    """Today's date where the branch is, whatever the machine's zone (machines run in UTC)."""
    return branch_now(tz).date()


def to_branch_time(instant: datetime, tz: str = DEFAULT_TZ) -> datetime:
    return instant.astimezone(ZoneInfo(tz))
