"""The day engine: pure rules, so plain tables and a few properties (no store, no Qt).

Every time is a naive local wall-clock time written out in full, so nothing here
depends on the machine's time zone or today's date.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.day_engine import (
    ApprovedRequest,
    DayPlan,
    DayResult,
    DayStatus,
    Note,
    RequestKind,
    assign_punches,
    evaluate_month,
    shift_bounds,
)
from app.services.workrules import TEMPLATES, WarningLevel, WorkRule

OFFICE = TEMPLATES["office"]
BAR = TEMPLATES["bar"]
SPA = TEMPLATES["foot-spa"]
ORAL, WRITTEN = WarningLevel.ORAL, WarningLevel.WRITTEN


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def req(
    kind: RequestKind, start: str, end: str | None = None, leave_type: str = ""
) -> ApprovedRequest:
    return ApprovedRequest(kind, t(start), t(end or start), leave_type)


def one_day(
    rule: WorkRule,
    punches: list[str],
    requests: list[ApprovedRequest] | None = None,
    plan: DayPlan | None = None,
) -> DayResult:
    """The result of one working day, 2026-03-05 (a Thursday) unless `plan` says."""
    plan = plan or DayPlan(date(2026, 3, 5), working=True)
    return evaluate_month(rule, [plan], [t(p) for p in punches], requests or [])[0]


def month_plans(year: int, month: int, days: int, working: bool = True) -> list[DayPlan]:
    return [DayPlan(date(year, month, d), working=working) for d in range(1, days + 1)]


# -- shift bounds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "plan", "start", "end"),
    [
        (OFFICE, DayPlan(date(2026, 3, 5), True), "2026-03-05 09:00", "2026-03-05 18:00"),
        (BAR, DayPlan(date(2026, 3, 5), True), "2026-03-05 20:00", "2026-03-06 01:00"),
        (SPA, DayPlan(date(2026, 3, 5), True), "2026-03-05 12:00", "2026-03-06 00:00"),
        (  # a rota override replaces the rule's shift
            BAR,
            DayPlan(date(2026, 3, 5), True, start=time(18), end=time(23)),
            "2026-03-05 18:00",
            "2026-03-05 23:00",
        ),
        (  # month end: the night shift ends in the next month
            BAR,
            DayPlan(date(2026, 3, 31), True),
            "2026-03-31 20:00",
            "2026-04-01 01:00",
        ),
    ],
)
def test_shift_bounds(rule: WorkRule, plan: DayPlan, start: str, end: str) -> None:
    assert shift_bounds(rule, plan) == (t(start), t(end))


# -- lateness, bands and rounding ----------------------------------------------------


def test_bar_shift_across_midnight_is_one_day_on_its_start_date() -> None:
    plans = month_plans(2026, 3, 6)
    punches = [t("2026-03-05 20:00"), t("2026-03-06 01:05")]
    results = {r.work_date: r for r in evaluate_month(BAR, plans, punches, [])}
    fifth = results[date(2026, 3, 5)]
    assert (fifth.status, fifth.first_in, fifth.last_out) == (
        DayStatus.NORMAL,
        t("2026-03-05 20:00"),
        t("2026-03-06 01:05"),
    )
    assert results[date(2026, 3, 6)].status is DayStatus.ABSENT  # nothing leaked into the 6th


def test_bar_ten_minutes_late_is_late_but_costs_nothing() -> None:
    # The bar has no grace: 20:10 is 10 minutes late; its first band starts at 15.
    result = one_day(BAR, ["2026-03-05 20:10", "2026-03-06 01:05"])
    assert (result.status, result.late_minutes, result.points, result.warnings) == (
        DayStatus.LATE,
        10,
        0,
        (),
    )


@pytest.mark.parametrize(
    ("check_in", "late", "points"),
    [
        ("20:00:59", 0, 0),  # whole minutes: not late at all
        ("20:14:59", 14, 0),
        ("20:15:00", 15, 3),  # "15分钟以上" includes 15
        ("20:15:59", 15, 3),
        ("20:29:00", 29, 3),
        ("20:30:00", 30, 10),  # the higher band replaces the lower: 10, not 13
        ("21:30:00", 90, 10),
    ],
)
def test_bar_late_bands(check_in: str, late: int, points: int) -> None:
    result = one_day(BAR, [f"2026-03-05 {check_in}", "2026-03-06 01:00"])
    assert (result.late_minutes, result.points) == (late, points)
    assert result.status is (DayStatus.LATE if late else DayStatus.NORMAL)


@pytest.mark.parametrize(
    ("check_in", "check_out", "status", "late", "early", "warnings"),
    [
        ("09:05:59", "18:00:00", DayStatus.NORMAL, 0, 0, ()),  # within the 5 minutes' grace
        ("09:06:00", "18:00:00", DayStatus.LATE, 6, 0, (ORAL,)),  # counted from 09:00
        ("08:50:00", "17:59:30", DayStatus.EARLY, 0, 1, (ORAL,)),  # 30 s early = 1 minute
        ("08:50:00", "17:59:00", DayStatus.EARLY, 0, 1, (ORAL,)),
        ("08:50:00", "18:00:00", DayStatus.NORMAL, 0, 0, ()),
        ("09:30:00", "17:00:00", DayStatus.LATE_AND_EARLY, 30, 60, (ORAL, ORAL)),
    ],
)
def test_office_grace_and_early_rounding(
    check_in: str,
    check_out: str,
    status: DayStatus,
    late: int,
    early: int,
    warnings: tuple[str, ...],
) -> None:
    result = one_day(OFFICE, [f"2026-03-05 {check_in}", f"2026-03-05 {check_out}"])
    assert (result.status, result.late_minutes, result.early_minutes) == (status, late, early)
    assert (result.warnings, result.points) == (warnings, 0)


# -- missing punches and absence -----------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "punch", "status", "late", "early", "points"),
    [
        (OFFICE, "2026-03-05 08:58", DayStatus.MISSING_OUT, 0, 0, 0),
        (OFFICE, "2026-03-05 17:30", DayStatus.MISSING_IN, 0, 30, 0),  # after 13:30: out
        (BAR, "2026-03-05 20:05", DayStatus.MISSING_OUT, 5, 0, 2),
        (BAR, "2026-03-05 20:20", DayStatus.MISSING_OUT, 20, 0, 5),  # late 3 + missing 2
        (BAR, "2026-03-06 01:02", DayStatus.MISSING_IN, 0, 0, 2),
    ],
)
def test_a_single_punch(
    rule: WorkRule, punch: str, status: DayStatus, late: int, early: int, points: int
) -> None:
    result = one_day(rule, [punch])
    assert (result.status, result.missing_punches) == (status, 1)
    assert (result.late_minutes, result.early_minutes, result.points) == (late, early, points)
    assert (result.first_in or result.last_out) == t(punch)


def test_a_single_punch_is_read_against_the_planned_shift_not_the_leave() -> None:
    # 23:00 is after the planned shift's middle (22:30): a check-out. Had the leave moved
    # the middle to 23:30, approving the leave would turn it into a 60-minute-late
    # check-in costing 10 points more.
    leave = req(RequestKind.LEAVE, "2026-03-05 20:00", "2026-03-05 22:00", "事假")
    without = one_day(BAR, ["2026-03-05 23:00"])
    with_leave = one_day(BAR, ["2026-03-05 23:00"], [leave])
    assert without.status is with_leave.status is DayStatus.MISSING_IN
    assert (without.points, with_leave.points) == (2, 2)
    assert (without.early_minutes, with_leave.early_minutes) == (120, 120)


def test_absence_is_its_own_case_without_missing_punch_points() -> None:
    result = one_day(BAR, [])
    assert (result.status, result.missing_punches, result.points) == (DayStatus.ABSENT, 0, 0)
    assert Note.ABSENT in result.notes


def test_duplicates_in_one_minute_count_once() -> None:
    single = one_day(BAR, ["2026-03-05 20:00:10", "2026-03-05 20:00:50"])
    assert (single.status, single.first_in) == (DayStatus.MISSING_OUT, t("2026-03-05 20:00:10"))


# -- assigning punches to days ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "punches", "second_in"),
    [
        # Checked in on the 5th, forgot to check out; the 6th's check-in stays the 6th's.
        (BAR, ["2026-03-05 19:55", "2026-03-06 19:58", "2026-03-07 01:00"], "2026-03-06 19:58"),
        (OFFICE, ["2026-03-05 08:55", "2026-03-06 08:50", "2026-03-06 18:05"], "2026-03-06 08:50"),
        # Windows stretched so far that they overlap: the nearer shift still wins.
        (
            dataclasses.replace(BAR, window_after_minutes=20 * 60),
            ["2026-03-05 19:55", "2026-03-06 19:58", "2026-03-07 01:00"],
            "2026-03-06 19:58",
        ),
        (
            dataclasses.replace(OFFICE, window_after_minutes=20 * 60),
            ["2026-03-05 08:55", "2026-03-06 08:50", "2026-03-06 18:05"],
            "2026-03-06 08:50",
        ),
    ],
)
def test_forgotten_check_out_never_steals_next_check_in(
    rule: WorkRule, punches: list[str], second_in: str
) -> None:
    plans = [DayPlan(date(2026, 3, 5), True), DayPlan(date(2026, 3, 6), True)]
    first, second = evaluate_month(rule, plans, [t(p) for p in punches], [])
    assert first.status is DayStatus.MISSING_OUT
    assert second.status is DayStatus.NORMAL and second.first_in == t(second_in)


def test_punches_out_of_order() -> None:
    punches = ["2026-03-06 01:10", "2026-03-05 20:31", "2026-03-05 23:00", "2026-03-05 20:40"]
    result = one_day(BAR, punches)
    assert (result.first_in, result.last_out) == (t("2026-03-05 20:31"), t("2026-03-06 01:10"))
    assert (result.late_minutes, result.points) == (31, 10)


def test_punches_outside_every_window_are_ignored() -> None:
    plans = [DayPlan(date(2026, 3, 5), True)]
    got = assign_punches(OFFICE, plans, [t("2026-03-05 04:59"), t("2026-03-05 09:00")])
    assert got == {date(2026, 3, 5): [t("2026-03-05 09:00")]}


def test_previous_months_last_night_does_not_leak_into_the_first() -> None:
    # A window so early that the 1st's would hold 31 January's check-out at 00:55.
    rule = dataclasses.replace(BAR, window_before_minutes=21 * 60)
    punches = [t("2026-01-31 20:00"), t("2026-02-01 00:55")]
    first = evaluate_month(rule, month_plans(2026, 2, 1), punches, [])[0]
    assert first.status is DayStatus.ABSENT


# -- the plan decides the day --------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "punches", "status"),
    [
        # 2026-03-07 is a Saturday: a make-up working day (调休) because the plan says so.
        (DayPlan(date(2026, 3, 7), True), ["09:00", "18:00"], DayStatus.NORMAL),
        (DayPlan(date(2026, 3, 7), True), [], DayStatus.ABSENT),
        # A Thursday that the plan makes a rest day: the engine does not look at weekdays.
        (DayPlan(date(2026, 3, 5), False), [], DayStatus.REST),
        (DayPlan(date(2026, 10, 1), False, holiday=True), [], DayStatus.HOLIDAY),
    ],
)
def test_the_plan_decides_working_days(
    plan: DayPlan, punches: list[str], status: DayStatus
) -> None:
    day = plan.work_date.isoformat()
    assert one_day(OFFICE, [f"{day} {p}" for p in punches], plan=plan).status is status


def test_rota_override_shift() -> None:
    plan = DayPlan(date(2026, 3, 5), True, start=time(18), end=time(23))
    result = one_day(BAR, ["2026-03-05 18:20", "2026-03-05 23:00"], plan=plan)
    assert (result.status, result.late_minutes, result.points) == (DayStatus.LATE, 20, 3)


@pytest.mark.parametrize(
    ("punches", "status", "early"),
    [
        (["2026-03-05 11:58", "2026-03-06 00:02"], DayStatus.NORMAL, 0),
        (["2026-03-05 11:58", "2026-03-05 23:50"], DayStatus.EARLY, 10),  # no early bands
    ],
)
def test_foot_spa_shift_ends_at_midnight(punches: list[str], status: DayStatus, early: int) -> None:
    result = one_day(SPA, punches)
    assert (result.status, result.early_minutes, result.points) == (status, early, 0)


# -- requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requests", "punches", "status", "late", "leave_minutes"),
    [
        # Morning off: lateness counts from 13:00, and 13:02 is within the grace.
        ([req(RequestKind.LEAVE, "2026-03-05 09:00", "2026-03-05 12:00", "事假")],
         ["13:02", "18:00"], DayStatus.NORMAL, 0, 180),
        ([req(RequestKind.LEAVE, "2026-03-05 09:00", "2026-03-05 12:00", "事假")],
         ["13:10", "18:00"], DayStatus.LATE, 10, 180),
        # Afternoon off: leaving at 12:00 is not early.
        ([req(RequestKind.LEAVE, "2026-03-05 13:00", "2026-03-05 18:00", "事假")],
         ["08:59", "12:00"], DayStatus.NORMAL, 0, 300),
        ([req(RequestKind.LEAVE, "2026-03-05 09:00", "2026-03-05 12:00", "事假")],
         [], DayStatus.ABSENT, 0, 180),  # the afternoon is still owed
        ([req(RequestKind.LEAVE, "2026-03-05 00:00", "2026-03-05 23:59", "事假")],
         [], DayStatus.LEAVE, 0, 480),  # the lunch break is not leave
        ([req(RequestKind.LEAVE, "2026-03-05 09:00", "2026-03-05 12:00", "事假"),
          req(RequestKind.FIELD, "2026-03-05 13:00", "2026-03-05 18:00")],
         [], DayStatus.FIELD, 0, 180),  # the larger part names the day
        ([req(RequestKind.TRIP, "2026-03-04 08:00", "2026-03-07 20:00")],
         ["07:00"], DayStatus.TRIP, 0, 0),
    ],
)  # fmt: skip
def test_leave_trip_and_field_work(
    requests: list[ApprovedRequest],
    punches: list[str],
    status: DayStatus,
    late: int,
    leave_minutes: int,
) -> None:
    result = one_day(OFFICE, [f"2026-03-05 {p}" for p in punches], requests)
    assert (result.status, result.late_minutes, result.leave_minutes) == (
        status,
        late,
        leave_minutes,
    )
    assert result.points == 0 and len(result.warnings) == (1 if late else 0)
    if leave_minutes:
        assert result.leave_type == "事假"


def test_approved_make_up_punch_completes_the_day() -> None:
    makeup = req(RequestKind.MAKEUP_PUNCH, "2026-03-05 18:00")
    result = one_day(BAR, ["2026-03-05 19:58"], [req(RequestKind.MAKEUP_PUNCH, "2026-03-06 01:00")])
    assert (result.status, result.points, result.last_out) == (
        DayStatus.NORMAL,
        0,
        t("2026-03-06 01:00"),
    )
    assert Note.MAKEUP_PUNCH in result.notes
    office = one_day(OFFICE, ["2026-03-05 08:55"], [makeup])
    assert (office.status, office.missing_punches) == (DayStatus.NORMAL, 0)


def test_excuse_makes_lateness_cost_nothing() -> None:
    excuse = req(RequestKind.EXCUSE, "2026-03-05 09:00", "2026-03-05 09:40")
    result = one_day(OFFICE, ["2026-03-05 09:40", "2026-03-05 18:00"], [excuse])
    assert (result.status, result.late_minutes, result.excused) == (DayStatus.LATE, 40, True)
    assert (result.points, result.warnings) == (0, ())
    bar = one_day(BAR, ["2026-03-05 20:45", "2026-03-06 01:00"], [excuse])  # not that shift
    assert (bar.points, bar.excused) == (10, False)


@pytest.mark.parametrize(
    ("plan", "punches", "requests", "status", "overtime", "noted"),
    [
        (DayPlan(date(2026, 3, 5), True), ["08:55", "20:30"],
         [req(RequestKind.OVERTIME, "2026-03-05 18:00", "2026-03-05 20:00")],
         DayStatus.NORMAL, 120, False),
        (DayPlan(date(2026, 3, 5), True), ["08:55", "20:30"], [], DayStatus.NORMAL, 0, False),
        (DayPlan(date(2026, 3, 7), False), ["10:00", "15:00:40"],
         [req(RequestKind.OVERTIME, "2026-03-07 10:00", "2026-03-07 16:00")],
         DayStatus.REST, 300, False),
        (DayPlan(date(2026, 3, 7), False), ["10:00", "15:00"], [], DayStatus.REST, 0, True),
        (DayPlan(date(2026, 10, 1), False, holiday=True), ["10:00", "15:00"], [],
         DayStatus.HOLIDAY, 0, True),
    ],
)  # fmt: skip
def test_overtime_needs_approval(
    plan: DayPlan,
    punches: list[str],
    requests: list[ApprovedRequest],
    status: DayStatus,
    overtime: int,
    noted: bool,
) -> None:
    day = plan.work_date.isoformat()
    result = one_day(OFFICE, [f"{day} {p}" for p in punches], requests, plan=plan)
    assert (result.status, result.overtime_minutes) == (status, overtime)
    assert (Note.UNAPPROVED_REST_DAY_PUNCHES in result.notes) is noted


def test_rest_day_overtime_outside_the_usual_window() -> None:
    # A bar's window opens at 16:00; approved afternoon overtime on a rest day still counts.
    plan = DayPlan(date(2026, 3, 5), False)
    overtime = req(RequestKind.OVERTIME, "2026-03-05 14:00", "2026-03-05 18:00")
    result = one_day(BAR, ["2026-03-05 13:58", "2026-03-05 18:03"], [overtime], plan=plan)
    assert (result.status, result.overtime_minutes, result.points) == (DayStatus.REST, 240, 0)


# -- the month: escalation and exemption ---------------------------------------------


def test_office_fourth_case_in_a_month_is_a_written_warning() -> None:
    plans = month_plans(2026, 3, 5)
    punches = [t(f"2026-03-0{d} 09:10") for d in range(1, 6)]
    punches += [t(f"2026-03-0{d} 18:00") for d in range(1, 6)]
    results = evaluate_month(OFFICE, plans, punches, [])
    assert [r.warnings for r in results] == [(ORAL,), (ORAL,), (ORAL,), (WRITTEN,), (WRITTEN,)]


def test_late_and_early_on_one_day_are_two_cases() -> None:
    plans = month_plans(2026, 3, 2)
    punches = [t("2026-03-01 09:10"), t("2026-03-01 17:00")]
    punches += [t("2026-03-02 09:10"), t("2026-03-02 17:00")]
    results = evaluate_month(OFFICE, plans, punches, [])
    assert [r.warnings for r in results] == [(ORAL, ORAL), (ORAL, WRITTEN)]


def test_first_two_costly_late_arrivals_are_free() -> None:
    rule = dataclasses.replace(BAR, exempt_late_per_month=2)
    # The 20:05 costs nothing anyway and the excused third does not use the allowance.
    arrivals = ["20:20", "20:05", "20:20", "20:40", "20:20", "20:35"]
    plans = month_plans(2026, 3, len(arrivals))
    punches = [t(f"2026-03-{d:02d} {a}") for d, a in enumerate(arrivals, 1)]
    punches += [t(f"2026-03-{d + 1:02d} 01:00") for d in range(1, len(arrivals) + 1)]
    excuse = req(RequestKind.EXCUSE, "2026-03-03 20:00", "2026-03-03 21:00")
    results = evaluate_month(rule, plans, punches, [excuse])
    assert [r.points for r in results] == [0, 0, 0, 0, 3, 10]
    assert [r.exempted for r in results] == [True, False, False, True, False, False]
    assert [r.excused for r in results] == [False, False, True, False, False, False]


@pytest.mark.parametrize(
    "plans",
    [
        [DayPlan(date(2026, 3, 1), True), DayPlan(date(2026, 3, 3), True)],  # a gap
        [DayPlan(date(2026, 3, 31), True), DayPlan(date(2026, 4, 1), True)],  # two months
        [DayPlan(date(2026, 3, 2), True), DayPlan(date(2026, 3, 1), True)],  # backwards
    ],
)
def test_plans_must_be_one_months_consecutive_days(plans: list[DayPlan]) -> None:
    with pytest.raises(ValueError):
        evaluate_month(OFFICE, plans, [], [])


def test_no_plans_no_results() -> None:
    assert evaluate_month(OFFICE, [], [t("2026-03-05 09:00")], []) == []


# -- properties ----------------------------------------------------------------------

MONTH_START = datetime(2026, 2, 1)
DAYS = 10  # short months find counterexamples faster; the rules are per day anyway

rules = st.sampled_from([OFFICE, BAR, SPA, dataclasses.replace(BAR, exempt_late_per_month=1)])
anywhere = st.datetimes(
    min_value=MONTH_START - timedelta(days=1), max_value=MONTH_START + timedelta(days=DAYS + 1)
)
# Most punches near a template's shift boundaries, where the rules have their edges.
near_a_boundary = st.builds(
    lambda day, hour, seconds: MONTH_START + timedelta(days=day, hours=hour, seconds=seconds),
    st.integers(-1, DAYS),
    st.sampled_from([9, 12, 13, 18, 20, 22, 24, 25]),
    st.integers(-3 * 3600, 3 * 3600),
)
punch_times = st.one_of(near_a_boundary, anywhere)


@st.composite
def plan_lists(draw: st.DrawFn) -> list[DayPlan]:
    days = draw(st.integers(1, DAYS))
    working = draw(st.lists(st.booleans(), min_size=days, max_size=days))
    return [
        DayPlan(date(2026, 2, d + 1), w, holiday=not w and d % 7 == 3)
        for d, w in enumerate(working)
    ]


@st.composite
def requests_(draw: st.DrawFn, kinds: list[RequestKind]) -> ApprovedRequest:
    start = draw(punch_times)
    # Mostly part of a day, where the interesting cases are; sometimes several days.
    length = draw(st.one_of(st.integers(0, 10 * 60), st.integers(0, 3 * 24 * 60)))
    kind = draw(st.sampled_from(kinds))
    return ApprovedRequest(kind, start, start + timedelta(minutes=length), "年假")


any_requests = st.lists(requests_(list(RequestKind)), max_size=4)


def _penalty(result: DayResult) -> tuple[int, int, int]:
    return result.points, len(result.warnings), result.warnings.count(WRITTEN)


@settings(max_examples=150, deadline=None)
@given(rules, plan_lists(), st.lists(punch_times, max_size=25), any_requests, st.data())
def test_order_of_punches_does_not_matter(
    rule: WorkRule,
    plans: list[DayPlan],
    punches: list[datetime],
    requests: list[ApprovedRequest],
    data: st.DataObject,
) -> None:
    shuffled = data.draw(st.permutations(punches))
    assert evaluate_month(rule, plans, shuffled, requests) == evaluate_month(
        rule, plans, punches, requests
    )


@settings(max_examples=200, deadline=None)
@given(
    rules,
    plan_lists(),
    st.lists(punch_times, max_size=25),
    st.lists(requests_([RequestKind.LEAVE, RequestKind.EXCUSE, RequestKind.TRIP]), max_size=3),
    requests_([RequestKind.LEAVE]),
)
def test_an_approved_leave_never_adds_penalties(
    rule: WorkRule,
    plans: list[DayPlan],
    punches: list[datetime],
    requests: list[ApprovedRequest],
    leave: ApprovedRequest,
) -> None:
    before = evaluate_month(rule, plans, punches, requests)
    after = evaluate_month(rule, plans, punches, [*requests, leave])
    for old, new in zip(before, after, strict=True):
        assert all(n <= o for n, o in zip(_penalty(new), _penalty(old), strict=True)), (old, new)


@settings(max_examples=150, deadline=None)
@given(rules, plan_lists(), st.lists(punch_times, max_size=25), any_requests)
def test_each_punch_goes_to_at_most_one_day_and_inside_its_window(
    rule: WorkRule,
    plans: list[DayPlan],
    punches: list[datetime],
    requests: list[ApprovedRequest],
) -> None:
    assigned = assign_punches(rule, plans, punches)
    given_count = Counter(punches)
    placed = Counter(p for day in assigned.values() for p in day)
    assert all(placed[p] <= given_count[p] for p in placed)
    by_date = {p.work_date: p for p in plans}
    for work_date, day_punches in assigned.items():
        start, end = shift_bounds(rule, by_date[work_date])
        low = start - timedelta(minutes=rule.window_before_minutes)
        high = end + timedelta(minutes=rule.window_after_minutes)
        assert all(low <= p <= high for p in day_punches)
    # Approved overtime only stretches windows: it never drops a punch.
    widened = assign_punches(rule, plans, punches, requests=requests)
    assert sum(map(len, widened.values())) >= sum(map(len, assigned.values()))
