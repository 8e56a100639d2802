"""Settings: branch settings, this PC's language, and the working calendar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import calendar, settings
from app.services.auth import Actor
from app.ui import widgets
from app.ui.settings_page import (
    LANGUAGE_KEY,
    CalendarDayModel,
    DayDialog,
    DayRow,
    ImportPreviewDialog,
    SettingsPage,
)

TypeText = Callable[[QWidget, str], None]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def page(qtbot: QtBot, store: Store, supervisor: Actor) -> SettingsPage:
    widget = SettingsPage(store, supervisor)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def when_modal(qtbot: QtBot, act: Callable[[QDialog], None]) -> list[QDialog]:
    """Run `act` on the next modal dialog as soon as it is open (as the user would)."""
    seen: list[QDialog] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            seen.append(dialog)
            act(dialog)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_idle_minutes_change_is_saved(qtbot: QtBot, store: Store, page: SettingsPage) -> None:
    spin = page.general.spins["idle_lock_minutes"]
    assert spin.value() == 10 and spin.isEnabled()
    spin.selectAll()
    with qtbot.waitSignal(page.idleMinutesChanged) as changed:
        qtbot.keyClicks(spin, "25")
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert changed.args == [25]
    assert page.general.saved_note.text() == "已保存。"
    with store.reading() as session:
        assert settings.get(session, page.calendar.actor.branch_id, "idle_lock_minutes") == 25


def test_language_choice_is_kept_for_the_next_start(page: SettingsPage) -> None:
    combo = page.general.language
    assert combo.currentText() == "简体中文"
    combo.setCurrentIndex(combo.findData("en"))
    assert widgets.ui_settings().value(LANGUAGE_KEY) == "en"
    assert "下次启动" in page.general.language_note.text()


def test_add_a_day_and_see_it_in_the_table(
    qtbot: QtBot, store: Store, page: SettingsPage, type_text: TypeText
) -> None:
    tab = page.calendar
    page.show_calendar(2027)
    assert tab.model.rowCount() == 0
    assert "尚未录入" in tab.known_label.text()
    assert tab.mark_button.isVisible()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, DayDialog)
        dialog.date.setDate(QDate(2027, 9, 26))
        dialog.kind.setCurrentIndex(dialog.kind.findData("workday"))
        type_text(dialog.name, "国庆节调休")
        dialog.accept()

    opened = when_modal(qtbot, fill)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert opened

    assert tab.model.rowCount() == 1
    shown = [tab.model.index(0, c).data() for c in range(tab.model.columnCount())]
    assert shown == ["2027-09-26", "星期日", "调休上班", "国庆节调休", "手动录入"]
    assert tab.selected_row() == DayRow(date(2027, 9, 26), "workday", "国庆节调休", "user")
    # A make-up working day is official data: the year now counts as entered.
    assert tab.known_label.text().startswith("✓")
    assert not tab.mark_button.isVisible()
    with store.reading() as session:
        info = calendar.day_info(session, tab.actor.branch_id, date(2027, 9, 26))
    assert info.working


def test_edit_and_remove_a_day(
    qtbot: QtBot, store: Store, supervisor: Actor, page: SettingsPage, messages: Any
) -> None:
    with store.transaction() as session:
        calendar.set_day(session, supervisor, date(2027, 10, 1), "holiday", "国庆")
    tab = page.calendar
    page.show_calendar(2027)
    tab.table.selectRow(0)

    def rename(dialog: QDialog) -> None:
        assert isinstance(dialog, DayDialog)
        dialog.name.setText("国庆节")
        dialog.kind.setCurrentIndex(dialog.kind.findData("closure"))
        dialog.accept()

    when_modal(qtbot, rename)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    closed = calendar.kind_label("closure")
    assert [tab.model.index(0, c).data() for c in (2, 3)] == [closed, "国庆节"]

    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert messages.questions == [f"从日历中删除 2027-10-01（{closed}）吗？"]
    assert tab.model.rowCount() == 0
    assert not tab.edit_button.isEnabled()


def test_import_a_csv_with_one_bad_row(
    qtbot: QtBot,
    tmp_path: Path,
    page: SettingsPage,
    messages: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csv_file = tmp_path / "2027.csv"
    csv_file.write_text(
        "日期,类型,名称\n2027-10-01,休,国庆节\n2027-02-30,休,坏日期\n2027-09-26,班,国庆节调休\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(csv_file), ""))
    previews: list[ImportPreviewDialog] = []

    def check_and_import(dialog: QDialog) -> None:
        assert isinstance(dialog, ImportPreviewDialog)
        previews.append(dialog)
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 0).text() == "3"  # the line the user sees in the file
        assert dialog.table.item(0, 1).text()
        assert dialog.import_button.text() == "导入 2 天"
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, check_and_import)
    qtbot.mouseClick(page.calendar.import_button, Qt.MouseButton.LeftButton)

    assert previews
    assert "1 行有问题" in previews[0].summary.text()
    assert messages.infos == ["已导入 2 天。"]
    page.show_calendar(2027)
    shown = [page.calendar.model.index(r, 3).data() for r in range(page.calendar.model.rowCount())]
    assert shown == ["国庆节调休", "国庆节"]
    assert page.calendar.model.index(0, 4).data() == "文件导入"


def test_cancelled_import_changes_nothing(
    qtbot: QtBot, tmp_path: Path, page: SettingsPage, messages: Any
) -> None:
    csv_file = tmp_path / "2027.csv"
    csv_file.write_text("日期,类型,名称\n2027-10-01,休,国庆节\n", encoding="utf-8")
    when_modal(qtbot, lambda dialog: dialog.reject())
    assert page.calendar.import_file(csv_file) == 0
    page.show_calendar(2027)
    assert page.calendar.model.rowCount() == 0
    assert messages.infos == []


def test_unusable_file_is_explained(tmp_path: Path, page: SettingsPage, messages: Any) -> None:
    assert page.calendar.import_file(tmp_path / "missing.csv") == 0
    assert len(messages.errors) == 1
    assert "missing.csv" in messages.errors[0]


def test_calendar_model_is_a_proper_model(qtmodeltester: ModelTester) -> None:
    model = CalendarDayModel()
    model.set_rows(
        [
            DayRow(date(2026, 10, 1), "holiday", "国庆节", "package"),
            DayRow(date(2026, 10, 10), "workday", "国庆节", "user"),
        ]
    )
    qtmodeltester.check(model)


def test_yes_no_branch_settings_are_check_boxes(
    page: SettingsPage, store: Store, supervisor: Actor
) -> None:
    check = page.general.checks["meeting_arrivals_as_punches"]
    assert not check.isChecked() and check.text() == "晨会签到时间计入考勤打卡"
    check.click()
    with store.reading() as session:
        assert settings.get(session, supervisor.branch_id, "meeting_arrivals_as_punches") is True
