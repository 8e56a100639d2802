"""A day's customer visits: trip records plus the plans without one, scoped by role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import CustomerInput, LogInput, PlanInput, TripInput
from app.services.weekly_today import TodayVisit, visits_on

W48 = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
# 07:00 on Friday 27 November 2026 in Shanghai: every trip below is written before going out.
EARLY_FRIDAY = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(EARLY_FRIDAY, tick=False):
        yield


def book(store: Store, actor: Actor, *names: str) -> list[int]:
    assert actor.staff_id is not None
    with store.transaction() as s:
        return [
            weekly.add_customer(s, actor, CustomerInput(actor.staff_id, name)).id for name in names
        ]


@pytest.fixture
def day_of_visits(store: Store, make_manager: Callable[..., Actor]) -> tuple[Actor, Actor]:
    zhang, li = make_manager("A001", "张三"), make_manager("A002", "李四")
    assert zhang.staff_id is not None and li.staff_id is not None
    a, b, c = book(store, zhang, "钱老板", "孙女士", "周先生")
    (d,) = book(store, li, "吴总")
    with store.transaction() as s:
        weekly.add_trip(
            s, zhang, TripInput(zhang.staff_id, a, FRIDAY, "理财到期回访", time(14), time(15))
        )
        weekly.add_trip(s, li, TripInput(li.staff_id, d, FRIDAY, "代发签约", time(9, 30), time(11)))
        # Planned for Friday: one with a trip written (not listed twice), one without.
        weekly.add_plan(s, zhang, PlanInput(zhang.staff_id, a, W48, FRIDAY, "回访"))
        weekly.add_plan(s, zhang, PlanInput(zhang.staff_id, b, W48, FRIDAY, "生日慰问"))
        # Planned for Friday but already moved: not on today's list.
        moved = weekly.add_plan(s, zhang, PlanInput(zhang.staff_id, c, W48, FRIDAY, "送资料"))
        weekly.set_plan_outcome(s, zhang, moved.id, "moved", "客户出差", date(2026, 11, 30))
        # Another day's trip is not today's.
        weekly.add_trip(s, zhang, TripInput(zhang.staff_id, c, date(2026, 11, 30), "送资料"))
    return zhang, li


def test_supervisor_sees_the_branchs_day(
    store: Store, supervisor: Actor, day_of_visits: tuple[Actor, Actor]
) -> None:
    with store.reading() as s:
        found = visits_on(s, supervisor, FRIDAY)
    assert [(v.name, v.customer_name, v.source, v.planned_out) for v in found] == [
        ("李四", "吴总", "trip", time(9, 30)),
        ("张三", "钱老板", "trip", time(14)),
        ("张三", "孙女士", "plan", None),
    ]
    assert found[0] == TodayVisit(
        found[0].staff_id, "A002", "李四", "吴总", "代发签约", time(9, 30), time(11), "trip", False
    )
    assert found[2].purpose == "生日慰问"
    with store.reading() as s:
        assert visits_on(s, supervisor, date(2026, 11, 26)) == []


def test_a_manager_sees_only_their_own(store: Store, day_of_visits: tuple[Actor, Actor]) -> None:
    zhang, li = day_of_visits
    with store.reading() as s:
        assert [v.customer_name for v in visits_on(s, zhang, FRIDAY)] == ["钱老板", "孙女士"]
        assert [v.customer_name for v in visits_on(s, li, FRIDAY)] == ["吴总"]


def test_logged_when_the_visit_log_is_written(
    store: Store, supervisor: Actor, day_of_visits: tuple[Actor, Actor]
) -> None:
    zhang, _li = day_of_visits
    assert zhang.staff_id is not None
    with store.reading() as s:
        customer = next(v for v in visits_on(s, zhang, FRIDAY) if v.customer_name == "孙女士")
        sun = weekly.find_customer(s, zhang.staff_id, "孙女士")
    assert customer.logged is False and sun is not None
    with time_machine.travel(datetime(2026, 11, 27, 8, 0, tzinfo=UTC), tick=False):
        with store.transaction() as s:
            weekly.add_log(s, zhang, LogInput(zhang.staff_id, sun.id, FRIDAY, "送生日蛋糕"))
        with store.reading() as s:
            logged = {v.customer_name: v.logged for v in visits_on(s, supervisor, FRIDAY)}
    assert logged == {"吴总": False, "钱老板": False, "孙女士": True}
