"""The minutes tab: autosave, decisions, action items, carried-over items, finalize, amend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import meetings, minutes, rollcall
from app.services.auth import Actor
from app.services.meetings import MeetingKind, MeetingStatus
from app.ui import printing
from app.ui.minutes_editor import ActionItemDialog, AmendDialog, MinutesEditor, RevisionsDialog
from app.ui.verify_dialog import VerifyDialog

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

MONDAY = date(2026, 11, 30)
AFTER_THE_MEETING = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


def png() -> bytes:
    image = QImage(60, 20, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def meeting_on(store: Store, actor: Actor, day: date, kind: str) -> int:
    with store.transaction() as session:
        (found,) = [m for m in meetings.list_meetings(session, actor, day, day) if m.kind == kind]
    return found.id


@pytest.fixture
def team(make_manager: Callable[..., Actor]) -> list[Actor]:
    return [make_manager(f"A00{i}", name) for i, name in enumerate(["张三", "李四", "王五"], 1)]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(AFTER_THE_MEETING, tick=False):
        yield


@pytest.fixture
def mid(store: Store, supervisor: Actor, team: list[Actor]) -> int:
    return meeting_on(store, supervisor, MONDAY, MeetingKind.WEEKLY)


def make_complete(store: Store, actor: Actor, mid: int, team: list[Actor]) -> None:
    """Roll call taken, minute-taker named, everyone signed (done on other tabs)."""
    with store.transaction() as session:
        meetings.set_people(session, actor, mid, minute_taker_staff_id=team[0].staff_id)
        rollcall.mark_rest_present(session, actor, mid)
        for member in team:
            rollcall.save_signature(session, actor, mid, "attendee", png(), member.staff_id)
        rollcall.save_signature(session, actor, mid, "host", png())
        rollcall.save_signature(session, actor, mid, "minute_taker", png())


@pytest.fixture
def open_editor(
    qtbot: QtBot, store: Store, supervisor: Actor, messages: Messages
) -> Callable[[int], MinutesEditor]:
    def make(meeting_id: int) -> MinutesEditor:
        editor = MinutesEditor(store, supervisor, meeting_id)
        qtbot.addWidget(editor)
        editor.resize(1000, 800)
        with qtbot.waitExposed(editor):
            editor.show()
        return editor

    return make


def stored_draft(store: Store, actor: Actor, mid: int) -> minutes.MinutesDraft:
    with store.reading() as session:
        return minutes.load_draft(session, actor, mid)


def test_sections_come_from_the_agenda_and_autosave(
    qtbot: QtBot,
    open_editor: Callable[[int], MinutesEditor],
    store: Store,
    supervisor: Actor,
    mid: int,
    type_text: Callable[[QWidget, str], None],
) -> None:
    editor = open_editor(mid)
    with store.reading() as session:
        agenda = meetings.agenda_sections(session, supervisor.branch_id, MeetingKind.WEEKLY)
    assert editor.section_titles == agenda and len(agenda) == 4
    assert "- " in editor.bullet_hint.text()
    type_text(editor.section_edits[0], "传达第四季度营销文件\n- 重点产品：理财")
    assert editor.dirty and editor.autosave_timer.isActive()
    assert editor.autosave_timer.interval() == 1500
    editor.autosave_timer.setInterval(10)  # the test need not wait 1.5 s
    editor.autosave_timer.start()
    qtbot.waitUntil(lambda: not editor.dirty, timeout=2000)
    assert stored_draft(store, supervisor, mid).sections[0].text.startswith("传达第四季度")
    assert editor.save_status.text() == "草稿已保存 09:30:00"

    # a fresh editor shows what was saved
    again = open_editor(mid)
    assert again.section_edits[0].toPlainText() == "传达第四季度营销文件\n- 重点产品：理财"


def test_ctrl_s_and_hiding_save_at_once(
    qtbot: QtBot,
    open_editor: Callable[[int], MinutesEditor],
    store: Store,
    supervisor: Actor,
    mid: int,
    type_text: Callable[[QWidget, str], None],
) -> None:
    editor = open_editor(mid)
    with qtbot.waitActive(editor):
        editor.activateWindow()
    type_text(editor.section_edits[1], "张三：本周拜访 12 户")
    QTest.keyClick(editor.section_edits[1], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not editor.dirty and not editor.autosave_timer.isActive()
    assert stored_draft(store, supervisor, mid).sections[1].text == "张三：本周拜访 12 户"

    editor.add_decision("本周完成存量客户回访")
    assert editor.dirty
    editor.hide()
    assert not editor.dirty
    assert stored_draft(store, supervisor, mid).decisions == ["本周完成存量客户回访"]


def test_add_and_remove_an_action_item(
    open_editor: Callable[[int], MinutesEditor],
    store: Store,
    supervisor: Actor,
    mid: int,
    team: list[Actor],
    messages: Messages,
) -> None:
    editor = open_editor(mid)
    editor.add_item_button.click()
    dialog = editor.current_dialog
    assert isinstance(dialog, ActionItemDialog)
    dialog.accept()  # nothing described yet
    assert dialog.error_text("text") and editor.current_dialog is dialog
    dialog.text.setText("回访重点客户")
    dialog.select_owner(team[1].staff_id)  # type: ignore[arg-type]
    dialog.accept()
    assert editor.current_dialog is None
    assert editor.items_model.rowCount() == 1
    row = [editor.items_model.index(0, c).data() for c in range(4)]
    assert row == ["回访重点客户", "李四", "2026-12-07", "未完成"]

    editor.items_table.selectRow(0)
    assert editor.remove_item_button.isEnabled()
    editor.remove_item_button.click()
    assert messages.questions and editor.items_model.rowCount() == 0
    with store.reading() as session:
        assert minutes.action_items(session, supervisor, mid) == []


def test_open_items_of_earlier_meetings_can_be_ticked_off(
    open_editor: Callable[[int], MinutesEditor],
    store: Store,
    supervisor: Actor,
    team: list[Actor],
) -> None:
    earlier = meeting_on(store, supervisor, date(2026, 11, 27), MeetingKind.MORNING)
    with store.transaction() as session:
        item = minutes.add_action_item(
            session, supervisor, earlier, "提交拜访计划", team[2].staff_id, date(2026, 11, 28)
        )
    mid = meeting_on(store, supervisor, MONDAY, MeetingKind.WEEKLY)
    editor = open_editor(mid)
    entry = editor.carried.item(0)
    assert "提交拜访计划" in entry.text() and "王五" in entry.text()
    assert entry.checkState() == Qt.CheckState.Unchecked
    entry.setCheckState(Qt.CheckState.Checked)
    with store.reading() as session:
        (info,) = minutes.carried_over(session, supervisor, mid)
        later = meeting_on(store, supervisor, date(2026, 12, 1), MeetingKind.MORNING)
        assert minutes.carried_over(session, supervisor, later) == []
    assert info.id == item.id and info.done


def test_finalize_is_refused_with_the_problems_listed(
    open_editor: Callable[[int], MinutesEditor],
    store: Store,
    supervisor: Actor,
    mid: int,
    messages: Messages,
) -> None:
    editor = open_editor(mid)
    assert not editor.finalize()
    (error,) = messages.errors
    assert error.startswith("会议尚不能定稿")
    assert "记录人" in error and "张三" in error and error.count("•") >= 3
    assert messages.questions == []  # not even asked
    with store.reading() as session:
        assert meetings.summary(session, supervisor, mid).status == MeetingStatus.SCHEDULED


def test_finalize_amend_and_finalize_again(
    open_editor: Callable[[int], MinutesEditor],
    store: Store,
    supervisor: Actor,
    mid: int,
    team: list[Actor],
    messages: Messages,
    type_text: Callable[[QWidget, str], None],
) -> None:
    make_complete(store, supervisor, mid, team)
    editor = open_editor(mid)
    type_text(editor.section_edits[0], "传达总行文件")
    changed: list[bool] = []
    editor.changed.connect(lambda: changed.append(True))
    assert editor.finalize()
    assert messages.errors == [] and len(messages.questions) == 1
    (info,) = messages.infos
    with store.reading() as session:
        (first,) = minutes.revisions(session, supervisor, mid)
    assert first.fingerprint in info
    assert changed
    # locked: a banner says how to change it, nothing is editable
    assert editor.read_only and editor.banner.isVisibleTo(editor)
    assert editor.banner.label.text() == "已定稿（第 1 版）— 如需更改请点“修订”"
    assert all(e.isReadOnly() for e in editor.section_edits)
    assert not editor.add_item_button.isEnabled() and not editor.add_decision_button.isEnabled()
    assert editor.amend_button.isVisibleTo(editor) and not editor.finalize_button.isVisibleTo(
        editor
    )
    editor.add_decision("不应保存")
    assert editor.decisions.count() == 0

    editor.amend_button.click()
    dialog = editor.current_dialog
    assert isinstance(dialog, AmendDialog)
    dialog.accept()
    assert dialog.error_text("reason")  # a reason is required
    dialog.reason.setText("补充决议")
    dialog.accept()
    assert not editor.read_only and editor.status == MeetingStatus.AMENDING
    assert "补充决议" in editor.banner.label.text()
    editor.add_decision("下周一前提交拜访计划")
    assert editor.finalize()

    editor.revisions_button.click()
    revisions = editor.current_dialog
    assert isinstance(revisions, RevisionsDialog)
    assert revisions.model.rowCount() == 2
    assert revisions.model.index(1, 2).data() == "补充决议"
    assert editor.banner.label.text().startswith("已定稿（第 2 版）")


def test_revisions_print_and_save(
    open_editor: Callable[[int], MinutesEditor],
    store: Store,
    supervisor: Actor,
    mid: int,
    team: list[Actor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_complete(store, supervisor, mid, team)
    with store.transaction() as session:
        minutes.finalize(session, supervisor, mid)
    editor = open_editor(mid)
    editor.show_revisions()
    dialog = editor.current_dialog
    assert isinstance(dialog, RevisionsDialog)
    printed: list[tuple[bytes, str]] = []
    monkeypatch.setattr(
        printing, "print_pdf", lambda _p, pdf, title: printed.append((pdf, title)) or True
    )
    assert dialog.print_selected()
    ((pdf, title),) = printed
    assert pdf.startswith(b"%PDF-") and "第 1 版" in title
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda _p, _c, suggested, _f: (str(tmp_path / Path(suggested).name), "")),
    )
    saved = dialog.save_selected()
    assert isinstance(saved, Path) and saved.read_bytes() == pdf


def test_a_draft_prints_as_a_draft(
    open_editor: Callable[[int], MinutesEditor],
    mid: int,
    monkeypatch: pytest.MonkeyPatch,
    type_text: Callable[[QWidget, str], None],
) -> None:
    editor = open_editor(mid)
    type_text(editor.section_edits[0], "未保存的内容")
    printed: list[tuple[bytes, str]] = []
    monkeypatch.setattr(
        printing, "print_pdf", lambda _p, pdf, title: printed.append((pdf, title)) or True
    )
    assert editor.print_minutes()
    assert not editor.dirty  # saved before printing, so the print shows it
    ((pdf, title),) = printed
    assert pdf.startswith(b"%PDF-") and "草稿" in title


def test_a_cancelled_meeting_is_read_only(
    open_editor: Callable[[int], MinutesEditor], store: Store, supervisor: Actor, mid: int
) -> None:
    with store.transaction() as session:
        meetings.cancel(session, supervisor, mid, "全员培训")
    editor = open_editor(mid)
    assert editor.read_only and not editor.finalize_button.isEnabled()
    assert not editor.finalize()


# --- verifying a PDF of the minutes -------------------------------------------------------


def test_verify_dialog_match_altered_and_not_a_pdf(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    mid: int,
    team: list[Actor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    make_complete(store, supervisor, mid, team)
    with store.transaction() as session:
        minutes.finalize(session, supervisor, mid)
        pdf = minutes.minutes_pdf(session, supervisor, mid)
    exported = tmp_path / "纪要.pdf"
    exported.write_bytes(pdf)
    dialog = VerifyDialog(store, supervisor)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.verdict_frame.isVisibleTo(dialog)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(exported), ""))
    )
    dialog.choose_button.click()
    assert dialog.verification is not None and dialog.verification.verdict is minutes.Verdict.MATCH
    assert dialog.verification.revision == 1 and dialog.verdict_frame.isVisibleTo(dialog)
    assert "第 1 版" in dialog.verdict.text()
    assert "2026-11-30" in dialog.details.text() and "纪要.pdf" in dialog.details.text()
    assert "#1e7b34" in dialog.verdict_frame.styleSheet()  # green

    # one changed byte inside the text, same fingerprint in the footer: altered
    at = pdf.index(b"(") + 1 if b"(" in pdf else len(pdf) // 2
    altered = tmp_path / "改过.pdf"
    altered.write_bytes(pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :])
    result = dialog.verify_file(altered)
    assert result is not None and result.verdict is minutes.Verdict.ALTERED
    assert "#c0392b" in dialog.verdict_frame.styleSheet()  # red

    text = tmp_path / "说明.txt"
    text.write_text("不是 PDF", encoding="utf-8")
    result = dialog.verify_file(text)
    assert result is not None and result.verdict is minutes.Verdict.NOT_PDF
    assert "不是 PDF" in dialog.verdict.text() or "PDF" in dialog.verdict.text()
    assert "#4b5563" in dialog.verdict_frame.styleSheet()  # grey

    assert dialog.verify_file(tmp_path / "missing.pdf") is None
    assert "missing.pdf" in messages.errors[0]


def test_verify_dialog_accepts_a_dropped_file(
    qtbot: QtBot, store: Store, supervisor: Actor, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    dialog = VerifyDialog(store, supervisor)
    qtbot.addWidget(dialog)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # QApplication only delivers a drop during a real drag: hand it to the handler.
    dialog.dropEvent(event)
    assert event.isAccepted()
    assert (
        dialog.verification is not None and dialog.verification.verdict is minutes.Verdict.UNKNOWN
    )


def test_attach_save_and_remove_a_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
    mid: int,
    open_editor: Callable[[int], MinutesEditor],
) -> None:
    editor = open_editor(mid)
    handout = tmp_path / "讲义.pdf"
    handout.write_bytes(b"%PDF-1.4 handout")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(handout), ""))
    )
    editor.attach_button.click()
    assert editor.attachment_list.item(0).text().startswith("讲义.pdf")
    editor.attachment_list.setCurrentRow(0)
    copy = tmp_path / "副本.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(copy), ""))
    )
    editor.save_attachment_button.click()
    assert copy.read_bytes() == b"%PDF-1.4 handout"
    monkeypatch.setattr(printing.widgets, "confirm", lambda *_a, **_k: True)
    editor.remove_attachment_button.click()
    assert editor.files == [] and editor.attachment_list.item(0).text() == "暂无附件。"
    assert editor.attach(tmp_path / "missing.pdf") is False
    assert "missing.pdf" in messages.errors[-1]
