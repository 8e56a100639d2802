"""The consistency check view: findings per manager, service gaps, birthdays next week."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import CustomerInput, LogInput, TripInput
from app.ui.weekly_check_view import CheckView

W48 = date(2026, 11, 23)
LONG_AGO = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def _customer(store: Store, who: Actor, name: str, **kw: object) -> int:
    assert who.staff_id is not None
    with store.transaction() as s:
        return weekly.add_customer(s, who, CustomerInput(who.staff_id, name, **kw)).id  # type: ignore[arg-type]


def test_the_check_shows_findings_service_gaps_and_birthdays(
    qtbot: QtBot, store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    zhang, li = make_manager("A001", "张三"), make_manager("A002", "李四")
    assert zhang.staff_id is not None and li.staff_id is not None
    with time_machine.travel(LONG_AGO, tick=False):
        wang = _customer(store, zhang, "王总", grade="key", birthday=date(1975, 12, 1))
        _customer(store, li, "赵老板")
    with time_machine.travel(THURSDAY, tick=False):
        with store.transaction() as s:
            # A visit on Tuesday with its log but no trip record written before it.
            weekly.add_log(s, zhang, LogInput(zhang.staff_id, wang, date(2026, 11, 24), "拜访"))
        view = CheckView(store, supervisor)
        qtbot.addWidget(view)
        view.resize(1100, 700)
        assert view.picker.label.text() == "2026-W48（11-23 – 11-29）"
        assert view.tabs.tabText(0) == "不一致（1）"
        assert view.finding_texts() == [("张三", "11-24 周二", "王总", "有服务日志但没有出行记录")]
        assert "1 / 2 位客户经理共 1 处不一致" in view.summary.text()
        # Only 李四's (none) when he is chosen; everyone's again with the button.
        view.manager_view.selectRow(1)
        assert view.finding_texts() == []
        assert view.findings_title.text() == "李四的问题（0）"
        qtbot.mouseClick(view.all_button, Qt.MouseButton.LeftButton)
        assert len(view.finding_texts()) == 1

        # 王总 (key) was visited on Tuesday; 赵老板 (normal) is within the normal standard.
        assert view.tabs.tabText(1) == "服务频次（0）"
        assert view.tabs.tabText(2) == "下周生日（1）"
        birthday = view.birthdays.record(0)
        assert (birthday.customer_name, birthday.owner_name) == ("王总", "张三")
        assert view.birthdays.data(view.birthdays.index(0, 2)) == "12-01 周二"

        # A trip written today for tomorrow is no finding (yet).
        with store.transaction() as s:
            weekly.add_trip(s, zhang, TripInput(zhang.staff_id, wang, date(2026, 11, 27)))
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
        assert view.tabs.tabText(0) == "不一致（1）"
        qtbot.mouseClick(view.picker.previous_button, Qt.MouseButton.LeftButton)
        # W47 is past its deadline and nobody handed it in.
        assert view.finding_texts() == [
            ("张三", "—", "—", "每周工作进度汇总表未提交"),
            ("李四", "—", "—", "每周工作进度汇总表未提交"),
        ]


def test_service_gaps_list_the_overdue_key_customer(
    qtbot: QtBot, store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    zhang = make_manager("A001", "张三")
    with time_machine.travel(LONG_AGO, tick=False):
        _customer(store, zhang, "钱总", grade="key")
    with time_machine.travel(THURSDAY, tick=False):
        view = CheckView(store, supervisor)
        qtbot.addWidget(view)
    assert view.tabs.tabText(1) == "服务频次（1）"
    row = [view.service.data(view.service.index(0, c)) for c in range(6)]
    assert row[:4] == ["钱总", "张三", "重点客户", "每 30 天"]
    assert row[4] == "从未拜访（09-01 建档）"
