"""The weekly summary editor: prefill, autosave, submit on time and late, the checklist
of last week's plan, a returned summary revised, and the Excel buttons."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

import app.services
from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import CustomerInput, LogInput, PlanInput
from app.ui import summary_editor
from app.ui.summary_editor import SummaryEditor

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

W47 = date(2026, 11, 16)
W48 = date(2026, 11, 23)
WEDNESDAY = datetime(2026, 11, 25, 8, 5, tzinfo=UTC)  # 16:05 in Shanghai
BEFORE = datetime(2026, 11, 27, 9, 29, 59, tzinfo=UTC)
AFTER = datetime(2026, 11, 27, 9, 30, 1, tzinfo=UTC)


@dataclass
class Week:
    store: Store
    zhang: Actor
    supervisor: Actor
    customers: dict[str, int] = field(default_factory=dict)

    @property
    def staff_id(self) -> int:
        assert self.zhang.staff_id is not None
        return self.zhang.staff_id


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def week(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor], clock: object
) -> Week:
    w = Week(store, make_manager("A001", "张三"), supervisor)
    with store.transaction() as s:
        for name in ("王老板", "赵女士", "钱先生"):
            w.customers[name] = weekly.add_customer(s, w.zhang, CustomerInput(w.staff_id, name)).id
        weekly.add_log(
            s,
            w.zhang,
            LogInput(w.staff_id, w.customers["王老板"], date(2026, 11, 23), "介绍理财产品"),
        )
        weekly.add_log(
            s,
            w.zhang,
            LogInput(w.staff_id, w.customers["钱先生"], date(2026, 11, 24), "办理大额存单"),
        )
    return w


def plan(w: Week, name: str, week_start: date = W48) -> int:
    with w.store.transaction() as s:
        return weekly.add_plan(
            s, w.zhang, PlanInput(w.staff_id, w.customers[name], week_start, purpose="回访")
        ).id


def open_editor(qtbot: QtBot, w: Week) -> SummaryEditor:
    editor = SummaryEditor(w.store, w.zhang, w.staff_id, W48)
    qtbot.addWidget(editor)
    editor.resize(1100, 900)
    return editor


def visit_cells(editor: SummaryEditor) -> list[tuple[str, str, str]]:
    return [
        (row.day.date().toString("MM-dd"), row.customer.currentText(), row.content.text())
        for row in editor.visit_rows
    ]


def fill_texts(editor: SummaryEditor, type_text: Callable[..., None]) -> None:
    type_text(editor.text_edits["services"], "为两位客户办理业务")
    type_text(editor.text_edits["problems"], "无")


def test_visits_are_prefilled_from_the_logs(qtbot: QtBot, week: Week) -> None:
    editor = open_editor(qtbot, week)
    assert visit_cells(editor) == [
        ("11-23", "王老板", "介绍理财产品"),
        ("11-24", "钱先生", "办理大额存单"),
    ]
    assert "预填" in editor.visits_hint.text()
    assert "草稿" in editor.banner.label.text()
    assert editor.deadline_label.text() == "截止时间 11-27 周五 17:30 · 还剩 2 天 1 小时"
    assert editor.title.text() == "每周工作进度汇总表"


def test_typing_then_waiting_saves_a_draft(
    qtbot: QtBot, week: Week, type_text: Callable[..., None]
) -> None:
    editor = open_editor(qtbot, week)
    type_text(editor.text_edits["services"], "为两位客户办理业务")
    assert editor.dirty and editor.autosave_timer.isActive()
    assert editor.save_status.text() == "正在编辑…"
    editor.autosave_timer.timeout.emit()  # the debounce ran out
    assert not editor.dirty
    assert editor.save_status.text() == "已自动保存 16:05"
    with week.store.reading() as s:
        view = weekly.get_summary(s, week.zhang, week.staff_id, W48)
    assert view.state == "draft" and view.text.services == "为两位客户办理业务"
    assert [v.content for v in view.visits] == ["介绍理财产品", "办理大额存单"]

    editor.close()
    again = open_editor(qtbot, week)
    assert again.text_edits["services"].toPlainText() == "为两位客户办理业务"


def test_edited_visit_rows_are_saved(
    qtbot: QtBot, week: Week, type_text: Callable[..., None]
) -> None:
    editor = open_editor(qtbot, week)
    editor.visits_table.selectRow(0)
    qtbot.mouseClick(editor.remove_visit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.add_visit_button, Qt.MouseButton.LeftButton)
    row = editor.visit_rows[-1]
    assert row.day.date().toString("MM-dd") == "11-25"  # today
    row.customer.setEditText("赵女士")
    type_text(row.content, "电话回访")
    assert editor.save_by_hand()
    with week.store.reading() as s:
        view = weekly.get_summary(s, week.zhang, week.staff_id, W48)
    assert [(v.customer_name, v.content) for v in view.visits] == [
        ("钱先生", "办理大额存单"),
        ("赵女士", "电话回访"),
    ]


def test_unknown_customer_in_a_row_is_named(qtbot: QtBot, week: Week, messages: Messages) -> None:
    editor = open_editor(qtbot, week)
    qtbot.mouseClick(editor.add_visit_button, Qt.MouseButton.LeftButton)
    editor.visit_rows[-1].customer.setEditText("孙经理")
    assert not editor.save_by_hand()
    assert messages.errors == ["拜访情况第 3 行：孙经理 不在您的客户名册中。"]
    assert "未保存" in editor.save_status.text()


def test_submit_before_the_deadline(
    qtbot: QtBot,
    week: Week,
    clock: time_machine.Traveller,
    messages: Messages,
    type_text: Callable[..., None],
) -> None:
    editor = open_editor(qtbot, week)
    fill_texts(editor, type_text)
    clock.move_to(BEFORE)
    with qtbot.waitExposed(editor):
        editor.show()
    with qtbot.waitActive(editor):
        editor.activateWindow()
    editor.text_edits["problems"].setFocus()
    qtbot.keyClick(
        editor.text_edits["problems"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )  # Ctrl+Enter submits
    assert editor.read_only
    assert "逾期" not in messages.questions[-1]
    assert editor.banner.label.text() == "已于 11-27 周五 17:29 按时提交，等待主管审阅。"
    assert editor.read_only and editor.text_edits["services"].isReadOnly()
    assert not editor.submit_button.isVisible()
    assert not editor.add_visit_button.isEnabled()
    with week.store.reading() as s:
        view = weekly.get_summary(s, week.zhang, week.staff_id, W48)
    assert view.state == "submitted" and not view.late


def test_submit_after_the_deadline_is_marked_late(
    qtbot: QtBot,
    week: Week,
    clock: time_machine.Traveller,
    messages: Messages,
    type_text: Callable[..., None],
) -> None:
    clock.move_to(AFTER)
    editor = open_editor(qtbot, week)
    assert "已超过截止时间" in editor.deadline_label.text()
    fill_texts(editor, type_text)
    assert editor.submit()
    assert "逾期" in messages.questions[-1]
    assert editor.banner.label.text().startswith("已于 11-27 周五 17:30 逾期提交")
    with week.store.reading() as s:
        assert weekly.get_summary(s, week.zhang, week.staff_id, W48).late


def test_declining_the_confirmation_submits_nothing(
    qtbot: QtBot, week: Week, messages: Messages
) -> None:
    messages.answer = False
    editor = open_editor(qtbot, week)
    assert not editor.submit()
    assert not editor.read_only
    with week.store.reading() as s:
        assert weekly.get_summary(s, week.zhang, week.staff_id, W48).state == "draft"


def test_unexplained_planned_visit_then_moved(
    qtbot: QtBot, week: Week, messages: Messages, type_text: Callable[..., None]
) -> None:
    plan(week, "王老板")  # done: a log matches
    plan(week, "赵女士")  # not done
    editor = open_editor(qtbot, week)
    table = editor.checklist_table
    assert table.item(0, 3).text() == "已完成（11-23 周一）"
    assert editor.checklist_rows[1].outcome is not None

    assert not editor.submit()
    assert messages.errors == ["以下计划拜访未完成，请说明改期或取消的原因：赵女士。"]
    assert messages.questions == []  # stopped before asking

    entry = editor.checklist_rows[1]
    assert entry.outcome is not None and entry.reason is not None and entry.moved_to is not None
    entry.outcome.setCurrentIndex(entry.outcome.findData("moved"))
    assert entry.moved_to.isEnabled() and entry.reason.isEnabled()
    entry.moved_to.setDate(QDate(2026, 12, 1))
    editor.autosave_timer.timeout.emit()  # no reason yet: autosave leaves it for later
    type_text(entry.reason, "客户出差")
    assert editor.submit()
    with week.store.reading() as s:
        view = weekly.get_summary(s, week.zhang, week.staff_id, W48)
    assert view.state == "submitted"
    moved = view.checklist[1]
    assert (moved.outcome, moved.reason, moved.moved_to) == ("moved", "客户出差", date(2026, 12, 1))
    # read-only now: the explanation is shown as text
    assert editor.checklist_table.item(1, 3).text() == "改期"
    assert editor.checklist_table.item(1, 5).text() == "客户出差"


def test_moved_without_a_reason_points_at_the_row(
    qtbot: QtBot, week: Week, messages: Messages
) -> None:
    plan(week, "赵女士")
    editor = open_editor(qtbot, week)
    entry = editor.checklist_rows[0]
    assert entry.outcome is not None
    entry.outcome.setCurrentIndex(entry.outcome.findData("dropped"))
    assert not editor.submit()
    assert messages.errors == ["赵女士：请填写改期或取消的原因。"]
    assert entry.reason is not None and "border" in entry.reason.styleSheet()


def test_next_weeks_plan_add_and_remove(qtbot: QtBot, week: Week, messages: Messages) -> None:
    editor = open_editor(qtbot, week)
    assert editor.plans_empty.text() == "2026-W49 尚无拜访计划。"
    qtbot.mouseClick(editor.add_plan_button, Qt.MouseButton.LeftButton)
    dialog = editor.current_dialog
    assert dialog is not None
    dialog.customer.setEditText("赵女士")  # type: ignore[attr-defined]
    dialog.accept()
    assert editor.plans_table.rowCount() == 1
    assert editor.plans_table.item(0, 1).text() == "赵女士"
    editor.plans_table.selectRow(0)
    qtbot.mouseClick(editor.remove_plan_button, Qt.MouseButton.LeftButton)
    assert editor.plans_table.rowCount() == 0


def test_a_returned_summary_is_revised(
    qtbot: QtBot,
    week: Week,
    clock: time_machine.Traveller,
    messages: Messages,
    type_text: Callable[..., None],
) -> None:
    editor = open_editor(qtbot, week)
    fill_texts(editor, type_text)
    assert editor.submit()
    with week.store.transaction() as s:
        summary_id = weekly.get_summary(s, week.zhang, week.staff_id, W48).id
        assert summary_id is not None
        weekly.return_for_revision(s, week.supervisor, summary_id, "请补充客户需求")
    editor.close()

    editor = open_editor(qtbot, week)
    assert editor.read_only
    assert editor.banner.label.text() == "已退回修改：请补充客户需求"
    assert editor.revise_button.isVisibleTo(editor)
    assert editor.revise_button.text() == "开始修改"
    qtbot.mouseClick(editor.revise_button, Qt.MouseButton.LeftButton)
    assert not editor.read_only
    assert editor.view is not None and editor.view.revision == 2
    assert "第 2 版" in editor.info.text()
    assert editor.text_edits["services"].toPlainText() == "为两位客户办理业务"
    type_text(editor.text_edits["needs_trends"], "客户关注大额存单利率")
    assert editor.submit()
    with week.store.reading() as s:
        view = weekly.get_summary(s, week.zhang, week.staff_id, W48)
    assert (view.revision, view.state, view.text.needs_trends) == (
        2,
        "submitted",
        "客户关注大额存单利率",
    )


# --- the Excel buttons, with a stand-in for the Excel service -------------------------------


@dataclass
class Accepted:
    file: str
    staff_id: int
    employee_no: str
    name: str
    week: str
    action: str
    revision: int
    late: bool


@dataclass
class Rejection:
    file: str
    sheet: str
    cell: str
    reason: str


@pytest.fixture
def fake_excel(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    calls = types.SimpleNamespace(imported=[])
    module = types.ModuleType("app.services.weekly_excel")

    def template_bytes(session: object, actor: Actor, staff_id: int, week_start: date) -> bytes:
        return b"PK-fake-xlsx"

    def template_name(session: object, actor: Actor, staff_id: int, week_start: date) -> str:
        return "张三-2026-W48.xlsx"

    def import_files(session: object, actor: Actor, paths: list[Path], **kw: object) -> object:
        calls.imported.append((list(paths), kw))
        return types.SimpleNamespace(
            accepted=[Accepted("a.xlsx", 1, "A001", "张三", "2026-W48", "created", 1, False)],
            rejected=[Rejection("b.xlsx", "每周工作进度汇总表", "C5", "这不是日期")],
        )

    module.template_bytes = template_bytes  # type: ignore[attr-defined]
    module.template_name = template_name  # type: ignore[attr-defined]
    module.import_files = import_files  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.services.weekly_excel", module)
    monkeypatch.setattr(app.services, "weekly_excel", module, raising=False)
    return calls


def test_export_template_writes_the_file(
    qtbot: QtBot,
    week: Week,
    tmp_path: Path,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    fake_excel: types.SimpleNamespace,
) -> None:
    suggested: list[Path] = []

    def choose(_parent: object, _title: str, path: Path, _filters: str) -> Path:
        suggested.append(path)
        return tmp_path / "template"

    monkeypatch.setattr(summary_editor, "choose_save_path", choose)
    editor = open_editor(qtbot, week)
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    assert suggested[0].name == "张三-2026-W48.xlsx"
    assert (tmp_path / "template.xlsx").read_bytes() == b"PK-fake-xlsx"
    assert "template.xlsx" in messages.infos[-1]


def test_import_shows_accepted_and_rejected_with_cells(
    qtbot: QtBot,
    week: Week,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    fake_excel: types.SimpleNamespace,
) -> None:
    monkeypatch.setattr(
        summary_editor,
        "choose_open_paths",
        lambda *_a: [Path("/x/a.xlsx"), Path("/x/b.xlsx")],
    )
    editor = open_editor(qtbot, week)
    qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    paths, kw = fake_excel.imported[0]
    assert paths == [Path("/x/a.xlsx"), Path("/x/b.xlsx")]
    assert kw == {"week_start": W48, "staff_id": week.staff_id}
    assert messages.errors == [
        "✓ a.xlsx：已导入为第 1 版\n✗ b.xlsx · 每周工作进度汇总表 · C5：这不是日期"
    ]


def test_export_with_the_real_excel_service(
    qtbot: QtBot, week: Week, tmp_path: Path, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_editor, "choose_save_path", lambda *_a: tmp_path / "w48.xlsx")
    editor = open_editor(qtbot, week)
    assert editor.export_template() == tmp_path / "w48.xlsx"
    assert (tmp_path / "w48.xlsx").read_bytes()[:2] == b"PK"  # a zip: an xlsx workbook


def test_hiding_the_editor_saves_at_once(
    qtbot: QtBot, week: Week, type_text: Callable[..., None]
) -> None:
    editor = open_editor(qtbot, week)
    editor.show()
    type_text(editor.text_edits["suggestions"], "增加上门服务人手")
    editor.hide()
    assert not editor.autosave_timer.isActive()
    with week.store.reading() as s:
        view = weekly.get_summary(s, week.zhang, week.staff_id, W48)
    assert view.text.suggestions == "增加上门服务人手"


def test_my_week_tabs_follow_the_week_and_each_other(
    qtbot: QtBot, week: Week, messages: Messages
) -> None:
    from app.ui.my_week import MyWeekView

    page = MyWeekView(week.store, week.zhang)
    qtbot.addWidget(page)
    assert [page.tabs.tabText(i) for i in range(3)] == ["本周汇总", "出行与日志", "客户名册"]
    assert page.summary.week_start == W48 and len(page.summary.visit_rows) == 2
    assert page.customers.model.rowCount() == 3

    # A log written on the second tab is in the summary's prefill when coming back.
    page.tabs.setCurrentWidget(page.visits)
    page.visits.add_log()
    dialog = page.visits.current_dialog
    assert dialog is not None
    dialog.customer.setEditText("赵女士")  # type: ignore[attr-defined]
    dialog.content.setPlainText("电话回访")  # type: ignore[attr-defined]
    dialog.accept()
    page.tabs.setCurrentWidget(page.summary)
    assert [r.customer.currentText() for r in page.summary.visit_rows][-1] == "赵女士"

    qtbot.mouseClick(page.picker.previous_button, Qt.MouseButton.LeftButton)
    assert page.summary.week_start == W47 and page.visits.week_start == W47
    assert page.summary.visit_rows == []
