"""China's working calendar, owned by the branch: "is this date a working day here, and why?"

Statutory holidays and make-up working days (调休) are seeded from chinese-calendar,
which only knows the years up to its release; the store keeps them so that next
year's can be entered or imported when the State Council publishes them. A year with
no data falls back to Monday–Friday and is flagged ahead of time, never a crash.
Meetings and attendance ask `WorkCalendar.info()`; it is pure once loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import Branch, CalendarDay, CalendarYear
from app.services import settings
from app.services.auth import Actor, require_supervisor
from app.services.clock import branch_today
from app.services.errors import ValidationError


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # statutory day off
    WORKDAY = "workday"  # make-up working day (调休上班)
    CLOSURE = "closure"  # the branch's own closure


KIND_LABELS = {
    DayKind.HOLIDAY: N_("Public holiday"),
    DayKind.WORKDAY: N_("Make-up working day"),
    DayKind.CLOSURE: N_("Branch closed"),
}


class Reason(StrEnum):
    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"
    CLOSURE = "closure"


REASON_LABELS = {
    Reason.WEEKDAY: N_("Working day"),
    Reason.WEEKEND: N_("Weekend"),
    Reason.HOLIDAY: N_("Public holiday"),
    Reason.MAKEUP_WORKDAY: N_("Make-up working day"),
    Reason.CLOSURE: N_("Branch closed"),
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[DayKind(kind)])


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    reason: Reason
    name: str = ""
    # False when the year has no holiday data and the answer is the Monday–Friday fallback.
    known: bool = True

    def describe(self) -> str:
        text = _(REASON_LABELS[self.reason])
        if self.name:
            text = _("{reason}: {name}").format(reason=text, name=self.name)
        if not self.known:
            text += _(" (no holiday data for {year}: assumed Monday–Friday)").format(
                year=self.day.year
            )
        return text


@dataclass
class WorkCalendar:
    """A branch's special days for some years, loaded once; answers are pure lookups."""

    special: dict[date, CalendarDay] = field(default_factory=dict)
    known_years: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, session: Session, branch_id: int, years: Iterable[int]) -> WorkCalendar:
        years = sorted(set(years))
        cal = cls()
        if not years:
            return cal
        start, end = date(years[0], 1, 1), date(years[-1], 12, 31)
        rows = session.scalars(
            select(CalendarDay).where(
                CalendarDay.branch_id == branch_id, CalendarDay.day.between(start, end)
            )
        )
        cal.special = {row.day: row for row in rows}
        cal.known_years = set(
            session.scalars(
                select(CalendarYear.year).where(
                    CalendarYear.branch_id == branch_id, CalendarYear.year.in_(years)
                )
            )
        )
        return cal

    def info(self, day: date) -> DayInfo:
        known = day.year in self.known_years
        row = self.special.get(day)
        if row is not None:
            kind = DayKind(row.kind)
            if kind is DayKind.WORKDAY:
                return DayInfo(day, True, Reason.MAKEUP_WORKDAY, row.name, known)
            reason = Reason.HOLIDAY if kind is DayKind.HOLIDAY else Reason.CLOSURE
            return DayInfo(day, False, reason, row.name, known)
        if day.weekday() >= 5:
            return DayInfo(day, False, Reason.WEEKEND, "", known)
        return DayInfo(day, True, Reason.WEEKDAY, "", known)


def day_info(session: Session, branch_id: int, day: date) -> DayInfo:
    return WorkCalendar.load(session, branch_id, [day.year]).info(day)


def days_between(session: Session, branch_id: int, start: date, end: date) -> list[DayInfo]:
    cal = WorkCalendar.load(session, branch_id, range(start.year, end.year + 1))
    return [cal.info(start + timedelta(days=i)) for i in range((end - start).days + 1)]


# --- seeding from the chinese-calendar package ---------------------------------------


def package_days() -> dict[int, list[tuple[date, DayKind, str]]]:
    """The package's holidays and make-up working days, by year, with Chinese names."""
    from chinese_calendar import constants

    chinese = {h.value: h.chinese for h in constants.Holiday}
    by_year: dict[int, list[tuple[date, DayKind, str]]] = {}
    for table, kind in (
        (constants.holidays, DayKind.HOLIDAY),
        (constants.workdays, DayKind.WORKDAY),
    ):
        for day, name in table.items():
            by_year.setdefault(day.year, []).append((day, kind, chinese.get(name, name)))
    return by_year


