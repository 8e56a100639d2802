"""The day engine (考勤计算): one pure, deterministic function from a person's rule,
days, punches and approved requests to each work date's result.

No Qt, no database: the attendance service loads the inputs (with SQLAlchemy Core for
speed), the GUI, the CLI, the monthly sheet and the charts all read the results.
Times are the branch's wall-clock times (naive datetimes in the branch's time zone);
a shift that crosses midnight belongs to the work date on which it starts.

INTERFACE FIXED BY THE LEAD — the dataclasses and the signatures of `assign_punches`
and `evaluate_month` are what the store, the CLI and the reports code against.

How a working day is read (the decisions, so that every screen agrees):

* A punch counts at the minute the clock shows: seconds are dropped. So late minutes
  are whole minutes after the start (20:15:59 is 15 minutes late, 20:00:59 is on time)
  and early minutes are rounded *up* (a check-out at 17:59:30 is 1 minute early, it is
  shown as 17:59). Two punches in the same minute are one punch.
* Late minutes up to `grace_minutes` are not late at all (`late_minutes` is 0); beyond
  it they count from the start (office: 09:06 is 6 minutes late). Early leave has no grace.
* Leave, trip and field work (approved) cut their time out of the shift (breaks are
  cut too). Nothing left: the day is LEAVE / TRIP / FIELD. Something left: lateness
  counts from the first minute still to be worked and early leave from the last, and
  the day's status comes from that part; `leave_minutes` counts the leave inside the
  shift.
* One punch only: it is the check-in when it is at or before the middle of the
  *planned* shift, else the check-out. Requests do not move that middle, so approving
  leave can never turn a harmless check-out into a costly late check-in.
* No punch and nothing covering the rest of the shift: ABSENT (旷工). Absence is its
  own case: no missing-punch points, no warning (the rule has no absence consequence
  yet); the day carries `Note.ABSENT`.
* Of the bands the highest one reached applies alone. An approved EXCUSE overlapping
  the shift makes that day's late arrival and early leave cost nothing (`excused`); the
  minutes are still reported. The first `exempt_late_per_month` late arrivals that
  would cost something are free (`exempted`); excused ones do not use the allowance.
* Each warning is one case; once the month's count of cases exceeds `written_after`,
  further ones are written. Order: late, early, missing punches; days in date order.
* Overtime needs an approved OVERTIME request: on a working day, the time worked after
  the shift end inside the approved time; on a rest day or holiday, the time between
  the first and last punch inside it. Unapproved rest-day punches get
  `Note.UNAPPROVED_REST_DAY_PUNCHES` and no minutes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise

from app.services.workrules import Band, WarningLevel, WorkRule


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


class Note(StrEnum):
    """Codes in `DayResult.notes`. Codes, not sentences: the engine stays free of
    translation, and the UI says them in the user's language."""

    ABSENT = "absent"  # absence is its own case: no missing-punch points
    MAKEUP_PUNCH = "makeup_punch"  # an approved make-up punch was used
    PARTLY_COVERED = "partly_covered"  # leave / trip / field work covers part of the shift
    UNAPPROVED_REST_DAY_PUNCHES = "unapproved_rest_day_punches"


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


_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)
_COVERING = (RequestKind.LEAVE, RequestKind.TRIP, RequestKind.FIELD)  # tie order too
_COVERED_STATUS = {
    RequestKind.LEAVE: DayStatus.LEAVE,
    RequestKind.TRIP: DayStatus.TRIP,
    RequestKind.FIELD: DayStatus.FIELD,
}

Interval = tuple[datetime, datetime]


def shift_bounds(rule: WorkRule, plan: DayPlan) -> tuple[datetime, datetime]:
    """The shift's start and end as datetimes; the end is on the next day when the shift
    crosses midnight."""
    start = datetime.combine(plan.work_date, plan.start if plan.start is not None else rule.start)
    end = datetime.combine(plan.work_date, plan.end if plan.end is not None else rule.end)
    if end <= start:  # 20:00–01:00, and 12:00–24:00 written as end=00:00
        end += _DAY
    return start, end


