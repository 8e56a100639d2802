"""Reports: the month's meetings in figures and a chart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import meetings, rollcall
from app.services.auth import Actor
from app.ui.reports_page import ReportsPage


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 27, 2, 0, tzinfo=UTC), tick=False):
        yield


def test_month_figures_and_chart(
    qtbot: QtBot, store: Store, supervisor: Actor, make_manager
) -> None:  # type: ignore[no-untyped-def]
    zhang, li = make_manager("A001", "张三"), make_manager("A002", "李四")
    with store.transaction() as session:
        (m,) = [
            x
            for x in meetings.list_meetings(
                session, supervisor, date(2026, 11, 2), date(2026, 11, 2)
            )
            if x.kind == "morning"
        ]
        rollcall.mark(session, supervisor, m.id, zhang.staff_id, "present", arrival=time(8, 40))
        rollcall.mark(session, supervisor, m.id, li.staff_id, "absent")
    page = ReportsPage(store, supervisor)
    qtbot.addWidget(page)
    assert page.month.date().month() == 11
    names = [page.managers.record(r).name for r in range(page.managers.rowCount())]
    assert names == ["张三", "李四"]
    row = names.index("张三")
    assert page.managers.data(page.managers.index(row, 4)) == "100.0%"
    assert page.managers.data(page.managers.index(row, 5)) == "1"  # late
    assert "50.0%" in page.summary.text()
    qtbot.waitUntil(lambda: page.chart.pixmap() is not None and not page.chart.pixmap().isNull())
    pdf = page._pdf()
    assert pdf is not None and pdf.startswith(b"%PDF-")


def test_a_manager_sees_no_figures(qtbot: QtBot, store: Store, make_manager) -> None:  # type: ignore[no-untyped-def]
    page = ReportsPage(store, make_manager("A001", "张三"))
    qtbot.addWidget(page)
    assert page.report is None
