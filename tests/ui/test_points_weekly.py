"""A late weekly summary's line in the points ledger (扣分明细): shown like any other,
with no appeal of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import time_machine
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import settings, weekly
from app.services.auth import Actor
from app.services.weekly import SummaryText
from app.ui.points_view import PointsView

W47 = date(2026, 11, 16)  # due Friday 20 November, 17:30 in Shanghai (09:30 UTC)


def test_the_late_summary_line_in_the_ledger(
    qtbot: QtBot, store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    zhang = make_manager("A001", "张三")
    assert zhang.staff_id is not None
    with store.transaction() as s:
        settings.set_value(s, supervisor, "weekly_late_points", 5)
    friday_evening = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    with time_machine.travel(friday_evening, tick=False), store.transaction() as s:
        weekly.save_draft(s, zhang, zhang.staff_id, W47, SummaryText(services="回访"), [])
        weekly.submit(s, zhang, zhang.staff_id, W47)
    with time_machine.travel(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), tick=False):
        view = PointsView(store, zhang)
        qtbot.addWidget(view)
        view.set_month(2026, 11)
        row = view.ledger.find_row(lambda e: not e.appealable)
        assert row is not None
        cells = [
            view.ledger.index(row, column).data() for column in range(view.ledger.columnCount())
        ]
    assert cells == ["2026-11-20", "每周工作进度汇总表逾期提交（2026-W47）", "周报", "5", "", ""]
