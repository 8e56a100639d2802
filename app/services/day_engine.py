"""The day engine (考勤计算): one pure, deterministic function from a person's rule,
days, punches and approved requests to each work date's result.

No Qt, no database: the attendance service loads the inputs (with SQLAlchemy Core for
speed), the GUI, the CLI, the monthly sheet and the charts all read the results.
Times are the branch's wall-clock times (naive datetimes in the branch's time zone);
a shift that crosses midnight belongs to the work date on which it starts.

INTERFACE FIXED BY THE LEAD — the dataclasses and the signatures of `assign_punches`
and `evaluate_month` are what the store, the CLI and the reports code against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from app.services.workrules import WorkRule


class DayStatus(StrEnum):
    NORMAL = "normal"
    LATE = "late"
    EARLY = "early"
    LATE_AND_EARLY = "late_early"
    MISSING_IN = "missing_in"
    MISSING_OUT = "missing_out"
    ABSENT = "absent"  # 旷工: a working day with no punch and no leave/trip/field work
    LEAVE = "leave"
    TRIP = "trip"
    FIELD = "field"
    REST = "rest"  # not a working day for this person (weekend, rota rest day)
    HOLIDAY = "holiday"  # statutory holiday or the branch's closure


@dataclass(frozen=True)
class DayPlan:
    """What one work date asks of one person, already resolved by the caller from the
    working calendar, the rule's day mode and the rota (overrides included)."""

    work_date: date
    working: bool
    holiday: bool = False  # not working because of a statutory holiday / closure
    start: time | None = None  # a rota override's shift; None = the rule's
    end: time | None = None


class RequestKind(StrEnum):
    LEAVE = "leave"
    TRIP = "trip"
    FIELD = "field"
    OVERTIME = "overtime"
    MAKEUP_PUNCH = "makeup_punch"  # 补卡: an approved punch the clock did not record
    EXCUSE = "excuse"  # force majeure (traffic, with proof): that day's lateness costs nothing


@dataclass(frozen=True)
class ApprovedRequest:
    """An approved request; `start`/`end` are local wall-clock times. A make-up punch
    has start == end == the punch time. `leave_type` is e.g. 事假, 病假, 年假."""

    kind: RequestKind
    start: datetime
    end: datetime
    leave_type: str = ""


@dataclass(frozen=True)
class DayResult:
    work_date: date
    status: DayStatus
    first_in: datetime | None = None
    last_out: datetime | None = None
    late_minutes: int = 0
    early_minutes: int = 0
    missing_punches: int = 0
    points: int = 0  # deducted, as a positive number
    warnings: tuple[str, ...] = ()  # WarningLevel values, one per case
    overtime_minutes: int = 0
    leave_type: str = ""
    leave_minutes: int = 0
    exempted: bool = False  # late, but within the month's free allowance
    excused: bool = False  # late or early, excused by an approved request
    notes: tuple[str, ...] = field(default_factory=tuple)


def shift_bounds(rule: WorkRule, plan: DayPlan) -> tuple[datetime, datetime]:
    """The shift's start and end as datetimes; the end is on the next day when the shift
    crosses midnight."""
    raise NotImplementedError


def assign_punches(
    rule: WorkRule, plans: list[DayPlan], punches: list[datetime]
) -> dict[date, list[datetime]]:
    """Each punch goes to at most one work date: the one whose punch window (start minus
    window_before … end plus window_after) holds it; where two windows overlap, to the
    date whose shift it is nearer to, so that a forgotten check-out never steals the
    next day's check-in. The order of `punches` does not matter."""
    raise NotImplementedError


def evaluate_month(
    rule: WorkRule,
    plans: list[DayPlan],
    punches: list[datetime],
    requests: list[ApprovedRequest],
) -> list[DayResult]:
    """Every plan's result, in date order. `plans` are consecutive dates within one
    calendar month, so the monthly exemption and warning escalation count from the
    first of the month. `punches` may include neighbouring days' (they are assigned)."""
    raise NotImplementedError
