"""The roll call by keyboard: marks, late times, refused excuses, counts, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import meetings, minutes, rollcall, settings, staff
from app.services.auth import Actor
from app.services.meetings import MeetingKind
from app.services.staff import StaffInput
from app.ui.rollcall_view import RollCallView

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

# 08:20 on Friday 27 November 2026 in Shanghai: ten minutes before the morning meeting.
FRIDAY_0820 = datetime(2026, 11, 27, 0, 20, tzinfo=UTC)
FRIDAY = date(2026, 11, 27)
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静"]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(FRIDAY_0820, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(store: Store, supervisor: Actor) -> dict[str, int]:
    with store.transaction() as session:
        return {
            name: staff.add_staff(session, supervisor, StaffInput(f"A{i:03d}", name)).id
            for i, name in enumerate(NAMES, 1)
        }


def morning_id(store: Store, actor: Actor, day: date = FRIDAY) -> int:
    with store.transaction() as session:
        found = meetings.list_meetings(session, actor, day, day)
    return next(m.id for m in found if m.kind == MeetingKind.MORNING)


@pytest.fixture
def meeting(store: Store, supervisor: Actor, team: dict[str, int]) -> int:
    mid = morning_id(store, supervisor)
    with store.transaction() as session:
        # 刘洋 told the day before (excused), 陈静 only this morning (too late).
        meetings.record_notice(
            session,
            supervisor,
            mid,
            team["刘洋"],
            "拜访客户",
            datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        )
        meetings.record_notice(
            session,
            supervisor,
            mid,
            team["陈静"],
            "堵车",
            datetime(2026, 11, 27, 0, 5, tzinfo=UTC),
        )
    return mid


def make_view(qtbot: QtBot, store: Store, actor: Actor, mid: int) -> RollCallView:
    view = RollCallView(store, actor, mid)
    qtbot.addWidget(view)
    view.resize(720, 520)
    with qtbot.waitExposed(view):
        view.show()
    # Active, so that the focus moves between the table and the time editor as on a desktop.
    with qtbot.waitActive(view):
        view.activateWindow()
    view.table.setFocus()
    return view


def stored(store: Store, actor: Actor, mid: int) -> dict[str, tuple[str | None, time | None]]:
    with store.reading() as session:
        call = rollcall.roll_call(session, actor, mid)
    return {r.name: (r.status, r.arrival) for r in call.rows}


def cell(view: RollCallView, name: str, column: int) -> str:
    return str(view.model.index(view.row_of(name), column).data())


def current_name(view: RollCallView) -> str:
    record = view.current_record()
    assert record is not None
    return record.name


def test_thirty_seconds_of_keys(
    qtbot: QtBot, store: Store, supervisor: Actor, meeting: int, messages: Messages
) -> None:
    view = make_view(qtbot, store, supervisor, meeting)
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["工号", "姓名", "状态", "到达时间", "备注/告假"]
    assert view.counts.values() == {
        "expected": 5,
        "present": 0,
        "late": 0,
        "excused": 0,
        "absent": 0,
        "unmarked": 5,
    }
    assert current_name(view) == "张伟"

    # P: present, arriving now (08:20, before the start); the cursor moves on.
    qtbot.keyClick(view.table, Qt.Key.Key_P)
    assert cell(view, "张伟", 2) == "出席" and cell(view, "张伟", 3) == "08:20"
    assert current_name(view) == "王芳"

    # L: the arrival time editor takes the keys; Enter confirms; 08:41 is late.
    qtbot.keyClick(view.table, Qt.Key.Key_L)
    assert view.late_bar.isVisible() and view.arrival_edit.hasFocus()
    assert "王芳" in view.late_label.text()
    qtbot.keyClicks(view.arrival_edit, "0841")
    qtbot.keyClick(view.arrival_edit, Qt.Key.Key_Return)
    assert not view.late_bar.isVisible() and view.table.hasFocus()
    assert cell(view, "王芳", 2) == "迟到" and cell(view, "王芳", 3) == "08:41"
    assert view.counts.values()["present"] == 2 and view.counts.values()["late"] == 1
    assert current_name(view) == "李娜"

    qtbot.keyClick(view.table, Qt.Key.Key_A)
    assert cell(view, "李娜", 2) == "缺席"
    assert current_name(view) == "刘洋"

    # 陈静 told only this morning: E is refused with the service's words, nothing stored.
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert current_name(view) == "陈静"
    assert "告知太晚" in cell(view, "陈静", 4) and "堵车" in cell(view, "陈静", 4)
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert len(messages.errors) == 1 and "陈静" in messages.errors[0]
    assert stored(store, supervisor, meeting)["陈静"] == (None, None)
    assert current_name(view) == "陈静"
    assert view.counts.values()["unmarked"] == 2

    # 刘洋 told the day before: E is accepted.
    qtbot.keyClick(view.table, Qt.Key.Key_Up)
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert cell(view, "刘洋", 2) == "事先告假"
    assert current_name(view) == "陈静"

    assert stored(store, supervisor, meeting) == {
        "张伟": ("present", time(8, 20)),
        "王芳": ("late", time(8, 41)),
        "李娜": ("absent", None),
        "刘洋": ("excused", None),
        "陈静": (None, None),
    }
    assert view.counts.values() == {
        "expected": 5,
        "present": 2,
        "late": 1,
        "excused": 1,
        "absent": 1,
        "unmarked": 1,
    }


def test_the_rest_present_completes_the_roll_call(
    qtbot: QtBot, store: Store, supervisor: Actor, meeting: int
) -> None:
    view = make_view(qtbot, store, supervisor, meeting)
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    assert view.rest_button.isEnabled()
    qtbot.mouseClick(view.rest_button, Qt.MouseButton.LeftButton)
    got = stored(store, supervisor, meeting)
    # The timely notice becomes excused, the late one does not.
    assert got["刘洋"][0] == "excused" and got["陈静"][0] == "present"
    assert view.counts.values()["unmarked"] == 0
    assert view.counts.values()["excused"] == 1
    assert not view.rest_button.isEnabled()


def test_late_key_with_an_on_time_arrival_is_present_and_delete_clears(
    qtbot: QtBot, store: Store, supervisor: Actor, meeting: int
) -> None:
    view = make_view(qtbot, store, supervisor, meeting)
    qtbot.keyClick(view.table, Qt.Key.Key_L)
    qtbot.keyClicks(view.arrival_edit, "0830")
    qtbot.keyClick(view.arrival_edit, Qt.Key.Key_Enter)
    assert stored(store, supervisor, meeting)["张伟"] == ("present", time(8, 30))

    # Esc leaves the time editor without storing anything.
    qtbot.keyClick(view.table, Qt.Key.Key_L)
    qtbot.keyClick(view.arrival_edit, Qt.Key.Key_Escape)
    assert not view.late_bar.isVisible()
    assert stored(store, supervisor, meeting)["王芳"] == (None, None)

    qtbot.keyClick(view.table, Qt.Key.Key_V)
    qtbot.keyClick(view.table, Qt.Key.Key_T)
    got = stored(store, supervisor, meeting)
    assert got["王芳"][0] == "leave" and got["李娜"][0] == "trip"
    view.select_row(view.row_of("王芳"))
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert stored(store, supervisor, meeting)["王芳"] == (None, None)
    assert cell(view, "王芳", 2) == "未点名"


def test_present_after_the_meeting_day_uses_the_start(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    team: dict[str, int],
    frozen: time_machine.Traveller,
) -> None:
    """Roll calls entered afterwards: "now" would make everyone late."""
    mid = morning_id(store, supervisor, date(2026, 11, 26))
    view = make_view(qtbot, store, supervisor, mid)
    qtbot.keyClick(view.table, Qt.Key.Key_P)
    assert stored(store, supervisor, mid)["张伟"] == ("present", time(8, 30))


def test_a_finalized_meeting_is_read_only(
    qtbot: QtBot, store: Store, supervisor: Actor, meeting: int, qtmodeltester: object
) -> None:
    with store.transaction() as session:
        settings.set_value(session, supervisor, "meeting_signatures_required", False)
        rollcall.mark_rest_present(session, supervisor, meeting)
        minutes.finalize(session, supervisor, meeting)
    before = stored(store, supervisor, meeting)
    view = make_view(qtbot, store, supervisor, meeting)
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    assert view.read_only
    assert view.banner.isVisible() and "只读" in view.banner.label.text()
    assert not view.rest_button.isVisible()
    for key in (Qt.Key.Key_A, Qt.Key.Key_Delete, Qt.Key.Key_L):
        qtbot.keyClick(view.table, key)
    assert not view.late_bar.isVisible()
    assert stored(store, supervisor, meeting) == before


def test_a_cancelled_meeting_is_read_only(
    qtbot: QtBot, store: Store, supervisor: Actor, meeting: int
) -> None:
    with store.transaction() as session:
        meetings.cancel(session, supervisor, meeting, "全员培训")
    view = make_view(qtbot, store, supervisor, meeting)
    assert view.read_only and "取消" in view.banner.label.text()
    qtbot.keyClick(view.table, Qt.Key.Key_P)
    assert stored(store, supervisor, meeting)["张伟"] == (None, None)
