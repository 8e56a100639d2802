"""What the attendance documents print: frozen input records, and the sums and symbols
every consumer of the day engine's results shares.

The attendance service and the CLI fill `AttendanceSheet` from `DayResult`s (through
`totals_of`, so that the sheet, the GUI and the CLI never disagree on a count); the
renderers in `attendance_sheet` and `warning_notice` turn them into bytes. No store, no Qt.

The sheet's symbols (one per work date, `symbol`):

    √ 正常   迟 迟到   早 早退   迟早 迟到并早退   缺 缺卡 (check-in or check-out missing)
    旷 旷工   假 请假   差 出差   外 外勤   休 休息   节 节假日

"迟早" is two characters rather than an invented one-character mark: it reads without the
legend, and the PDF prints two-character symbols a size smaller so that they fit the
narrow day column. A holiday gets its own 节 (not 休) because a statutory holiday and a
rota rest day are different things to the person who checks leave balances; both are
shaded. The two kinds of missing punch share 缺; the 明细 sheet tells them apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from app.i18n import N_
from app.services.day_engine import DayResult, DayStatus, month_totals

SYMBOLS: dict[DayStatus, str] = {
    DayStatus.NORMAL: "√",
    DayStatus.LATE: "迟",
    DayStatus.EARLY: "早",
    DayStatus.LATE_AND_EARLY: "迟早",
    DayStatus.MISSING_IN: "缺",
    DayStatus.MISSING_OUT: "缺",
    DayStatus.ABSENT: "旷",
    DayStatus.LEAVE: "假",
    DayStatus.TRIP: "差",
    DayStatus.FIELD: "外",
    DayStatus.REST: "休",
    DayStatus.HOLIDAY: "节",
}

# The legend, in the order it prints: one entry per distinct symbol.
LEGEND: tuple[tuple[str, str], ...] = (
    ("√", N_("Normal day")),
    ("迟", N_("Late arrival")),
    ("早", N_("Early leave")),
    ("迟早", N_("Late and early")),
    ("缺", N_("Missed punch")),
    ("旷", N_("Absent without leave")),
    ("假", N_("On leave")),
    ("差", N_("Business trip")),
    ("外", N_("Field work")),
    ("休", N_("Rest day")),
    ("节", N_("Public holiday")),
)

# Full names of the statuses, for the 明细 sheet (where the two missing punches differ).
STATUS_LABELS: dict[DayStatus, str] = {
    DayStatus.NORMAL: N_("Normal day"),
    DayStatus.LATE: N_("Late arrival"),
    DayStatus.EARLY: N_("Early leave"),
    DayStatus.LATE_AND_EARLY: N_("Late and early"),
    DayStatus.MISSING_IN: N_("Missed check-in"),
    DayStatus.MISSING_OUT: N_("Missed check-out"),
    DayStatus.ABSENT: N_("Absent without leave"),
    DayStatus.LEAVE: N_("On leave"),
    DayStatus.TRIP: N_("Business trip"),
    DayStatus.FIELD: N_("Field work"),
    DayStatus.REST: N_("Rest day"),
    DayStatus.HOLIDAY: N_("Public holiday"),
}

OFF_STATUSES = frozenset({DayStatus.REST, DayStatus.HOLIDAY})  # shaded on the sheet


def symbol(result: DayResult) -> str:
    """The sheet's mark for one day (see the module docstring)."""
    return SYMBOLS[result.status]


@dataclass(frozen=True)
class SheetTotals:
    """One person's month. Minutes and points are sums; counts are days (or cases)."""

    late_count: int = 0
    late_minutes: int = 0
    early_count: int = 0
    early_minutes: int = 0
    missing_punches: int = 0
    absent_days: int = 0
    leave_days: int = 0
    overtime_minutes: int = 0
    points: int = 0
    warnings: int = 0

    def __add__(self, other: SheetTotals) -> SheetTotals:
        return SheetTotals(*(a + b for a, b in zip(_fields(self), _fields(other), strict=True)))


def _fields(totals: SheetTotals) -> tuple[int, ...]:
    return (
        totals.late_count,
        totals.late_minutes,
        totals.early_count,
        totals.early_minutes,
        totals.missing_punches,
        totals.absent_days,
        totals.leave_days,
        totals.overtime_minutes,
        totals.points,
        totals.warnings,
    )


def totals_of(days: list[DayResult]) -> SheetTotals:
    """The month's sums for one person: day_engine.month_totals, the one rule the CLI
    and the GUI use too, without the written-warning split the sheet does not print."""
    totals = month_totals(days)
    return SheetTotals(**{f.name: getattr(totals, f.name) for f in fields(SheetTotals)})


@dataclass(frozen=True)
class SheetPerson:
    """One line of the sheet. `days` may lack dates (hired mid-month, not yet evaluated):
    those cells stay blank."""

    employee_no: str
    name: str
    days: dict[dt.date, DayResult]
    totals: SheetTotals


@dataclass(frozen=True)
class AttendanceSheet:
    """考勤表: one branch, one calendar month. `rule_name` arrives in the user's words."""

    branch: str
    year: int
    month: int
    rule_name: str
    people: list[SheetPerson]
    generated_on: dt.date


@dataclass(frozen=True)
class WarningNotice:
    """口头 / 书面警告通知 for one person. `cases` are (date, what happened), e.g.
    (2025-06-03, "迟到 12 分钟"), in the user's words; `month` is shown as given
    (e.g. "2025年6月"); `issuer` is the supervisor's name."""

    branch: str
    employee_no: str
    name: str
    level: str  # "oral" | "written" (WarningLevel's values)
    cases: list[tuple[dt.date, str]]
    month: str
    issued_on: dt.date
    issuer: str
