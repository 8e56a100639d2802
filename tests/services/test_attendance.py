"""Attendance, the store side: rules by date, rotas into DayPlans, punches, imports,
requests, appeals, and each person's month through the day engine.

The clock is frozen on Monday 2026-11-02, 10:00 in Shanghai (02:00 UTC); every instant
is built in the branch's zone, so nothing depends on the machine's zone or date.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from app.db import Store, open_store
from app.models import Branch, Punch
from app.services import attendance as att
from app.services import staff
from app.services.auth import Actor
from app.services.calendar import WorkCalendar
from app.services.day_engine import DayPlan, DayStatus
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.workrules import TEMPLATES

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def sh(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A wall-clock time in the branch (Shanghai) as an aware instant."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=SHANGHAI)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


@pytest.fixture
def people(store: Store, supervisor: Actor) -> dict[str, int]:
    with store.transaction() as session:
        return {
            no: staff.add_staff(session, supervisor, staff.StaffInput(no, name)).id
            for no, name in (("A001", "张三"), ("A002", "李四"), ("A003", "王五"))
        }


# --- rules ------------------------------------------------------------------------------


def test_rule_on_a_date_follows_effective_dates(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1, a2 = people["A001"], people["A002"]
    with store.transaction() as session:
        # Nothing assigned: the branch's starting template (office).
        assert att.rule_on(session, a1, date(2026, 1, 5)) == TEMPLATES["office"]
        att.set_rules(session, supervisor, "bar", effective_from=date(2026, 3, 1))
        att.set_rules(session, supervisor, "foot-spa", [a1], effective_from=date(2026, 4, 1))
        att.set_rules(session, supervisor, "office", effective_from=date(2026, 6, 1))
    with store.reading() as session:

        def key(staff_id: int, day: date) -> str:
            return att.rule_on(session, staff_id, day).key

        assert key(a1, date(2026, 2, 28)) == "office"  # before any assignment
        assert key(a1, date(2026, 3, 1)) == "bar"  # the branch's, from its first day
        assert key(a1, date(2026, 3, 31)) == "bar"
        assert key(a1, date(2026, 4, 1)) == "foot-spa"  # their own, later than the branch's
        assert key(a2, date(2026, 4, 1)) == "bar"
        assert key(a1, date(2026, 6, 1)) == "office"  # the branch's newer one wins again
        assert key(a2, date(2026, 12, 31)) == "office"
        branch = session.get(Branch, supervisor.branch_id)
        assert branch is not None and branch.rules_template == "office"  # where it started


def test_setting_the_same_date_again_replaces_it(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1 = people["A001"]
    with store.transaction() as session:
        att.set_rules(session, supervisor, "bar", [a1], effective_from=date(2026, 5, 1))
        change = att.set_rules(session, supervisor, "foot-spa", [a1], date(2026, 5, 1))
        assert change.staff_ids == (a1,) and change.effective_from == date(2026, 5, 1)
        assert att.rule_on(session, a1, date(2026, 5, 1)).key == "foot-spa"
        keys = [r.key for r in att.list_rules(session, supervisor) if r.id is not None]
        assert keys == ["bar", "foot-spa"]  # made from the templates when first used


def test_a_branch_adjusted_rule_is_used(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    with store.transaction() as session:
        office = replace(TEMPLATES["office"], grace_minutes=10)
        record = att.save_rule(session, supervisor, office)
        assert record.id is not None
        # The branch started as office: its own copy of office is now the default.
        assert att.rule_on(session, people["A001"], date(2026, 7, 1)).grace_minutes == 10


def test_rules_refusals(
    store: Store,
    supervisor: Actor,
    people: dict[str, int],
    make_manager: Callable[..., Actor],
) -> None:
    manager = make_manager("M01", "赵六")
    with store.transaction() as session:
        with pytest.raises(ValidationError, match="karaoke"):
            att.set_rules(session, supervisor, "karaoke")
        with pytest.raises(PermissionDenied):
            att.set_rules(session, manager, "bar", [manager.staff_id or 0])
        with pytest.raises(NotFound):
            att.set_rules(session, supervisor, "bar", [99999])


# --- rota into plans --------------------------------------------------------------------


def plans(store: Store, actor: Actor, staff_id: int, first: date, last: date) -> list[DayPlan]:
    with store.reading() as session:
        return att.plans_for(session, actor, staff_id, first, last)


def test_office_plans_follow_the_working_calendar_and_the_rota(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1, a2 = people["A001"], people["A002"]
    with store.transaction() as session:
        att.set_rota_day(session, supervisor, a1, 4, "rest")  # a free Friday
        att.set_rota_day(session, supervisor, a1, 1, "work", time(10, 0), time(19, 0))
        att.set_override(session, supervisor, a1, date(2026, 10, 11), "work")  # a Sunday
        att.set_override(session, supervisor, a1, date(2026, 10, 13), "rest")
    first, last = date(2026, 10, 1), date(2026, 10, 20)
    mine = {p.work_date: p for p in plans(store, supervisor, a1, first, last)}
    theirs = {p.work_date: p for p in plans(store, supervisor, a2, first, last)}
    assert sorted(mine) == [first + timedelta(days=i) for i in range(20)]
    # National Day is a holiday; 10 October, a Saturday, a make-up working day (调休).
    assert theirs[date(2026, 10, 1)] == DayPlan(date(2026, 10, 1), working=False, holiday=True)
    assert theirs[date(2026, 10, 10)] == DayPlan(date(2026, 10, 10), working=True)
    assert theirs[date(2026, 10, 11)] == DayPlan(date(2026, 10, 11), working=False)
    assert theirs[date(2026, 10, 9)].working and theirs[date(2026, 10, 13)].working
    # The pattern moves ordinary days only: the holiday and the make-up day stay.
    assert mine[date(2026, 10, 2)].holiday and not mine[date(2026, 10, 2)].working  # a Friday
    assert mine[date(2026, 10, 10)].working
    assert mine[date(2026, 10, 9)] == DayPlan(date(2026, 10, 9), working=False)  # Friday
    assert mine[date(2026, 10, 16)] == DayPlan(date(2026, 10, 16), working=False)
    assert mine[date(2026, 10, 13)] == DayPlan(date(2026, 10, 13), working=False)  # override
    assert mine[date(2026, 10, 11)] == DayPlan(date(2026, 10, 11), working=True)
    assert mine[date(2026, 10, 20)] == DayPlan(date(2026, 10, 20), True, False, time(10), time(19))
    assert mine[date(2026, 10, 6)].holiday  # a Tuesday, but National Day
    assert mine[date(2026, 10, 14)] == DayPlan(date(2026, 10, 14), working=True)


def test_every_day_rules_ignore_holidays_but_not_closures(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    from app.services import calendar

    a1 = people["A001"]
    with store.transaction() as session:
        att.set_rules(session, supervisor, "bar", effective_from=date(2026, 1, 1))
        att.set_rota_day(session, supervisor, a1, 0, "rest")  # Mondays off
        calendar.set_day(session, supervisor, date(2026, 10, 8), "closure", "装修")
    got = {
        p.work_date: p for p in plans(store, supervisor, a1, date(2026, 10, 1), date(2026, 10, 12))
    }
    assert got[date(2026, 10, 1)].working  # a bar opens on National Day
    assert got[date(2026, 10, 4)].working  # and on Sundays
    assert got[date(2026, 10, 5)] == DayPlan(date(2026, 10, 5), working=False)  # a Monday
    assert got[date(2026, 10, 8)] == DayPlan(date(2026, 10, 8), working=False, holiday=True)
    assert got[date(2026, 10, 12)] == DayPlan(date(2026, 10, 12), working=False)


def test_plan_day_is_pure() -> None:
    rule = replace(TEMPLATES["office"], day_mode=att.DayMode.WEEKDAYS, weekdays=(5, 6))
    cal = WorkCalendar()
    assert att.plan_day(date(2026, 10, 10), rule, cal).working  # Saturday
    assert not att.plan_day(date(2026, 10, 12), rule, cal).working  # Monday


def test_rota_refusals(store: Store, supervisor: Actor, people: dict[str, int]) -> None:
    a1 = people["A001"]
    with store.transaction() as session:
        with pytest.raises(ValidationError):
            att.set_rota_day(session, supervisor, a1, 7, "rest")
        with pytest.raises(ValidationError):
            att.set_rota_day(session, supervisor, a1, 1, "holiday")
        with pytest.raises(ValidationError):
            att.set_rota_day(session, supervisor, a1, 1, "work", time(9, 0), None)
        with pytest.raises(ValidationError):
            att.set_override(session, supervisor, a1, date(2026, 10, 9), "rest", time(9), time(18))
        att.set_rota_day(session, supervisor, a1, 2, "rest")
        assert att.clear_rota_day(session, supervisor, a1, 2)
        assert att.rota_of(session, supervisor, a1) == att.Rota({}, {})


# --- punches ----------------------------------------------------------------------------


def punch_count(store: Store) -> int:
    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(Punch)) or 0


def test_the_same_minute_is_stored_once(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1 = people["A001"]
    day = date(2026, 10, 30)
    with store.transaction() as session:
        first = att.add_punch(session, supervisor, a1, sh(day, 8, 55, 10), "manual", "忘带工牌")
        again = att.add_punch(session, supervisor, a1, sh(day, 8, 55, 50), "import")
        other = att.add_punch(session, supervisor, people["A002"], sh(day, 8, 55, 10), "import")
    assert first.stored and not first.duplicate
    assert again == att.PunchResult(None, duplicate=True)
    assert other.stored
    assert punch_count(store) == 2


def test_a_kiosk_press_repeated_within_two_minutes_is_ignored(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1 = people["A001"]
    day = date(2026, 10, 30)
    with store.transaction() as session:
        assert att.add_punch(session, supervisor, a1, sh(day, 18, 0, 5), "kiosk").stored
        repeat = att.add_punch(session, supervisor, a1, sh(day, 18, 2, 5), "kiosk")
        assert repeat.repeat and not repeat.stored
        assert att.add_punch(session, supervisor, a1, sh(day, 18, 2, 6), "kiosk").stored
        # Not a kiosk: a clock machine's second punch a minute later is kept.
        assert att.add_punch(session, supervisor, a1, sh(day, 18, 3, 0), "import").stored
        stored = att.punches_of(session, supervisor, a1, sh(day, 0), sh(day, 23))
    assert [p.at.astimezone(SHANGHAI).time() for p in stored] == [
        time(18, 0, 5),
        time(18, 2, 6),
        time(18, 3, 0),
    ]


def test_manual_punches_need_a_reason_and_the_supervisor(
    store: Store,
    supervisor: Actor,
    people: dict[str, int],
    make_manager: Callable[..., Actor],
) -> None:
    manager = make_manager("M01", "赵六")
    assert manager.staff_id is not None
    day = date(2026, 10, 30)
    with store.transaction() as session:
        with pytest.raises(ValidationError) as exc:
            att.add_punch(session, supervisor, people["A001"], sh(day, 9), "manual", "  ")
        assert exc.value.field == "reason"
        with pytest.raises(PermissionDenied):
            att.add_punch(session, manager, manager.staff_id, sh(day, 9), "manual", "我来了")
        with pytest.raises(PermissionDenied):
            att.add_punch(session, manager, people["A001"], sh(day, 9), "kiosk")
        assert att.add_punch(session, manager, manager.staff_id, sh(day, 9), "kiosk").stored
        with pytest.raises(ValidationError):  # tomorrow
            att.add_punch(session, supervisor, people["A001"], sh(date(2026, 11, 3), 9), "kiosk")
        with pytest.raises(ValidationError):
            att.add_punch(session, supervisor, people["A001"], sh(day, 9), "telepathy")


@dataclass(frozen=True)
class Row:
    line: int
    employee_no: str
    name: str
    at: datetime | None
    error: str | None = None


def test_import_counts(store: Store, supervisor: Actor, people: dict[str, int]) -> None:
    day = date(2026, 10, 29)
    with store.transaction() as session:
        att.add_punch(session, supervisor, people["A003"], sh(day, 8, 50), "kiosk")
    rows = [
        Row(2, "A001", "张三", sh(day, 8, 55, 1)),
        Row(3, "A001", "张三", sh(day, 18, 5)),
        Row(4, "A001", "", sh(day, 18, 5, 40)),  # the same minute again in the file
        Row(5, "A002", "李 四", sh(day, 9, 1)),  # spacing is not a different name
        Row(6, "A003", "王五", sh(day, 8, 50, 30)),  # already stored
        Row(7, "A009", "钱七", sh(day, 9, 0)),  # not on the roster
        Row(8, "A009", "钱七", sh(day, 18, 0)),
        Row(9, "A002", "张三", sh(day, 18, 1)),  # someone else's 工号
        Row(10, "A001", "张三", None, "“2026-02-30 09:00” is not a date and time"),
    ]
    with store.transaction() as session:
        result = att.import_punches(session, supervisor, rows)
    assert (result.accepted, result.duplicates) == (3, 2)
    assert result.rejected == [att.RejectedRow(10, "“2026-02-30 09:00” is not a date and time")]
    assert result.unknown_employees == [
        att.UnknownEmployee("A009", "钱七", None, (7, 8)),
        att.UnknownEmployee("A002", "张三", "李四", (9,)),
    ]
    assert punch_count(store) == 4
    with store.transaction() as session:
        again = att.import_punches(session, supervisor, rows)
    assert (again.accepted, again.duplicates) == (0, 5)
    assert punch_count(store) == 4


def test_import_needs_the_supervisor(
    store: Store, people: dict[str, int], make_manager: Callable[..., Actor]
) -> None:
    manager = make_manager("M01", "赵六")
    with store.transaction() as session, pytest.raises(PermissionDenied):
        att.import_punches(session, manager, [])


# --- requests and appeals ---------------------------------------------------------------


def test_requests_are_filed_and_decided(
    store: Store,
    supervisor: Actor,
    people: dict[str, int],
    make_manager: Callable[..., Actor],
) -> None:
    manager = make_manager("M01", "赵六")
    assert manager.staff_id is not None
    own = manager.staff_id
    with store.transaction() as session:
        ahead = att.create_request(
            session,
            manager,
            own,
            "leave",
            sh(date(2026, 11, 5), 9),
            sh(date(2026, 11, 5), 18),
            "家中有事",
            leave_type="事假",
        )
        after = att.create_request(
            session,
            manager,
            own,
            "leave",
            sh(date(2026, 11, 2), 9),
            sh(date(2026, 11, 2), 12),
            "孩子发烧，早上去医院",
            leave_type="事假",
            proof=b"%PDF-1.4",
            proof_filename="病历.pdf",
        )
        assert ahead.status == "pending" and not ahead.entered_after
        assert after.entered_after and after.has_proof
        with pytest.raises(PermissionDenied):
            att.create_request(
                session,
                manager,
                people["A001"],
                "trip",
                sh(date(2026, 11, 9), 9),
                sh(date(2026, 11, 10), 18),
                "出差",
            )
        with pytest.raises(PermissionDenied):
            att.approve_request(session, manager, ahead.id)
        with pytest.raises(ValidationError):
            att.reject_request(session, supervisor, ahead.id, " ")
        approved = att.approve_request(session, supervisor, ahead.id, "同意")
        assert (approved.status, approved.decided_by) == ("approved", supervisor.user_id)
        rejected = att.reject_request(session, supervisor, after.id, "请补交证明")
        assert rejected.decision_comment == "请补交证明"
        with pytest.raises(ValidationError):
            att.approve_request(session, supervisor, after.id)
        with pytest.raises(ValidationError):  # ends before it starts
            att.create_request(
                session,
                supervisor,
                own,
                "overtime",
                sh(date(2026, 11, 2), 20),
                sh(date(2026, 11, 2), 19),
                "加班",
            )
        makeup = att.create_request(
            session,
            supervisor,
            own,
            "makeup_punch",
            sh(date(2026, 10, 30), 18, 5),
            sh(date(2026, 10, 30), 23),
            "忘记打卡",
        )
        assert makeup.start == makeup.end
        assert [r.id for r in att.list_requests(session, manager)] == [
            ahead.id,
            after.id,
            makeup.id,
        ]
        assert att.list_requests(session, supervisor, status="pending", staff_id=own) == [makeup]
        with pytest.raises(PermissionDenied):
            att.list_requests(session, manager, staff_id=people["A001"])


# --- the month --------------------------------------------------------------------------

OCT = date(2026, 10, 1)


def test_month_judges_each_day(store: Store, supervisor: Actor, people: dict[str, int]) -> None:
    a1, a2 = people["A001"], people["A002"]
    with store.transaction() as session:
        for d in (date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12)):
            att.add_punch(session, supervisor, a1, sh(d, 8, 50), "import")
            att.add_punch(session, supervisor, a1, sh(d, 18, 3), "import")
        # Late on the 13th: 09:12 is 12 minutes late (grace 5 under the office rule).
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 13), 9, 12), "import")
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 13), 18, 1), "import")
        # The 14th: in, never out.
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 14), 8, 58), "import")
        leave = att.create_request(
            session,
            supervisor,
            a1,
            "leave",
            sh(date(2026, 10, 15), 9),
            sh(date(2026, 10, 15), 18),
            "病假",
            leave_type="病假",
        )
        att.approve_request(session, supervisor, leave.id)
        att.create_request(  # pending: does not count
            session,
            supervisor,
            a1,
            "leave",
            sh(date(2026, 10, 16), 9),
            sh(date(2026, 10, 16), 18),
            "事假",
            leave_type="事假",
        )
    with store.reading() as session:
        months = att.month(session, supervisor, None, 2026, 10)
    assert [m.employee_no for m in months] == ["A001", "A002", "A003"]
    mine = {d.work_date: d for d in months[0].days}
    assert sorted(mine) == [OCT + timedelta(days=i) for i in range(31)]
    assert mine[date(2026, 10, 1)].status is DayStatus.HOLIDAY
    assert mine[date(2026, 10, 10)].status is DayStatus.NORMAL  # the make-up Saturday
    assert mine[date(2026, 10, 10)].first_in == local(date(2026, 10, 10), 8, 50)
    assert mine[date(2026, 10, 11)].status is DayStatus.REST
    assert mine[date(2026, 10, 13)].status is DayStatus.LATE
    assert mine[date(2026, 10, 13)].late_minutes == 12
    assert mine[date(2026, 10, 14)].status is DayStatus.MISSING_OUT
    assert mine[date(2026, 10, 15)].status is DayStatus.LEAVE
    assert mine[date(2026, 10, 16)].status is DayStatus.ABSENT
    totals = months[0].totals
    assert (totals.late_count, totals.late_minutes, totals.leave_days) == (1, 12, 1)
    assert totals.missing_punches == 1
    theirs = months[1]
    working = [p for p in plans(store, supervisor, a2, OCT, date(2026, 10, 31)) if p.working]
    assert len(working) == 18  # 8–10 October (with the make-up Saturday), then 3 weeks
    assert theirs.staff_id == a2 and theirs.totals.absent_days == 18
    assert att.month_totals(theirs.days) == theirs.totals


def test_a_rule_changed_mid_month_applies_from_its_date(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1 = people["A001"]
    with store.transaction() as session:
        att.set_rules(session, supervisor, "bar", [a1], effective_from=date(2026, 10, 15))
        att.set_rota_day(session, supervisor, a1, 0, "rest")  # the bar's Mondays off
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 17), 19, 58), "import")
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 18), 1, 2), "import")
    with store.reading() as session:
        [mine] = att.month(session, supervisor, [a1], 2026, 10)
        [other] = att.month(session, supervisor, [people["A002"]], 2026, 10)
    days = {d.work_date: d for d in mine.days}
    assert len(days) == 31
    assert days[date(2026, 10, 11)].status is DayStatus.REST  # an office Sunday
    assert days[date(2026, 10, 12)].status is DayStatus.REST  # the person's rota: Mondays off
    assert days[date(2026, 10, 13)].status is DayStatus.ABSENT  # an office Tuesday
    assert days[date(2026, 10, 17)].status is DayStatus.NORMAL  # a bar Saturday, 20:00–01:00
    assert days[date(2026, 10, 17)].last_out == local(date(2026, 10, 18), 1, 2)
    assert days[date(2026, 10, 18)].status is DayStatus.ABSENT  # Sunday: the bar is open
    assert days[date(2026, 10, 19)].status is DayStatus.REST  # the rota's Monday
    assert {d.work_date: d.status for d in other.days}[date(2026, 10, 18)] is DayStatus.REST


def test_month_stops_before_today_and_before_hiring(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    with store.transaction() as session:
        new = staff.add_staff(
            session, supervisor, staff.StaffInput("A004", "孙八", hire_date=date(2026, 10, 20))
        )
    with store.reading() as session:
        october = {m.employee_no: m for m in att.month(session, supervisor, None, 2026, 10)}
        november = att.month(session, supervisor, None, 2026, 11)
        december = att.month(session, supervisor, [new.id], 2026, 12)
        explicit = att.month(session, supervisor, None, 2026, 10, today=date(2026, 10, 15))
    assert october["A004"].days[0].work_date == date(2026, 10, 20)
    assert [d.work_date for d in november[0].days] == [date(2026, 11, 1)]  # today is the 2nd
    assert december[0].days == [] and december[0].totals == att.MonthTotals()
    assert explicit[0].days[-1].work_date == date(2026, 10, 14)
    assert "A004" not in {m.employee_no for m in explicit if m.days}


def test_month_in_another_time_zone(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    """The same instants read in the branch's zone: 14:50 UTC is 08:50 in Mexico City."""
    mexico = ZoneInfo("America/Mexico_City")
    a1 = people["A001"]
    with store.transaction() as session:
        branch = session.get(Branch, supervisor.branch_id)
        assert branch is not None
        branch.timezone = "America/Mexico_City"
        day = date(2026, 10, 30)
        att.add_punch(session, supervisor, a1, datetime.combine(day, time(8, 50), mexico), "import")
        att.add_punch(session, supervisor, a1, datetime.combine(day, time(18, 5), mexico), "import")
    with store.reading() as session:
        [mine] = att.month(session, supervisor, [a1], 2026, 10)
    last = mine.days[-2]  # the 30th, a Friday
    assert last.work_date == day and last.status is DayStatus.NORMAL
    assert last.first_in == local(day, 8, 50) and last.last_out == local(day, 18, 5)


