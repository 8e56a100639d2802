"""The consistency check (一致性检查): the market department's audit of a week, done first
by the supervisor.

Per manager and ISO week it lists what disagrees between the trip records (出行记录表),
the visit logs (服务日志) and the weekly summary's visits (每周工作进度汇总表); per
customer, who has gone longer without a visit than the service standard allows; and the
customers whose birthday falls in the coming week.

Matching is by (customer, day) and counts: two logs for one customer on one day need two
trip records and two lines in the summary. A finding carries how many went unmatched
(`count`), so one line says "2 logs, 1 trip record" instead of repeating itself.

Decisions (the rule book is silent on them):
- A trip is owed its visit log once it is over: a day before today, or today after its
  planned time back (without a time back: from tomorrow). A trip still to come is no finding.
- The summary is compared with the logs only once it is handed in (submitted, returned or
  approved). A week with no summary, or only a draft, is one `summary_missing` finding
  once the deadline has passed, and before it nothing. Planned visits left "open" are
  `plan_not_explained` only after the deadline as well (until then the manager may still
  do or explain them).
- Service standard: as of the end of the week (its Sunday, or today if that is earlier), a
  customer last visited more than N days before is a gap; exactly N days is fine. A
  customer never visited counts from the day they were added to the book (so a customer
  added yesterday is no gap yet); such a gap has `last_visit` and `days_since` None and
  `since` the day added. N = 0 means the grade has no standard.
- Birthdays: those falling in the ISO week after the checked one; 29 February falls on
  28 February in a year without it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import (
    Branch,
    Customer,
    Staff,
    SummaryVisit,
    TripRecord,
    VisitLog,
    VisitPlan,
    WeeklySummary,
)
from app.services import settings, weekly
from app.services.auth import Actor, require_own_or_supervisor
from app.services.clock import branch_now, now_utc, to_branch_time
from app.services.errors import NotFound, PermissionDenied
from app.services.weekly import BoardState, Grade, SummaryState

_Row = TypeVar("_Row", TripRecord, VisitPlan)
_WEEK = timedelta(days=7)

HANDED_IN = frozenset({SummaryState.SUBMITTED, SummaryState.RETURNED, SummaryState.APPROVED})


class FindingKind(StrEnum):
    SUMMARY_MISSING = "summary_missing"
    VISIT_WITHOUT_TRIP = "visit_without_trip"
    TRIP_WITHOUT_LOG = "trip_without_log"
    TRIP_ENTERED_AFTER = "trip_entered_after"
    LOG_MISSING_FROM_SUMMARY = "log_missing_from_summary"
    SUMMARY_VISIT_WITHOUT_LOG = "summary_visit_without_log"
    PLAN_NOT_EXPLAINED = "plan_not_explained"


FINDING_LABELS = {
    FindingKind.SUMMARY_MISSING: N_("Weekly summary not handed in"),
    FindingKind.VISIT_WITHOUT_TRIP: N_("Visit log without a trip record"),
    FindingKind.TRIP_WITHOUT_LOG: N_("Trip record without a visit log"),
    FindingKind.TRIP_ENTERED_AFTER: N_("Trip record written after going out"),
    FindingKind.LOG_MISSING_FROM_SUMMARY: N_("Logged visit missing from the summary"),
    FindingKind.SUMMARY_VISIT_WITHOUT_LOG: N_("Visit in the summary without a visit log"),
    FindingKind.PLAN_NOT_EXPLAINED: N_("Planned visit neither done nor explained"),
}

# Findings of one day are listed in this order (the order of the enum).
_KIND_ORDER = {kind: n for n, kind in enumerate(FindingKind)}


def finding_label(kind: str) -> str:
    return _(FINDING_LABELS[FindingKind(kind)])


@dataclass(frozen=True)
class Finding:
    kind: str  # FindingKind
    day: date | None
    customer_id: int | None
    customer_name: str
    detail: str
    count: int = 1  # how many records of this (customer, day) went unmatched

    @property
    def label(self) -> str:
        return finding_label(self.kind)


@dataclass(frozen=True)
class ManagerCheck:
    staff_id: int
    employee_no: str
    name: str
    findings: list[Finding]
    trips: int = 0
    logs: int = 0
    summary_visits: int = 0  # lines in the current summary (0 without one)
    summary_state: str = BoardState.MISSING.value  # BoardState of the current summary

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class ServiceGap:
    customer_id: int
    customer_name: str
    owner_staff_id: int
    owner_name: str
    grade: str
    standard_days: int
    last_visit: date | None
    days_since: int | None  # None: never visited
    since: date | None = None  # counted from: the last visit, or the day the customer was added


@dataclass(frozen=True)
class Birthday:
    customer_id: int
    customer_name: str
    owner_staff_id: int
    owner_name: str
    birthday: date  # as stored (the year of birth, if known)
    on: date  # the day it falls on in the coming week


@dataclass(frozen=True)
class WeekCheck:
    week_start: date
    managers: list[ManagerCheck]
    service: list[ServiceGap]
    birthdays: list[Birthday]
    as_of: date | None = None  # the service standard is judged on this day
    deadline: datetime | None = None  # the week's summary deadline (branch time)
    deadline_passed: bool = False

    @property
    def week(self) -> str:
        return weekly.week_label(self.week_start)

    @property
    def findings(self) -> int:
        return sum(len(m.findings) for m in self.managers)


# --- the check -------------------------------------------------------------------------


def _people(session: Session, actor: Actor, staff_id: int | None) -> list[Staff]:
    """Whose week to check: a manager only their own; the supervisor the branch's active
    managers (by employee number) or one person."""
    if staff_id is None and not actor.sees_whole_branch:
        if actor.staff_id is None:
            raise PermissionDenied(_("An account manager can only see their own records."))
        staff_id = actor.staff_id
    if staff_id is None:
        return list(
            session.scalars(
                select(Staff)
                .where(Staff.branch_id == actor.branch_id, Staff.active.is_(True))
                .order_by(Staff.employee_no)
            )
        )
    person = session.get(Staff, staff_id)
    if person is None or person.branch_id != actor.branch_id:
        raise NotFound(_("No such staff member."))
    require_own_or_supervisor(actor, person.branch_id, person.id)
    return [person]


def check_week(
    session: Session, actor: Actor, week_start: date, staff_id: int | None = None
) -> WeekCheck:
    """The week's consistency check: the supervisor's for the branch (or one person), a
    manager's for their own week. A fixed handful of queries, whatever the branch's size."""
    week_start = weekly.week_of(week_start)
    people = _people(session, actor, staff_id)
    branch = session.get(Branch, actor.branch_id)
    if branch is None:
        raise NotFound(_("The branch no longer exists."))
    tz = branch.timezone
    now = branch_now(tz)
    today = now.date()
    first, last = weekly.week_days(week_start)
    due = weekly.deadline(session, actor.branch_id, week_start)
    past_deadline = now_utc() > due
    ids = [p.id for p in people]
    customers = _customers(session, actor.branch_id, ids)
    names = {c.id: c.name for c in customers}

    trips = _by_staff(
        session.scalars(
            select(TripRecord).where(
                TripRecord.branch_id == actor.branch_id,
                TripRecord.day.between(first, last),
                TripRecord.staff_id.in_(ids),
            )
        )
    )
    logs: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for sid, cid, day in session.execute(
        select(VisitLog.staff_id, VisitLog.customer_id, VisitLog.day).where(
            VisitLog.branch_id == actor.branch_id,
            VisitLog.day.between(first, last),
            VisitLog.staff_id.in_(ids),
        )
    ):
        logs[sid].append((cid, day))
    summaries: dict[int, WeeklySummary] = {}
    for summary in session.scalars(
        select(WeeklySummary)
        .where(
            WeeklySummary.branch_id == actor.branch_id,
            WeeklySummary.week_start == week_start,
            WeeklySummary.staff_id.in_(ids),
        )
        .order_by(WeeklySummary.revision)
    ):
        summaries[summary.staff_id] = summary  # the highest revision is the current one
    lines: dict[int, list[tuple[int, date]]] = defaultdict(list)
    if summaries:
        owner_of = {s.id: s.staff_id for s in summaries.values()}
        for summary_id, cid, day in session.execute(
            select(SummaryVisit.summary_id, SummaryVisit.customer_id, SummaryVisit.day).where(
                SummaryVisit.summary_id.in_(list(owner_of))
            )
        ):
            lines[owner_of[summary_id]].append((cid, day))
    plans = _by_staff(
        session.scalars(
            select(VisitPlan)
            .where(
                VisitPlan.branch_id == actor.branch_id,
                VisitPlan.week_start == week_start,
                VisitPlan.staff_id.in_(ids),
            )
            .order_by(VisitPlan.planned_day, VisitPlan.id)
        )
    )
    # Logs, summaries and plans may name a customer since handed to someone else.
    referenced = {cid for rows in (logs, lines) for pairs in rows.values() for cid, _d in pairs}
    referenced |= {t.customer_id for rows in (trips, plans) for ts in rows.values() for t in ts}
    names.update(_names(session, referenced - names.keys()))

    managers = []
    for person in people:
        row = summaries.get(person.id)
        findings = _findings(
            trips.get(person.id, []),
            logs.get(person.id, []),
            row,
            lines.get(person.id, []),
            plans.get(person.id, []),
            names,
            now,
            past_deadline,
        )
        managers.append(
            ManagerCheck(
                person.id,
                person.employee_no,
                person.name,
                findings,
                trips=len(trips.get(person.id, [])),
                logs=len(logs.get(person.id, [])),
                summary_visits=len(lines.get(person.id, [])),
                summary_state=weekly.board_state(row).value,
            )
        )

    as_of = min(last, today)
    owners = {p.id: p for p in people if p.active}
    book = [c for c in customers if c.active and c.owner_staff_id in owners]
    return WeekCheck(
        week_start,
        managers,
        _service_gaps(session, actor, book, owners, as_of, tz),
        _birthdays(book, owners, week_start + _WEEK),
        as_of=as_of,
        deadline=due,
        deadline_passed=past_deadline,
    )


def _customers(session: Session, branch_id: int, owner_ids: list[int]) -> list[Customer]:
    return list(
        session.scalars(
            select(Customer).where(
                Customer.branch_id == branch_id, Customer.owner_staff_id.in_(owner_ids)
            )
        )
    )


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(wanted)))
    return {cid: name for cid, name in rows}


def _by_staff(rows: Iterable[_Row]) -> dict[int, list[_Row]]:
    out: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        out[row.staff_id].append(row)
    return out


def _trip_is_over(trip: TripRecord, now: datetime) -> bool:
    """A trip owes its visit log once it is over (see the module's docstring)."""
    today = now.date()
    if trip.day < today:
        return True
    if trip.day > today or trip.planned_back is None:
        return False
    return now.time() > trip.planned_back


def _findings(
    trips: list[TripRecord],
    logs: list[tuple[int, date]],
    summary: WeeklySummary | None,
    lines: list[tuple[int, date]],
    plans: list[VisitPlan],
    names: dict[int, str],
    now: datetime,
    past_deadline: bool,
) -> list[Finding]:
    found: list[Finding] = []

    def add(kind: FindingKind, cid: int | None, day: date | None, detail: str, n: int = 1):  # type: ignore[no-untyped-def]
        name = names.get(cid, "") if cid is not None else ""
        found.append(Finding(kind.value, day, cid, name, detail, n))

    logged = Counter(logs)
    tripped = Counter((t.customer_id, t.day) for t in trips)
    over = Counter((t.customer_id, t.day) for t in trips if _trip_is_over(t, now))
    for key, n in sorted(logged.items(), key=_by_day):
        missing = n - tripped[key]
        if missing > 0:
            add(FindingKind.VISIT_WITHOUT_TRIP, *key, _counts(n, tripped[key]), missing)
    for key, n in sorted(over.items(), key=_by_day):
        missing = n - logged[key]
        if missing > 0:
            add(FindingKind.TRIP_WITHOUT_LOG, *key, _counts(logged[key], tripped[key]), missing)
    for trip in trips:
        if trip.entered_after:
            detail = (
                _("planned to go out at {time}").format(time=trip.planned_out.strftime("%H:%M"))
                if trip.planned_out is not None
                else ""
            )
            add(FindingKind.TRIP_ENTERED_AFTER, trip.customer_id, trip.day, detail)

    if summary is not None and summary.state in HANDED_IN:
        listed = Counter(lines)
        for key, n in sorted(logged.items(), key=_by_day):
            if n > listed[key]:
                detail = _summary_counts(n, listed[key])
                add(FindingKind.LOG_MISSING_FROM_SUMMARY, *key, detail, n - listed[key])
        for key, n in sorted(listed.items(), key=_by_day):
            if n > logged[key]:
                detail = _summary_counts(logged[key], n)
                add(FindingKind.SUMMARY_VISIT_WITHOUT_LOG, *key, detail, n - logged[key])
    elif past_deadline:
        detail = _("only a draft was saved") if summary is not None else ""
        add(FindingKind.SUMMARY_MISSING, None, None, detail)

    if past_deadline:
        # weekly.plans_for's rule: done when any log of that person, customer and week exists.
        done = {cid for cid, _day in logs}
        for plan in plans:
            if plan.customer_id not in done and not plan.outcome:
                add(
                    FindingKind.PLAN_NOT_EXPLAINED, plan.customer_id, plan.planned_day, plan.purpose
                )

    found.sort(key=lambda f: (f.day or date.min, _KIND_ORDER[FindingKind(f.kind)], f.customer_name))
    return found


def _by_day(item: tuple[tuple[int, date], int]) -> tuple[date, int]:
    (cid, day), _n = item
    return day, cid


def _counts(logs: int, trips: int) -> str:
    """Say the numbers only when they are not the plain one-against-none."""
    if logs + trips <= 1:
        return ""
    return _("visit logs: {logs}, trip records: {trips}").format(logs=logs, trips=trips)


def _summary_counts(logs: int, listed: int) -> str:
    if logs + listed <= 1:
        return ""
    return _("visit logs: {logs}, lines in the summary: {listed}").format(logs=logs, listed=listed)


# --- the service standard and birthdays ------------------------------------------------


def standards(session: Session, branch_id: int) -> dict[str, int]:
    """Days allowed between visits, per grade (0 = no standard)."""
    return {
        Grade.KEY.value: settings.get(session, branch_id, "service_days_key"),
        Grade.NORMAL.value: settings.get(session, branch_id, "service_days_normal"),
    }


def _service_gaps(
    session: Session,
    actor: Actor,
    book: list[Customer],
    owners: dict[int, Staff],
    as_of: date,
    tz: str,
) -> list[ServiceGap]:
    standard = standards(session, actor.branch_id)
    judged = [c for c in book if standard.get(c.grade, 0) > 0]
    if not judged:
        return []
    last_visits: dict[int, date] = {
        cid: day
        for cid, day in session.execute(
            select(VisitLog.customer_id, func.max(VisitLog.day))
            .join(Customer, Customer.id == VisitLog.customer_id)
            .where(
                Customer.branch_id == actor.branch_id,
                Customer.owner_staff_id.in_(list(owners)),
                VisitLog.day <= as_of,
            )
            .group_by(VisitLog.customer_id)
        )
    }
    gaps = []
    for c in judged:
        days = standard[c.grade]
        last_visit = last_visits.get(c.id)
        since = last_visit or to_branch_time(c.created_at, tz).date()
        if (as_of - since).days <= days:
            continue
        owner = owners[c.owner_staff_id]
        gaps.append(
            ServiceGap(
                c.id,
                c.name,
                owner.id,
                owner.name,
                c.grade,
                days,
                last_visit,
                (as_of - last_visit).days if last_visit else None,
                since,
            )
        )
    # Per manager, the longest without a visit first.
    gaps.sort(key=lambda g: (owners[g.owner_staff_id].employee_no, g.since, g.customer_name))
    return gaps


def birthday_in(birthday: date, first: date, last: date) -> date | None:
    """The day `birthday` falls on between `first` and `last` (at most a year apart), or
    None. 29 February falls on 28 February in a year without it."""
    for year in range(first.year, last.year + 1):
        day = birthday.day
        if birthday.month == 2 and day == 29 and not _leap(year):
            day = 28
        on = date(year, birthday.month, day)
        if first <= on <= last:
            return on
    return None


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _birthdays(book: list[Customer], owners: dict[int, Staff], next_week: date) -> list[Birthday]:
    first, last = weekly.week_days(next_week)
    found = []
    for c in book:
        if c.birthday is None:
            continue
        on = birthday_in(c.birthday, first, last)
        if on is not None:
            owner = owners[c.owner_staff_id]
            found.append(Birthday(c.id, c.name, owner.id, owner.name, c.birthday, on))
    found.sort(key=lambda b: (b.on, owners[b.owner_staff_id].employee_no, b.customer_name))
    return found


# --- output ----------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(check: WeekCheck) -> dict[str, Any]:
    """The check as `branchdesk weekly check --json` prints it (dates ISO)."""
    return {
        "week": check.week,
        "week_start": check.week_start.isoformat(),
        "as_of": _iso(check.as_of),
        "deadline": check.deadline.isoformat(timespec="seconds") if check.deadline else None,
        "deadline_passed": check.deadline_passed,
        "managers": [
            {
                "staff_id": m.staff_id,
                "employee_no": m.employee_no,
                "name": m.name,
                "summary_state": m.summary_state,
                "trips": m.trips,
                "logs": m.logs,
                "summary_visits": m.summary_visits,
                "findings": [
                    {
                        "kind": f.kind,
                        "label": finding_label(f.kind),
                        "day": _iso(f.day),
                        "customer_id": f.customer_id,
                        "customer_name": f.customer_name,
                        "count": f.count,
                        "detail": f.detail,
                    }
                    for f in m.findings
                ],
            }
            for m in check.managers
        ],
        "service": [
            {
                "customer_id": g.customer_id,
                "customer_name": g.customer_name,
                "owner_staff_id": g.owner_staff_id,
                "owner_name": g.owner_name,
                "grade": g.grade,
                "standard_days": g.standard_days,
                "last_visit": _iso(g.last_visit),
                "days_since": g.days_since,
                "since": _iso(g.since),
            }
            for g in check.service
        ],
        "birthdays": [
            {
                "customer_id": b.customer_id,
                "customer_name": b.customer_name,
                "owner_staff_id": b.owner_staff_id,
                "owner_name": b.owner_name,
                "birthday": b.birthday.isoformat(),
                "on": b.on.isoformat(),
            }
            for b in check.birthdays
        ],
    }


def finding_line(name: str, finding: Finding) -> str:
    """One readable line, e.g. "张三 11-24 王总：有服务日志但没有出行记录"."""
    label = finding_label(finding.kind)
    if finding.day is not None:
        line = _("{name} {day} {customer}: {label}").format(
            name=name,
            day=finding.day.strftime("%m-%d"),
            customer=finding.customer_name,
            label=label,
        )
    elif finding.customer_name:
        line = _("{name} {customer}: {label}").format(
            name=name, customer=finding.customer_name, label=label
        )
    else:
        line = _("{name}: {label}").format(name=name, label=label)
    if finding.detail:
        line = _("{line} ({detail})").format(line=line, detail=finding.detail)
    return line


def service_line(gap: ServiceGap) -> str:
    if gap.last_visit is None:
        return _("{owner} {customer}: never visited (standard: every {days} days)").format(
            owner=gap.owner_name, customer=gap.customer_name, days=gap.standard_days
        )
    return _(
        "{owner} {customer}: last visited {day}, {since} days ago (standard: every {days} days)"
    ).format(
        owner=gap.owner_name,
        customer=gap.customer_name,
        day=gap.last_visit.strftime("%m-%d"),
        since=gap.days_since,
        days=gap.standard_days,
    )


def birthday_line(b: Birthday) -> str:
    return _("{owner} {customer}: birthday on {day}").format(
        owner=b.owner_name, customer=b.customer_name, day=b.on.strftime("%m-%d")
    )


def summary_lines(check: WeekCheck) -> list[str]:
    """One readable line per finding, manager by manager (the GUI and the CLI's text)."""
    return [finding_line(m.name, f) for m in check.managers for f in m.findings]
