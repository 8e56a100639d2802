"""The attendance page: grid, detail panel, punch import, manual punch, requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.db import Store
from app.models import AttendanceRequest, Punch
from app.services import attendance, staff
from app.services.auth import Actor
from app.services.staff import StaffInput
from app.ui.attendance_dialogs import (
    ManualPunchDialog,
    PunchImportDialog,
    PunchRowStatus,
    RequestDialog,
    RequestsDialog,
    VoidPunchDialog,
    WarningNoticesDialog,
)
from app.ui.attendance_page import AttendancePage

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00, Friday 27 November in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
THURSDAY = date(2026, 11, 26)


def local(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(store: Store, supervisor: Actor) -> dict[str, int]:
    ids = {}
    with store.transaction() as session:
        for no, name in (("A001", "张三"), ("A002", "李四")):
            ids[no] = staff.add_staff(session, supervisor, StaffInput(no, name)).id
    return ids


def punch(store: Store, actor: Actor, staff_id: int, at: datetime) -> None:
    with store.transaction() as session:
        attendance.add_punch(session, actor, staff_id, at, "manual", reason="test")


@pytest.fixture
def page(
    qtbot: QtBot, store: Store, supervisor: Actor, people: dict[str, int], messages: Messages
) -> AttendancePage:
    punch(store, supervisor, people["A001"], local(THURSDAY, 8, 50))
    punch(store, supervisor, people["A001"], local(THURSDAY, 18, 5))
    punch(store, supervisor, people["A002"], local(THURSDAY, 9, 20))
    punch(store, supervisor, people["A002"], local(THURSDAY, 18, 2))
    p = AttendancePage(store, supervisor)
    qtbot.addWidget(p)
    return p


def row_of(page: AttendancePage, employee_no: str) -> int:
    return next(i for i, r in enumerate(page.model.rows) if r.employee_no == employee_no)


def day_cell(page: AttendancePage, employee_no: str, day: date) -> str:
    return page.cell_text(row_of(page, employee_no), page.model.column_of_day(day))


def total_cell(page: AttendancePage, employee_no: str, title: str) -> str:
    model = page.model
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) == title:
            return page.cell_text(row_of(page, employee_no), column)
    raise AssertionError(title)


def test_grid_shows_symbols_and_totals(page: AttendancePage) -> None:
    assert page.selected_month() == (2026, 11)
    assert page.model.columnCount() == 2 + 30 + 10
    assert day_cell(page, "A001", THURSDAY) == "√"
    assert day_cell(page, "A002", THURSDAY) == "迟"
    assert day_cell(page, "A002", date(2026, 11, 22)) == "休"  # a Sunday
    assert day_cell(page, "A002", date(2026, 11, 27)) == ""  # today is not judged yet
    assert total_cell(page, "A002", "迟到次数") == "1"
    assert total_cell(page, "A002", "迟到分钟") == "20"
    assert total_cell(page, "A001", "迟到次数") == ""


def test_detail_panel_describes_the_day(page: AttendancePage) -> None:
    page.select_cell(page.model.rows[row_of(page, "A002")].staff_id, THURSDAY)
    text = page.detail_text.text()
    assert "迟到" in text
    assert "09:20" in text and "18:02" in text
    assert "20" in text
    assert "李四" in page.detail_title.text()


def write_csv(tmp_path: Path) -> Path:
    path = tmp_path / "clock.csv"
    path.write_text(
        "工号,姓名,打卡时间\n"
        "A001,张三,2026-11-25 08:55\n"
        "A001,张三,2026-11-25 18:01\n"
        "A002,李四,2026-11-25 08:58\n"
        "A002,李四,2026-11-25 18:03\n"
        "A009,王五,2026-11-25 08:59\n"
        "A001,张三,not a time\n",
        encoding="utf-8",
    )
    return path


def punch_count(store: Store) -> int:
    with store.reading() as session:
        return session.scalar(select(func.count(Punch.id))) or 0


def test_import_punches_preview_apply_and_again(
    page: AttendancePage,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    path = write_csv(tmp_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    wednesday = date(2026, 11, 25)
    assert day_cell(page, "A001", wednesday) == "旷"
    before = punch_count(store)
    page.import_punches()
    dialog = page.current_dialog
    assert isinstance(dialog, PunchImportDialog)
    statuses = {row.line: row.status for row in dialog.rows}
    assert statuses[2] is PunchRowStatus.NEW
    assert statuses[6] is PunchRowStatus.UNKNOWN
    assert statuses[7] is PunchRowStatus.REJECTED
    assert dialog.new_count == 4
    assert "A009" in dialog.unknown_label.text()
    assert punch_count(store) == before  # the preview stored nothing
    dialog.accept()
    assert punch_count(store) == before + 4
    assert day_cell(page, "A001", wednesday) == "√"
    assert "4" in messages.infos[-1]

    page.import_punches()
    again = page.current_dialog
    assert isinstance(again, PunchImportDialog)
    assert again.new_count == 0
    assert again.counts[PunchRowStatus.DUPLICATE] == 4
    assert not again.import_button.isEnabled()
    again.reject()


def test_manual_punch_needs_a_reason(page: AttendancePage, store: Store) -> None:
    page.select_cell(page.model.rows[row_of(page, "A002")].staff_id, date(2026, 11, 24))
    page.manual_punch()
    dialog = page.current_dialog
    assert isinstance(dialog, ManualPunchDialog)
    dialog.when.setDateTime(dialog.when.dateTime().addDays(-3))
    before = punch_count(store)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_text("reason")
    assert punch_count(store) == before
    dialog.reason.setText("打卡机故障")
    dialog.accept()
    assert not dialog.isVisible()
    assert punch_count(store) == before + 1


def test_approved_leave_shows_in_the_grid(
    page: AttendancePage, store: Store, supervisor: Actor
) -> None:
    monday = date(2026, 11, 23)
    assert day_cell(page, "A001", monday) == "旷"
    page.show_requests()
    requests = page.current_dialog
    assert isinstance(requests, RequestsDialog)
    requests.new_request()
    form = requests.current_dialog
    assert isinstance(form, RequestDialog)
    form.person.setCurrentIndex(form.person.findData(page.model.rows[0].staff_id))
    form.set_kind("leave")
    start = form.start.dateTime()
    form.start.setDateTime(start.addDays(-4))  # Monday 09:00
    form.end.setDateTime(form.end.dateTime().addDays(-4))  # Monday 17:30
    form.end.setDateTime(form.end.dateTime().addSecs(60 * 30))  # 18:00
    form.reason.setPlainText("家中有事")
    form.accept()
    assert not form.isVisible(), form.error_text()
    assert requests.model.rowCount() == 1
    requests.select_request(requests.model.record(0).id)
    assert requests.approve_button.isEnabled()
    requests.decide_selected(True)
    decide = requests.current_dialog
    assert decide is not None
    decide.accept()
    assert requests.model.record(0).status == "approved"
    requests.reject()
    assert day_cell(page, "A001", monday) == "假"


def test_manager_sees_own_row_and_no_supervisor_buttons(
    qtbot: QtBot, store: Store, make_manager: object, messages: Messages
) -> None:
    manager = make_manager("B001", "赵六")  # type: ignore[operator]
    p = AttendancePage(store, manager)
    qtbot.addWidget(p)
    assert [r.employee_no for r in p.model.rows] == ["B001"]
    assert p.import_button.isHidden() and p.kiosk_button.isHidden()
    assert not p.requests_button.isHidden()
    assert p.notices_button.isHidden()
    assert p.points.ranking_view.isHidden()  # a manager sees only their own ledger
    p.show_rota()  # their own rota, read-only
    rota = p.current_dialog
    assert rota is not None and not rota.editable  # type: ignore[attr-defined]
    rota.reject()


def test_warning_notices_saved_into_a_folder(
    page: AttendancePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    assert page.tabs.count() == 2
    page.warning_notices()  # 李四 came late on Thursday: an oral warning (office rule)
    dialog = page.current_dialog
    assert isinstance(dialog, WarningNoticesDialog)
    assert [n.employee_no for n in dialog.notices] == ["A002"]
    assert dialog.save_button.isEnabled()
    folder = tmp_path / "notices"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    dialog.save_to_folder()
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [f.name for f in dialog.saved]
    assert len(files) == 1 and "李四" in files[0].name
    assert files[0].read_bytes().startswith(b"%PDF")
    assert messages.infos and not messages.errors
    dialog.set_checked(set())
    assert not dialog.save_button.isEnabled()


def test_request_with_proof(page: AttendancePage, store: Store, tmp_path: Path) -> None:
    proof = tmp_path / "假条.png"
    proof.write_bytes(b"\x89PNG fake")
    page.show_requests()
    requests = page.current_dialog
    assert isinstance(requests, RequestsDialog)
    requests.new_request()
    form = requests.current_dialog
    assert isinstance(form, RequestDialog)
    form.set_kind("leave")
    form.set_proof(proof)
    assert form.proof_label.text() == "假条.png"
    form.reason.setPlainText("病假")
    form.accept()
    assert not form.isVisible(), form.error_text()
    with store.reading() as session:
        stored = session.scalars(select(AttendanceRequest)).one()
        assert (stored.proof, stored.proof_filename) == (b"\x89PNG fake", "假条.png")
    form_missing = RequestDialog(page.store, page.actor, page.tz, parent=page)
    form_missing.set_proof(tmp_path / "gone.png")
    assert form_missing.proof is None and form_missing.error_text("proof")


def test_rota_for_the_selected_person(page: AttendancePage) -> None:
    from app.ui.rota_dialog import RotaDialog

    page.select_cell(page.model.rows[row_of(page, "A002")].staff_id, THURSDAY)
    page.show_rota()
    dialog = page.current_dialog
    assert isinstance(dialog, RotaDialog)
    assert dialog.staff_id == page.model.rows[row_of(page, "A002")].staff_id
    dialog.reject()
    assert page.current_dialog is None


def test_void_a_wrong_punch_from_the_day_detail(
    page: AttendancePage, store: Store, people: dict[str, int]
) -> None:
    punch(store, page.actor, people["A002"], local(THURSDAY, 8, 58))  # the real arrival
    page.refresh()
    assert day_cell(page, "A002", THURSDAY) == "√"
    page.select_cell(people["A002"], THURSDAY)
    assert page.punch_list.count() == 3
    page.punch_list.setCurrentRow(0)  # 08:58: pretend it was wrong after all
    page.void_button.click()
    dialog = page.current_dialog
    assert isinstance(dialog, VoidPunchDialog)
    dialog.accept()  # no reason: refused under the field, nothing stored
    assert dialog.error_text("reason")
    dialog.reason.setText("误打卡")
    dialog.accept()
    assert day_cell(page, "A002", THURSDAY) == "迟"
    page.select_cell(people["A002"], THURSDAY)
    assert "误打卡" in page.punch_list.item(0).text()
    page.punch_list.setCurrentRow(0)
    assert not page.void_button.isEnabled()
