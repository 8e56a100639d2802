"""The roll call's two links to attendance: meeting arrivals as punches (a setting), and
approved leave / trip / field work excusing a meeting absence by itself.

The clock is frozen on Friday 2026-11-27, 10:00 in Shanghai; that morning's meeting
(08:30–08:50) is the one taken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from app.db import Store
from app.models import Punch
from app.services import attendance as att
from app.services import meetings, rollcall, settings
from app.services.auth import Actor
from app.services.meetings import MeetingKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai
DAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team(make_manager: Callable[..., Actor]) -> list[int]:
    ids = []
    for i, name in enumerate(["张三", "李四", "王五", "赵六"], 1):
        staff_id = make_manager(f"A00{i}", name).staff_id
        assert staff_id is not None
        ids.append(staff_id)
    return ids


@pytest.fixture
def meeting_id(store: Store, supervisor: Actor, team: list[int]) -> int:
    with store.transaction() as session:
        found = meetings.list_meetings(session, supervisor, DAY, DAY)
    return next(m.id for m in found if m.kind == MeetingKind.MORNING)


def sh(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def meeting_punches(store: Store) -> list[tuple[int, datetime, str]]:
    with store.reading() as session:
        rows = session.execute(select(Punch.staff_id, Punch.at, Punch.source).order_by(Punch.id))
        return [(s, at.astimezone(UTC), source) for s, at, source in rows]


def test_arrivals_become_punches_only_when_the_branch_says_so(
    store: Store, supervisor: Actor, team: list[int], meeting_id: int
) -> None:
    zhang, li = team[0], team[1]
    with store.transaction() as session:
        rollcall.mark(session, supervisor, meeting_id, zhang, "present", arrival=time(8, 25))
    assert meeting_punches(store) == []  # off by default

    with store.transaction() as session:
        settings.set_value(session, supervisor, "meeting_arrivals_as_punches", True)
        rollcall.mark(session, supervisor, meeting_id, li, "present", arrival=time(8, 35, 20))
        # The same minute again (corrected by hand) stays one punch.
        rollcall.mark(session, supervisor, meeting_id, li, "late", arrival=time(8, 35, 50))
        rollcall.mark(session, supervisor, meeting_id, team[2], "absent")  # no arrival
    assert meeting_punches(store) == [
        (li, datetime(2026, 11, 27, 0, 35, 20, tzinfo=UTC), "meeting")
    ]
    with store.reading() as session:
        (day,) = att.day(session, supervisor, DAY, staff_ids=[li])
    assert day.punches == [datetime(2026, 11, 27, 8, 35)]  # the branch's wall clock


def test_approved_leave_and_trips_excuse_the_meeting_by_themselves(
    store: Store, supervisor: Actor, team: list[int], meeting_id: int
) -> None:
    zhang, li, wang, zhao = team
    with store.transaction() as session:
        leave = att.create_request(
            session, supervisor, zhang, "leave", sh(0), sh(23, 59), "回老家", leave_type="年假"
        )
        field = att.create_request(session, supervisor, li, "field", sh(8), sh(12), "拜访客户")
        late_trip = att.create_request(session, supervisor, wang, "trip", sh(8, 40), sh(18), "出差")
        att.create_request(session, supervisor, zhao, "leave", sh(0), sh(23), "待批")  # pending
        for request in (leave, field, late_trip):
            att.approve_request(session, supervisor, request.id)
    with store.transaction() as session:
        call = rollcall.roll_call(session, supervisor, meeting_id)
    assert [r.away for r in call.rows] == ["请假（年假）", "外勤", None, None]

    with store.transaction() as session:
        assert rollcall.mark_rest_present(session, supervisor, meeting_id) == 4
        call = rollcall.roll_call(session, supervisor, meeting_id)
    # The trip from 08:40 does not cover the 08:30 meeting; a pending leave excuses nothing.
    assert [r.status for r in call.rows] == ["leave", "trip", "present", "present"]
    assert [r.away for r in call.rows] == [None] * 4  # marked now: the status says it
    assert call.counts.excused == 2 and call.counts.present == 2 and call.complete
