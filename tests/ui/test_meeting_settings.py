"""Settings → Meetings: editing a schedule and an agenda template."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from PySide6.QtCore import QTime, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import meetings
from app.services.auth import Actor
from app.ui.meeting_settings import MeetingSettingsTab, ScheduleDialog


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def tab(qtbot: QtBot, store: Store, supervisor: Actor) -> MeetingSettingsTab:
    widget = MeetingSettingsTab(store, supervisor)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    return widget


def test_schedules_are_listed_in_words(tab: MeetingSettingsTab) -> None:
    rows = {
        tab.model.data(tab.model.index(r, 0)): tab.model.data(tab.model.index(r, 1))
        for r in range(tab.model.rowCount())
    }
    assert rows["每日晨会"] == "每个工作日"
    assert rows["每周例会"] == "每周，星期一"
    assert rows["总经理沟通会"] == "每月，最后一个星期五"


def test_move_the_weekly_meeting_to_tuesday(
    qtbot: QtBot, tab: MeetingSettingsTab, store: Store, supervisor: Actor
) -> None:
    row = next(r for r in range(tab.model.rowCount()) if tab.model.record(r).kind == "weekly")
    tab.table.selectRow(row)

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ScheduleDialog)
        dialog.weekday.setCurrentIndex(1)
        dialog.start.setTime(QTime(9, 0))
        dialog.end.setTime(QTime(8, 0))  # wrong first: the error keeps the dialog open
        dialog.accept()
        assert "结束时间" in dialog.error_text("end")
        dialog.end.setTime(QTime(9, 30))
        dialog.accept()

    QTimer.singleShot(0, fill)
    tab.edit_schedule()
    with store.transaction() as session:
        got = meetings.list_meetings(session, supervisor, date(2026, 11, 30), date(2026, 12, 1))
    assert [(m.day, m.start) for m in got if m.kind == "weekly"] == [(date(2026, 12, 1), time(9))]


def test_agenda_template_is_saved(tab: MeetingSettingsTab, store: Store, supervisor: Actor) -> None:
    tab.kind.setCurrentIndex(tab.kind.findData("morning"))
    assert "传达公司文件和精神" in tab.agenda.toPlainText()
    tab.agenda.setPlainText("传达文件\n\n今日重点\n")
    tab.save_agenda_button.click()
    with store.reading() as session:
        assert meetings.agenda_sections(session, supervisor.branch_id, "morning") == [
            "传达文件",
            "今日重点",
        ]


def test_a_manager_sees_it_read_only(qtbot: QtBot, store: Store, make_manager) -> None:  # type: ignore[no-untyped-def]
    widget = MeetingSettingsTab(store, make_manager("A001", "张三"))
    qtbot.addWidget(widget)
    assert not widget.edit_button.isEnabled() and widget.agenda.isReadOnly()