def assign_punches(
    rule: WorkRule,
    plans: list[DayPlan],
    punches: list[datetime],
    *,
    requests: Sequence[ApprovedRequest] = (),
) -> dict[date, list[datetime]]:
    """Each punch goes to at most one work date: the one whose punch window (start minus
    window_before … end plus window_after) holds it; where two windows overlap, to the
    date whose shift it is nearer to, so that a forgotten check-out never steals the
    next day's check-in. The order of `punches` does not matter.

    Every plan's date is in the result (maybe with no punches); lists are sorted.
    Approved OVERTIME `requests` (optional) stretch the shift of the date they are
    nearest to, so a rest day's afternoon overtime or a late night's check-out after
    approved overtime is not thrown away as outside the window.
    """
    anchors = _anchors(rule, plans, requests)
    before = timedelta(minutes=rule.window_before_minutes)
    after = timedelta(minutes=rule.window_after_minutes)
    windows = sorted((s - before, e + after, s, e, d) for d, s, e in anchors)
    lows = [w[0] for w in windows]
    longest = max((w[1] - w[0] for w in windows), default=timedelta(0))
    result: dict[date, list[datetime]] = {d: [] for d, _, _ in anchors}
    for punch in sorted(punches):
        # Only windows opening at most `longest` before the punch can hold it.
        lo = bisect.bisect_left(lows, punch - longest)
        hi = bisect.bisect_right(lows, punch)
        held = [w for w in windows[lo:hi] if w[1] >= punch]
        if held:
            # Nearest shift wins; on a tie the later date, i.e. read it as a check-in.
            best = min(held, key=lambda w: (_distance(punch, w[2], w[3]), -w[4].toordinal()))
            result[best[4]].append(punch)
    return result


def evaluate_month(
    rule: WorkRule,
    plans: list[DayPlan],
    punches: list[datetime],
    requests: list[ApprovedRequest],
) -> list[DayResult]:
    """Every plan's result, in date order. `plans` are consecutive dates within one
    calendar month, so the monthly exemption and warning escalation count from the
    first of the month. `punches` may include neighbouring days' (they are assigned)."""
    _check_month(plans)
    if not plans:
        return []
    makeups = {r.start for r in requests if r.kind is RequestKind.MAKEUP_PUNCH}
    # The neighbouring days take part in the assignment only, so that a punch of the
    # previous month's last night shift is not read as the 1st's check-in.
    first, last = plans[0].work_date, plans[-1].work_date
    around = [DayPlan(first - _DAY, working=True), *plans, DayPlan(last + _DAY, working=True)]
    assigned = assign_punches(rule, around, [*punches, *makeups], requests=requests)
    tally = _Tally(rule)
    return [
        _evaluate_day(rule, plan, assigned[plan.work_date], requests, makeups, tally)
        for plan in plans
    ]


# -- one day ---------------------------------------------------------------------------


@dataclass
class _Tally:
    """The month so far: what the exemption and the warning escalation count."""

    rule: WorkRule
    costly_lates: int = 0  # late arrivals that reached a band (exempted ones included)
    cases: int = 0  # warnings given

    def warn(self) -> str:
        self.cases += 1
        limit = self.rule.written_after
        return (
            WarningLevel.WRITTEN if limit is not None and self.cases > limit else WarningLevel.ORAL
        )


