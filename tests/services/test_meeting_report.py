"""The monthly meeting report on a small hand-made month: June 2026 in 测试网点.

June 2026 has 21 working days (the Dragon Boat Festival on Friday the 19th is off),
five working Mondays, one general manager's and one analysis meeting. Three managers;
the roll calls below are the whole month's record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

import pytest

from app.db import Store
from app.models import Meeting
from app.services import meetings, minutes, rollcall, settings
from app.services.auth import Actor
from app.services.errors import PermissionDenied, ValidationError
from app.services.meeting_report import is_held, month_report

# (day, kind) -> {employee no.: status or arrival time}; "-" leaves the line unmarked.
ROLL_CALLS: dict[tuple[int, str], dict[str, str]] = {
    (1, "morning"): {"A001": "08:25", "A002": "08:28", "A003": "08:36"},  # 王五 late
    (1, "weekly"): {"A001": "08:20", "A002": "excused", "A003": "absent"},  # finalized
    (2, "morning"): {"A001": "08:29", "A002": "08:30", "A003": "-"},  # incomplete: not held
    (8, "morning"): {"A001": "leave", "A002": "trip", "A003": "08:30"},
}
CANCELLED = [(3, "morning")]

# kind -> (scheduled, held, cancelled)
KINDS = {
    "morning": (20, 2, 1),
    "weekly": (5, 1, 0),
    "monthly_gm": (1, 0, 0),
    "analysis": (1, 0, 0),
}
# employee no. -> (expected, attended, late, excused, unexcused, rate)
MANAGERS = {
    "A001": (3, 2, 0, 1, 0, 2 / 3),
    "A002": (3, 1, 0, 2, 0, 1 / 3),
    "A003": (3, 2, 1, 0, 1, 2 / 3),
}
# ISO week -> (first, last, expected, attended)
WEEKS = {
    23: (date(2026, 6, 1), date(2026, 6, 7), 6, 4),
    24: (date(2026, 6, 8), date(2026, 6, 14), 3, 1),
    25: (date(2026, 6, 15), date(2026, 6, 21), 0, 0),
    26: (date(2026, 6, 22), date(2026, 6, 28), 0, 0),
    27: (date(2026, 6, 29), date(2026, 6, 30), 0, 0),
}


@pytest.fixture
def june(store: Store, supervisor: Actor, make_manager: Callable[..., Actor]) -> Actor:
    team = {no: make_manager(no, name) for no, name in [("A001", "张三"), ("A002", "李四")]}
    team["A003"] = make_manager("A003", "王五")
    with store.transaction() as session:
        settings.set_value(session, supervisor, "meeting_signatures_required", False)
        listed = meetings.list_meetings(session, supervisor, date(2026, 6, 1), date(2026, 6, 30))
        ids = {(m.day.day, m.kind): m.id for m in listed}
        for key in CANCELLED:
            meetings.cancel(session, supervisor, ids[key], "全员培训")
        for key, marks in ROLL_CALLS.items():
            mid = ids[key]
            for no, mark in marks.items():
                staff_id = team[no].staff_id
                assert staff_id is not None
                if mark == "-":
                    continue
                if mark == "excused":
                    meetings.record_notice(
                        session,
                        supervisor,
                        mid,
                        staff_id,
                        "拜访客户",
                        datetime(2026, 5, 31, 10, tzinfo=UTC),
                    )
                if ":" in mark:
                    hour, minute = map(int, mark.split(":"))
                    rollcall.mark(session, supervisor, mid, staff_id, "present", time(hour, minute))
                else:
                    rollcall.mark(session, supervisor, mid, staff_id, mark)
        weekly = ids[(1, "weekly")]
        meetings.set_people(
            session, supervisor, weekly, minute_taker_staff_id=team["A001"].staff_id
        )
        minutes.finalize(session, supervisor, weekly)
    return supervisor


def test_meetings_held_by_kind(store: Store, june: Actor) -> None:
    with store.transaction() as session:
        report = month_report(session, june, 2026, 6)
    assert report.branch == "测试网点" and (report.year, report.month) == (2026, 6)
    assert {k.kind: (k.scheduled, k.held, k.cancelled) for k in report.kinds} == KINDS
    assert [k.label for k in report.kinds][:2] == ["每日晨会", "每周例会"]
    assert (report.scheduled, report.held) == (27, 3)


def test_attendance_by_manager(store: Store, june: Actor) -> None:
    with store.transaction() as session:
        report = month_report(session, june, 2026, 6)
    got = {
        m.employee_no: (m.expected, m.attended, m.late, m.excused, m.unexcused, m.rate)
        for m in report.managers
    }
    assert got == MANAGERS  # the same division: exact
    assert [m.name for m in report.managers] == ["张三", "李四", "王五"]
    assert (report.expected, report.attended) == (9, 5)
    assert report.rate == pytest.approx(5 / 9)


def test_attendance_by_iso_week(store: Store, june: Actor) -> None:
    with store.transaction() as session:
        report = month_report(session, june, 2026, 6)
    assert {w.week: (w.first, w.last, w.expected, w.attended) for w in report.weeks} == WEEKS
    assert [w.rate for w in report.weeks][:2] == pytest.approx([4 / 6, 1 / 3])
    assert report.weeks[2].rate is None
    assert report.chart_weeks() == [("第23周", 4 / 6), ("第24周", 1 / 3)]


def test_a_month_without_roll_calls(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        report = month_report(session, supervisor, 2026, 2)
    assert report.managers == [] and report.rate is None and report.held == 0
    assert report.scheduled > 0  # generated first, as the calendar does
    assert [w.week for w in report.weeks] == [5, 6, 7, 8, 9]  # 1 Feb 2026 is a Sunday


def test_only_the_supervisor(store: Store, june: Actor, make_manager: Callable[..., Actor]) -> None:
    manager = make_manager("A009", "赵六")
    with pytest.raises(PermissionDenied), store.transaction() as session:
        month_report(session, manager, 2026, 6)
    with pytest.raises(ValidationError), store.transaction() as session:
        month_report(session, june, 2026, 13)


@pytest.mark.parametrize(
    ("status", "lines", "expected", "held"),
    [
        ("finalized", 0, 3, True),
        ("amending", 3, 3, True),
        ("scheduled", 3, 3, True),
        ("scheduled", 2, 3, False),  # roll call not complete
        ("scheduled", 0, 0, False),  # nobody expected, nothing marked: not a meeting held
        ("cancelled", 3, 3, False),
    ],
)
def test_what_counts_as_held(status: str, lines: int, expected: int, held: bool) -> None:
    assert is_held(Meeting(status=status), lines, expected) is held
