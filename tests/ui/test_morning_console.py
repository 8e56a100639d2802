"""The morning console: clock and countdown, section timers, ticking carried-over items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db import Store
from app.models import ActionItem
from app.services import meetings, minutes, rollcall, staff, weekly
from app.services.auth import Actor
from app.services.meetings import MeetingKind
from app.services.staff import StaffInput
from app.services.weekly import CustomerInput, PlanInput, TripInput
from app.ui.morning_console import MorningConsole, duration_text

# 08:20 on Friday 27 November 2026 in Shanghai; the meeting runs 08:30–08:50.
FRIDAY_0820 = datetime(2026, 11, 27, 0, 20, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(FRIDAY_0820, tick=False) as traveller:
        yield traveller


def morning_id(store: Store, actor: Actor, day: date) -> int:
    with store.transaction() as session:
        found = meetings.list_meetings(session, actor, day, day)
    return next(m.id for m in found if m.kind == MeetingKind.MORNING)


@pytest.fixture
def setup_day(store: Store, supervisor: Actor, frozen: time_machine.Traveller) -> int:
    """Two people; yesterday's meeting left two open items (one overdue)."""
    yesterday = morning_id(store, supervisor, date(2026, 11, 26))
    today = morning_id(store, supervisor, date(2026, 11, 27))
    with store.transaction() as session:
        zhang = staff.add_staff(session, supervisor, StaffInput("A001", "张伟")).id
        wang = staff.add_staff(session, supervisor, StaffInput("A002", "王芳")).id
        minutes.add_action_item(
            session, supervisor, yesterday, "回访重点客户", zhang, date(2026, 11, 30)
        )
        minutes.add_action_item(
            session, supervisor, yesterday, "提交拜访计划", wang, date(2026, 11, 25)
        )
        rollcall.mark(session, supervisor, today, zhang, "present", arrival=time(8, 18))
    return today


@pytest.fixture
def console(qtbot: QtBot, store: Store, supervisor: Actor, setup_day: int) -> MorningConsole:
    widget = MorningConsole(store, supervisor, setup_day)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    with qtbot.waitExposed(widget):
        widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


def test_duration_text() -> None:
    assert duration_text(timedelta(seconds=65)) == "01:05"
    assert duration_text(timedelta(hours=1, seconds=5)) == "1:00:05"
    assert duration_text(timedelta(seconds=-3)) == "00:00"


def test_clock_countdown_and_section_timers(
    qtbot: QtBot, console: MorningConsole, frozen: time_machine.Traveller
) -> None:
    assert console.clock_label.text() == "08:20:00"
    assert console.countdown_label.text() == "距开始 10:00"
    titles = [row.title.text() for row in console.section_rows]
    assert titles == ["传达公司文件和精神", "安排今日工作重点", "解释业务难点"]
    assert console.current == -1 and console.next_button.text() == "开始第一项"

    frozen.move_to(datetime(2026, 11, 27, 0, 30, tzinfo=UTC))
    qtbot.keyClick(console.items_table, Qt.Key.Key_Space)  # Space works wherever the focus is
    assert console.current == 0 and console.section_rows[0].state == "current"

    frozen.shift(timedelta(minutes=3, seconds=12))
    console.tick()
    assert console.section_rows[0].time.text() == "03:12"
    assert console.countdown_label.text() == "距结束 16:48"

    qtbot.keyClick(console, Qt.Key.Key_Right)
    frozen.shift(timedelta(seconds=90))
    console.tick()
    assert console.current == 1
    assert [r.state for r in console.section_rows] == ["done", "current", "pending"]
    assert console.section_rows[0].time.text() == "✓ 03:12"
    assert console.section_rows[1].time.text() == "01:30"
    assert console.section_elapsed(0) == timedelta(minutes=3, seconds=12)
    assert console.total_elapsed() == timedelta(minutes=4, seconds=42)
    assert "04:42" in console.total_label.text()

    qtbot.keyClick(console, Qt.Key.Key_Space)
    assert console.next_button.text() == "结束议程"
    qtbot.keyClick(console, Qt.Key.Key_Space)
    assert console.finished and not console.next_button.isEnabled()
    frozen.shift(timedelta(minutes=30))
    console.tick()
    # Nothing runs once the agenda is done; the meeting is now over time.
    assert console.total_elapsed() == timedelta(minutes=4, seconds=42)
    assert console.countdown_label.text().startswith("已超时")


