"""The book of customers: add through the dialog, confidentiality, the owner column,
inline errors, search, retire and reactivate."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import CustomerInput
from app.ui.customers_view import CustomersView
from app.ui.weekly_dialogs import CustomerDialog

if TYPE_CHECKING:
    from tests.ui.conftest import Messages


@pytest.fixture
def zhang(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A001", "张三")


@pytest.fixture
def li(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A002", "李四")


def add(store: Store, actor: Actor, name: str, **kw: object) -> int:
    assert actor.staff_id is not None
    with store.transaction() as s:
        data = CustomerInput(actor.staff_id, name, **kw)  # type: ignore[arg-type]
        return weekly.add_customer(s, actor, data).id


def shown(view: CustomersView, column: int = 0) -> list[str]:
    return [str(view.proxy.index(row, column).data()) for row in range(view.proxy.rowCount())]


def headers(view: CustomersView) -> list[str]:
    return [
        str(view.proxy.headerData(c, Qt.Orientation.Horizontal))
        for c in range(view.proxy.columnCount())
    ]


def make_view(qtbot: QtBot, store: Store, actor: Actor) -> CustomersView:
    view = CustomersView(store, actor)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    return view


def test_add_a_customer_through_the_dialog(
    qtbot: QtBot, store: Store, zhang: Actor, type_text: Callable[..., None]
) -> None:
    view = make_view(qtbot, store, zhang)
    assert headers(view) == ["姓名", "单位", "电话", "等级", "生日", "备注"]
    view.add_action.trigger()
    dialog = view.current_dialog
    assert isinstance(dialog, CustomerDialog)
    type_text(dialog.name, "王老板")
    type_text(dialog.company, "城南五金")
    qtbot.keyClicks(dialog.phone, "13900001111")
    dialog.grade.setCurrentIndex(dialog.grade.findData("key"))
    dialog.birthday.known.setChecked(True)
    dialog.birthday.edit.setDate(QDate(1970, 12, 1))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert view.current_dialog is None
    assert shown(view) == ["王老板"]
    row = [str(view.proxy.index(0, c).data()) for c in range(6)]
    assert row == ["王老板", "城南五金", "13900001111", "重点客户", "1970-12-01", ""]
    assert view.selected_record() is not None


def test_blank_name_is_shown_inline(qtbot: QtBot, store: Store, zhang: Actor) -> None:
    view = make_view(qtbot, store, zhang)
    view.add_action.trigger()
    dialog = view.current_dialog
    assert isinstance(dialog, CustomerDialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("name") == "请输入客户姓名。"
    assert view.current_dialog is dialog  # still open, nothing written
    assert view.model.records() == []
    dialog.reject()


def test_duplicate_name_is_shown_inline(qtbot: QtBot, store: Store, zhang: Actor) -> None:
    add(store, zhang, "王老板")
    view = make_view(qtbot, store, zhang)
    view.add_action.trigger()
    dialog = view.current_dialog
    assert isinstance(dialog, CustomerDialog)
    dialog.name.setText("王老板")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "王老板" in dialog.error_text("name")
    dialog.reject()


def test_a_manager_sees_only_their_own(qtbot: QtBot, store: Store, zhang: Actor, li: Actor) -> None:
    add(store, zhang, "王老板")
    add(store, li, "赵女士")
    view = make_view(qtbot, store, zhang)
    assert shown(view) == ["王老板"]
    assert not view.owner_filter.isVisibleTo(view)


def test_the_supervisor_sees_both_with_owner_and_filters(
    qtbot: QtBot, store: Store, supervisor: Actor, zhang: Actor, li: Actor
) -> None:
    add(store, zhang, "王老板")
    add(store, li, "赵女士")
    view = make_view(qtbot, store, supervisor)
    assert headers(view)[0] == "客户经理"
    assert sorted(zip(shown(view, 0), shown(view, 1), strict=True)) == [
        ("张三", "王老板"),
        ("李四", "赵女士"),
    ]
    view.owner_filter.setCurrentIndex(view.owner_filter.findText("李四"))
    assert shown(view, 1) == ["赵女士"]

    # Adding with the filter on suggests that manager as the owner.
    view.add_action.trigger()
    dialog = view.current_dialog
    assert isinstance(dialog, CustomerDialog)
    assert dialog.owner.currentData() == li.staff_id
    dialog.owner.setCurrentIndex(dialog.owner.findData(zhang.staff_id))
    dialog.name.setText("钱先生")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with store.reading() as s:
        owners = {c.name: c.owner_name for c in weekly.list_customers(s, supervisor)}
    assert owners["钱先生"] == "张三"


def test_search_filters_as_you_type(
    qtbot: QtBot, store: Store, zhang: Actor, type_text: Callable[..., None]
) -> None:
    add(store, zhang, "王老板", company="城南五金")
    add(store, zhang, "赵女士", phone="138-0000-2222")
    view = make_view(qtbot, store, zhang)
    type_text(view.filter_edit, "五金")
    assert shown(view) == ["王老板"]
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "2222")
    assert shown(view) == ["赵女士"]
    assert "显示" in view.summary.text()


def test_retire_and_reactivate_with_the_keyboard(
    qtbot: QtBot, store: Store, zhang: Actor, messages: Messages
) -> None:
    cid = add(store, zhang, "王老板")
    view = make_view(qtbot, store, zhang)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    assert view.select_customer(cid)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert "王老板" in messages.questions[-1]
    assert shown(view) == []  # retired ones are hidden
    view.show_retired.setChecked(True)
    assert shown(view) == ["王老板"]
    assert view.select_customer(cid)
    assert view.active_action.text() == "重新启用…"
    view.active_action.trigger()
    with store.reading() as s:
        assert [c.active for c in weekly.list_customers(s, zhang, include_inactive=True)] == [True]


def test_enter_edits_the_selected_customer(qtbot: QtBot, store: Store, zhang: Actor) -> None:
    cid = add(store, zhang, "王老板")
    view = make_view(qtbot, store, zhang)
    view.select_customer(cid)
    view.edit_selected()
    dialog = view.current_dialog
    assert isinstance(dialog, CustomerDialog)
    assert dialog.name.text() == "王老板"
    dialog.phone.setText("010-12345678")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert shown(view, 2) == ["010-12345678"]


def test_ctrl_n_and_enter(qtbot: QtBot, store: Store, zhang: Actor) -> None:
    cid = add(store, zhang, "王老板")
    view = make_view(qtbot, store, zhang)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = view.current_dialog
    assert isinstance(dialog, CustomerDialog) and dialog.record is None
    dialog.reject()
    view.select_customer(cid)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = view.current_dialog
    assert isinstance(dialog, CustomerDialog) and dialog.record is not None
    dialog.reject()