def _evaluate_day(
    rule: WorkRule,
    plan: DayPlan,
    punches: list[datetime],
    requests: Sequence[ApprovedRequest],
    makeups: set[datetime],
    tally: _Tally,
) -> DayResult:
    start, end = shift_bounds(rule, plan)
    stamps = _one_per_minute(punches)
    if requests:
        # Only what reaches this day's window (or its punches) matters: a month's other
        # requests must not send every day down the slow path.
        lo = start - timedelta(minutes=rule.window_before_minutes)
        hi = end + timedelta(minutes=rule.window_after_minutes)
        if stamps:
            lo, hi = min(lo, stamps[0]), max(hi, stamps[-1])
        requests = [r for r in requests if r.end >= lo and r.start <= hi]
    notes = [Note.MAKEUP_PUNCH] if makeups.intersection(stamps) else []
    # Most days have no request at all: skip the interval arithmetic for them (it is most
    # of the engine's time on a month of 200 people).
    overtime = (
        _merge((r.start, r.end) for r in requests if r.kind is RequestKind.OVERTIME)
        if requests
        else []
    )

    if not plan.working:
        status = DayStatus.HOLIDAY if plan.holiday else DayStatus.REST
        if not stamps:
            return DayResult(plan.work_date, status)
        first, last = stamps[0], stamps[-1]
        if not any(s <= last and e >= first for s, e in overtime):
            notes.append(Note.UNAPPROVED_REST_DAY_PUNCHES)
        worked = [(_clock(first), _clock(last))]  # one punch: nothing to measure
        minutes = _minutes(_intersect(worked, overtime))
        return DayResult(
            plan.work_date,
            status,
            first_in=first,
            last_out=last if len(stamps) > 1 else None,
            overtime_minutes=minutes,
            notes=tuple(notes),
        )

    # What is left to work once breaks, leave, trips and field work are cut out.
    work = _subtract([(start, end)], _breaks(rule, start, end)) if rule.breaks else [(start, end)]
    if requests:
        cover = {
            kind: _intersect(work, _merge((r.start, r.end) for r in requests if r.kind is kind))
            for kind in _COVERING
        }
        remaining = _subtract(work, [iv for ivs in cover.values() for iv in ivs])
        leave_minutes = _minutes(cover[RequestKind.LEAVE])
        leave_type = _leave_type(work, requests)
    else:
        cover, remaining, leave_minutes, leave_type = {}, work, 0, ""
    first_in = stamps[0] if stamps else None
    last_out = stamps[-1] if len(stamps) > 1 else None
    if not remaining:
        kind = max(_COVERING, key=lambda k: _minutes(cover[k]))  # first one on a tie
        return DayResult(
            plan.work_date,
            _COVERED_STATUS[kind],
            first_in=first_in,
            last_out=last_out,
            leave_type=leave_type,
            leave_minutes=leave_minutes,
            notes=tuple(notes),
        )
    if remaining != work:
        notes.append(Note.PARTLY_COVERED)
    if not stamps:
        notes.append(Note.ABSENT)
        return DayResult(
            plan.work_date,
            DayStatus.ABSENT,
            leave_type=leave_type,
            leave_minutes=leave_minutes,
            notes=tuple(notes),
        )

    missing = DayStatus.NORMAL
    if len(stamps) == 1 and stamps[0] > start + (end - start) / 2:
        first_in, last_out, missing = None, stamps[0], DayStatus.MISSING_IN
    elif len(stamps) == 1:
        missing = DayStatus.MISSING_OUT
    due_in, due_out = remaining[0][0], remaining[-1][1]
    late = _whole_minutes(_clock(first_in) - due_in) if first_in else 0
    late = late if late > rule.grace_minutes else 0
    early = _whole_minutes(due_out - _clock(last_out)) if last_out else 0

    excused = bool(late or early) and any(
        r.kind is RequestKind.EXCUSE and r.start <= end and r.end >= start for r in requests
    )
    points, exempted = 0, False
    warnings: list[str] = []
    late_band = _band(rule.late_bands, late)
    if late_band and not excused:
        tally.costly_lates += 1
        exempted = tally.costly_lates <= rule.exempt_late_per_month
    for band in (late_band if not exempted else None, _band(rule.early_bands, early)):
        if band and not excused:
            points += band.points
            warnings += [tally.warn()] if band.warning else []
    missing_count = 0 if missing is DayStatus.NORMAL else 1
    for _ in range(missing_count):
        points += rule.missing_punch.points
        warnings += [tally.warn()] if rule.missing_punch.warning else []

    if missing is not DayStatus.NORMAL:
        status = missing
    elif late and early:
        status = DayStatus.LATE_AND_EARLY
    else:
        status = DayStatus.LATE if late else DayStatus.EARLY if early else DayStatus.NORMAL
    ot = 0  # both punches needed: a lone check-out does not prove the hours before it
    if first_in is not None and last_out is not None and _clock(last_out) > end:
        ot = _minutes(_intersect([(end, _clock(last_out))], overtime))
    return DayResult(
        plan.work_date,
        status,
        first_in=first_in,
        last_out=last_out,
        late_minutes=late,
        early_minutes=early,
        missing_punches=missing_count,
        points=points,
        warnings=tuple(warnings),
        overtime_minutes=ot,
        leave_type=leave_type,
        leave_minutes=leave_minutes,
        exempted=exempted,
        excused=excused,
        notes=tuple(notes),
    )


# -- helpers ---------------------------------------------------------------------------


def _check_month(plans: Sequence[DayPlan]) -> None:
    """The escalation and the exemption count per calendar month, so a list that skips
    a day or spills into another month would silently count wrong."""
    for prev, nxt in pairwise(plans):
        if nxt.work_date != prev.work_date + _DAY:
            raise ValueError(f"plans are not consecutive: {prev.work_date} then {nxt.work_date}")
    if plans and (plans[0].work_date.year, plans[0].work_date.month) != (
        plans[-1].work_date.year,
        plans[-1].work_date.month,
    ):
        raise ValueError("plans span more than one calendar month")


def _anchors(
    rule: WorkRule, plans: Sequence[DayPlan], requests: Sequence[ApprovedRequest]
) -> list[tuple[date, datetime, datetime]]:
    """Each plan's date and the span its punches are judged against: the shift,
    stretched by the approved overtime nearest to it."""
    spans = {p.work_date: shift_bounds(rule, p) for p in plans}
    if len(spans) != len(plans):
        raise ValueError("two plans for the same date")
    for r in requests:
        if r.kind is RequestKind.OVERTIME and spans:
            d = min(spans, key=lambda d: (_distance(r.start, *spans[d]), -d.toordinal()))
            s, e = spans[d]
            spans[d] = (min(s, r.start), max(e, r.end))
    return [(d, s, e) for d, (s, e) in spans.items()]


