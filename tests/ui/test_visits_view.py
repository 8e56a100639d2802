"""Trips, logs and next week's plan of one manager's week, driven as a user would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import Qt, QTime
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import CustomerInput
from app.ui.visits_view import VisitsView
from app.ui.weekly_dialogs import LogDialog, PlanDialog, TripDialog, WeekPicker

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

W48 = date(2026, 11, 23)
WEDNESDAY_10AM = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def zhang(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A001", "张三")


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        yield


def add_customer(store: Store, actor: Actor, name: str) -> int:
    assert actor.staff_id is not None
    with store.transaction() as s:
        return weekly.add_customer(s, actor, CustomerInput(actor.staff_id, name)).id


def rows(table_model: object, columns: int) -> list[list[str]]:
    model = table_model  # a RecordTableModel
    return [
        [str(model.index(r, c).data()) for c in range(columns)]  # type: ignore[attr-defined]
        for r in range(model.rowCount())  # type: ignore[attr-defined]
    ]


@pytest.fixture
def view(qtbot: QtBot, store: Store, zhang: Actor, frozen: None) -> VisitsView:
    add_customer(store, zhang, "王老板")
    add_customer(store, zhang, "赵女士")
    assert zhang.staff_id is not None
    v = VisitsView(store, zhang, zhang.staff_id, W48)
    qtbot.addWidget(v)
    return v


def test_write_a_trip_then_a_log_from_it(
    qtbot: QtBot, view: VisitsView, type_text: Callable[..., None]
) -> None:
    assert view.trips.empty.text() == "本周没有出行记录。"
    qtbot.mouseClick(view.add_trip_button, Qt.MouseButton.LeftButton)
    dialog = view.current_dialog
    assert isinstance(dialog, TripDialog)
    assert dialog.day.date().toPython() == date(2026, 11, 25)  # today, in the week shown
    dialog.customer.setEditText("王老板")  # typing opens the completer popup
    type_text(dialog.purpose, "送达理财产品资料")
    dialog.planned_out.known.setChecked(True)
    dialog.planned_out.edit.setTime(QTime(14, 0))
    dialog.planned_back.known.setChecked(True)
    dialog.planned_back.edit.setTime(QTime(16, 0))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert view.current_dialog is None
    assert rows(view.trips.model, 6) == [
        ["11-25 周三", "王老板", "送达理财产品资料", "14:00", "16:00", ""]
    ]

    # From the trip row, "写日志" prefills customer and day.
    view.trips.select_row(0)
    assert view.log_from_trip_button.isEnabled()
    qtbot.mouseClick(view.log_from_trip_button, Qt.MouseButton.LeftButton)
    log = view.current_dialog
    assert isinstance(log, LogDialog)
    assert log.customer.currentText().startswith("王老板")
    assert log.day.date().toPython() == date(2026, 11, 25)
    type_text(log.content, "介绍了新理财产品")
    type_text(log.feedback, "有兴趣")
    type_text(log.follow_up, "周五前送合同")
    qtbot.mouseClick(log.ok_button, Qt.MouseButton.LeftButton)
    assert view.current_dialog is None
    assert rows(view.logs.model, 6) == [
        ["11-25 周三", "王老板", "介绍了新理财产品", "有兴趣", "周五前送合同", ""]
    ]


def test_a_trip_written_after_the_time_out_is_flagged(qtbot: QtBot, view: VisitsView) -> None:
    view.add_trip()
    dialog = view.current_dialog
    assert isinstance(dialog, TripDialog)
    dialog.customer.setEditText("赵女士")
    dialog.planned_out.known.setChecked(True)
    dialog.planned_out.edit.setTime(QTime(9, 0))  # it is 10:00 already
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert rows(view.trips.model, 6)[0][5] == "补录"


def test_unknown_customer_and_bad_times_are_shown_inline(qtbot: QtBot, view: VisitsView) -> None:
    view.add_trip()
    dialog = view.current_dialog
    assert isinstance(dialog, TripDialog)
    dialog.customer.setEditText("钱先生")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "钱先生" in dialog.error_text("customer")
    dialog.customer.setEditText("王老板")
    for edit, at in ((dialog.planned_out, QTime(15, 0)), (dialog.planned_back, QTime(14, 0))):
        edit.known.setChecked(True)
        edit.edit.setTime(at)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("planned_back") == "计划返回时间必须晚于出发时间。"
    dialog.reject()
    assert view.trips.model.records() == []


def test_a_log_needs_content_and_not_a_future_day(qtbot: QtBot, view: VisitsView) -> None:
    view.add_log()
    dialog = view.current_dialog
    assert isinstance(dialog, LogDialog)
    dialog.customer.setEditText("王老板")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("content")
    dialog.content.setPlainText("回访")
    dialog.day.setDate(dialog.day.date().addDays(2))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("day")
    dialog.reject()


def test_plan_next_week_edit_and_delete(
    qtbot: QtBot, view: VisitsView, store: Store, zhang: Actor, messages: Messages
) -> None:
    qtbot.mouseClick(view.add_plan_button, Qt.MouseButton.LeftButton)
    dialog = view.current_dialog
    assert isinstance(dialog, PlanDialog)
    assert "2026-W49" in dialog.windowTitle()
    dialog.customer.setEditText("赵女士")
    dialog.purpose.setText("生日问候")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert rows(view.plans.model, 3) == [["不限日期", "赵女士", "生日问候"]]

    view.plans.select_row(0)
    view.edit_plan()
    dialog = view.current_dialog
    assert isinstance(dialog, PlanDialog)
    dialog.day.known.setChecked(True)
    dialog.day.edit.setDate(dialog.day.edit.date().addDays(1))  # Tuesday of W49
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert rows(view.plans.model, 3) == [["12-01 周二", "赵女士", "生日问候"]]

    view.plans.select_row(0)
    qtbot.mouseClick(view.delete_plan_button, Qt.MouseButton.LeftButton)
    assert "赵女士" in messages.questions[-1]
    assert view.plans.model.records() == []
    assert zhang.staff_id is not None
    with store.reading() as s:
        assert weekly.plans_for(s, zhang, zhang.staff_id, date(2026, 11, 30)) == []


def test_the_week_picker_moves_the_lists(qtbot: QtBot, view: VisitsView, store: Store) -> None:
    view.add_trip()
    dialog = view.current_dialog
    assert isinstance(dialog, TripDialog)
    dialog.customer.setEditText("王老板")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    picker = view.picker
    assert isinstance(picker, WeekPicker)
    assert picker.label.text() == "2026-W48（11-23 – 11-29）"
    assert not picker.this_week_button.isEnabled()
    qtbot.mouseClick(picker.previous_button, Qt.MouseButton.LeftButton)
    assert view.week_start == date(2026, 11, 16)
    assert view.trips.model.records() == []
    qtbot.mouseClick(picker.this_week_button, Qt.MouseButton.LeftButton)
    assert len(view.trips.model.records()) == 1
