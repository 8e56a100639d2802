"""The supervisor's review queue for the weekly summaries, driven as a user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import SummaryText
from app.ui import weekly_review
from app.ui.weekly_review import ReasonDialog, ReviewQueueView, SummaryReviewDialog
from tests.ui.conftest import Messages

W47 = date(2026, 11, 16)
W48 = date(2026, 11, 23)  # Friday 2026-11-27; due 17:30 Shanghai = 09:30 UTC
TUESDAY = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
LAST_FRIDAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
FRIDAY_1605 = datetime(2026, 11, 27, 8, 5, tzinfo=UTC)  # 1 h 25 min before the deadline

STATE, SUBMITTED_AT, REVISION = 2, 3, 4


def _draft(store: Store, who: Actor, week: date, services: str, problems: str = "") -> int:
    assert who.staff_id is not None
    with store.transaction() as s:
        view = weekly.save_draft(
            s, who, who.staff_id, week, SummaryText(services=services, problems=problems), []
        )
    assert view.id is not None
    return view.id


def _submit(store: Store, who: Actor, week: date) -> None:
    assert who.staff_id is not None
    with store.transaction() as s:
        weekly.submit(s, who, who.staff_id, week)


@pytest.fixture
def team(store: Store, supervisor: Actor, make_manager: Callable[..., Actor]) -> dict[str, Actor]:
    """W48 on Friday afternoon: 张三 submitted, 李四 nothing, 王五 a draft, 赵六 approved,
    钱七 returned; 张三 also handed in W47."""
    people = {
        name: make_manager(no, name)
        for no, name in [
            ("A001", "张三"),
            ("A002", "李四"),
            ("A003", "王五"),
            ("A004", "赵六"),
            ("A005", "钱七"),
        ]
    }
    with time_machine.travel(LAST_FRIDAY, tick=False):
        _draft(store, people["张三"], W47, "上周：走访<王总>，办理理财 2 笔")
        _submit(store, people["张三"], W47)
    with time_machine.travel(TUESDAY, tick=False):
        _draft(store, people["王五"], W48, "还在写")
        approved = _draft(store, people["赵六"], W48, "开户 5 户")
        _submit(store, people["赵六"], W48)
        returned = _draft(store, people["钱七"], W48, "太简单")
        _submit(store, people["钱七"], W48)
        with store.transaction() as s:
            weekly.approve(s, supervisor, approved, "不错")
            weekly.return_for_revision(s, supervisor, returned, "请补充客户反馈")
    with time_machine.travel(datetime(2026, 11, 27, 7, 12, tzinfo=UTC), tick=False):
        _draft(store, people["张三"], W48, "本周：走访李总，办理贷款 1 笔", "客户嫌利率高")
        _submit(store, people["张三"], W48)
    return people


@pytest.fixture
def friday() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(FRIDAY_1605, tick=False) as traveller:
        yield traveller


def _queue(qtbot: QtBot, store: Store, actor: Actor) -> ReviewQueueView:
    view = ReviewQueueView(store, actor)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    return view


def _states(view: ReviewQueueView) -> dict[str, str]:
    return {
        view.cell_text(row, 1): view.cell_text(row, STATE) for row in range(view.model.rowCount())
    }


def test_the_queue_lists_every_managers_state_with_times(
    qtbot: QtBot, store: Store, supervisor: Actor, team: dict[str, Actor], friday: object
) -> None:
    view = _queue(qtbot, store, supervisor)
    assert view.picker.label.text() == "2026-W48（11-23 – 11-29）"
    assert view.deadline_label.text() == "截止：周五 11-27 17:30"
    assert _states(view) == {
        "张三": "已提交",
        "李四": "未提交",
        "王五": "草稿",
        "赵六": "已批准",
        "钱七": "已退回",
    }
    zhang = view.row_of("张三")
    assert view.cell_text(zhang, 0) == "A001"
    assert view.cell_text(zhang, SUBMITTED_AT) == "11-27 15:12"  # branch time, not UTC
    assert view.cell_text(view.row_of("李四"), SUBMITTED_AT) == "—"
    colors = {
        name: view.model.data(
            view.model.index(view.row_of(name), STATE), Qt.ItemDataRole.ForegroundRole
        )
        .color()
        .name()
        for name in ("李四", "张三", "赵六")
    }
    assert colors == {"李四": "#c0392b", "张三": "#1f6feb", "赵六": "#1e8449"}
    assert view.board_label.text() == (
        "已提交 2 / 5 · 未交 1 · 草稿 1 · 退回 1 · 待审阅 1 · 距截止 1小时25分"
    )
    assert "尚未生成" in view.rollup_label.text()


def test_the_board_counts_down_when_the_timer_fires(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    team: dict[str, Actor],
    friday: time_machine.Traveller,
) -> None:
    view = _queue(qtbot, store, supervisor)
    view.show()
    assert view.timer.isActive() and view.timer.interval() == 30_000
    assert view.board_label.text().endswith("距截止 1小时25分")
    friday.move_to(datetime(2026, 11, 27, 9, 0, 30, tzinfo=UTC))
    assert view.board_label.text().endswith("距截止 1小时25分")  # nothing moves by itself
    view.timer.timeout.emit()
    assert view.board_label.text().endswith("距截止 29分钟")
    # 李四 hands in after the deadline: the next tick shows it.
    friday.move_to(datetime(2026, 11, 27, 10, 40, tzinfo=UTC))
    _draft(store, team["李四"], W48, "补上了")
    _submit(store, team["李四"], W48)
    view.timer.timeout.emit()
    assert view.board_label.text() == (
        "已提交 3 / 5 · 未交 0 · 草稿 1 · 退回 1 · 逾期 1 · 待审阅 2 · 已过截止 1小时10分"
    )
    assert _states(view)["李四"] == "逾期提交"
    assert "已过截止时间" in view.reminder_texts()[0]
    # Out of sight it rests, and catches up when shown again.
    view.hide()
    friday.move_to(datetime(2026, 11, 27, 11, 0, tzinfo=UTC))
    view.timer.timeout.emit()
    assert view.board_label.text().endswith("已过截止 1小时10分")
    view.show()
    assert view.board_label.text().endswith("已过截止 1小时30分")


def test_copying_reminders_for_those_not_handed_in(
    qtbot: QtBot, store: Store, supervisor: Actor, team: dict[str, Actor], friday: object
) -> None:
    view = _queue(qtbot, store, supervisor)
    assert view.reminders_title.text() == "未提交提醒（3）"
    names = [row.line.name for row in view.reminder_rows]
    assert names == ["李四", "王五", "钱七"]
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(view.reminder_rows[0].copy_button, Qt.MouseButton.LeftButton)
    assert (
        QGuiApplication.clipboard().text()
        == "李四：本周《每周工作进度汇总表》尚未提交，请于周五17:30前提交。"
    )
    qtbot.mouseClick(view.copy_all_button, Qt.MouseButton.LeftButton)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert [line.split("：")[0] for line in lines] == ["李四", "王五", "钱七"]


def _open(qtbot: QtBot, view: ReviewQueueView, name: str) -> SummaryReviewDialog:
    view.show()
    view.table.setFocus()
    view.table.selectRow(view.row_of(name))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = view.current_dialog
    assert isinstance(dialog, SummaryReviewDialog)
    qtbot.addWidget(dialog)
    return dialog


def test_a_submitted_summary_opens_beside_last_weeks(
    qtbot: QtBot, store: Store, supervisor: Actor, team: dict[str, Actor], friday: object
) -> None:
    view = _queue(qtbot, store, supervisor)
    dialog = _open(qtbot, view, "张三")
    this_week = dialog.current_pane.toPlainText()
    assert "本周：走访李总" in this_week and "客户嫌利率高" in this_week
    assert "11-27 15:12" in this_week
    last_week = dialog.last_pane.toPlainText()
    assert "上周：走访<王总>" in last_week  # escaped, shown as written
    assert "2026-W47" in last_week
    assert "<王总>" not in dialog.last_pane.toHtml()
    assert dialog.approve_button.isEnabled() and dialog.return_button.isEnabled()
    assert not dialog.comment_button.isEnabled()  # nothing written yet


def test_return_needs_a_reason_and_shows_in_the_queue(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    team: dict[str, Actor],
    friday: object,
    type_text: Callable[..., None],
) -> None:
    view = _queue(qtbot, store, supervisor)
    dialog = _open(qtbot, view, "张三")
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    ask = dialog.current_dialog
    assert isinstance(ask, ReasonDialog)
    assert not ask.ok_button.isEnabled()
    type_text(ask.edit, "   ")
    assert not ask.ok_button.isEnabled()
    type_text(ask.edit, "缺少周二的服务日志")
    assert ask.ok_button.isEnabled()
    qtbot.mouseClick(ask.ok_button, Qt.MouseButton.LeftButton)
    assert _states(view)["张三"] == "已退回"
    assert not dialog.approve_button.isEnabled() and not dialog.return_button.isEnabled()
    assert "缺少周二的服务日志" in dialog.current_pane.toPlainText()
    assert "退回修改" in dialog.history.toPlainText()


def test_approve_with_a_comment_changes_the_state_in_the_table(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    team: dict[str, Actor],
    friday: object,
    type_text: Callable[..., None],
) -> None:
    view = _queue(qtbot, store, supervisor)
    dialog = _open(qtbot, view, "张三")
    type_text(dialog.comment_edit, "客户反馈写得具体")
    assert dialog.comment_button.isEnabled()
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    zhang = view.row_of("张三")
    assert view.cell_text(zhang, STATE) == "已批准"
    assert view.cell_text(zhang, 5) == "11-27 16:05"  # reviewed at
    assert "客户反馈写得具体" in dialog.current_pane.toPlainText()
    assert not dialog.approve_button.isEnabled()
    # A comment on the approved summary is still possible (Ctrl+Enter posts it).
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    type_text(dialog.comment_edit, "下周继续跟进李总")
    qtbot.keyClick(dialog.comment_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "下周继续跟进李总" in dialog.history.toPlainText()


def test_review_buttons_follow_the_state(
    qtbot: QtBot, store: Store, supervisor: Actor, team: dict[str, Actor], friday: object
) -> None:
    view = _queue(qtbot, store, supervisor)
    view.show()
    for name in ("王五", "赵六", "钱七"):
        rect = view.table.visualRect(view.model.index(view.row_of(name), 1))
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        dialog = view.current_dialog
        assert isinstance(dialog, SummaryReviewDialog) and dialog.view.name == name
        assert not dialog.approve_button.isEnabled(), name
        assert not dialog.return_button.isEnabled(), name
        dialog.reject()


def test_a_missing_summary_says_so(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    team: dict[str, Actor],
    friday: object,
    messages: Messages,
) -> None:
    view = _queue(qtbot, store, supervisor)
    assert view.open_row(view.row_of("李四")) is None
    assert messages.infos == ["李四尚未保存 2026-W48 的汇总表。"]


def test_weeks_change_with_the_buttons_and_alt_arrows(
    qtbot: QtBot, store: Store, supervisor: Actor, team: dict[str, Actor], friday: object
) -> None:
    view = _queue(qtbot, store, supervisor)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    view.table.setFocus()
    assert not view.picker.this_week_button.isEnabled()
    # A button's shortcut "animates" a click: it lands a moment later.
    qtbot.keyClick(view.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.week() == W47)
    assert view.picker.label.text() == "2026-W47（11-16 – 11-22）"
    assert _states(view)["张三"] == "已提交"
    assert _states(view)["王五"] == "未提交"
    assert view.board_label.text().endswith("已过截止 6天22小时")
    qtbot.mouseClick(view.picker.next_button, Qt.MouseButton.LeftButton)
    assert view.week() == W48
    qtbot.keyClick(view.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.week() == date(2026, 11, 30))
    qtbot.mouseClick(view.picker.this_week_button, Qt.MouseButton.LeftButton)
    assert view.week() == W48


def test_a_manager_is_not_offered_the_queue(
    qtbot: QtBot, store: Store, team: dict[str, Actor], friday: object
) -> None:
    view = _queue(qtbot, store, team["张三"])
    view.show()
    assert view.notice.isVisible()
    assert view.notice.text() == "审阅队列只供主管使用。"
    assert not view.content.isVisible()
    assert view.status is None


def test_export_rollup_writes_the_file_and_shows_it_produced(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    team: dict[str, Actor],
    friday: object,
    messages: Messages,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def answer(_parent: object, suggested: str, suffix: str, *_args: object) -> Path:
        asked.append(suggested)
        return tmp_path / ("rollup" + suffix)

    monkeypatch.setattr(weekly_review, "ask_save_path", answer)
    view = _queue(qtbot, store, supervisor)
    qtbot.mouseClick(view.xlsx_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].endswith("2026-W48.xlsx")
    written = tmp_path / "rollup.xlsx"
    assert written.read_bytes()[:2] == b"PK"
    assert messages.errors == []
    assert messages.infos and str(written) in messages.infos[0]
    assert "11-27 16:05" in view.rollup_label.text() and "按时" in view.rollup_label.text()


def test_a_failed_export_is_explained(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    team: dict[str, Actor],
    friday: object,
    messages: Messages,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        weekly_review, "ask_save_path", lambda *_a: tmp_path / "no-such-folder" / "r.pdf"
    )
    view = _queue(qtbot, store, supervisor)
    qtbot.mouseClick(view.pdf_button, Qt.MouseButton.LeftButton)
    assert len(messages.errors) == 1 and "r.pdf" in messages.errors[0]
    assert "尚未生成" in view.rollup_label.text()


def test_the_summary_html_shows_the_plan_checklist_and_escapes_text(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    from app.services.weekly import CustomerInput, LogInput, PlanInput
    from app.ui.weekly_summary_html import render

    zhang = make_manager("A001", "张三")
    sid = zhang.staff_id
    assert sid is not None
    with time_machine.travel(LAST_FRIDAY, tick=False), store.transaction() as s:
        wang = weekly.add_customer(s, zhang, CustomerInput(sid, "王总")).id
        li = weekly.add_customer(s, zhang, CustomerInput(sid, "李<b>总</b>")).id
        weekly.add_plan(s, zhang, PlanInput(sid, wang, W48, date(2026, 11, 24), "理财到期"))
        moved = weekly.add_plan(s, zhang, PlanInput(sid, li, W48, date(2026, 11, 25), "回访"))
        weekly.add_plan(s, zhang, PlanInput(sid, wang, date(2026, 11, 30), None, "签约"))
    with time_machine.travel(FRIDAY_1605, tick=False), store.transaction() as s:
        weekly.add_log(s, zhang, LogInput(sid, wang, date(2026, 11, 24), "介绍大额存单"))
        weekly.set_plan_outcome(s, zhang, moved.id, "moved", "客户出差", date(2026, 12, 2))
        visits = weekly.prefill_visits(s, sid, W48)
        weekly.save_draft(
            s, zhang, sid, W48, SummaryText(problems="<script>alert(1)</script>\n第二行"), visits
        )
        weekly.submit(s, zhang, sid, W48)
        html = render(weekly.get_summary(s, supervisor, sid, W48))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "李&lt;b&gt;总&lt;/b&gt;" in html and "<b>总</b>" not in html
    assert "第二行" in html and "<br>第二行" in html
    for text in (
        "张三 · 2026-W48（11-23 – 11-29）",
        "已提交",
        "11-27 16:05 提交，按时",
        "本周拜访（1）",
        "介绍大额存单",
        "存在问题",
        "上周拜访计划完成情况",
        "已完成",
        "改期",
        "改至 12-02 周三：客户出差",
        "下周客户拜访计划",
        "签约",
        "（未填写）",
    ):
        assert text in html, text


def test_enter_opens_the_first_waiting_and_next_goes_through_the_pile(
    qtbot: QtBot, store: Store, supervisor: Actor, team: dict[str, Actor], friday: object
) -> None:
    _draft(store, team["李四"], W48, "李四的一周")
    _submit(store, team["李四"], W48)
    view = _queue(qtbot, store, supervisor)
    view.show()
    assert view.selected_line() is not None and view.selected_line().name == "张三"  # type: ignore[union-attr]
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Enter)
    first = view.current_dialog
    assert isinstance(first, SummaryReviewDialog) and first.view.name == "张三"
    assert first.next_button.isEnabled()
    qtbot.mouseClick(first.approve_button, Qt.MouseButton.LeftButton)
    assert first.next_button.isEnabled()  # 李四 still waits
    qtbot.mouseClick(first.next_button, Qt.MouseButton.LeftButton)
    second = view.current_dialog
    assert isinstance(second, SummaryReviewDialog) and second is not first
    qtbot.addWidget(second)
    assert second.view.name == "李四" and "李四的一周" in second.current_pane.toPlainText()
    assert not second.next_button.isEnabled()  # nobody else waits
    assert view.selected_line().name == "李四"  # type: ignore[union-attr]
