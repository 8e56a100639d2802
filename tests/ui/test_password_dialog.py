"""File → Change password…, and the supervisor's "Reset password…" / kiosk PIN on the Staff page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Store
from app.models import User
from app.services import auth, staff
from app.services.auth import AccountLocked, Actor
from app.ui.main_window import MainWindow
from app.ui.password_dialog import ChangePasswordDialog, ResetPasswordDialog
from app.ui.staff_dialogs import PinDialog
from app.ui.staff_page import StaffPage

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

FRIDAY = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(FRIDAY, tick=False):
        yield


def sign_in(store: Store, username: str, password: str) -> Actor | None:
    with store.transaction() as s:
        return auth.authenticate(s, username, password)


def click_ok(qtbot: QtBot, dialog: ChangePasswordDialog | ResetPasswordDialog | PinDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def open_change_dialog(qtbot: QtBot, store: Store, actor: Actor) -> MainWindow:
    window = MainWindow(store, actor, idle_timeout_ms=600_000)
    qtbot.addWidget(window)
    window.show()
    window.password_action.trigger()
    assert isinstance(window.current_dialog, ChangePasswordDialog)
    return window


def test_manager_changes_own_password(
    qtbot: QtBot, store: Store, make_manager: Callable[..., Actor], messages: Messages
) -> None:
    manager = make_manager("A001", "张三")
    window = open_change_dialog(qtbot, store, manager)
    dialog = window.current_dialog
    assert isinstance(dialog, ChangePasswordDialog)
    assert dialog.current.echoMode() == dialog.current.EchoMode.Password

    qtbot.keyClicks(dialog.current, "wrong")
    qtbot.keyClicks(dialog.password, "newpass")
    qtbot.keyClicks(dialog.password_repeat, "newpass")
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error_text("current")
    assert not dialog.error_text("password")

    dialog.current.clear()
    qtbot.keyClicks(dialog.current, "pw1234")
    dialog.password_repeat.clear()
    qtbot.keyClicks(dialog.password_repeat, "newpasz")
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error_text("password_repeat")
    assert sign_in(store, "uA001", "pw1234") is not None  # nothing changed yet

    dialog.password_repeat.clear()
    qtbot.keyClicks(dialog.password_repeat, "newpass")
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert len(messages.infos) == 1 and not messages.errors
    assert sign_in(store, "uA001", "pw1234") is None
    assert sign_in(store, "uA001", "newpass") is not None


def test_too_short_password_is_pointed_at(
    qtbot: QtBot, store: Store, supervisor: Actor, messages: Messages
) -> None:
    window = open_change_dialog(qtbot, store, supervisor)
    dialog = window.current_dialog
    assert isinstance(dialog, ChangePasswordDialog)
    qtbot.keyClicks(dialog.current, "secret1")
    qtbot.keyClicks(dialog.password, "abc")
    qtbot.keyClicks(dialog.password_repeat, "abc")
    click_ok(qtbot, dialog)
    assert str(auth.MIN_PASSWORD_LENGTH) in dialog.error_text("password")
    dialog.reject()
    assert not messages.infos
    assert sign_in(store, "boss", "secret1") is not None


@pytest.fixture
def page(
    qtbot: QtBot, store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> StaffPage:
    make_manager("A001", "张三")
    with store.transaction() as s:
        staff.add_staff(s, supervisor, staff.StaffInput("A002", "李四"))
    p = StaffPage(store, supervisor)
    qtbot.addWidget(p)
    return p


def choose(page: StaffPage, name: str) -> None:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 1).data() == name:
            page.table.selectRow(row)
            return
    raise AssertionError(name)


def test_reset_password_only_for_a_person_with_a_sign_in(page: StaffPage) -> None:
    choose(page, "李四")
    assert not page.reset_password_action.isEnabled()
    choose(page, "张三")
    assert page.reset_password_action.isEnabled()


def test_supervisor_resets_a_locked_managers_password(
    qtbot: QtBot, page: StaffPage, store: Store, messages: Messages
) -> None:
    for _n in range(auth.LOCKOUT_ATTEMPTS):
        assert sign_in(store, "uA001", "guess") is None
    with pytest.raises(AccountLocked):
        sign_in(store, "uA001", "pw1234")

    choose(page, "张三")
    page.reset_password_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, ResetPasswordDialog)
    qtbot.keyClicks(dialog.password, "fresh1")
    qtbot.keyClicks(dialog.password_repeat, "fresh2")
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error_text("password_repeat")

    dialog.password_repeat.clear()
    qtbot.keyClicks(dialog.password_repeat, "fresh1")
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert len(messages.infos) == 1 and "uA001" in messages.infos[0]
    with store.reading() as s:
        user = s.query(User).filter_by(username="uA001").one()
        assert user.locked_until is None and user.failed_logins == 0
    assert sign_in(store, "uA001", "fresh1") is not None


def test_reset_kiosk_pin_reuses_the_pin_dialog(
    qtbot: QtBot, page: StaffPage, store: Store, messages: Messages
) -> None:
    choose(page, "张三")
    first_label = page.pin_action.text()
    page.pin_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, PinDialog)
    qtbot.keyClicks(dialog.pin, "1234")
    qtbot.keyClicks(dialog.pin_repeat, "1234")
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert page.pin_action.text() != first_label  # now "Reset kiosk PIN…"

    page.pin_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, PinDialog)
    qtbot.keyClicks(dialog.pin, "9876")
    qtbot.keyClicks(dialog.pin_repeat, "9876")
    click_ok(qtbot, dialog)
    with store.reading() as s:
        person = staff.find_by_employee_no(s, page.actor.branch_id, "A001")
        assert person is not None and auth.verify_secret(person.pin_hash, "9876")
    assert not messages.errors


def test_manager_has_no_reset_actions(
    qtbot: QtBot, store: Store, make_manager: Callable[..., Actor]
) -> None:
    manager = make_manager("A003", "王五")
    p = StaffPage(store, manager)
    qtbot.addWidget(p)
    assert not p.reset_password_action.isEnabled() and not p.pin_action.isEnabled()
    p.reset_password_selected()
    assert p.current_dialog is None