def seed_from_package(session: Session, branch_id: int) -> list[int]:
    """Copy every year the package knows into the branch's calendar, leaving years already there."""
    have = set(
        session.scalars(select(CalendarYear.year).where(CalendarYear.branch_id == branch_id))
    )
    seeded = []
    for year, days in sorted(package_days().items()):
        if year in have:
            continue
        taken = set(
            session.scalars(
                select(CalendarDay.day).where(
                    CalendarDay.branch_id == branch_id,
                    CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)),
                )
            )
        )
        session.add_all(
            CalendarDay(branch_id=branch_id, day=d, kind=k, name=n, source="package")
            for d, k, n in days
            if d not in taken
        )
        session.add(CalendarYear(branch_id=branch_id, year=year, source="package"))
        seeded.append(year)
    return seeded


# --- what a year holds, and what needs attention -------------------------------------


@dataclass(frozen=True)
class YearListing:
    year: int
    known: bool
    source: str | None
    days: list[CalendarDay]


def list_year(session: Session, branch_id: int, year: int) -> YearListing:
    marker = session.scalar(
        select(CalendarYear).where(CalendarYear.branch_id == branch_id, CalendarYear.year == year)
    )
    days = list(
        session.scalars(
            select(CalendarDay)
            .where(
                CalendarDay.branch_id == branch_id,
                CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)),
            )
            .order_by(CalendarDay.day)
        )
    )
    return YearListing(year, marker is not None, marker.source if marker else None, days)


@dataclass(frozen=True)
class CalendarWarning:
    year: int
    days_left: int  # days until the year starts; <= 0 once it has begun

    def message(self) -> str:
        if self.days_left <= 0:
            return _(
                "The working calendar has no public holidays for {year}: every Monday–Friday "
                "counts as a working day. Add {year}'s holidays and make-up working days in "
                "Settings → Calendar."
            ).format(year=self.year)
        return _(
            "{year} starts in {days} days and the working calendar has no public holidays "
            "for it yet. Add them in Settings → Calendar once the State Council publishes them."
        ).format(year=self.year, days=self.days_left)


def check(session: Session, branch_id: int, today: date | None = None) -> list[CalendarWarning]:
    """Years that are here or near and have no holiday data."""
    branch = session.get(Branch, branch_id)
    if today is None:
        today = branch_today(branch.timezone if branch else "Asia/Shanghai")
    warn_days = settings.get(session, branch_id, "calendar_warn_days")
    known = set(
        session.scalars(select(CalendarYear.year).where(CalendarYear.branch_id == branch_id))
    )
    warnings = []
    for year in (today.year, today.year + 1):
        days_left = (date(year, 1, 1) - today).days
        if year not in known and days_left <= warn_days:
            warnings.append(CalendarWarning(year, days_left))
    return warnings


# --- editing (Settings → Calendar, CSV import) ---------------------------------------


def set_day(
    session: Session, actor: Actor, day: date, kind: str, name: str = "", source: str = "user"
) -> CalendarDay:
    require_supervisor(actor)
    try:
        kind = DayKind(kind)
    except ValueError:
        raise ValidationError(_("Unknown kind of day: {kind}").format(kind=kind), "kind") from None
    row = session.scalar(
        select(CalendarDay).where(CalendarDay.branch_id == actor.branch_id, CalendarDay.day == day)
    )
    if row is None:
        row = CalendarDay(branch_id=actor.branch_id, day=day)
        session.add(row)
    row.kind, row.name, row.source = kind.value, name.strip(), source
    if kind is not DayKind.CLOSURE:
        # Entering an official holiday or make-up day means this year's data is being kept here.
        mark_year_known(session, actor, day.year, source)
    return row


def remove_day(session: Session, actor: Actor, day: date) -> bool:
    require_supervisor(actor)
    result = session.execute(
        delete(CalendarDay).where(CalendarDay.branch_id == actor.branch_id, CalendarDay.day == day)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_year_known(session: Session, actor: Actor, year: int, source: str = "user") -> None:
    """Declare that `year`'s official holidays are entered, which silences the warning."""
    require_supervisor(actor)
    marker = session.scalar(
        select(CalendarYear).where(
            CalendarYear.branch_id == actor.branch_id, CalendarYear.year == year
        )
    )
    if marker is None:
        session.add(CalendarYear(branch_id=actor.branch_id, year=year, source=source))


class _DayRow(Protocol):
    @property
    def day(self) -> date | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def error(self) -> str | None: ...


def import_days(session: Session, actor: Actor, rows: Iterable[_DayRow]) -> int:
    """Apply the good rows of a calendar file; the caller's transaction makes it all-or-nothing.

    A year that receives holidays or make-up days counts as entered (known) from then on.
    """
    require_supervisor(actor)
    count = 0
    for row in rows:
        if row.error or row.day is None or row.kind is None:
            continue
        set_day(session, actor, row.day, row.kind, row.name, source="import")
        count += 1
    session.flush()
    return count
