"""The rota dialog: weekly pattern toggles and per-date overrides."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import attendance, staff
from app.services.auth import Actor
from app.ui.rota_dialog import RotaDialog


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def people(store: Store, supervisor: Actor) -> tuple[int, int]:
    with store.transaction() as session:
        a = staff.add_staff(session, supervisor, staff.StaffInput("A001", "张三")).id
        b = staff.add_staff(session, supervisor, staff.StaffInput("A002", "李四")).id
    return a, b


def _working(store: Store, actor: Actor, staff_id: int, day: date) -> bool:
    with store.reading() as session:
        (plan,) = attendance.plans_for(session, actor, staff_id, day, day)
    return plan.working


def test_grid_shows_the_month(
    qtbot: QtBot, store: Store, supervisor: Actor, people: tuple[int, int]
) -> None:
    dialog = RotaDialog(store, supervisor, people[0], 2026, 12)
    qtbot.addWidget(dialog)
    assert len(dialog.day_buttons) == 31
    # 2026-12-01 is a Tuesday: the second column of the first row.
    assert dialog.cell_dates[1] == date(2026, 12, 1) and dialog.cell_dates[0] is None
    assert "上班" in dialog.day_buttons[date(2026, 12, 1)].text()
    assert "休" in dialog.day_buttons[date(2026, 12, 5)].text()  # a Saturday


def test_weekday_toggle_and_day_cell(
    qtbot: QtBot, store: Store, supervisor: Actor, people: tuple[int, int]
) -> None:
    a, b = people
    dialog = RotaDialog(store, supervisor, a, 2026, 12)
    qtbot.addWidget(dialog)
    monday = date(2026, 12, 7)
    assert _working(store, supervisor, a, monday)
    dialog.weekday_buttons[0].click()  # (rule) -> rest every Monday
    assert not _working(store, supervisor, a, monday)
    assert "休" in dialog.weekday_buttons[0].text()
    assert "休" in dialog.day_buttons[monday].text()

    saturday = date(2026, 12, 5)
    dialog.day_buttons[saturday].click()  # (none) -> rest: no change in what it asks
    assert not _working(store, supervisor, a, saturday)
    dialog.day_buttons[saturday].click()  # rest -> work (换班)
    assert _working(store, supervisor, a, saturday)
    assert "上班" in dialog.day_buttons[saturday].text()
    dialog.day_buttons[saturday].click()  # work -> back to the rule
    assert not _working(store, supervisor, a, saturday)
    with store.reading() as session:
        assert attendance.rota_of(session, supervisor, a).overrides == {}

    dialog.weekday_buttons[0].click()  # rest -> work
    dialog.weekday_buttons[0].click()  # work -> cleared
    with store.reading() as session:
        assert attendance.rota_of(session, supervisor, a).pattern == {}

    dialog.person.setCurrentIndex(dialog.person.findData(b))
    assert dialog.staff_id == b
    dialog.day_buttons[saturday].click()
    dialog.day_buttons[saturday].click()
    assert _working(store, supervisor, b, saturday)
    assert not _working(store, supervisor, a, saturday)


def test_month_navigation(
    qtbot: QtBot, store: Store, supervisor: Actor, people: tuple[int, int]
) -> None:
    dialog = RotaDialog(store, supervisor, people[0], 2026, 12)
    qtbot.addWidget(dialog)
    dialog.next_button.click()
    assert (dialog.year, dialog.month) == (2027, 1)
    assert dialog.month_label.text() == "2027-01"
    dialog.prev_button.click()
    dialog.prev_button.click()
    assert (dialog.year, dialog.month) == (2026, 11)


def test_a_manager_sees_their_rota_read_only(qtbot: QtBot, store: Store, make_manager) -> None:  # type: ignore[no-untyped-def]
    manager: Actor = make_manager("A009", "王五")
    assert manager.staff_id is not None
    dialog = RotaDialog(store, manager, manager.staff_id, 2026, 12)
    qtbot.addWidget(dialog)
    assert dialog.person.count() == 1
    assert not dialog.weekday_buttons[0].isEnabled()
    assert not dialog.day_buttons[date(2026, 12, 1)].isEnabled()


def test_another_shift_on_one_date(
    qtbot: QtBot, store: Store, supervisor: Actor, people: tuple[int, int]
) -> None:
    from datetime import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QTimeEdit

    a, _b = people
    dialog = RotaDialog(store, supervisor, a, 2026, 12)
    qtbot.addWidget(dialog)
    saturday = date(2026, 12, 5)

    def fill() -> None:
        ask = QApplication.activeModalWidget()
        assert ask is not None and ask is not dialog
        start, end = ask.findChildren(QTimeEdit)
        start.setTime(start.time().fromString("20:00", "HH:mm"))
        end.setTime(end.time().fromString("01:00", "HH:mm"))
        ask.accept()

    QTimer.singleShot(0, fill)
    assert dialog.ask_other_shift(saturday)
    with store.reading() as session:
        (plan,) = attendance.plans_for(session, supervisor, a, saturday, saturday)
    assert (plan.working, plan.start, plan.end) == (True, time(20), time(1))
    assert "20:00" in dialog.day_buttons[saturday].text()
