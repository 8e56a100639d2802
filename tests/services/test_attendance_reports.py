"""Attendance reports: the points ledger (with appeals), the ranking, the 考勤表, the
warning notices and the late-arrival chart's data.

The clock is frozen on Friday 2026-11-27, 10:00 in Shanghai: November's 1st–26th are judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.db import Store
from app.services import attendance as att
from app.services import attendance_reports as reports
from app.services.auth import Actor
from app.services.errors import PermissionDenied

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai
NOV = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def sh(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def team(make_manager: Callable[..., Actor]) -> dict[str, Actor]:
    return {
        no: make_manager(no, name)
        for no, name in (("A001", "张三"), ("A002", "李四"), ("A003", "王五"))
    }


def sid(actor: Actor) -> int:
    assert actor.staff_id is not None
    return actor.staff_id


def punch(store: Store, supervisor: Actor, staff_id: int, *ats: datetime) -> None:
    with store.transaction() as session:
        for at in ats:
            att.add_punch(session, supervisor, staff_id, at, "import")


def bar_rules(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        att.set_rules(session, supervisor, "bar", effective_from=NOV)


def bar_shift(day: date, late: int = 0) -> tuple[datetime, datetime]:
    """A bar shift (20:00–01:00) worked from `late` minutes past eight."""
    return sh(day, 20, late), sh(day + timedelta(days=1), 1, 0)


def test_ledger_lists_costly_days_and_follows_an_accepted_appeal(
    store: Store, supervisor: Actor, team: dict[str, Actor]
) -> None:
    bar_rules(store, supervisor)
    a1 = sid(team["A001"])
    punch(store, supervisor, a1, *bar_shift(date(2026, 11, 3), late=32), sh(date(2026, 11, 4), 20))
    with store.reading() as session:
        ledger = reports.points_ledger(session, supervisor, a1, 2026, 11)
    assert [(e.work_date.day, e.points, e.reason, e.original_points) for e in ledger] == [
        (3, 10, "迟到 32 分钟", 10),
        (4, 2, "缺卡 1 次", 2),
    ]
    assert ledger[0].rule == "酒吧 20:00–01:00"  # the rule's name, in words
    assert ledger[0].appeal_id is None and ledger[0].appeal_status is None

    with store.transaction() as session:
        appeal = att.file_appeal(session, team["A001"], a1, date(2026, 11, 3), "系统故障")
    with store.reading() as session:
        pending = reports.points_ledger(session, team["A001"], a1, 2026, 11)[0]
    assert (pending.points, pending.appeal_id, pending.appeal_status) == (10, appeal, "pending")
    with store.transaction() as session:
        att.decide_appeal(session, supervisor, appeal, True, "打卡机故障，属实", points_after=0)
    with store.reading() as session:
        ledger = reports.points_ledger(session, team["A001"], a1, 2026, 11)
    first = ledger[0]
    assert (first.points, first.original_points, first.appeal_status) == (0, 10, "accepted")
    assert len(ledger) == 2


def test_a_manager_reads_only_their_own_ledger(
    store: Store, supervisor: Actor, team: dict[str, Actor]
) -> None:
    with store.reading() as session:
        assert reports.points_ledger(session, team["A001"], sid(team["A001"]), 2026, 11) == []
        with pytest.raises(PermissionDenied):
            reports.points_ledger(session, team["A001"], sid(team["A002"]), 2026, 11)
        for call in (
            reports.ranking,
            reports.attendance_sheet,
            reports.warning_notices,
            reports.late_chart,
        ):
            with pytest.raises(PermissionDenied):
                call(session, team["A001"], 2026, 11)


def test_ranking_fewest_points_first_and_ties_share_a_rank(
    store: Store, supervisor: Actor, team: dict[str, Actor], make_manager: Callable[..., Actor]
) -> None:
    a4 = make_manager("A004", "赵六")
    bar_rules(store, supervisor)
    day = date(2026, 11, 3)
    punch(store, supervisor, sid(team["A001"]), *bar_shift(day, late=16))  # 3 points, late
    punch(store, supervisor, sid(team["A002"]), sh(day, 20))  # 2 points, missed punch
    punch(store, supervisor, sid(team["A003"]), *bar_shift(day, late=16))  # as A001
    punch(store, supervisor, sid(a4), *bar_shift(day))  # on time
    with store.reading() as session:
        lines = reports.ranking(session, supervisor, 2026, 11)
    assert [(line.rank, line.employee_no, line.points, line.late_count) for line in lines] == [
        (1, "A004", 0, 0),
        (2, "A002", 2, 0),
        (3, "A001", 3, 1),
        (3, "A003", 3, 1),
    ]
    assert lines[0].name == "赵六" and lines[0].warnings == 0
    assert lines[1].absent_days == 25  # every other day of the bar's month so far


@pytest.fixture
def late_office(store: Store, supervisor: Actor, team: dict[str, Actor]) -> None:
    """Office rule: 张三 late four times in week 45 (the fourth case is written), 李四 once."""
    for d in (2, 3, 4, 5):
        day = date(2026, 11, d)
        punch(store, supervisor, sid(team["A001"]), sh(day, 9, 10), sh(day, 18))
    day = date(2026, 11, 17)
    punch(store, supervisor, sid(team["A002"]), sh(day, 9, 20), sh(day, 18))


@pytest.mark.usefixtures("late_office")
def test_warning_notices_written_after_three_cases(store: Store, supervisor: Actor) -> None:
    with store.reading() as session:
        notices = reports.warning_notices(
            session, supervisor, 2026, 11, issued_on=date(2026, 11, 27)
        )
    assert [(n.employee_no, n.level, len(n.cases)) for n in notices] == [
        ("A001", "written", 4),
        ("A002", "oral", 1),
    ]
    zhang = notices[0]
    assert zhang.cases[0] == (date(2026, 11, 2), "迟到 10 分钟")
    assert (zhang.branch, zhang.name, zhang.issuer) == ("测试网点", "张三", "王主管")
    assert zhang.month == "2026年11月" and zhang.issued_on == date(2026, 11, 27)


@pytest.mark.usefixtures("late_office")
def test_late_chart_counts_per_week_and_person(store: Store, supervisor: Actor) -> None:
    with store.reading() as session:
        weeks, people = reports.late_chart(session, supervisor, 2026, 11)
    assert weeks == [
        ("第44周", 0),
        ("第45周", 4),
        ("第46周", 0),
        ("第47周", 1),
        ("第48周", 0),
        ("第49周", 0),
    ]
    assert people == [("张三", 4), ("李四", 1), ("王五", 0)]


@pytest.mark.usefixtures("late_office")
def test_the_sheet_is_the_month_of_everyone(store: Store, supervisor: Actor) -> None:
    with store.reading() as session:
        sheet = reports.attendance_sheet(session, supervisor, 2026, 11)
        months = att.month(session, supervisor, None, 2026, 11)
    assert (sheet.branch, sheet.year, sheet.month) == ("测试网点", 2026, 11)
    assert sheet.rule_name and sheet.generated_on == date(2026, 11, 27)
    assert [p.employee_no for p in sheet.people] == ["A001", "A002", "A003"]
    zhang = sheet.people[0]
    assert zhang.totals.late_count == 4 and zhang.totals.warnings == 4
    assert set(zhang.days) == {d.work_date for d in months[0].days}
    assert max(zhang.days) == date(2026, 11, 26)


# --- late weekly summaries ------------------------------------------------------------

W47 = date(2026, 11, 16)  # due Friday 20 November, 17:30 in Shanghai


def hand_in_w47_late_then_revise(store: Store, supervisor: Actor, zhang: Actor) -> None:
    """张三 hands W47 in at 18:00 (late); it is returned; the revision comes late too."""
    from app.services import weekly
    from app.services.weekly import SummaryText

    a1 = sid(zhang)
    with (
        time_machine.travel(sh(date(2026, 11, 20), 10), tick=False),
        store.transaction() as session,
    ):
        weekly.save_draft(session, zhang, a1, W47, SummaryText(services="回访 3 户"), [])
    with (
        time_machine.travel(sh(date(2026, 11, 20), 18), tick=False),
        store.transaction() as session,
    ):
        first = weekly.submit(session, zhang, a1, W47)
    assert first.late and first.id is not None
    with time_machine.travel(sh(date(2026, 11, 23), 9), tick=False), store.transaction() as session:
        weekly.return_for_revision(session, supervisor, first.id, "补充客户反馈")
        weekly.revise(session, zhang, a1, W47)
        assert weekly.submit(session, zhang, a1, W47).late


def ledgers_and_ranking(
    store: Store, supervisor: Actor, staff_id: int
) -> tuple[list[reports.LedgerEntry], dict[str, int], dict[str, int]]:
    with store.reading() as session:
        ledger = reports.points_ledger(session, supervisor, staff_id, 2026, 11)
        ranking = {r.employee_no: r.points for r in reports.ranking(session, supervisor, 2026, 11)}
        sheet = reports.attendance_sheet(session, supervisor, 2026, 11)
    return ledger, ranking, {p.employee_no: p.totals.points for p in sheet.people}


def test_late_weekly_summaries_cost_points_when_the_branch_says_so(
    store: Store, supervisor: Actor, team: dict[str, Actor]
) -> None:
    from app.services import settings

    a1 = sid(team["A001"])
    before, ranking_before, sheet_before = ledgers_and_ranking(store, supervisor, a1)
    hand_in_w47_late_then_revise(store, supervisor, team["A001"])
    # weekly_late_points is 0 by default: nothing changes.
    assert ledgers_and_ranking(store, supervisor, a1) == (before, ranking_before, sheet_before)

    with store.transaction() as session:
        settings.set_value(session, supervisor, "weekly_late_points", 5)
    ledger, ranking, sheet = ledgers_and_ranking(store, supervisor, a1)
    weekly_lines = [e for e in ledger if not e.appealable]
    assert len(ledger) == len(before) + 1  # the revision is not charged again
    (line,) = weekly_lines
    assert (line.work_date, line.points, line.original_points) == (date(2026, 11, 20), 5, 5)
    assert line.reason == "每周工作进度汇总表逾期提交（2026-W47）"
    assert line.appeal_id is None and line.appeal_status is None
    assert [e.work_date for e in ledger] == sorted(e.work_date for e in ledger)
    assert ranking == {**ranking_before, "A001": ranking_before["A001"] + 5}
    assert sheet == {**sheet_before, "A001": sheet_before["A001"] + 5}
    # The manager reads the same line in their own ledger.
    with store.reading() as session:
        own = reports.points_ledger(session, team["A001"], a1, 2026, 11)
    assert line in own
    # A deadline in October is October's business.
    with store.reading() as session:
        assert not [
            e for e in reports.points_ledger(session, supervisor, a1, 2026, 10) if not e.appealable
        ]
