"""The signing tab: people sign one after another, host and minute-taker, scans, the sheet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import meetings, minutes, rollcall
from app.services.auth import Actor
from app.services.meetings import MeetingKind
from app.ui import printing
from app.ui.signature_pad import SignatureCanvas
from app.ui.signing_panel import SigningPanel

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

MONDAY = date(2026, 11, 30)  # a weekly meeting at 08:30
BEFORE_THE_MEETING = datetime(2026, 11, 30, 0, 20, tzinfo=UTC)  # 08:20 in Shanghai


def sign(canvas: SignatureCanvas, y: float = 60) -> None:
    points = [QPointF(40 + 14 * i, y + (16 if i % 2 else 0)) for i in range(14)]
    for n, point in enumerate(points):
        kind = QEvent.Type.MouseButtonPress if n == 0 else QEvent.Type.MouseMove
        QApplication.sendEvent(
            canvas,
            QMouseEvent(
                kind,
                point,
                QPointF(canvas.mapToGlobal(point.toPoint())),
                Qt.MouseButton.LeftButton if n == 0 else Qt.MouseButton.NoButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
    QApplication.sendEvent(
        canvas,
        QMouseEvent(
            QEvent.Type.MouseButtonRelease,
            points[-1],
            QPointF(canvas.mapToGlobal(QPoint(0, 0))),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )


def weekly_meeting(store: Store, actor: Actor) -> int:
    with store.transaction() as session:
        (found,) = [
            m
            for m in meetings.list_meetings(session, actor, MONDAY, MONDAY)
            if m.kind == MeetingKind.WEEKLY
        ]
    return found.id


@pytest.fixture
def team(make_manager: Callable[..., Actor]) -> list[Actor]:
    return [make_manager(f"A00{i}", name) for i, name in enumerate(["张三", "李四", "王五"], 1)]


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(BEFORE_THE_MEETING, tick=False):
        yield


@pytest.fixture
def mid(store: Store, supervisor: Actor, team: list[Actor], frozen: None) -> int:
    meeting_id = weekly_meeting(store, supervisor)
    with store.transaction() as session:
        meetings.set_people(session, supervisor, meeting_id, minute_taker_staff_id=team[0].staff_id)
    return meeting_id


@pytest.fixture
def panel(
    qtbot: QtBot, store: Store, supervisor: Actor, mid: int, messages: Messages
) -> SigningPanel:
    widget = SigningPanel(store, supervisor, mid)
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def roll(store: Store, actor: Actor, mid: int) -> rollcall.RollCall:
    with store.reading() as session:
        return rollcall.roll_call(session, actor, mid)


def test_people_sign_one_after_another(
    qtbot: QtBot, panel: SigningPanel, store: Store, supervisor: Actor, mid: int
) -> None:
    names = [r.shown_name for r in panel.model.records()]
    assert names == ["张三", "李四", "王五", "王主管", "张三"]  # attendees, host, minute-taker
    assert panel.selected_row().name == "张三"  # type: ignore[union-attr]
    assert not panel.confirm_button.isEnabled()  # nothing drawn yet
    sign(panel.pad.canvas)
    assert panel.confirm_button.isEnabled()
    with qtbot.waitSignal(panel.changed):
        panel.confirm_button.click()
    # the next person is ready, with a clean pad
    assert panel.selected_row().name == "李四"  # type: ignore[union-attr]
    assert panel.pad.is_empty()
    sign(panel.pad.canvas)
    panel.confirm_signature()
    assert panel.selected_row().name == "王五"  # type: ignore[union-attr]

    call = roll(store, supervisor, mid)
    assert [r.signed for r in call.rows] == [True, True, False]
    # signing on the meeting day recorded the arrival of people not marked yet
    assert [(r.status, r.arrival) for r in call.rows[:2]] == [("present", time(8, 20))] * 2
    assert call.rows[2].status is None
    assert panel.model.index(0, 3).data() == "✓ 已签名"
    assert panel.model.index(2, 3).data() == "未签"
    assert "2" in panel.progress.text() and "3" in panel.progress.text()
    with store.reading() as session:
        pngs = [s.png for s in rollcall.signatures(session, supervisor, mid)]
    assert all(not QImage.fromData(p, "PNG").isNull() for p in pngs)


def test_host_and_minute_taker_sign_and_a_signature_can_be_redone(
    panel: SigningPanel, store: Store, supervisor: Actor, mid: int
) -> None:
    assert panel.select("host", None)
    assert "主持人" in panel.who.text()
    sign(panel.pad.canvas)
    assert panel.confirm_signature()
    # the host was the last unsigned one after the minute-taker? no: wraps to the attendees
    assert panel.select("minute_taker", panel.model.records()[-1].staff_id)
    sign(panel.pad.canvas, 90)
    assert panel.confirm_signature()
    with store.reading() as session:
        roles = sorted(s.role for s in rollcall.signatures(session, supervisor, mid))
    assert roles == ["host", "minute_taker"]

    assert panel.select("host", None)
    assert panel.stack.currentWidget() is panel.signed_view  # the saved signature is shown
    assert not panel.confirm_button.isEnabled() and panel.resign_button.isEnabled()
    panel.resign_button.click()
    assert panel.stack.currentWidget() is panel.pad and panel.pad.isEnabled()
    with store.reading() as session:
        roles = [s.role for s in rollcall.signatures(session, supervisor, mid)]
    assert roles == ["minute_taker"]


def test_attach_a_scan_and_refuse_other_files(
    panel: SigningPanel,
    store: Store,
    supervisor: Actor,
    mid: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    scan = tmp_path / "签到表.png"
    image = QImage(20, 10, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    assert image.save(str(scan), "PNG")
    text = tmp_path / "notes.txt"
    text.write_text("not a scan", encoding="utf-8")
    chosen = [scan]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(chosen[0]), ""))
    )
    panel.attach_button.click()
    assert messages.errors == []
    assert "签到表.png" in panel.attachments.item(0).text()

    chosen[0] = text
    panel.attach_button.click()
    assert len(messages.errors) == 1 and "notes.txt" in messages.errors[0]
    with store.reading() as session:
        stored = minutes.attachments(session, supervisor, mid)
    assert [a.filename for a in stored] == ["签到表.png"]
    assert panel.attachments.count() == 1


def test_print_and_save_the_filled_sheet(
    panel: SigningPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign(panel.pad.canvas)
    panel.confirm_signature()
    printed: list[tuple[bytes, str]] = []
    monkeypatch.setattr(
        printing, "print_pdf", lambda _parent, pdf, title: printed.append((pdf, title)) or True
    )
    assert panel.print_sheet()
    ((pdf, title),) = printed
    assert pdf.startswith(b"%PDF-") and title.startswith("会议签到表 2026-11-30")
    target = tmp_path / "sheet"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    saved = panel.save_sheet()
    assert saved == tmp_path / "sheet.pdf" and saved.read_bytes().startswith(b"%PDF-")


def test_nothing_changes_once_cancelled(
    qtbot: QtBot, store: Store, supervisor: Actor, mid: int, messages: Messages
) -> None:
    with store.transaction() as session:
        meetings.cancel(session, supervisor, mid, "全员培训")
    panel = SigningPanel(store, supervisor, mid)
    qtbot.addWidget(panel)
    assert panel.read_only and panel.banner.isVisibleTo(panel)
    assert not panel.pad.isEnabled() and not panel.confirm_button.isVisibleTo(panel)
    assert not panel.attach_button.isEnabled()
    assert not panel.confirm_signature()