def test_tick_carried_over_items_done(
    qtbot: QtBot, store: Store, console: MorningConsole, setup_day: int
) -> None:
    model = console.items_model
    assert model.rowCount() == 2
    assert [model.index(r, 1).data() for r in range(2)] == ["回访重点客户", "提交拜访计划"]
    assert model.index(0, 2).data() == "张伟" and model.index(1, 3).data() == "2026-11-25"

    # A click ticks the first; Enter ticks the one with the cursor.
    rect = console.items_table.visualRect(model.index(0, 1))
    qtbot.mouseClick(console.items_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert model.index(0, 0).data() == "✓"
    console.items_table.setCurrentIndex(model.index(1, 0))
    qtbot.keyClick(console.items_table, Qt.Key.Key_Return)
    assert [model.index(r, 0).data() for r in range(2)] == ["✓", "✓"]

    with store.reading() as session:
        items = list(session.scalars(select(ActionItem).order_by(ActionItem.id)))
        assert [i.done_in_meeting_id for i in items] == [setup_day, setup_day]
        assert all(i.done_at is not None for i in items)

    # Enter again undoes a tick made by mistake.
    qtbot.keyClick(console.items_table, Qt.Key.Key_Enter)
    with store.reading() as session:
        second = session.get(ActionItem, items[1].id)
        assert second is not None and second.done_at is None


def test_counts_and_no_visits_today(
    store: Store, supervisor: Actor, console: MorningConsole, setup_day: int
) -> None:
    assert console.counts.values()["expected"] == 2
    assert console.counts.values()["present"] == 1
    assert console.counts.values()["unmarked"] == 1
    with store.transaction() as session:
        rollcall.mark_rest_present(session, supervisor, setup_day)
    console.refresh_counts()
    assert console.counts.values()["present"] == 2 and console.counts.values()["unmarked"] == 0
    assert console.visits_note.text() == "今天没有计划拜访。"
    assert not console.visits_note.isHidden() and console.visit_labels == []


def test_todays_planned_visits(
    qtbot: QtBot, store: Store, supervisor: Actor, setup_day: int
) -> None:
    friday = date(2026, 11, 27)
    with store.transaction() as session:
        zhang = staff.find_by_employee_no(session, supervisor.branch_id, "A001")
        wang = staff.find_by_employee_no(session, supervisor.branch_id, "A002")
        assert zhang is not None and wang is not None
        qian = weekly.add_customer(session, supervisor, CustomerInput(zhang.id, "钱永刚")).id
        sun = weekly.add_customer(session, supervisor, CustomerInput(wang.id, "孙丽")).id
        weekly.add_trip(
            session,
            supervisor,
            TripInput(zhang.id, qian, friday, "理财到期回访", time(10), time(11, 30)),
        )
        weekly.add_plan(
            session, supervisor, PlanInput(wang.id, sun, date(2026, 11, 23), friday, "生日慰问")
        )
    widget = MorningConsole(store, supervisor, setup_day)
    qtbot.addWidget(widget)
    assert [label.text() for label in widget.visit_labels] == [
        "张伟 — 钱永刚 — 理财到期回访 — 10:00–11:30",
        "王芳 — 孙丽 — 生日慰问 — 已计划，尚未填写出行记录",
    ]
    assert widget.visits_note.isHidden()


def test_esc_leaves(qtbot: QtBot, console: MorningConsole) -> None:
    with qtbot.waitSignal(console.closed, timeout=1000):
        qtbot.keyClick(console, Qt.Key.Key_Escape)
    assert not console.isVisible() and not console.timer.isActive()
