"""What the month's attendance results say in reports: a person's points ledger (扣分明细),
the branch's ranking, the 考勤表, the warning notices and the late-arrival chart's data.

Everything is read from attendance.month() (the day engine's results with accepted
appeals applied), so the GUI, the CLI and the printed papers never disagree. Reasons and
labels come back in the user's language; the renderers in app.reports turn them to bytes.

A weekly progress summary handed in late costs points too when the branch so chooses
(setting `weekly_late_points`, 0 = none): one ledger line on the week's deadline day,
counted in the ranking and the sheet's totals (`weekly_late_entries`, the one rule).

Roles: a manager may read their own points ledger; everything else is the supervisor's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import Appeal
from app.reports.attendance_docs import (
    AttendanceSheet,
    SheetPerson,
    SheetTotals,
    WarningNotice,
    totals_of,
)
from app.services import attendance, settings, weekly
from app.services.auth import Actor, require_supervisor
from app.services.clock import branch_today
from app.services.day_engine import DayResult, DayStatus
from app.services.workrules import WarningLevel

_DAY = timedelta(days=1)
_LATE = frozenset({DayStatus.LATE, DayStatus.LATE_AND_EARLY})
_EARLY = frozenset({DayStatus.EARLY, DayStatus.LATE_AND_EARLY})


# --- a person's points ledger -----------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    """One day that cost points or brought a warning. `points` follow an accepted appeal;
    `original_points` are the day engine's. `appeal_*` describe the day's latest appeal."""

    work_date: date
    points: int
    reason: str  # e.g. "迟到 32 分钟，缺卡 1 次"
    rule: str  # the rule's name, in the user's words
    original_points: int
    appeal_id: int | None
    appeal_status: str | None  # AppealStatus values
    # False for a line that is not an attendance day (a late weekly summary): an
    # attendance appeal cannot change it.
    appealable: bool = True


def day_reason(result: DayResult) -> str:
    """What happened on a day, in words: the parts that can cost points or warn."""
    parts: list[str] = []
    if result.late_minutes > 0:
        parts.append(_("Late {minutes} min").format(minutes=result.late_minutes))
    if result.early_minutes > 0:
        parts.append(_("Left early {minutes} min").format(minutes=result.early_minutes))
    if result.missing_punches > 0:
        parts.append(_("Missed punch {count} time(s)").format(count=result.missing_punches))
    if result.status is DayStatus.ABSENT:
        parts.append(_("Absent without leave"))
    if result.excused:
        parts.append(_("Excused (force majeure)"))
    elif result.exempted:
        parts.append(_("Within the free allowance"))
    return _("; ").join(parts) if parts else attendance.status_label(result.status)


def points_ledger(
    session: Session, actor: Actor, staff_id: int, year: int, month: int
) -> list[LedgerEntry]:
    """Every finished day of the month with points or warnings (or points an appeal took
    away), oldest first. A manager may ask for their own ledger only."""
    # The engine's own points are lost once an appeal is applied, so the month is judged
    # twice from one load: with the accepted appeals and without them.
    person = attendance._staff(session, actor, staff_id)
    branch = attendance._branch(session, actor)
    first, last = attendance._month_bounds(year, month)
    weekly_lines = weekly_late_entries(session, branch.id, [person.id], year, month)
    last = min(last, branch_today(branch.timezone) - _DAY)
    if last < first:
        return weekly_lines.get(person.id, [])
    inputs = attendance._load_inputs(session, branch, [person.id], first, last)
    who = attendance._Person(person.id, person.employee_no, person.name, person.hire_date)
    appealed = attendance._evaluate_person(who, inputs, first, last)
    original = {
        r.work_date: r.points
        for r in attendance._evaluate_person(who, replace(inputs, appeals={}), first, last)
    }
    appeals: dict[date, tuple[int, str]] = {}
    for appeal_id, work_date, status in session.execute(
        select(Appeal.id, Appeal.work_date, Appeal.status)
        .where(Appeal.staff_id == person.id, Appeal.work_date.between(first, last))
        .order_by(Appeal.id)
    ):
        appeals[work_date] = (appeal_id, status)  # the latest one wins
    entries = []
    for result in appealed:
        before = original.get(result.work_date, result.points)
        if not (result.points or result.warnings or before):
            continue
        appeal = appeals.get(result.work_date)
        entries.append(
            LedgerEntry(
                work_date=result.work_date,
                points=result.points,
                reason=day_reason(result),
                rule=_(inputs.book.rule_on(person.id, result.work_date).name),
                original_points=before,
                appeal_id=appeal[0] if appeal else None,
                appeal_status=appeal[1] if appeal else None,
            )
        )
    entries.extend(weekly_lines.get(person.id, []))
    entries.sort(key=lambda e: (e.work_date, not e.appealable))  # stable: the day's own first
    return entries


def weekly_late_entries(
    session: Session, branch_id: int, staff_ids: Iterable[int], year: int, month: int
) -> dict[int, list[LedgerEntry]]:
    """The points each person's late weekly summaries cost in a month, one line per week
    on its deadline day (the month the deadline falls in counts it). Nothing when the
    branch's `weekly_late_points` is 0. A revision after a return is not charged again
    (weekly.late_submissions counts a week's first submission only)."""
    points = settings.get(session, branch_id, "weekly_late_points")
    if points <= 0:
        return {}
    first, last = attendance._month_bounds(year, month)
    rule = _("Weekly summaries")
    found: dict[int, list[LedgerEntry]] = {}
    for staff_id, week_start, _submitted in weekly.late_submissions(
        session, branch_id, staff_ids, first, last
    ):
        found.setdefault(staff_id, []).append(
            LedgerEntry(
                work_date=weekly.due_day(session, branch_id, week_start),
                points=points,
                reason=_("Weekly progress summary handed in late ({week})").format(
                    week=weekly.week_label(week_start)
                ),
                rule=rule,
                original_points=points,
                appeal_id=None,
                appeal_status=None,
                appealable=False,
            )
        )
    return found


def weekly_late_points(
    session: Session, branch_id: int, staff_ids: Iterable[int], year: int, month: int
) -> dict[int, int]:
    """Each person's month total of weekly_late_entries (only those with any), to add to
    the day engine's points wherever a month's points are shown."""
    return {
        staff_id: sum(e.points for e in lines)
        for staff_id, lines in weekly_late_entries(
            session, branch_id, staff_ids, year, month
        ).items()
    }


# --- the branch's ranking -------------------------------------------------------------


@dataclass(frozen=True)
class RankingLine:
    rank: int
    staff_id: int
    employee_no: str
    name: str
    points: int
    late_count: int
    absent_days: int
    warnings: int


def ranking(session: Session, actor: Actor, year: int, month: int) -> list[RankingLine]:
    """Everyone's month, fewest points first, then fewest late arrivals (then by employee
    number); people equal in points and late arrivals share a rank (1, 1, 3)."""
    require_supervisor(actor)
    months = attendance.month(session, actor, None, year, month)
    extra = weekly_late_points(session, actor.branch_id, [p.staff_id for p in months], year, month)

    def points(p: attendance.StaffMonth) -> int:
        return p.totals.points + extra.get(p.staff_id, 0)

    people = sorted(months, key=lambda p: (points(p), p.totals.late_count, p.employee_no))
    lines: list[RankingLine] = []
    for position, p in enumerate(people, start=1):
        rank = position
        if lines and (lines[-1].points, lines[-1].late_count) == (points(p), p.totals.late_count):
            rank = lines[-1].rank
        lines.append(
            RankingLine(
                rank,
                p.staff_id,
                p.employee_no,
                p.name,
                points(p),
                p.totals.late_count,
                p.totals.absent_days,
                p.totals.warnings,
            )
        )
    return lines


# --- the 考勤表 -------------------------------------------------------------------------


def attendance_sheet(session: Session, actor: Actor, year: int, month: int) -> AttendanceSheet:
    """The branch's 考勤表 for a month (finished days), as the renderers want it."""
    require_supervisor(actor)
    branch = attendance._branch(session, actor)
    people = attendance.month(session, actor, None, year, month)
    extra = weekly_late_points(session, branch.id, [p.staff_id for p in people], year, month)
    # The branch-wide rule on the 1st names the sheet; personal rules show in the details.
    rule = attendance.RuleBook.load(session, branch.id).rule_on(None, date(year, month, 1))
    return AttendanceSheet(
        branch=branch.name,
        year=year,
        month=month,
        rule_name=_(rule.name),
        people=[
            SheetPerson(
                p.employee_no,
                p.name,
                {d.work_date: d for d in p.days},
                _plus_points(totals_of(p.days), extra.get(p.staff_id, 0)),
            )
            for p in people
        ],
        generated_on=branch_today(branch.timezone),
    )


def _plus_points(totals: SheetTotals, points: int) -> SheetTotals:
    """The month's totals with the late weekly summaries' points added."""
    return replace(totals, points=totals.points + points) if points else totals


# --- warning notices ------------------------------------------------------------------


def month_text(year: int, month: int) -> str:
    return _("{month}/{year}").format(year=year, month=month)


def warning_notices(
    session: Session, actor: Actor, year: int, month: int, *, issued_on: date | None = None
) -> list[WarningNotice]:
    """One notice per person with warning cases in the month, by employee number: written
    when any case is written, else oral; each day with a warning is listed."""
    require_supervisor(actor)
    branch = attendance._branch(session, actor)
    if issued_on is None:
        issued_on = branch_today(branch.timezone)
    notices = []
    for p in attendance.month(session, actor, None, year, month):
        warned = [d for d in p.days if d.warnings]
        if not warned:
            continue
        written = any(w == WarningLevel.WRITTEN for d in warned for w in d.warnings)
        notices.append(
            WarningNotice(
                branch=branch.name,
                employee_no=p.employee_no,
                name=p.name,
                level=(WarningLevel.WRITTEN if written else WarningLevel.ORAL).value,
                cases=[(d.work_date, day_reason(d)) for d in warned],
                month=month_text(year, month),
                issued_on=issued_on,
                issuer=actor.display_name,
            )
        )
    return notices


# --- the late-arrival chart -----------------------------------------------------------


def is_late(result: DayResult) -> bool:
    """As day_engine.month_totals counts a late arrival (an excused one does not count)."""
    return not result.excused and (result.status in _LATE or result.late_minutes > 0)


def late_chart(
    session: Session, actor: Actor, year: int, month: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(late arrivals per ISO week of the month, labelled like "第48周", in order, weeks
    without one included; late arrivals per person name), for charts.late_by_week_png."""
    require_supervisor(actor)
    people = attendance.month(session, actor, None, year, month)
    first, last = attendance._month_bounds(year, month)
    weeks: dict[int, int] = {}
    day = first
    while day <= last:
        weeks.setdefault(day.isocalendar().week, 0)
        day += _DAY
    for p in people:
        for d in p.days:
            if is_late(d):
                weeks[d.work_date.isocalendar().week] += 1
    return (
        [(_("Week {week}").format(week=week), count) for week, count in weeks.items()],
        [(p.name, sum(1 for d in p.days if is_late(d))) for p in people],
    )
