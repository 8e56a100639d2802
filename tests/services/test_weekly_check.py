"""The consistency check: trips against logs against the summary, the service standard,
the coming week's birthdays, roles and the JSON the CLI prints."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import event

from app import i18n
from app.db import Store
from app.services import settings, staff, weekly, weekly_check
from app.services.auth import Actor
from app.services.errors import NotFound, PermissionDenied
from app.services.weekly import CustomerInput, LogInput, PlanInput, SummaryText, TripInput
from app.services.weekly_check import FindingKind as K

W48 = date(2026, 11, 23)  # Monday; the deadline is Friday 2026-11-27 17:30 Shanghai
MON, TUE, WED, THU, FRI = (W48 + timedelta(days=n) for n in range(5))
SETUP = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # Sunday before, 10:00 in Shanghai
WED_10 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 Shanghai
WED_17 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday 17:00 Shanghai
AFTER = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # Saturday 10:00: past the deadline
LONG_AGO = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def zhang(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A001", "张三")


@pytest.fixture
def li(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A002", "李四")


def sid(actor: Actor) -> int:
    assert actor.staff_id is not None
    return actor.staff_id


def add_customer(
    store: Store,
    actor: Actor,
    name: str,
    grade: str = "normal",
    birthday: date | None = None,
    at: datetime = SETUP,
) -> int:
    with time_machine.travel(at, tick=False), store.transaction() as s:
        data = CustomerInput(sid(actor), name, grade=grade, birthday=birthday)
        return weekly.add_customer(s, actor, data).id


def add_log(store: Store, actor: Actor, customer_id: int, day: date) -> None:
    at = datetime.combine(day, time(12, 0), tzinfo=UTC)  # 20:00 in Shanghai, that day
    with time_machine.travel(at, tick=False), store.transaction() as s:
        weekly.add_log(s, actor, LogInput(sid(actor), customer_id, day, "拜访"))


def check(store: Store, actor: Actor, at: datetime, **kw: object) -> weekly_check.WeekCheck:
    with time_machine.travel(at, tick=False), store.reading() as s:
        return weekly_check.check_week(s, actor, kw.pop("week", W48), **kw)  # type: ignore[arg-type]


# --- findings, table-driven ------------------------------------------------------------


@dataclass
class Case:
    trips: list[tuple[Any, ...]] = field(
        default_factory=list
    )  # (customer, day[, out, back][, "after"])
    logs: list[tuple[str, date]] = field(default_factory=list)
    summary: str | None = None  # None | draft | submitted | returned | approved
    lines: list[tuple[str, date]] = field(default_factory=list)  # the summary's visits
    plans: list[tuple[str, str]] = field(default_factory=list)  # (customer, "" | dropped)
    at: datetime = AFTER
    expected: list[tuple[str, str, date | None, int]] = field(default_factory=list)


CASES = {
    "all agree": Case(
        trips=[("王总", TUE)], logs=[("王总", TUE)], summary="submitted", lines=[("王总", TUE)]
    ),
    "visit without trip": Case(
        logs=[("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE)],
        expected=[(K.VISIT_WITHOUT_TRIP, "王总", TUE, 1)],
    ),
    "trip on another day does not cover the visit": Case(
        trips=[("王总", MON)],
        logs=[("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE)],
        expected=[(K.TRIP_WITHOUT_LOG, "王总", MON, 1), (K.VISIT_WITHOUT_TRIP, "王总", TUE, 1)],
    ),
    "trip to another customer does not cover the visit": Case(
        trips=[("李总", TUE)],
        logs=[("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE)],
        expected=[(K.VISIT_WITHOUT_TRIP, "王总", TUE, 1), (K.TRIP_WITHOUT_LOG, "李总", TUE, 1)],
    ),
    "trip without log": Case(
        trips=[("王总", TUE)], summary="submitted", expected=[(K.TRIP_WITHOUT_LOG, "王总", TUE, 1)]
    ),
    "trip still to come is no finding": Case(trips=[("王总", THU)], at=WED_10),
    "trip today before its time back is no finding": Case(
        trips=[("王总", WED, time(9, 0), time(16, 0))], at=WED_10
    ),
    "trip today after its time back": Case(
        trips=[("王总", WED, time(9, 0), time(16, 0))],
        at=WED_17,
        expected=[(K.TRIP_WITHOUT_LOG, "王总", WED, 1)],
    ),
    "trip today without a time back waits for tomorrow": Case(trips=[("王总", WED)], at=WED_17),
    "two logs need two trips": Case(
        trips=[("王总", TUE)],
        logs=[("王总", TUE), ("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE), ("王总", TUE)],
        expected=[(K.VISIT_WITHOUT_TRIP, "王总", TUE, 1)],
    ),
    "two trips need two logs": Case(
        trips=[("王总", TUE), ("王总", TUE), ("王总", TUE)],
        logs=[("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE)],
        expected=[(K.TRIP_WITHOUT_LOG, "王总", TUE, 2)],
    ),
    "logged visit missing from the summary": Case(
        trips=[("王总", TUE), ("李总", WED)],
        logs=[("王总", TUE), ("李总", WED)],
        summary="submitted",
        lines=[("王总", TUE)],
        expected=[(K.LOG_MISSING_FROM_SUMMARY, "李总", WED, 1)],
    ),
    "two logs, one summary line": Case(
        trips=[("王总", TUE), ("王总", TUE)],
        logs=[("王总", TUE), ("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE)],
        expected=[(K.LOG_MISSING_FROM_SUMMARY, "王总", TUE, 1)],
    ),
    "summary visit without log": Case(
        trips=[("王总", TUE)],
        logs=[("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE), ("李总", THU)],
        expected=[(K.SUMMARY_VISIT_WITHOUT_LOG, "李总", THU, 1)],
    ),
    "summary on the wrong day": Case(
        trips=[("王总", TUE)],
        logs=[("王总", TUE)],
        summary="submitted",
        lines=[("王总", WED)],
        expected=[
            (K.LOG_MISSING_FROM_SUMMARY, "王总", TUE, 1),
            (K.SUMMARY_VISIT_WITHOUT_LOG, "王总", WED, 1),
        ],
    ),
    "a returned summary is compared": Case(
        trips=[("王总", TUE)],
        logs=[("王总", TUE)],
        summary="returned",
        expected=[(K.LOG_MISSING_FROM_SUMMARY, "王总", TUE, 1)],
    ),
    "an approved summary is compared": Case(
        trips=[("王总", TUE)],
        logs=[("王总", TUE)],
        summary="approved",
        expected=[(K.LOG_MISSING_FROM_SUMMARY, "王总", TUE, 1)],
    ),
    "a draft is not compared before the deadline": Case(
        trips=[("王总", TUE)], logs=[("王总", TUE)], summary="draft", at=WED_17
    ),
    "a draft after the deadline is missing": Case(
        trips=[("王总", TUE)],
        logs=[("王总", TUE)],
        summary="draft",
        expected=[(K.SUMMARY_MISSING, "", None, 1)],
    ),
    "no summary before the deadline is no finding": Case(
        trips=[("王总", TUE)], logs=[("王总", TUE)], at=WED_17
    ),
    "no summary after the deadline": Case(
        trips=[("王总", TUE)], logs=[("王总", TUE)], expected=[(K.SUMMARY_MISSING, "", None, 1)]
    ),
    "trip written after going out": Case(
        trips=[("王总", MON, time(9, 0), None, "after")],
        logs=[("王总", MON)],
        summary="submitted",
        lines=[("王总", MON)],
        expected=[(K.TRIP_ENTERED_AFTER, "王总", MON, 1)],
    ),
    "trip written beforehand": Case(
        trips=[("王总", MON, time(9, 0), None)],
        logs=[("王总", MON)],
        summary="submitted",
        lines=[("王总", MON)],
    ),
    "planned visit left open after the deadline": Case(
        plans=[("王总", "")],
        expected=[(K.SUMMARY_MISSING, "", None, 1), (K.PLAN_NOT_EXPLAINED, "王总", None, 1)],
    ),
    "planned visit left open before the deadline": Case(plans=[("王总", "")], at=WED_17),
    "planned visit done": Case(
        plans=[("王总", "")],
        trips=[("王总", TUE)],
        logs=[("王总", TUE)],
        summary="submitted",
        lines=[("王总", TUE)],
    ),
    "planned visit dropped with a reason": Case(plans=[("王总", "dropped")], summary="submitted"),
}


def build(store: Store, zhang: Actor, supervisor: Actor, case: Case) -> dict[str, int]:
    me = sid(zhang)
    ids = {name: add_customer(store, zhang, name) for name in ("王总", "李总")}
    for trip in case.trips:
        name, day, *rest = trip
        out, back = [*rest, None, None][:2]
        written = case.at if "after" in rest else SETUP
        with time_machine.travel(written, tick=False), store.transaction() as s:
            weekly.add_trip(s, zhang, TripInput(me, ids[name], day, "拜访", out, back))
    for name, day in case.logs:
        add_log(store, zhang, ids[name], day)
    for name, outcome in case.plans:
        with time_machine.travel(SETUP, tick=False), store.transaction() as s:
            plan = weekly.add_plan(s, zhang, PlanInput(me, ids[name], W48))
            if outcome:
                weekly.set_plan_outcome(s, zhang, plan.id, outcome, "客户出差")
    if case.summary is not None:
        lines = [weekly.VisitLine(day, ids[name], "拜访") for name, day in case.lines]
        with time_machine.travel(min(case.at, AFTER), tick=False), store.transaction() as s:
            view = weekly.save_draft(s, zhang, me, W48, SummaryText(services="开户"), lines)
            if case.summary != "draft":
                weekly.submit(s, zhang, me, W48)
            assert view.id is not None
            if case.summary == "returned":
                weekly.return_for_revision(s, supervisor, view.id, "补充拜访")
            elif case.summary == "approved":
                weekly.approve(s, supervisor, view.id)
    return ids


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_findings(store: Store, supervisor: Actor, zhang: Actor, case: Case) -> None:
    ids = build(store, zhang, supervisor, case)
    result = check(store, supervisor, case.at)
    [mine] = result.managers
    got = [(f.kind, f.customer_name, f.day, f.count) for f in mine.findings]
    assert got == [(str(k), name, day, n) for k, name, day, n in case.expected]
    for f in mine.findings:
        assert f.customer_id == (ids[f.customer_name] if f.customer_name else None)
    assert mine.trips == len(case.trips)
    assert mine.logs == len(case.logs)
    assert mine.summary_visits == (len(case.lines) if case.summary else 0)


def test_counts_and_details_say_how_many(store: Store, supervisor: Actor, zhang: Actor) -> None:
    build(store, zhang, supervisor, CASES["two trips need two logs"])
    [mine] = check(store, supervisor, AFTER).managers
    [finding] = mine.findings
    assert finding.detail == "服务日志 1 篇，出行记录 3 条"
    assert mine.summary_state == weekly.BoardState.LATE


# --- lines for the screen and the CLI --------------------------------------------------


def test_summary_lines(store: Store, supervisor: Actor, zhang: Actor) -> None:
    build(store, zhang, supervisor, CASES["visit without trip"])
    build_missing = check(store, supervisor, AFTER)
    assert weekly_check.summary_lines(build_missing) == [
        "张三 11-24 王总：有服务日志但没有出行记录"
    ]
    with i18n.using("en"):
        assert weekly_check.summary_lines(build_missing) == [
            "张三 11-24 王总: Visit log without a trip record"
        ]


def test_summary_lines_without_day_and_with_detail(
    store: Store, supervisor: Actor, zhang: Actor
) -> None:
    build(store, zhang, supervisor, CASES["planned visit left open after the deadline"])
    lines = weekly_check.summary_lines(check(store, supervisor, AFTER))
    assert lines == [
        "张三：每周工作进度汇总表未提交",
        "张三 王总：计划拜访既未完成也未说明原因",
    ]


def test_every_kind_has_a_translated_label() -> None:
    for kind in K:
        label = weekly_check.finding_label(kind)
        assert label and label != weekly_check.FINDING_LABELS[kind]


# --- the service standard --------------------------------------------------------------

AS_OF = date(2026, 11, 28)  # checking W48 on Saturday: judged as of that day


@pytest.mark.parametrize(
    ("grade", "days_ago", "key_days", "normal_days", "gap"),
    [
        ("key", 30, 30, 0, False),
        ("key", 31, 30, 0, True),
        ("key", 31, 0, 0, False),  # 0 = no standard
        ("normal", 200, 30, 0, False),  # the default: no standard for normal customers
        ("normal", 60, 30, 60, False),
        ("normal", 61, 30, 60, True),
        ("key", 45, 60, 30, False),  # each grade has its own standard
        ("normal", 45, 60, 30, True),
        ("key", None, 30, 0, True),  # never visited, added in June
    ],
)
def test_service_standard(
    store: Store,
    supervisor: Actor,
    zhang: Actor,
    grade: str,
    days_ago: int | None,
    key_days: int,
    normal_days: int,
    gap: bool,
) -> None:
    with store.transaction() as s:
        settings.set_value(s, supervisor, "service_days_key", key_days)
        settings.set_value(s, supervisor, "service_days_normal", normal_days)
    cid = add_customer(store, zhang, "王总", grade, at=LONG_AGO)
    if days_ago is not None:
        add_log(store, zhang, cid, AS_OF - timedelta(days=days_ago + 1))  # an older visit
        add_log(store, zhang, cid, AS_OF - timedelta(days=days_ago))
    result = check(store, supervisor, AFTER)
    assert result.as_of == AS_OF
    if not gap:
        assert result.service == []
        return
    [found] = result.service
    expected_days = key_days if grade == "key" else normal_days
    assert (found.customer_id, found.grade, found.standard_days) == (cid, grade, expected_days)
    assert (found.owner_staff_id, found.owner_name) == (sid(zhang), "张三")
    if days_ago is None:
        assert (found.last_visit, found.days_since, found.since) == (None, None, LONG_AGO.date())
    else:
        assert found.last_visit == AS_OF - timedelta(days=days_ago)
        assert found.days_since == days_ago


def test_service_standard_counts_a_new_customer_from_the_day_added(
    store: Store, supervisor: Actor, zhang: Actor
) -> None:
    add_customer(store, zhang, "新客户", "key", at=datetime(2026, 10, 29, 2, tzinfo=UTC))
    add_customer(store, zhang, "老客户", "key", at=datetime(2026, 10, 28, 2, tzinfo=UTC))
    assert [g.customer_name for g in check(store, supervisor, AFTER).service] == ["老客户"]


def test_service_standard_of_a_past_week_ignores_later_visits(
    store: Store, supervisor: Actor, zhang: Actor
) -> None:
    cid = add_customer(store, zhang, "王总", "key", at=LONG_AGO)
    add_log(store, zhang, cid, date(2026, 9, 1))
    add_log(store, zhang, cid, date(2026, 11, 24))
    w44 = date(2026, 10, 26)
    result = check(store, supervisor, AFTER, week=w44)
    assert result.as_of == date(2026, 11, 1)  # that week's Sunday
    [found] = result.service
    assert (found.last_visit, found.days_since) == (date(2026, 9, 1), 61)
    assert check(store, supervisor, AFTER).service == []


def test_service_standard_of_this_week_is_judged_today(
    store: Store, supervisor: Actor, zhang: Actor
) -> None:
    cid = add_customer(store, zhang, "王总", "key", at=LONG_AGO)
    add_log(store, zhang, cid, date(2026, 10, 26))  # 30 days before Wednesday 11-25
    assert check(store, supervisor, WED_10).service == []
    assert [g.days_since for g in check(store, supervisor, AFTER).service] == [33]


def test_retired_customers_and_people_are_not_judged(
    store: Store, supervisor: Actor, zhang: Actor, li: Actor
) -> None:
    old = add_customer(store, zhang, "王总", "key", at=LONG_AGO)
    add_customer(store, li, "李总", "key", at=LONG_AGO)
    with store.transaction() as s:
        weekly.set_customer_active(s, supervisor, old, False)
        staff.set_active(s, supervisor, sid(li), False)
    result = check(store, supervisor, AFTER)
    assert result.service == []
    assert [m.name for m in result.managers] == ["张三"]


# --- birthdays -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birthday", "first", "on"),
    [
        (date(1980, 12, 1), date(2026, 11, 30), date(2026, 12, 1)),
        (date(1980, 11, 29), date(2026, 11, 30), None),  # this week, not the coming one
        (date(1980, 12, 7), date(2026, 11, 30), None),
        (date(1980, 2, 29), date(2027, 2, 22), date(2027, 2, 28)),  # no 29th in 2027
        (date(1980, 2, 29), date(2028, 2, 28), date(2028, 2, 29)),
        (date(1980, 2, 28), date(2028, 2, 28), date(2028, 2, 28)),
        (date(1980, 2, 29), date(2028, 2, 21), None),  # 2028 has its 29th next week
        (date(1970, 12, 31), date(2026, 12, 28), date(2026, 12, 31)),  # over New Year
        (date(1970, 1, 2), date(2026, 12, 28), date(2027, 1, 2)),
        (date(1970, 1, 5), date(2026, 12, 28), None),
    ],
)
def test_birthday_in(birthday: date, first: date, on: date | None) -> None:
    assert weekly_check.birthday_in(birthday, first, first + timedelta(days=6)) == on


def test_birthdays_of_the_coming_week_over_new_year(
    store: Store, supervisor: Actor, zhang: Actor
) -> None:
    add_customer(store, zhang, "王总", birthday=date(1970, 1, 2))
    add_customer(store, zhang, "李总", birthday=date(1975, 12, 31))
    add_customer(store, zhang, "赵总", birthday=date(1975, 12, 27))  # in the checked week
    add_customer(store, zhang, "钱总")
    w52 = date(2026, 12, 21)  # the coming week is 2026-W53: 12-28 .. 2027-01-03
    result = check(store, supervisor, datetime(2026, 12, 25, 2, tzinfo=UTC), week=w52)
    assert [(b.customer_name, b.on, b.birthday) for b in result.birthdays] == [
        ("李总", date(2026, 12, 31), date(1975, 12, 31)),
        ("王总", date(2027, 1, 2), date(1970, 1, 2)),
    ]
    assert result.birthdays[0].owner_name == "张三"


# --- roles -----------------------------------------------------------------------------


def test_a_manager_checks_only_their_own_week(
    store: Store, supervisor: Actor, zhang: Actor, li: Actor
) -> None:
    mine = add_customer(store, zhang, "王总", "key", birthday=date(1980, 12, 1), at=LONG_AGO)
    add_customer(store, li, "李总", "key", birthday=date(1980, 12, 2), at=LONG_AGO)
    with pytest.raises(PermissionDenied):
        check(store, zhang, AFTER, staff_id=sid(li))
    own = check(store, zhang, AFTER)
    assert own == check(store, zhang, AFTER, staff_id=sid(zhang))
    assert [m.name for m in own.managers] == ["张三"]
    assert [g.customer_id for g in own.service] == [mine]
    assert [b.customer_id for b in own.birthdays] == [mine]


def test_the_supervisor_checks_the_branch_or_one_person(
    store: Store, supervisor: Actor, zhang: Actor, li: Actor
) -> None:
    add_customer(store, li, "李总", "key", birthday=date(1980, 12, 2), at=LONG_AGO)
    add_customer(store, zhang, "王总", "key", birthday=date(1980, 12, 1), at=LONG_AGO)
    whole = check(store, supervisor, AFTER)
    assert [(m.employee_no, m.name) for m in whole.managers] == [("A001", "张三"), ("A002", "李四")]
    assert [g.owner_name for g in whole.service] == ["张三", "李四"]
    assert [b.customer_name for b in whole.birthdays] == ["王总", "李总"]
    one = check(store, supervisor, AFTER, staff_id=sid(li))
    assert [m.name for m in one.managers] == ["李四"]
    assert [g.customer_name for g in one.service] == ["李总"]
    with pytest.raises(NotFound):
        check(store, supervisor, AFTER, staff_id=9999)


# --- JSON ------------------------------------------------------------------------------


def test_to_json_shape(store: Store, supervisor: Actor, zhang: Actor) -> None:
    build(store, zhang, supervisor, CASES["visit without trip"])
    add_customer(store, zhang, "赵总", "key", birthday=date(1980, 12, 1), at=LONG_AGO)
    data = weekly_check.to_json(check(store, supervisor, AFTER, week=TUE))
    json.dumps(data)  # JSON-ready as it is
    assert data["week"] == "2026-W48"
    assert data["week_start"] == "2026-11-23"
    assert data["as_of"] == "2026-11-28"
    assert data["deadline"] == "2026-11-27T17:30:00+08:00"
    assert data["deadline_passed"] is True
    [manager] = data["managers"]
    assert manager == {
        "staff_id": sid(zhang),
        "employee_no": "A001",
        "name": "张三",
        "summary_state": "late",
        "trips": 0,
        "logs": 1,
        "summary_visits": 1,
        "findings": [
            {
                "kind": "visit_without_trip",
                "label": "有服务日志但没有出行记录",
                "day": "2026-11-24",
                "customer_id": manager["findings"][0]["customer_id"],
                "customer_name": "王总",
                "count": 1,
                "detail": "",
            }
        ],
    }
    [gap] = data["service"]
    assert set(gap) >= {
        "customer_id",
        "customer_name",
        "owner_staff_id",
        "owner_name",
        "grade",
        "standard_days",
        "last_visit",
        "days_since",
    }
    assert (gap["customer_name"], gap["last_visit"], gap["days_since"]) == ("赵总", None, None)
    assert data["birthdays"] == [
        {
            "customer_id": gap["customer_id"],
            "customer_name": "赵总",
            "owner_staff_id": sid(zhang),
            "owner_name": "张三",
            "birthday": "1980-12-01",
            "on": "2026-12-01",
        }
    ]


# --- a fixed number of queries ---------------------------------------------------------


@pytest.fixture
def statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", count)
    yield seen
    event.remove(store.engine, "before_cursor_execute", count)


def test_queries_do_not_grow_with_people_or_customers(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor], statements: list[str]
) -> None:
    def queries() -> int:
        statements.clear()
        check(store, supervisor, AFTER)
        return len(statements)

    first = make_manager("A001", "张三")
    add_customer(store, first, "王总", "key", at=LONG_AGO)
    small = queries()
    for n in range(2, 6):
        person = make_manager(f"A00{n}", f"经理{n}")
        for c in range(5):
            cid = add_customer(store, person, f"客户{c}", "key", birthday=date(1980, 12, 1))
            add_log(store, person, cid, TUE)
            with time_machine.travel(SETUP, tick=False), store.transaction() as s:
                weekly.add_trip(s, person, TripInput(sid(person), cid, WED))
    assert queries() == small
    assert small <= 20
