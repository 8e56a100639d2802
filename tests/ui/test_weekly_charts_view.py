"""The weekly charts view: two pictures drawn from weekly.history, for the supervisor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import SummaryText
from app.ui.weekly_charts_view import ChartsView

W48 = date(2026, 11, 23)
FRIDAY = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_both_charts_are_drawn_and_follow_the_week(
    qtbot: QtBot, store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    zhang = make_manager("A001", "张三")
    assert zhang.staff_id is not None
    with time_machine.travel(FRIDAY, tick=False):
        with store.transaction() as s:
            weekly.save_draft(s, zhang, zhang.staff_id, W48, SummaryText(services="开户"), [])
            weekly.submit(s, zhang, zhang.staff_id, W48)
        view = ChartsView(store, supervisor)
        qtbot.addWidget(view)
        view.resize(1000, 700)
        view.show()
        for chart in (view.on_time_chart, view.visits_chart):
            assert not chart.pixmap().isNull()
            assert chart.pixmap().width() > 600
        assert view.drawn_week == W48
        first = view.on_time_chart.pixmap().toImage()
        qtbot.mouseClick(view.picker.previous_button, Qt.MouseButton.LeftButton)
        assert view.drawn_week == date(2026, 11, 16)
        assert view.on_time_chart.pixmap().toImage() != first  # other weeks along the top
        # The picture scales with its space, aspect kept.
        chart = view.on_time_chart
        assert chart.heightForWidth(400) == round(
            400 * chart.pixmap().height() / chart.pixmap().width()
        )


def test_a_manager_gets_no_charts(
    qtbot: QtBot, store: Store, make_manager: Callable[..., Actor]
) -> None:
    view = ChartsView(store, make_manager("A001", "张三"))
    qtbot.addWidget(view)
    view.show()
    assert view.message.isVisible() and view.message.text() == "图表只供主管查看。"
    assert view.on_time_chart.pixmap().isNull()
