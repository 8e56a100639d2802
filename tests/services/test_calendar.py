"""The branch's working calendar across known and unknown years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine

from app.db import Store
from app.services import calendar
from app.services.auth import Actor
from app.services.calendar import Reason
from app.services.errors import PermissionDenied, ValidationError


@pytest.mark.parametrize(
    ("day", "working", "reason", "name"),
    [
        (date(2026, 10, 1), False, Reason.HOLIDAY, "国庆节"),  # Thursday, National Day
        (date(2026, 9, 20), True, Reason.MAKEUP_WORKDAY, "国庆节"),  # Sunday, 调休上班
        (date(2026, 11, 27), True, Reason.WEEKDAY, ""),  # an ordinary Friday
        (date(2026, 11, 28), False, Reason.WEEKEND, ""),
        (date(2026, 2, 17), False, Reason.HOLIDAY, "春节"),
    ],
)
def test_known_year(
    store: Store, supervisor: Actor, day: date, working: bool, reason: Reason, name: str
) -> None:
    with store.reading() as session:
        info = calendar.day_info(session, supervisor.branch_id, day)
    assert (info.working, info.reason, info.name, info.known) == (working, reason, name, True)


def test_unknown_year_falls_back_to_monday_to_friday(store: Store, supervisor: Actor) -> None:
    with store.reading() as session:
        days = calendar.days_between(
            session, supervisor.branch_id, date(2027, 1, 1), date(2027, 1, 7)
        )
    # 2027-01-01 is a Friday: without data it is a working day, flagged as a guess.
    assert [d.working for d in days] == [True, False, False, True, True, True, True]
    assert not any(d.known for d in days)
    assert "2027" in days[0].describe()


def test_entering_next_years_holidays(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        calendar.set_day(session, supervisor, date(2027, 1, 1), "holiday", "元旦")
        calendar.set_day(session, supervisor, date(2027, 1, 2), "holiday", "元旦")
    with store.reading() as session:
        info = calendar.day_info(session, supervisor.branch_id, date(2027, 1, 1))
        listing = calendar.list_year(session, supervisor.branch_id, 2027)
    assert (info.working, info.reason, info.name, info.known) == (
        False,
        Reason.HOLIDAY,
        "元旦",
        True,
    )
    assert listing.known and [d.day.day for d in listing.days] == [1, 2]


def test_branch_closure_does_not_mark_the_year_known(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        calendar.set_day(session, supervisor, date(2027, 3, 3), "closure", "装修停业")
    with store.reading() as session:
        info = calendar.day_info(session, supervisor.branch_id, date(2027, 3, 3))
        assert (info.working, info.reason, info.known) == (False, Reason.CLOSURE, False)
        assert not calendar.list_year(session, supervisor.branch_id, 2027).known


def test_edit_and_remove(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        calendar.set_day(session, supervisor, date(2026, 11, 27), "closure", "盘点")
        calendar.set_day(session, supervisor, date(2026, 11, 27), "closure", "年终盘点")
    with store.reading() as session:
        assert (
            calendar.day_info(session, supervisor.branch_id, date(2026, 11, 27)).name == "年终盘点"
        )
    with store.transaction() as session:
        assert calendar.remove_day(session, supervisor, date(2026, 11, 27))
        assert not calendar.remove_day(session, supervisor, date(2026, 11, 27))
    with store.reading() as session:
        assert calendar.day_info(session, supervisor.branch_id, date(2026, 11, 27)).working


def test_bad_kind_and_roles(store: Store, supervisor: Actor, make_manager) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError), store.transaction() as session:
        calendar.set_day(session, supervisor, date(2027, 1, 1), "party")
    zhang = make_manager("A001", "张三")
    with pytest.raises(PermissionDenied), store.transaction() as session:
        calendar.set_day(session, zhang, date(2027, 1, 1), "holiday")


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (date(2026, 6, 1), []),  # 2027 is 214 days away: not yet
        (date(2026, 11, 1), [2027]),  # 61 days: within the 60-day window? no -> see below
        (date(2026, 11, 27), [2027]),  # five weeks before the package runs out
        (date(2027, 2, 1), [2027]),  # already inside an unknown year
    ],
)
def test_check_flags_years_without_data_ahead(
    store: Store, supervisor: Actor, today: date, years: list[int]
) -> None:
    with store.reading() as session:
        warnings = calendar.check(session, supervisor.branch_id, today)
    expected = [y for y in years if (date(y, 1, 1) - today).days <= 60]
    assert [w.year for w in warnings] == expected
    for w in warnings:
        assert str(w.year) in w.message()


def test_check_uses_the_branch_date_not_the_machine_date(store: Store, supervisor: Actor) -> None:
    # 2026-11-01 16:30 UTC is already 2 November in Shanghai: 60 days before 2027.
    with (
        time_machine.travel(datetime(2026, 11, 1, 16, 30, tzinfo=UTC), tick=False),
        store.reading() as session,
    ):
        assert [w.year for w in calendar.check(session, supervisor.branch_id)] == [2027]
    with (
        time_machine.travel(datetime(2026, 11, 1, 15, 30, tzinfo=UTC), tick=False),
        store.reading() as session,
    ):
        assert calendar.check(session, supervisor.branch_id) == []


def test_check_is_quiet_once_the_year_is_entered(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        calendar.mark_year_known(session, supervisor, 2027)
    with store.reading() as session:
        assert calendar.check(session, supervisor.branch_id, date(2026, 12, 20)) == []


@dataclass
class Row:
    day: date | None
    kind: str | None
    name: str = ""
    error: str | None = None


def test_import_days_applies_good_rows_only(store: Store, supervisor: Actor) -> None:
    rows = [
        Row(date(2027, 1, 1), "holiday", "元旦"),
        Row(None, None, error="bad date"),
        Row(date(2027, 2, 7), "workday", "春节"),
    ]
    with store.transaction() as session:
        assert calendar.import_days(session, supervisor, rows) == 2
    with store.reading() as session:
        listing = calendar.list_year(session, supervisor.branch_id, 2027)
    assert listing.known and {d.source for d in listing.days} == {"import"}
    assert (
        calendar.WorkCalendar({d.day: d for d in listing.days}, {2027})
        .info(date(2027, 2, 7))
        .working
    )


def test_seeding_twice_adds_nothing(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        assert calendar.seed_from_package(session, supervisor.branch_id) == []