def _distance(t: datetime, start: datetime, end: datetime) -> timedelta:
    return start - t if t < start else t - end if t > end else timedelta(0)


def _breaks(rule: WorkRule, start: datetime, end: datetime) -> list[Interval]:
    """The rule's breaks placed in this shift (a break before the start's time of day is
    on the next day, as in a night shift), clipped to it; a rota shift drops the rest."""
    placed = []
    for a, b in rule.breaks:
        s = datetime.combine(start.date(), a)
        s += _DAY if s < start else timedelta(0)
        e = datetime.combine(s.date(), b)
        e += _DAY if e <= s else timedelta(0)
        placed.append((max(s, start), min(e, end)))
    return _merge(placed)


def _leave_type(work: list[Interval], requests: Sequence[ApprovedRequest]) -> str:
    """The type of the leave that covers most of the shift."""
    best, best_len = "", timedelta(0)
    for r in requests:
        if r.kind is RequestKind.LEAVE:
            length = _length(_intersect(work, [(r.start, r.end)]))
            if length > best_len:
                best, best_len = r.leave_type, length
    return best


def _band(bands: Iterable[Band], minutes: int) -> Band | None:
    """The highest band reached: it replaces the lower ones."""
    reached = [b for b in bands if minutes > 0 and b.min_minutes <= minutes]
    return max(reached, key=lambda b: b.min_minutes, default=None)


def _clock(t: datetime | None) -> datetime:
    """The minute the clock shows: seconds dropped."""
    assert t is not None
    if not t.second and not t.microsecond:  # the store keeps whole minutes already
        return t
    return t.replace(second=0, microsecond=0)


def _one_per_minute(punches: Iterable[datetime]) -> list[datetime]:
    """Sorted, keeping the first punch of each minute."""
    seen: dict[datetime, datetime] = {}
    for p in sorted(punches):
        seen.setdefault(_clock(p), p)
    return list(seen.values())


def _whole_minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-empty, non-overlapping."""
    out: list[Interval] = []
    for s, e in sorted(iv for iv in intervals if iv[1] > iv[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _intersect(xs: Sequence[Interval], ys: Sequence[Interval]) -> list[Interval]:
    return _merge((max(a, c), min(b, d)) for a, b in xs for c, d in ys)


def _subtract(xs: Sequence[Interval], ys: Sequence[Interval]) -> list[Interval]:
    out = list(xs)
    for c, d in _merge(ys):
        out = [
            piece
            for a, b in out
            for piece in ((a, min(b, c)), (max(a, d), b))
            if piece[1] > piece[0]
        ]
    return _merge(out)


def _length(intervals: Iterable[Interval]) -> timedelta:
    return sum((e - s for s, e in intervals), timedelta(0))


def _minutes(intervals: Iterable[Interval]) -> int:
    return _whole_minutes(_length(intervals))


# --- a person's month in numbers (the sheet, the CLI and the GUI share it) -------------


@dataclass(frozen=True)
class MonthTotals:
    """One person's month. A day counts as late when its status says so or it carries
    late minutes (late in, no check-out); excused days count neither as a case nor in
    minutes, exempted ones do (they only cost nothing). `leave_days` counts LEAVE days;
    `warnings` counts warning cases, `written_warnings` the written ones among them."""

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
    written_warnings: int = 0


_LATE = frozenset({DayStatus.LATE, DayStatus.LATE_AND_EARLY})
_EARLY = frozenset({DayStatus.EARLY, DayStatus.LATE_AND_EARLY})


def month_totals(days: Iterable[DayResult]) -> MonthTotals:
    late_count = late_minutes = early_count = early_minutes = 0
    missing = absent = leave = overtime = points = warnings = written = 0
    for day in days:
        if not day.excused:
            if day.status in _LATE or day.late_minutes > 0:
                late_count += 1
                late_minutes += day.late_minutes
            if day.status in _EARLY or day.early_minutes > 0:
                early_count += 1
                early_minutes += day.early_minutes
        missing += day.missing_punches
        absent += day.status is DayStatus.ABSENT
        leave += day.status is DayStatus.LEAVE
        overtime += day.overtime_minutes
        points += day.points
        warnings += len(day.warnings)
        written += sum(1 for w in day.warnings if w == WarningLevel.WRITTEN)
    return MonthTotals(
        late_count,
        late_minutes,
        early_count,
        early_minutes,
        missing,
        absent,
        leave,
        overtime,
        points,
        warnings,
        written,
    )
