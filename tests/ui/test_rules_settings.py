"""Settings → Attendance rules: listing, editing a rule, assigning one from a date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import QDate, QTime, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import attendance, staff
from app.services.auth import Actor
from app.services.workrules import Band
from app.ui.rules_settings import AssignDialog, RuleDialog, RulesSettingsTab

if TYPE_CHECKING:
    from tests.ui.conftest import Messages


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def tab(qtbot: QtBot, store: Store, supervisor: Actor) -> RulesSettingsTab:
    widget = RulesSettingsTab(store, supervisor)
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.show()
    return widget


def _rules(store: Store, actor: Actor) -> dict[str, attendance.RuleRecord]:
    with store.reading() as session:
        return {r.key: r for r in attendance.list_rules(session, actor)}


def test_rules_are_listed_with_their_bands(tab: RulesSettingsTab) -> None:
    rows = {
        tab.model.record(r).key: [
            tab.model.data(tab.model.index(r, c)) for c in range(tab.model.columnCount())
        ]
        for r in range(tab.model.rowCount())
    }
    assert set(rows) >= {"office", "bar", "foot-spa"}
    assert rows["bar"][1] == "20:00–01:00（次日结束）"
    assert rows["bar"][4] == "迟到 ≥15 分钟 扣 3 分；≥30 分钟 扣 10 分 | 缺卡 扣 2 分"
    assert rows["office"][2] == "5 分钟"


def _edit(tab: RulesSettingsTab, key: str, fill: object) -> None:
    tab.select_key(key)
    QTimer.singleShot(0, fill)  # type: ignore[arg-type]
    tab.edit_rule()


def test_edit_the_office_grace_and_a_late_band(
    tab: RulesSettingsTab, store: Store, supervisor: Actor
) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RuleDialog)
        dialog.grace.setValue(10)
        dialog.late.set_cell(0, 1, "2")  # the 1-minute band now also costs 2 points
        dialog.late.add_button.click()
        dialog.late.set_cell(1, 0, "30")
        dialog.late.set_cell(1, 1, "5")
        dialog.accept()

    _edit(tab, "office", fill)
    rule = _rules(store, supervisor)["office"]
    assert rule.id is not None
    assert rule.rule.grace_minutes == 10
    assert rule.rule.late_bands == (Band(1, 2, True), Band(30, 5, False))


def test_bad_input_is_refused_inline(
    tab: RulesSettingsTab, store: Store, supervisor: Actor
) -> None:
    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RuleDialog)
        dialog.end.setTime(QTime(9, 0))  # same as the start
        dialog.accept()
        seen.append(dialog.error_text("end"))
        dialog.end.setTime(QTime(18, 0))
        dialog.late.set_cell(0, 0, "-5")
        dialog.accept()
        seen.append(dialog.error_text("late_bands"))
        dialog.late.set_cell(0, 0, "1")
        dialog.breaks.setPlainText("lunch")
        dialog.accept()
        seen.append(dialog.error_text("breaks"))
        dialog.reject()

    _edit(tab, "office", fill)
    assert seen[0] == "上班和下班时间不能相同。"
    assert "迟到" in seen[1]
    assert "lunch" in seen[2]
    assert _rules(store, supervisor)["office"].id is None  # nothing was written


def test_overnight_note_shows_when_the_end_is_before_the_start(
    qtbot: QtBot, store: Store, supervisor: Actor
) -> None:
    record = _rules(store, supervisor)["bar"]
    dialog = RuleDialog(store, supervisor, record)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.overnight.isVisible()
    dialog.end.setTime(QTime(23, 0))
    assert not dialog.overnight.isVisible()


def test_new_rule_from_a_template(tab: RulesSettingsTab, store: Store, supervisor: Actor) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RuleDialog)
        assert dialog.key.text() == "foot-spa-2"
        dialog.name.setText("足浴晚班")
        dialog.accept()

    QTimer.singleShot(0, fill)
    tab.new_rule("foot-spa")
    assert _rules(store, supervisor)["foot-spa-2"].name == "足浴晚班"


def test_assign_the_bar_rule_to_one_person_from_a_date(
    tab: RulesSettingsTab, store: Store, supervisor: Actor
) -> None:
    with store.transaction() as session:
        a = staff.add_staff(session, supervisor, staff.StaffInput("A001", "张三")).id
        b = staff.add_staff(session, supervisor, staff.StaffInput("A002", "李四")).id
    tab.select_key("bar")

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AssignDialog)
        assert dialog.rule.currentData() == "bar"
        dialog.accept()  # nobody ticked
        assert dialog.error_text("staff")
        dialog.check(a)
        dialog.effective.setDate(QDate(2026, 12, 1))
        dialog.accept()

    QTimer.singleShot(0, fill)
    tab.assign()
    with store.reading() as session:
        assert attendance.rule_on(session, a, date(2026, 11, 30)).key == "office"
        assert attendance.rule_on(session, a, date(2026, 12, 1)).key == "bar"
        assert attendance.rule_on(session, b, date(2026, 12, 1)).key == "office"


def test_a_manager_sees_it_read_only(qtbot: QtBot, store: Store, make_manager) -> None:  # type: ignore[no-untyped-def]
    widget = RulesSettingsTab(store, make_manager("A001", "张三"))
    qtbot.addWidget(widget)
    assert widget.model.rowCount() >= 3
    assert not widget.edit_button.isEnabled()
    assert not widget.new_button.isEnabled()
    assert not widget.assign_button.isEnabled()
    assert widget.rota_button.isEnabled()  # their own rota, to look at


def test_kinds_of_leave_are_the_branchs_own(
    qtbot: QtBot, store: Store, supervisor: Actor, messages: Messages
) -> None:
    from app.services import settings

    tab = RulesSettingsTab(store, supervisor)
    qtbot.addWidget(tab)
    assert tab.leave_types.text().startswith("事假、病假、年假")
    tab.leave_types.setText("事假，病假 、育儿假")
    assert tab.save_leave_types()
    with store.reading() as session:
        assert settings.get(session, supervisor.branch_id, "leave_types") == [
            "事假",
            "病假",
            "育儿假",
        ]
    tab.leave_types.setText("事假、事假")
    assert not tab.save_leave_types()
    assert "不能重复" in messages.errors[-1]