def test_a_manager_sees_only_their_own_month(
    store: Store,
    supervisor: Actor,
    people: dict[str, int],
    make_manager: Callable[..., Actor],
) -> None:
    manager = make_manager("M01", "赵六")
    with store.reading() as session:
        with pytest.raises(PermissionDenied):
            att.month(session, manager, [people["A001"]], 2026, 10)
        with pytest.raises(PermissionDenied):
            att.day(session, manager, date(2026, 10, 30), staff_ids=[people["A001"]])
        [own] = att.month(session, manager, None, 2026, 10)
        assert own.staff_id == manager.staff_id
        assert len(att.month(session, supervisor, None, 2026, 10)) == 4


def test_a_deactivated_person_shows_only_with_punches(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    with store.transaction() as session:
        staff.set_active(session, supervisor, people["A002"], False)
        staff.set_active(session, supervisor, people["A003"], False)
        att.add_punch(session, supervisor, people["A003"], sh(date(2026, 10, 9), 9), "import")
    with store.reading() as session:
        shown = [m.employee_no for m in att.month(session, supervisor, None, 2026, 10)]
    assert shown == ["A001", "A003"]


def test_day_lists_the_punches_of_the_work_date(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1 = people["A001"]
    with store.transaction() as session:
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 29), 18, 30), "import")
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 30), 8, 57), "import")
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 30), 12, 1), "import")
        att.add_punch(session, supervisor, a1, sh(date(2026, 10, 30), 18, 2), "import")
        att.add_punch(session, supervisor, a1, sh(date(2026, 11, 2), 8, 59), "kiosk")
    with store.reading() as session:
        rows = {r.employee_no: r for r in att.day(session, supervisor, date(2026, 10, 30))}
        today = {r.employee_no: r for r in att.day(session, supervisor, date(2026, 11, 2))}
        with pytest.raises(ValidationError):
            att.day(session, supervisor, date(2026, 11, 3))
    assert rows["A001"].punches == [
        local(date(2026, 10, 30), 8, 57),
        local(date(2026, 10, 30), 12, 1),
        local(date(2026, 10, 30), 18, 2),
    ]
    assert rows["A001"].result.status is DayStatus.NORMAL
    assert rows["A002"].result.status is DayStatus.ABSENT and rows["A002"].punches == []
    assert today["A001"].punches == [local(date(2026, 11, 2), 8, 59)]


