"""The kiosk: 工号 + PIN + 上班/下班, its messages, and leaving with the password."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db import Store
from app.models import Punch
from app.services import staff
from app.services.auth import Actor
from app.services.staff import StaffInput
from app.ui.kiosk import KioskWindow
from tests.conftest import SUPERVISOR_PASSWORD

NOW = datetime(2026, 11, 27, 0, 27, tzinfo=UTC)  # 08:27 in Shanghai


@pytest.fixture
def traveller() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def kiosk(
    qtbot: QtBot, store: Store, supervisor: Actor, traveller: time_machine.Coordinates
) -> Iterator[KioskWindow]:
    with store.transaction() as session:
        rec = staff.add_staff(session, supervisor, StaffInput("A001", "张三"))
        staff.set_pin(session, supervisor, rec.id, "1234")
        staff.add_staff(session, supervisor, StaffInput("A002", "李四"))
    window = KioskWindow(store, supervisor)
    qtbot.addWidget(window)
    yield window
    window._may_close = True


def punches(store: Store) -> list[tuple[datetime, str, str]]:
    with store.reading() as session:
        return [tuple(r) for r in session.execute(select(Punch.at, Punch.source, Punch.note))]  # type: ignore[misc]


def press(qtbot: QtBot, kiosk: KioskWindow, number: str, pin: str, check_in: bool = True) -> None:
    kiosk.employee_no.clear()
    kiosk.pin.clear()
    qtbot.keyClicks(kiosk.employee_no, number)
    qtbot.keyClicks(kiosk.pin, pin)
    button = kiosk.in_button if check_in else kiosk.out_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_clock_and_masked_pin(kiosk: KioskWindow) -> None:
    assert kiosk.clock_label.text() == "08:27:00"
    assert kiosk.pin.echoMode() is kiosk.pin.EchoMode.Password


def test_punch_in_confirms_and_stores(qtbot: QtBot, kiosk: KioskWindow, store: Store) -> None:
    press(qtbot, kiosk, "A001", "1234")
    assert kiosk.message.text() == "张三 上班打卡 08:27"
    assert punches(store) == [(NOW, "kiosk", "in")]
    assert kiosk.clear_timer.isActive()
    kiosk.clear()
    assert kiosk.employee_no.text() == "" and kiosk.pin.text() == ""


def test_wrong_pin_and_unknown_number_store_nothing(
    qtbot: QtBot, kiosk: KioskWindow, store: Store
) -> None:
    press(qtbot, kiosk, "A001", "9999")
    assert "PIN" in kiosk.message.text()
    assert kiosk.pin.text() == ""
    press(qtbot, kiosk, "Z999", "1234")
    assert "Z999" in kiosk.message.text()
    press(qtbot, kiosk, "A002", "1234")  # no PIN set yet
    assert "李四" in kiosk.message.text()
    assert punches(store) == []


def test_repeat_within_two_minutes_is_ignored(
    qtbot: QtBot, kiosk: KioskWindow, store: Store, traveller: time_machine.Coordinates
) -> None:
    press(qtbot, kiosk, "A001", "1234")
    traveller.shift(timedelta(seconds=70))
    press(qtbot, kiosk, "A001", "1234", check_in=False)
    assert "2 分钟内重复打卡，已忽略" in kiosk.message.text()
    assert len(punches(store)) == 1
    traveller.shift(timedelta(minutes=9))
    press(qtbot, kiosk, "A001", "1234", check_in=False)
    assert kiosk.message.text() == "张三 下班打卡 08:37"
    assert len(punches(store)) == 2


def test_escape_needs_the_supervisors_password(
    qtbot: QtBot, kiosk: KioskWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk.show()
    answers = iter(["wrong", SUPERVISOR_PASSWORD])
    monkeypatch.setattr(kiosk, "ask_password", lambda: next(answers))
    with qtbot.assertNotEmitted(kiosk.closed):
        qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    assert kiosk.isVisible()
    kiosk.close()  # Alt+F4 does not leave either
    assert kiosk.isVisible()
    with qtbot.waitSignal(kiosk.closed, timeout=1000):
        qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    assert not kiosk.isVisible()
