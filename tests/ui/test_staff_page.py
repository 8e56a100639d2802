"""The staff page: add, edit, deactivate, PIN, sign-in, export, and a manager's view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db import Store
from app.importers.staff import read_roster
from app.models import Staff
from app.services import auth, staff
from app.services.auth import Actor
from app.services.staff import StaffInput
from app.ui.staff_dialogs import PinDialog, SignInDialog, StaffDialog
from app.ui.staff_page import StaffPage, matches

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]

if TYPE_CHECKING:
    from tests.ui.conftest import Messages


def add(store: Store, actor: Actor, no: str, name: str, **kw: object) -> staff.StaffRecord:
    with store.transaction() as session:
        return staff.add_staff(session, actor, StaffInput(no, name, **kw))  # type: ignore[arg-type]


def snapshot(store: Store) -> list[tuple[object, ...]]:
    with store.reading() as session:
        return [
            (s.employee_no, s.name, s.phone, s.hire_date, s.position, s.active, s.pin_hash)
            for s in session.scalars(select(Staff).order_by(Staff.id))
        ]


@pytest.fixture
def page(qtbot: QtBot, store: Store, supervisor: Actor, messages: Messages) -> Iterator[StaffPage]:
    for i, name in enumerate(NAMES):
        add(store, supervisor, f"A{i + 1:03d}", name, phone=f"1380000000{i}")
    p = StaffPage(store, supervisor)
    qtbot.addWidget(p)
    yield p


def show(qtbot: QtBot, page: StaffPage) -> None:
    """Shown and active, so that keyboard shortcuts reach it (as on a real desktop)."""
    with qtbot.waitExposed(page):
        page.show()
    with qtbot.waitActive(page):
        page.activateWindow()


def ime_type(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method does: QTest's key clicks only know Latin-1."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def shown_names(page: StaffPage) -> list[str]:
    return [r.name for r in page.visible_records()]


def cell(page: StaffPage, name: str, column: int) -> str:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 1).data() == name:
            return str(page.proxy.index(row, column).data())
    raise AssertionError(f"{name} not shown")


def choose(page: StaffPage, name: str) -> None:
    record = next(r for r in page.model.records() if r.name == name)
    assert page.select_staff(record.id)


def test_columns_and_rows_in_chinese(page: StaffPage) -> None:
    headers = [page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["工号", "姓名", "手机", "入职日期", "岗位", "状态", "考勤PIN"]
    assert shown_names(page) == NAMES
    assert cell(page, "王芳", 5) == "在职"
    assert cell(page, "王芳", 6) == "未设置"


def test_table_model_is_a_proper_model(page: StaffPage, qtmodeltester: object) -> None:
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    qtmodeltester.check(page.proxy)  # type: ignore[attr-defined]
    page.reload()
    page.filter_edit.setText("王")
    assert shown_names(page) == ["王芳"]


def test_add_by_typing_into_the_dialog(qtbot: QtBot, page: StaffPage, store: Store) -> None:
    page.add_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, StaffDialog)
    qtbot.keyClicks(dialog.employee_no, "B007")
    ime_type(dialog.name, "赵敏")
    qtbot.keyClicks(dialog.phone, "139 1234 5678")
    dialog.hire_date.known.setChecked(True)
    dialog.hire_date.edit.setDate(QDate(2024, 3, 1))
    dialog.position.setEditText("大客户经理")
    with qtbot.waitSignal(page.staff_changed, timeout=1000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert "赵敏" in shown_names(page)
    assert page.selected_record() is not None and page.selected_record().name == "赵敏"  # type: ignore[union-attr]
    assert cell(page, "赵敏", 2) == "13912345678"
    assert cell(page, "赵敏", 3) == "2024-03-01"
    assert cell(page, "赵敏", 4) == "大客户经理"


def test_hire_date_may_stay_unset(qtbot: QtBot, page: StaffPage) -> None:
    page.add_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, StaffDialog)
    assert dialog.hire_date.date() is None
    assert dialog.hire_date.edit.text() == "未设置"
    dialog.employee_no.setText("B008")
    dialog.name.setText("周芷若")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert cell(page, "周芷若", 3) == ""


def test_duplicate_employee_no_is_shown_inline_and_nothing_is_written(
    qtbot: QtBot, page: StaffPage, store: Store
) -> None:
    before = snapshot(store)
    page.add_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, StaffDialog)
    qtbot.keyClicks(dialog.employee_no, "A002")
    ime_type(dialog.name, "王小芳")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert "A002" in dialog.error_text("employee_no") and "王芳" in dialog.error_text("employee_no")
    assert dialog.error_text("name") == ""
    assert (dialog.employee_no.text(), dialog.name.text()) == ("A002", "王小芳")
    assert snapshot(store) == before

    # Fixing the field and pressing OK again saves.
    dialog.employee_no.setText("A099")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "王小芳" in shown_names(page)


def test_bad_phone_points_at_the_phone_field(qtbot: QtBot, page: StaffPage, store: Store) -> None:
    before = snapshot(store)
    page.add_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, StaffDialog)
    dialog.employee_no.setText("B001")
    dialog.name.setText("郭靖")
    dialog.phone.setText("12345")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "12345" in dialog.error_text("phone")
    assert dialog.error_text("employee_no") == ""
    assert snapshot(store) == before


def test_edit_a_name_with_enter(qtbot: QtBot, page: StaffPage, store: Store) -> None:
    show(qtbot, page)
    choose(page, "李娜")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.current_dialog
    assert isinstance(dialog, StaffDialog)
    assert dialog.employee_no.text() == "A003"
    dialog.name.setText("李娜娜")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert "李娜娜" in shown_names(page) and "李娜" not in shown_names(page)
    with store.reading() as session:
        assert staff.find_by_employee_no(session, 1, "A003").name == "李娜娜"  # type: ignore[union-attr]


def test_double_click_opens_the_editor(qtbot: QtBot, page: StaffPage) -> None:
    show(qtbot, page)
    rect = page.table.visualRect(page.proxy.index(1, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.current_dialog
    assert isinstance(dialog, StaffDialog)
    assert dialog.name.text() == "王芳"
    dialog.reject()


def test_ctrl_n_opens_the_add_dialog(qtbot: QtBot, page: StaffPage) -> None:
    show(qtbot, page)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.current_dialog, StaffDialog)
    assert page.current_dialog.record is None


def test_deactivate_hides_the_row_but_keeps_the_person(
    page: StaffPage, store: Store, supervisor: Actor, messages: Messages
) -> None:
    choose(page, "刘洋")
    assert page.active_action.text() == "停用…"
    page.active_action.trigger()
    assert "刘洋" in messages.questions[0] and "A004" in messages.questions[0]
    assert "刘洋" not in shown_names(page)
    with store.reading() as session:
        people = {r.name: r for r in staff.list_staff(session, supervisor)}
    assert people["刘洋"].active is False

    page.show_inactive.setChecked(True)
    assert "刘洋" in shown_names(page)
    assert cell(page, "刘洋", 5) == "停用"

    choose(page, "刘洋")
    assert page.active_action.text() == "重新启用…"
    page.active_action.trigger()
    assert cell(page, "刘洋", 5) == "在职"


def test_deactivation_can_be_refused(page: StaffPage, store: Store, messages: Messages) -> None:
    before = snapshot(store)
    messages.answer = False
    choose(page, "陈静")
    page.active_action.trigger()
    assert snapshot(store) == before
    assert "陈静" in shown_names(page)


def test_set_pin_marks_it_set(qtbot: QtBot, page: StaffPage, store: Store) -> None:
    choose(page, "杨磊")
    page.pin_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, PinDialog)
    assert dialog.pin.echoMode() == dialog.pin.EchoMode.Password
    qtbot.keyClicks(dialog.pin, "2468")
    qtbot.keyClicks(dialog.pin_repeat, "2469")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error_text("pin_repeat")
    assert cell(page, "杨磊", 6) == "未设置"

    dialog.pin_repeat.setText("2468")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert cell(page, "杨磊", 6) == "已设置"
    with store.reading() as session:
        person = staff.find_by_employee_no(session, 1, "A006")
        assert person is not None and auth.verify_secret(person.pin_hash, "2468")


def test_pin_must_be_digits(qtbot: QtBot, page: StaffPage) -> None:
    choose(page, "杨磊")
    page.pin_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, PinDialog)
    qtbot.keyClicks(dialog.pin, "12ab")  # the validator drops the letters
    assert dialog.pin.text() == "12"
    dialog.pin_repeat.setText("12")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "4" in dialog.error_text("pin")


def test_create_sign_in(qtbot: QtBot, page: StaffPage, store: Store, messages: Messages) -> None:
    choose(page, "王芳")
    page.sign_in_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, SignInDialog)
    assert dialog.username.text() == "a002" and dialog.display_name.text() == "王芳"
    dialog.username.setText("boss")  # taken by the supervisor
    dialog.password.setText("abcd1")
    dialog.password_repeat.setText("abcd1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "boss" in dialog.error_text("username")

    dialog.username.setText("wangfang")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "wangfang" in messages.infos[0]
    with store.transaction() as session:
        actor = auth.authenticate(session, "wangfang", "abcd1")
    assert actor is not None and actor.role == auth.Role.MANAGER
    assert actor.staff_id == page.selected_record().id  # type: ignore[union-attr]


def test_filter_by_name_number_or_phone(page: StaffPage) -> None:
    page.filter_edit.setText("a005")
    assert shown_names(page) == ["陈静"]
    page.filter_edit.setText("13800000002")
    assert shown_names(page) == ["李娜"]
    page.filter_edit.setText("王")
    assert shown_names(page) == ["王芳"]
    page.filter_edit.setText("")
    assert shown_names(page) == NAMES
    assert matches(
        staff.StaffRecord(1, "X1", "张三", "010-12345678", None, "", True, False), "0101"
    )


def test_columns_sort(page: StaffPage, store: Store, supervisor: Actor) -> None:
    add(store, supervisor, "C001", "钱七", hire_date=date(2020, 1, 1))
    add(store, supervisor, "C002", "孙八", hire_date=date(2019, 5, 1))
    page.reload()
    page.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert shown_names(page)[:2] == ["钱七", "孙八"]
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown_names(page)[0] == "孙八"


def test_manager_sees_only_their_own_row_and_no_editing(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    make_manager: Callable[[str, str], Actor],
    messages: Messages,
) -> None:
    add(store, supervisor, "A001", "张伟")
    manager = make_manager("M001", "赵六")
    before = snapshot(store)
    page = StaffPage(store, manager)
    qtbot.addWidget(page)
    assert shown_names(page) == ["赵六"]
    assert page.buttons == {}
    texts = {b.text() for b in page.findChildren(QToolButton)}
    assert not texts & {"新增…", "编辑…", "停用…", "导入…", "导出…"}
    assert not page.add_action.isEnabled()
    page.add_action.trigger()
    page.import_roster()
    page.export_roster()
    page.edit_selected()
    assert page.current_dialog is None
    assert snapshot(store) == before


def test_export_writes_what_is_shown(
    page: StaffPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    target = tmp_path / "名单"
    offered: list[str] = []

    def save_name(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    page.filter_edit.setText("王")
    page.export_action.trigger()
    assert offered[0].endswith(".xlsx") and "员工名单" in offered[0]
    written = tmp_path / "名单.xlsx"
    rows = read_roster(written).rows
    assert [r.data.name for r in rows if r.data] == ["王芳"]
    assert str(written) in messages.infos[0]


def test_export_error_is_explained(
    page: StaffPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    folder = tmp_path / "exists.xlsx"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(folder), ""))
    page.export_action.trigger()
    assert "exists.xlsx" in messages.errors[0]


def test_buttons_follow_the_selection(page: StaffPage) -> None:
    page.table.clearSelection()
    page._update_actions()
    assert not page.edit_action.isEnabled() and not page.pin_action.isEnabled()
    choose(page, "张伟")
    assert page.edit_action.isEnabled() and page.pin_action.isEnabled()
    assert page.add_action.shortcut().toString() == "Ctrl+N"
    assert page.import_action.shortcut().toString() == "Ctrl+I"
    assert page.export_action.shortcut().toString() == "Ctrl+E"


def test_the_page_clicks_through(qtbot: QtBot, page: StaffPage) -> None:
    """A smoke test of real mouse clicks on the toolbar."""
    show(qtbot, page)
    button = page.buttons[page.add_action]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert isinstance(page.current_dialog, StaffDialog)
    page.current_dialog.reject()
    assert page.current_dialog is None
