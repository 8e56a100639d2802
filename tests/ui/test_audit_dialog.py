"""File → Audit trail: the supervisor sees who changed what, filters it, exports it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import attendance
from app.services.auth import Actor
from app.ui.audit_dialog import AuditDialog

NOON = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


@pytest.fixture
def dialog(
    qtbot: QtBot, store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> AuditDialog:
    manager = make_manager("A001", "张三")
    assert manager.staff_id is not None
    with time_machine.travel(NOON, tick=False):
        with store.transaction() as session:
            punch = attendance.add_punch(
                session, supervisor, manager.staff_id, NOON.replace(hour=1), "manual", "忘记打卡"
            )
        with store.transaction() as session:
            assert punch.punch_id is not None
            attendance.void_punch(session, supervisor, punch.punch_id, "打错了")
    dlg = AuditDialog(store, supervisor)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _rows(dlg: AuditDialog) -> list[list[str]]:
    model = dlg.table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_newest_first_with_who_what_and_the_change(dialog: AuditDialog) -> None:
    rows = _rows(dialog)
    assert rows[0][1:6] == ["王主管 (boss)", "打卡", "修改", rows[0][4], "张三"]
    assert "作废原因: — → 打错了" in rows[0][6]
    assert rows[0][0] == "2026-11-26 12:00:00"  # entered at noon, Shanghai time
    assert any(r[2] == "员工" and r[3] == "新增" for r in rows)


def test_filter_by_kind_and_search(dialog: AuditDialog, qtbot: QtBot) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData("punch"))
    assert [r[3] for r in _rows(dialog)] == ["修改", "新增"]
    dialog.search.setText("打错了")  # Chinese comes from an input method, not key presses
    assert len(_rows(dialog)) == 1
    assert dialog.count.text() == "显示 1 / 2 条"
    dialog.table.selectRow(0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    assert "SHA-256" in dialog.detail.toPlainText()
    assert "作废原因: " in dialog.detail.toPlainText()


def test_export_writes_the_kind_shown_as_xlsx(
    dialog: AuditDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "审计记录.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    dialog.kind.setCurrentIndex(dialog.kind.findData("punch"))
    dialog.export_button.click()
    sheet = load_workbook(target).active
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0][:4] == ["序号", "时间", "操作人", "记录"]
    assert [v[4] for v in values[1:]] == ["修改", "新增"]
    assert "打错了" in values[1][7] and len(values[1][8]) == 64
