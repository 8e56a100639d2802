"""扣分与排名: ranking, a person's ledger, appeals, and the chart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import attendance, staff
from app.services.auth import Actor
from app.services.staff import StaffInput
from app.ui.attendance_dialogs import AppealDialog, DecideAppealDialog
from app.ui.points_view import PointsView

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00, Friday 27 November in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
THURSDAY = date(2026, 11, 26)


def local(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bar(store: Store, supervisor: Actor, make_manager: Callable[..., Actor]) -> dict[str, Actor]:
    """Two people of a bar (20:00–01:00), hired on Thursday: 张三 20 min late (3 points),
    李四 40 min late (10 points)."""
    zhang = make_manager("A001", "张三")
    li = make_manager("A002", "李四")
    with store.transaction() as session:
        for who in (zhang, li):
            person = staff.get_staff(session, supervisor, who.staff_id)
            staff.update_staff(
                session,
                supervisor,
                person.id,
                StaffInput(person.employee_no, person.name, hire_date=THURSDAY),
            )
        attendance.set_rules(session, supervisor, "bar", effective_from=date(2026, 11, 1))
        for who, late in ((zhang, 20), (li, 40)):
            assert who.staff_id is not None
            for at in (local(THURSDAY, 20, late), local(date(2026, 11, 27), 1, 2)):
                attendance.add_punch(session, supervisor, who.staff_id, at, "manual", "test")
    return {"A001": zhang, "A002": li}


def make_view(qtbot: QtBot, store: Store, actor: Actor) -> PointsView:
    view = PointsView(store, actor)
    qtbot.addWidget(view)
    view.set_month(2026, 11)
    return view


def test_ranking_and_ledger(
    qtbot: QtBot, store: Store, supervisor: Actor, bar: dict[str, Actor], messages: Messages
) -> None:
    view = make_view(qtbot, store, supervisor)
    lines = view.ranking.records()
    assert [(r.rank, r.employee_no, r.points, r.late_count) for r in lines] == [
        (1, "A001", 3, 1),
        (2, "A002", 10, 1),
    ]
    assert view.ranking.data(view.ranking.index(1, 2)) == "李四"
    # The top of the ranking is selected: its ledger shows.
    assert [(e.work_date, e.points) for e in view.ledger.records()] == [(THURSDAY, 3)]
    view.select_person(bar["A002"].staff_id or 0)
    assert [(e.work_date, e.points) for e in view.ledger.records()] == [(THURSDAY, 10)]
    assert "李四" in view.ledger_title.text()
    assert view.chart_png and view.chart.pixmap().width() <= view.chart.minimumWidth()
    assert not messages.errors


def test_manager_appeals_and_supervisor_accepts(
    qtbot: QtBot, store: Store, supervisor: Actor, bar: dict[str, Actor], messages: Messages
) -> None:
    manager = bar["A002"]
    mine = make_view(qtbot, store, manager)
    assert mine.ranking_view.isHidden() and mine.chart_area.isHidden()
    assert mine.ranking.rowCount() == 0  # no ranking for a manager
    assert [e.points for e in mine.ledger.records()] == [10]
    mine.select_entry(lambda e: e.work_date == THURSDAY)
    assert mine.appeal_button.isEnabled()
    mine.appeal_selected()
    dialog = mine.current_dialog
    assert isinstance(dialog, AppealDialog)
    dialog.reason.setPlainText("路上堵车，有截图")
    dialog.accept()
    entry = mine.ledger.records()[0]
    assert entry.appeal_status == "pending"
    assert mine.ledger.data(mine.ledger.index(0, 5)) == "申诉待处理"

    boss = make_view(qtbot, store, supervisor)
    boss.select_person(manager.staff_id or 0)
    boss.select_entry(lambda e: e.work_date == THURSDAY)
    assert boss.decide_button.isEnabled()
    boss.decide_selected()
    decide = boss.current_dialog
    assert isinstance(decide, DecideAppealDialog)
    decide.set_accept(True)
    decide.points.setValue(0)
    decide.decision.setText("属实")
    decide.accept()
    assert decide.error_text() == ""
    entry = boss.ledger.records()[0]
    assert (entry.points, entry.original_points, entry.appeal_status) == (0, 10, "accepted")
    assert boss.ledger.data(boss.ledger.index(0, 4)) == "10"
    assert (boss.ranking.record(0).employee_no, boss.ranking.record(0).points) == ("A002", 0)
    mine.refresh()
    assert mine.ledger.records()[0].points == 0
    assert not messages.errors
