"""The meetings page: the week and month lists, changes to one meeting, notices, tabs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import meetings, staff
from app.services.auth import Actor
from app.services.meetings import MeetingKind
from app.services.staff import StaffInput
from app.ui.meeting_dialogs import (
    AdhocMeetingDialog,
    CancelMeetingDialog,
    DelegateHostDialog,
    NoticeDialog,
    NoticesDialog,
    PeopleDialog,
    RescheduleDialog,
)
from app.ui.meetings_page import MeetingsPage
from app.ui.rollcall_view import RollCallView
from app.ui.table_models import MUTED

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

TypeText = Callable[[QWidget, str], None]

# 08:20 on Friday 27 November 2026 in Shanghai; 2026-11-30 is a Monday (weekly meeting).
FRIDAY_0820 = datetime(2026, 11, 27, 0, 20, tzinfo=UTC)
NAMES = ["张伟", "王芳", "李娜"]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(FRIDAY_0820, tick=False):
        yield


@pytest.fixture
def team(store: Store, supervisor: Actor) -> dict[str, int]:
    with store.transaction() as session:
        return {
            name: staff.add_staff(session, supervisor, StaffInput(f"A{i:03d}", name)).id
            for i, name in enumerate(NAMES, 1)
        }


def open_page(qtbot: QtBot, store: Store, actor: Actor) -> MeetingsPage:
    page = MeetingsPage(store, actor)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    with qtbot.waitExposed(page):
        page.show()
    return page


@pytest.fixture
def page(qtbot: QtBot, store: Store, supervisor: Actor, team: dict[str, int]) -> MeetingsPage:
    return open_page(qtbot, store, supervisor)


def shown(page: MeetingsPage) -> list[tuple[str, str, str]]:
    """(date, kind, status) of every row, as displayed."""
    m = page.model
    return [
        (m.index(r, 0).data(), m.index(r, 2).data(), m.index(r, 6).data())
        for r in range(m.rowCount())
    ]


def choose(page: MeetingsPage, day: date, kind: str) -> int:
    row = page.model.find_row(lambda r: r.day == day and r.kind == kind)
    assert row is not None, (day, kind)
    page.select_row(row)
    return page.model.record(row).id


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_the_week_of_today(page: MeetingsPage) -> None:
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["日期", "时间", "类型", "会议名称", "地点", "主持人", "状态"]
    assert page.range_label.text() == "2026-11-23 – 2026-11-29"
    rows = shown(page)
    mornings = [d for d, k, _s in rows if k == "每日晨会"]
    assert mornings == [
        "2026-11-23 周一",
        "2026-11-24 周二",
        "2026-11-25 周三",
        "2026-11-26 周四",
        "2026-11-27 周五",
    ]
    assert ("2026-11-23 周一", "每周例会", "已安排") in rows
    assert ("2026-11-27 周五", "总经理沟通会", "已安排") in rows  # the last Friday
    assert ("2026-11-26 周四", "分析会", "已安排") in rows
    # Today's next meeting is chosen and shown on the right.
    selected = page.selected()
    assert selected is not None and selected.day == date(2026, 11, 27)
    assert selected.kind == MeetingKind.MORNING
    assert page.view.title.text() == "每日晨会"
    assert "08:30–08:50" in page.view.subtitle.text()
    assert isinstance(page.view.tab("rollcall"), RollCallView)


def test_a_holiday_week_and_a_make_up_saturday(qtbot: QtBot, page: MeetingsPage) -> None:
    page.go_to(date(2026, 10, 1))
    assert page.range_label.text() == "2026-09-28 – 2026-10-04"
    days = [d for d, k, _s in shown(page) if k == "每日晨会"]
    assert days == ["2026-09-28 周一", "2026-09-29 周二", "2026-09-30 周三"]
    assert not any(d.startswith("2026-10-01") for d, _k, _s in shown(page))

    click(qtbot, page.next_button)
    assert page.range_label.text() == "2026-10-05 – 2026-10-11"
    assert ("2026-10-10 周六", "每日晨会", "已安排") in shown(page)
    assert not any(d.startswith("2026-10-05") for d, _k, _s in shown(page))

    click(qtbot, page.today_button)
    assert page.range_label.text() == "2026-11-23 – 2026-11-29"


def test_month_view(qtbot: QtBot, page: MeetingsPage) -> None:
    click(qtbot, page.month_button)
    assert page.range_label.text() == "2026年11月"
    assert len([1 for _d, k, _s in shown(page) if k == "每日晨会"]) == 21
    click(qtbot, page.prev_button)
    assert page.range_label.text() == "2026年10月"
    click(qtbot, page.week_button)
    assert page.range_label.text() == "2026-09-28 – 2026-10-04"  # the week of 1 October


def test_cancel_with_a_reason(
    qtbot: QtBot, store: Store, supervisor: Actor, page: MeetingsPage, type_text: TypeText
) -> None:
    mid = choose(page, date(2026, 11, 27), MeetingKind.MORNING)
    click(qtbot, page.view.cancel_button)
    dialog = page.current_dialog
    assert isinstance(dialog, CancelMeetingDialog)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.error_text("reason") == "请填写原因。"
    type_text(dialog.reason, "全员外出培训")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()

    row = page.model.find_row(lambda r: r.id == mid)
    assert row is not None
    status = page.model.index(row, 6)
    assert status.data() == "已取消"
    assert status.data(Qt.ItemDataRole.ToolTipRole) == "已取消：全员外出培训"
    assert status.data(Qt.ItemDataRole.ForegroundRole).color() == MUTED
    assert "全员外出培训" in page.view.status_banner.label.text()
    assert not page.view.reschedule_button.isEnabled()
    assert not page.view.console_button.isEnabled()
    roll = page.view.tab("rollcall")
    assert isinstance(roll, RollCallView) and roll.read_only
    with store.reading() as session:
        assert meetings.summary(session, supervisor, mid).status == "cancelled"


def test_reschedule_moves_the_meeting(
    qtbot: QtBot, page: MeetingsPage, type_text: TypeText
) -> None:
    click(qtbot, page.next_button)
    mid = choose(page, date(2026, 11, 30), MeetingKind.WEEKLY)
    click(qtbot, page.view.reschedule_button)
    dialog = page.current_dialog
    assert isinstance(dialog, RescheduleDialog)
    dialog.day.setDate(QDate(2026, 12, 1))
    dialog.times.start.setTime(QTime(9, 0))
    dialog.times.end.setTime(QTime(8, 0))
    type_text(dialog.reason, "周一全行大会")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "结束时间" in dialog.error_text("end")
    dialog.times.end.setTime(QTime(9, 30))
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()

    weekly = [(d, s) for d, k, s in shown(page) if k == "每周例会"]
    assert weekly == [("2026-12-01 周二", "已安排（已改期）")]
    selected = page.selected()
    assert selected is not None and selected.id == mid
    assert page.view.status_banner.label.text() == "已改期：周一全行大会"


def test_a_notice_given_on_the_day_is_not_excused(
    qtbot: QtBot, page: MeetingsPage, type_text: TypeText
) -> None:
    choose(page, date(2026, 11, 27), MeetingKind.MORNING)
    click(qtbot, page.view.notices_button)
    notices = page.current_dialog
    assert isinstance(notices, NoticesDialog)
    assert "2026-11-26 周四 23:59" in notices.rule.text()
    assert notices.empty.isVisible()

    click(qtbot, notices.add_button)
    dialog = notices.current_dialog
    assert isinstance(dialog, NoticeDialog)
    # Told now (08:20 on the meeting day): recorded, but too late to be excused.
    assert dialog.notified_at.dateTime() == QDateTime(QDate(2026, 11, 27), QTime(8, 20))
    assert "不算事先告假" in dialog.verdict.text()
    dialog.person.setCurrentIndex(dialog.person.findText("王芳（A002）"))
    type_text(dialog.reason, "堵车")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert notices.model.rowCount() == 1
    assert [notices.model.index(0, c).data() for c in range(4)] == [
        "王芳",
        "堵车",
        "2026-11-27 08:20",
        "否：告知太晚",
    ]

    # Told the evening before: excused.
    click(qtbot, notices.add_button)
    dialog = notices.current_dialog
    assert isinstance(dialog, NoticeDialog)
    dialog.person.setCurrentIndex(dialog.person.findText("李娜（A003）"))
    dialog.notified_at.setDateTime(QDateTime(QDate(2026, 11, 26), QTime(21, 5)))
    assert dialog.verdict.text().startswith("✓ 算事先告假")
    type_text(dialog.reason, "拜访客户")
    click(qtbot, dialog.ok_button)
    assert notices.model.index(0, 3).data() == "是"  # sorted by when they told
    notices.accept()

    roll = page.view.tab("rollcall")
    assert isinstance(roll, RollCallView)
    note = roll.model.index(roll.row_of("王芳"), 4).data()
    assert "堵车" in note and "告知太晚" in note


def test_withdraw_a_notice(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    page: MeetingsPage,
    team: dict[str, int],
    messages: Messages,
) -> None:
    mid = choose(page, date(2026, 11, 27), MeetingKind.MORNING)
    with store.transaction() as session:
        meetings.record_notice(session, supervisor, mid, team["张伟"], "病假")
    click(qtbot, page.view.notices_button)
    notices = page.current_dialog
    assert isinstance(notices, NoticesDialog) and notices.model.rowCount() == 1
    assert not notices.withdraw_button.isEnabled()
    notices.table.selectRow(0)
    click(qtbot, notices.withdraw_button)
    assert messages.questions == ["撤销 张伟 的告假？"]
    assert notices.model.rowCount() == 0
    with store.reading() as session:
        assert meetings.notices(session, supervisor, mid) == {}


def test_a_manager_sees_the_calendar_and_gives_own_notice(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    make_manager: Callable[..., Actor],
    type_text: TypeText,
) -> None:
    zhang = make_manager("B001", "张三")
    li = make_manager("B002", "李四")
    with store.transaction() as session:
        found = meetings.list_meetings(session, supervisor, date(2026, 11, 30), date(2026, 11, 30))
    mid = next(m.id for m in found if m.kind == MeetingKind.MORNING)
    with store.transaction() as session:
        meetings.record_notice(session, supervisor, mid, li.staff_id or 0, "出差")

    page = open_page(qtbot, store, zhang)
    assert page.model.rowCount() > 0
    assert not page.new_button.isVisible()
    assert not page.view.tabs.isVisible() and page.view.manager_note.isVisible()
    assert not page.view.reschedule_button.isVisible()
    assert page.view.notices_button.text() == "我要告假…"

    click(qtbot, page.next_button)
    choose(page, date(2026, 11, 30), MeetingKind.MORNING)
    click(qtbot, page.view.notices_button)
    notices = page.current_dialog
    assert isinstance(notices, NoticesDialog)
    assert notices.model.rowCount() == 0  # 李四's notice is not theirs to see
    assert not notices.withdraw_button.isVisible()
    click(qtbot, notices.add_button)
    dialog = notices.current_dialog
    assert isinstance(dialog, NoticeDialog)
    assert not dialog.person.isEnabled() and dialog.person.currentText() == "张三"
    assert dialog.verdict.text().startswith("✓")  # three days ahead
    type_text(dialog.reason, "陪同客户")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert [notices.model.index(0, c).data() for c in (0, 1, 3)] == ["张三", "陪同客户", "是"]
    with store.reading() as session:
        assert set(meetings.notices(session, supervisor, mid)) == {zhang.staff_id, li.staff_id}


def test_new_ad_hoc_meeting(qtbot: QtBot, page: MeetingsPage, type_text: TypeText) -> None:
    click(qtbot, page.new_button)
    dialog = page.current_dialog
    assert isinstance(dialog, AdhocMeetingDialog)
    click(qtbot, dialog.ok_button)
    assert dialog.error_text("title") == "请填写会议名称。"
    type_text(dialog.title_edit, "年终营销启动会")
    dialog.day.setDate(QDate(2026, 12, 2))
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert page.range_label.text() == "2026-11-30 – 2026-12-06"
    selected = page.selected()
    assert selected is not None and selected.title == "年终营销启动会"
    assert ("2026-12-02 周三", "临时会议", "已安排") in shown(page)
    assert page.view.title.text() == "年终营销启动会（临时会议）"


def test_people_and_delegated_host(qtbot: QtBot, page: MeetingsPage, type_text: TypeText) -> None:
    click(qtbot, page.next_button)
    choose(page, date(2026, 11, 30), MeetingKind.WEEKLY)
    assert "必须有记录人" in page.view.taker_label.text()
    click(qtbot, page.view.people_button)
    dialog = page.current_dialog
    assert isinstance(dialog, PeopleDialog)
    dialog.minute_taker.setCurrentIndex(dialog.minute_taker.findText("李娜（A003）"))
    dialog.place.setText("三楼会议室")
    click(qtbot, dialog.ok_button)
    assert page.view.taker_label.text() == "李娜"
    assert "三楼会议室" in page.view.subtitle.text()

    click(qtbot, page.view.delegate_button)
    dialog = page.current_dialog
    assert isinstance(dialog, DelegateHostDialog)
    dialog.person.setCurrentIndex(dialog.person.findText("张伟（A001）"))
    type_text(dialog.note, "在总行培训")
    click(qtbot, dialog.ok_button)
    assert page.view.host_label.text() == "张伟（由 王主管 委派） — 在总行培训"
    selected = page.selected()
    assert selected is not None and selected.host == "张伟"


def test_the_tabs_hold_roll_call_signing_and_minutes(qtbot: QtBot, page: MeetingsPage) -> None:
    from app.ui.minutes_editor import MinutesEditor
    from app.ui.signing_panel import SigningPanel

    assert [page.view.tabs.tabText(i) for i in range(3)] == ["点名", "签到", "会议纪要"]
    assert isinstance(page.view.show_tab("signing"), SigningPanel)
    assert isinstance(page.view.show_tab("minutes"), MinutesEditor)
    roll = page.view.show_tab("rollcall")
    assert isinstance(roll, RollCallView)
    # Another meeting: the tabs are built afresh for it.
    choose(page, date(2026, 11, 26), MeetingKind.MORNING)
    other = page.view.tab("rollcall")
    assert isinstance(other, RollCallView) and other is not roll
    assert page.view.tab("signing") is None


def test_typed_minutes_are_kept_when_another_meeting_is_chosen(
    qtbot: QtBot, store: Store, supervisor: Actor, page: MeetingsPage, type_text: TypeText
) -> None:
    from app.services import minutes
    from app.ui.minutes_editor import MinutesEditor

    mid = choose(page, date(2026, 11, 27), MeetingKind.MORNING)
    editor = page.view.show_tab("minutes")
    assert isinstance(editor, MinutesEditor)
    type_text(editor.section_edits[0], "传达第四季度营销文件")
    assert editor.dirty
    choose(page, date(2026, 11, 26), MeetingKind.MORNING)
    other = page.view.tab("minutes")
    assert isinstance(other, MinutesEditor) and other.meeting_id != mid
    assert page.view.details is not None and page.view.details.summary.day == date(2026, 11, 26)
    with store.reading() as session:
        draft = minutes.load_draft(session, supervisor, mid)
    assert draft.sections[0].text == "传达第四季度营销文件"


def test_blank_sign_in_sheet(
    qtbot: QtBot, page: MeetingsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import printing

    got: list[tuple[str, bytes, str]] = []
    monkeypatch.setattr(
        printing, "print_pdf", lambda _p, pdf, title: got.append(("print", pdf, title))
    )
    monkeypatch.setattr(printing, "save_pdf", lambda _p, pdf, name: got.append(("save", pdf, name)))
    choose(page, date(2026, 11, 27), MeetingKind.MORNING)
    page.view.print_sheet_action.trigger()
    page.view.save_sheet_action.trigger()
    assert [g[0] for g in got] == ["print", "save"]
    assert all(g[1].startswith(b"%PDF-") for g in got)
    assert got[1][2] == "会议签到表 2026-11-27 每日晨会"


def test_the_console_opens_for_a_morning_meeting(
    qtbot: QtBot, page: MeetingsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.morning_console import MorningConsole

    monkeypatch.setattr(MorningConsole, "open_full_screen", MorningConsole.show)
    choose(page, date(2026, 11, 27), MeetingKind.MONTHLY_GM)
    assert not page.view.console_button.isEnabled()
    choose(page, date(2026, 11, 27), MeetingKind.MORNING)
    click(qtbot, page.view.console_button)
    console = page.console
    assert isinstance(console, MorningConsole) and console.isVisible()
    with qtbot.waitSignal(console.closed, timeout=1000):
        qtbot.keyClick(console, Qt.Key.Key_Escape)
    assert page.console is None