def test_an_accepted_appeal_sets_the_days_points(
    store: Store, supervisor: Actor, people: dict[str, int]
) -> None:
    a1 = people["A001"]
    day = date(2026, 10, 30)
    with store.transaction() as session:
        att.set_rules(session, supervisor, "bar", [a1], effective_from=OCT)
        # Bar: 20:00 start, 31 minutes late costs 10 points.
        att.add_punch(session, supervisor, a1, sh(day, 20, 31), "import")
        att.add_punch(session, supervisor, a1, sh(day + timedelta(days=1), 1, 5), "import")
        before = {d.work_date: d for d in att.month(session, supervisor, [a1], 2026, 10)[0].days}
        appeal = att.file_appeal(session, supervisor, a1, day, "地铁故障，有站方证明")
        with pytest.raises(ValidationError):
            att.decide_appeal(session, supervisor, appeal, True, "")
        att.decide_appeal(session, supervisor, appeal, True, "情况属实，改为扣 0 分", 0)
        with pytest.raises(ValidationError):
            att.decide_appeal(session, supervisor, appeal, False, "再次处理")
        after = {d.work_date: d for d in att.month(session, supervisor, [a1], 2026, 10)[0].days}
    assert before[day].points == 10 and before[day].late_minutes == 31
    assert after[day].points == 0 and att.APPEAL_NOTE in after[day].notes
    assert after[day].late_minutes == 31


