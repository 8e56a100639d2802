"""Importing a roster file from the staff page: preview of every row, then one transaction."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db import Store
from app.importers.staff import RosterRow
from app.models import Staff
from app.services import staff
from app.services.auth import Actor
from app.services.staff import StaffInput
from app.ui.import_preview import ImportPreviewDialog, RowStatus, preview_rows
from app.ui.operations import BackgroundOp
from app.ui.staff_page import StaffPage

ROSTER = (
    "工号,姓名,手机,入职日期,岗位\n"  # line 1
    "A001,张伟,13800000001,2023-02-01,客户经理\n"  # 2: exists, name changes
    "A002,王芳,13800000002,2022-07-15,客户经理\n"  # 3: exists, same
    "B001,李娜,13900000003,2024-03-01,大客户经理\n"  # 4: new
    "B002,,13900000004,,\n"  # 5: no name
    "B003,刘洋,12345,,\n"  # 6: bad phone
    "B004,陈静,,2024/5/6,营销经理\n"  # 7: new
    "B001,杨磊,,,\n"  # 8: 工号 twice in the file
)

if TYPE_CHECKING:
    from tests.ui.conftest import Messages


@pytest.fixture
def page(qtbot: QtBot, store: Store, supervisor: Actor) -> StaffPage:
    with store.transaction() as session:
        for no, name, phone, day in (
            ("A001", "张伟伟", "13800000001", date(2023, 2, 1)),
            ("A002", "王芳", "13800000002", date(2022, 7, 15)),
        ):
            staff.add_staff(session, supervisor, StaffInput(no, name, phone, day, "客户经理"))
    p = StaffPage(store, supervisor)
    qtbot.addWidget(p)
    return p


def snapshot(store: Store) -> list[tuple[object, ...]]:
    with store.reading() as session:
        return [
            (s.employee_no, s.name, s.phone, s.hire_date, s.position, s.active)
            for s in session.scalars(select(Staff).order_by(Staff.id))
        ]


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(path), ""))


def open_preview(page: StaffPage) -> ImportPreviewDialog:
    page.import_action.trigger()
    dialog = page.current_dialog
    assert isinstance(dialog, ImportPreviewDialog), "no preview was shown"
    return dialog


def table(dialog: ImportPreviewDialog) -> list[list[str]]:
    model = dialog.proxy
    return [
        [str(model.index(row, col).data()) for col in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_preview_shows_every_row_then_imports_the_good_ones(
    qtbot: QtBot,
    page: StaffPage,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
    encoding: str,
) -> None:
    path = tmp_path / "花名册.csv"
    path.write_bytes(ROSTER.encode(encoding))
    choose_file(monkeypatch, path)
    before = snapshot(store)

    dialog = open_preview(page)
    rows = table(dialog)
    assert [r[0] for r in rows] == ["2", "3", "4", "5", "6", "7", "8"]
    assert rows[0][1:3] == ["A001", "张伟"]
    statuses = [r[6] for r in rows]
    assert statuses[0] == "将更新：姓名"
    assert statuses[1] == "不变"
    assert statuses[2] == "新增"
    assert statuses[3].startswith("拒绝：") and "姓名" in statuses[3]
    assert statuses[4].startswith("拒绝：") and "12345" in statuses[4]
    assert statuses[5] == "新增"
    assert statuses[6].startswith("拒绝：") and "4" in statuses[6]  # names line 4
    assert dialog.ok_button.text() == "导入 4 行"
    assert "花名册.csv" in dialog.summary.text()

    # Bad rows stand out.
    bad = dialog.proxy.index(3, 2).data(Qt.ItemDataRole.BackgroundRole)
    good = dialog.proxy.index(2, 2).data(Qt.ItemDataRole.BackgroundRole)
    assert bad is not None and good is None

    # Looking changes nothing.
    assert snapshot(store) == before

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with store.reading() as session:
        people = {r.employee_no: r for r in staff.list_staff(session, page.actor)}
    assert sorted(people) == ["A001", "A002", "B001", "B004"]
    assert people["A001"].name == "张伟"
    assert people["B004"].hire_date == date(2024, 5, 6)
    assert [r.name for r in page.model.records()] == ["张伟", "王芳", "李娜", "陈静"]
    summary = messages.infos[-1]
    assert "新增 2 人" in summary and "更新 1 人" in summary and "不变 1 人" in summary
    assert "拒绝 3 行" in summary

    # The same file again: everything unchanged, nothing changes.
    after_first = snapshot(store)
    dialog = open_preview(page)
    statuses = [r[6] for r in table(dialog)]
    assert [s for s in statuses if not s.startswith("拒绝")] == ["不变"] * 4
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert snapshot(store) == after_first
    assert "新增 0 人" in messages.infos[-1] and "不变 4 人" in messages.infos[-1]


def test_cancel_writes_nothing(
    page: StaffPage, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    choose_file(monkeypatch, path)
    before = snapshot(store)
    dialog = open_preview(page)
    dialog.reject()
    assert snapshot(store) == before
    assert page.current_dialog is None


def test_unusable_file_is_explained_and_nothing_written(
    page: StaffPage,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("编号,名字\nA009,赵六\n", encoding="utf-8")
    choose_file(monkeypatch, path)
    before = snapshot(store)
    page.import_action.trigger()
    assert page.current_dialog is None
    [text] = messages.errors
    assert "wrong.csv" in text and "工号" in text and "姓名" in text
    assert snapshot(store) == before


def test_choosing_no_file_does_nothing(
    page: StaffPage, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: ("", ""))
    page.import_action.trigger()
    assert page.current_dialog is None
    assert not (messages.errors or messages.infos)


def test_all_rejected_cannot_be_imported(
    page: StaffPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("工号,姓名,手机\nX1,,\nX2,某人,999\n", encoding="utf-8")
    choose_file(monkeypatch, path)
    dialog = open_preview(page)
    assert [r.status for r in dialog.rows] == [RowStatus.REJECTED] * 2
    assert not dialog.ok_button.isEnabled()


def test_only_rejected_filter_and_model(
    page: StaffPage,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: object,
) -> None:
    path = tmp_path / "roster.txt"
    path.write_text(ROSTER.replace(",", "\t"), encoding="utf-8")
    choose_file(monkeypatch, path)
    dialog = open_preview(page)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert dialog.only_rejected.isVisibleTo(dialog)
    dialog.only_rejected.setChecked(True)
    assert [r[0] for r in table(dialog)] == ["5", "6", "8"]
    dialog.only_rejected.setChecked(False)
    assert len(table(dialog)) == 7


def test_exported_roster_imports_back_unchanged(
    page: StaffPage,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    path = tmp_path / "out.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(path), ""))
    page.export_action.trigger()
    choose_file(monkeypatch, path)
    dialog = open_preview(page)
    assert [r.status for r in dialog.rows] == [RowStatus.UNCHANGED] * 2
    assert "导入不会改动" in dialog.hint.text()


def test_a_number_twice_among_good_rows_is_replayed_in_order(
    store: Store, supervisor: Actor
) -> None:
    # The importer refuses repeats; should one get through, the preview still matches
    # what apply_import would do, row by row.
    rows = [
        RosterRow(2, StaffInput("Z001", "甲")),
        RosterRow(3, StaffInput("Z001", "乙")),
        RosterRow(4, StaffInput("Z001", "乙")),
        RosterRow(5, None, "坏行"),
    ]
    before = snapshot(store)
    preview = preview_rows(store, supervisor, rows)
    assert [p.status for p in preview] == [
        RowStatus.NEW,
        RowStatus.UPDATE,
        RowStatus.UNCHANGED,
        RowStatus.REJECTED,
    ]
    assert preview[3].status_text == "拒绝：坏行"
    assert snapshot(store) == before


def test_reading_runs_off_the_gui_thread(
    qtbot: QtBot,
    page: StaffPage,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(BackgroundOp, "inline", False)
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    page.import_file(path)
    qtbot.waitUntil(lambda: page.current_dialog is not None, timeout=10_000)
    assert isinstance(page.current_dialog, ImportPreviewDialog)
    assert len(page.current_dialog.rows) == 7