def test_minute_key_is_utc_minutes() -> None:
    assert att.minute_key(datetime(1970, 1, 1, 0, 1, 59, tzinfo=UTC)) == 1
    assert att.minute_key(sh(date(2026, 1, 1), 8, 0)) == att.minute_key(
        datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC)
    )
    with pytest.raises(ValueError):
        att.minute_key(datetime(2026, 1, 1))


def test_the_demo_months(store_templates: dict[str, Path], tmp_path: Path) -> None:
    """Three months of punches under the office rule: mostly on time, some late, one
    forgotten check-out; excused absences as approved requests, one still pending."""
    from app.services import auth
    from app.services.demo import build_demo

    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(store_templates["empty"], path)
    demo = open_store(f"sqlite:///{path}")
    try:
        with time_machine.travel(datetime(2026, 11, 26, 17, 0, tzinfo=UTC), tick=False):
            with demo.transaction() as session:
                report = build_demo(session)
            assert report.punches_added > 1000 and report.requests_added > 5
            with demo.reading() as session:
                user = auth.find_user(session, "demo")
                assert user is not None
                boss = auth.actor_for(user)
                months = [att.month(session, boss, None, 2026, m) for m in (9, 10, 11)]
                requests = att.list_requests(session, boss)
    finally:
        demo.close()
    days = [d for month in months for person in month for d in person.days]
    statuses = Counter(d.status for d in days)
    worked = sum(n for s, n in statuses.items() if s not in (DayStatus.REST, DayStatus.HOLIDAY))
    assert statuses[DayStatus.NORMAL] / worked > 0.9
    assert statuses[DayStatus.LATE] >= 3 and statuses[DayStatus.MISSING_OUT] == 1
    assert statuses[DayStatus.LEAVE] >= 2 and statuses[DayStatus.TRIP] >= 1
    assert DayStatus.ABSENT not in statuses
    assert months[2][0].days[-1].work_date == date(2026, 11, 26)  # yesterday in Shanghai
    assert {r.status for r in requests} == {"approved", "pending"}
    assert [r.kind for r in requests if r.status == "pending"] == ["field"]


def test_a_wrong_punch_is_voided_not_deleted(
    store: Store,
    supervisor: Actor,
    people: dict[str, int],
    make_manager,  # type: ignore[no-untyped-def]
) -> None:
    a1, day = people["A001"], date(2026, 10, 13)
    with store.transaction() as session:
        wrong = att.add_punch(session, supervisor, a1, sh(day, 9, 40), "import").punch_id
        att.add_punch(session, supervisor, a1, sh(day, 8, 55), "manual", reason="打卡机故障")
        att.add_punch(session, supervisor, a1, sh(day, 18, 2), "import")
        assert wrong is not None
        with pytest.raises(ValidationError):
            att.void_punch(session, supervisor, wrong, "  ")
        att.void_punch(session, supervisor, wrong, "打卡机时间错误")
    with store.reading() as session:
        (mine,) = att.month(session, supervisor, [a1], 2026, 10)
        kept = att.punches_of(session, supervisor, a1, sh(day, 0), sh(day, 23))
        everything = att.punches_of(
            session, supervisor, a1, sh(day, 0), sh(day, 23), include_voided=True
        )
    (result,) = [d for d in mine.days if d.work_date == day]
    assert (result.status, result.late_minutes) == (DayStatus.NORMAL, 0)  # 08:55 counts
    assert len(kept) == 2 and len(everything) == 3
    assert [p.void_reason for p in everything if p.voided] == ["打卡机时间错误"]
    # Re-importing the clock file does not bring it back; entering it by hand does.
    rows = [Row(2, "A001", "张三", sh(day, 9, 40))]
    with store.transaction() as session:
        assert att.import_punches(session, supervisor, rows).duplicates == 1
    with store.reading() as session:
        assert len(att.punches_of(session, supervisor, a1, sh(day, 0), sh(day, 23))) == 2
    with store.transaction() as session:
        again = att.add_punch(session, supervisor, a1, sh(day, 9, 40), "manual", reason="核实无误")
        assert again.punch_id == wrong and not again.duplicate
    manager = make_manager("B001", "赵六")
    with pytest.raises(PermissionDenied), store.transaction() as session:
        att.void_punch(session, manager, wrong, "不该让我作废")
