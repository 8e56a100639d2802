"""The supervisor's review queue for the weekly summaries (每周工作进度汇总表).

One week at a time: every active manager's state (missing, draft, submitted, late,
returned, approved) with times; a live board above it counting down to the deadline
(refreshed every 30 s, so that on Friday afternoon it shows who is still missing); the
ready reminder texts to paste into a chat app; the review dialog (this week beside last
week, 点评 / 退回修改 / 审核通过); and the roll-up for the market department.

A manager is never offered the queue: `weekly.week_status` refuses them, and the view
says so instead of showing an empty table.

`WeekPicker` (previous / this / next week, Alt+Left / Alt+Right) is shared by the
consistency check and the charts views.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db import Store
from app.i18n import N_, _
from app.services import clock, setup, weekly
from app.services.auth import Actor
from app.services.errors import PermissionDenied, ServiceError
from app.services.weekly import BoardLine, BoardState, SummaryState, SummaryView, WeekStatus
from app.ui import printing, widgets
from app.ui.operations import BackgroundOp, Report
from app.ui.table_models import Column, RecordTableModel, fit_columns
from app.ui.weekly_dialogs import WeekPicker
from app.ui.weekly_summary_html import STATE_COLORS, render, render_events, short_time

BOARD_REFRESH_MS = 30_000
WEEK = timedelta(days=7)
# Handed in and waiting for, or past, review; a returned summary has to come back.
HANDED_IN = frozenset({BoardState.SUBMITTED, BoardState.LATE, BoardState.APPROVED})
WAITING = frozenset({BoardState.SUBMITTED, BoardState.LATE})  # for the supervisor to review
OK_COLOR = "#1e8449"
WARN_COLOR = "#d35400"


# --- small helpers shared by the weekly views ------------------------------------------


def branch_zone(store: Store, actor: Actor) -> str:
    with store.reading() as session:
        return setup.current_branch(session, actor).timezone or clock.DEFAULT_TZ


def due_text(due: datetime) -> str:
    """ "周五 11-27 17:30" (the deadline is in the branch's zone already)."""
    return _("{weekday} {date} {time}").format(
        weekday=_(weekly.WEEKDAY_SHORT[due.weekday()]),
        date=due.strftime("%m-%d"),
        time=due.strftime("%H:%M"),
    )


def duration_text(seconds: float) -> str:
    """ "1小时25分", "2天3小时", "5分钟": minutes are dropped once it is days away."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    return _("{minutes} min").format(minutes=minutes)


def countdown_text(due: datetime, now: datetime) -> str:
    left = (due - now).total_seconds()
    if left >= 0:
        if left < 60:
            return _("less than a minute to the deadline")
        return _("{time} to the deadline").format(time=duration_text(left))
    return _("deadline passed {time} ago").format(time=duration_text(left))


def board_text(status: WeekStatus, now: datetime) -> str:
    """ "已提交 8 / 12 · 未交 3 · 草稿 1 · 距截止 1小时25分"."""
    total = len(status.lines)
    handed_in = sum(1 for line in status.lines if line.state in HANDED_IN)
    parts = [
        _("Handed in {n} / {total}").format(n=handed_in, total=total),
        _("Missing {n}").format(n=status.count(BoardState.MISSING)),
        _("Drafts {n}").format(n=status.count(BoardState.DRAFT)),
    ]
    returned = status.count(BoardState.RETURNED)
    if returned:
        parts.append(_("Returned {n}").format(n=returned))
    late = status.count(BoardState.LATE)
    if late:
        parts.append(_("Late {n}").format(n=late))
    waiting = status.count(BoardState.SUBMITTED) + late
    if waiting:
        parts.append(_("To review {n}").format(n=waiting))
    parts.append(countdown_text(status.deadline, now))
    return " · ".join(parts)


def rollup_text(status: WeekStatus, now: datetime, tz: str) -> tuple[str, str]:
    """What the roll-up for the market department looks like, and the colour to say it in."""
    due = due_text(status.rollup_due)
    if status.rollup_produced_at is not None:
        at = short_time(status.rollup_produced_at, ZoneInfo(tz))
        if status.rollup_on_time:
            return _("Roll-up produced {time}, in time (due {due}).").format(
                time=at, due=due
            ), OK_COLOR
        return _("Roll-up produced {time}, after it was due ({due}).").format(
            time=at, due=due
        ), WARN_COLOR
    if now <= status.rollup_due:
        return _("Roll-up not produced yet; it is due at the market department by {due}.").format(
            due=due
        ), widgets.MUTED_COLOR
    return _("Roll-up not produced, and it was due by {due}.").format(due=due), widgets.ERROR_COLOR


def _start_folder() -> Path:
    saved = widgets.ui_settings().value(printing.FOLDER_KEY, "")
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def ask_save_path(
    parent: QWidget | None, suggested_name: str, suffix: str, title: str, file_filter: str
) -> Path | None:
    """Where to write a file (the suffix added when missing); None if cancelled.

    Module-level so that tests can answer in place of the file dialog."""
    name = printing.safe_file_name(suggested_name)
    chosen, _selected = QFileDialog.getSaveFileName(
        parent, title, str(_start_folder() / name), file_filter
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    widgets.ui_settings().setValue(printing.FOLDER_KEY, str(path.parent))
    return path


# --- the week picker --------------------------------------------------------------------


# --- the queue's table ------------------------------------------------------------------


def _state_sort(line: BoardLine) -> int:
    order = list(BoardState)
    return order.index(BoardState(line.state))


class BoardModel(RecordTableModel[BoardLine]):
    STATE_COLUMN = 2

    def __init__(self, tz: str, parent: Any = None) -> None:
        zone = ZoneInfo(tz)
        columns: list[Column[BoardLine]] = [
            Column(N_("Employee no."), lambda b: b.employee_no),
            Column(N_("Name"), lambda b: b.name),
            Column(N_("State"), lambda b: weekly.board_label(b.state), sort_key=_state_sort),
            Column(N_("Submitted at"), lambda b: short_time(b.submitted_at, zone)),
            Column(N_("Revision"), lambda b: str(b.revision) if b.revision else "—"),
            Column(N_("Reviewed at"), lambda b: short_time(b.reviewed_at, zone)),
        ]
        super().__init__(columns, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def foreground(self, record: BoardLine, column: int) -> QColor | None:
        if column == self.STATE_COLUMN:
            return QColor(STATE_COLORS[BoardState(record.state)])
        return None

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            return self._bold if index.column() == self.STATE_COLUMN else None
        return super().data(index, role)


# --- the review dialog ------------------------------------------------------------------


class ReasonDialog(QDialog):
    """Asks why a summary goes back; OK only once something is written."""

    def __init__(self, name: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Return for revision"))
        self.resize(460, 240)
        layout = QVBoxLayout(self)
        layout.addWidget(
            widgets.muted(
                _("Say what {name} should revise; they see it with the returned summary.").format(
                    name=name
                ),
                self,
            )
        )
        self.edit = QPlainTextEdit(self)
        self.edit.setPlaceholderText(_("e.g. Tuesday's visit has no visit log"))
        self.edit.setPlainText(text)
        layout.addWidget(self.edit, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Return for revision"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._update)
        self._update()

    def reason(self) -> str:
        return self.edit.toPlainText().strip()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()))

    def accept(self) -> None:
        if self.reason():
            super().accept()


class SummaryReviewDialog(QDialog):
    """One manager's summary beside last week's, the review history and the actions.

    Each action is one transaction; `changed` tells the queue to refresh."""

    changed = Signal()
    next_requested = Signal()

    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        week_start: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.staff_id, self.week_start = staff_id, weekly.week_of(week_start)
        self.current_dialog: QDialog | None = None
        with store.reading() as session:
            self.view = weekly.get_summary(session, actor, staff_id, self.week_start)
            self.last = weekly.get_summary(session, actor, staff_id, self.week_start - WEEK)
        self.setWindowTitle(
            _("Weekly summary of {name}, {week}").format(name=self.view.name, week=self.view.week)
        )
        self.resize(1180, 800)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        self.title = widgets.heading("", 1.3, self)
        layout.addWidget(self.title)

        panes = QSplitter(Qt.Orientation.Horizontal, self)
        self.current_pane = self._pane(panes, _("This week · {week}").format(week=self.view.week))
        self.last_pane = self._pane(panes, _("Last week · {week}").format(week=self.last.week))
        panes.setStretchFactor(0, 3)
        panes.setStretchFactor(1, 2)
        layout.addWidget(panes, 1)

        # History on the left, the supervisor's text and actions on the right; the
        # labels share a row so the two boxes line up.
        bottom = QGridLayout()
        bottom.setHorizontalSpacing(16)
        bottom.addWidget(QLabel(_("Review history"), self), 0, 0)
        bottom.addWidget(QLabel(_("Comment, or a note to keep with the approval"), self), 0, 1)
        self.history = QTextBrowser(self)
        self.history.setMaximumHeight(120)
        bottom.addWidget(self.history, 1, 0, 2, 1)
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setPlaceholderText(
            _("Write a comment; Ctrl+Enter posts it. Approving keeps it with the approval.")
        )
        self.comment_edit.setMaximumHeight(84)
        self.comment_edit.textChanged.connect(self._update_buttons)
        bottom.addWidget(self.comment_edit, 1, 1)
        buttons = QHBoxLayout()
        self.comment_button = QPushButton(_("Post comment"), self)
        self.comment_button.setToolTip(_("Keep the comment with the summary (Ctrl+Enter)"))
        self.comment_button.clicked.connect(self.post_comment)
        self.return_button = QPushButton(_("Return for revision…"), self)
        self.return_button.setShortcut(QKeySequence("Alt+R"))
        self.return_button.setToolTip(
            _("Send it back to the manager with a reason; they revise and submit again (Alt+R)")
        )
        self.return_button.clicked.connect(self.ask_return)
        self.approve_button = QPushButton(_("Pass review"), self)
        self.approve_button.setShortcut(QKeySequence("Alt+A"))
        self.approve_button.setToolTip(
            _("Approve the summary; the text above, if any, is kept as your comment (Alt+A)")
        )
        self.approve_button.setStyleSheet(
            f"QPushButton:enabled {{ background: {OK_COLOR}; color: white; padding: 4px 14px;"
            " border-radius: 4px; }"
        )
        self.approve_button.clicked.connect(self.approve)
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.clicked.connect(self.reject)
        # Going through the week's pile without returning to the queue each time.
        self.next_button = QPushButton(_("Next to review ▶"), self)
        self.next_button.setShortcut(QKeySequence("Alt+N"))
        self.next_button.setToolTip(_("Open the next summary waiting for review (Alt+N)"))
        self.next_button.clicked.connect(self.next_requested)
        self.next_button.setEnabled(False)
        buttons.addWidget(self.comment_button)
        buttons.addStretch(1)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        bottom.addLayout(buttons, 2, 1)
        bottom.setColumnStretch(0, 3)
        bottom.setColumnStretch(1, 2)
        layout.addLayout(bottom)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.post_comment)
        self._show()

    def _pane(self, splitter: QSplitter, title: str) -> QTextBrowser:
        box = QWidget(splitter)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        label = QLabel(title, box)
        label.setFont(widgets.scaled_font(label, 1.05, bold=True))
        column.addWidget(label)
        browser = QTextBrowser(box)
        browser.setOpenLinks(False)
        column.addWidget(browser, 1)
        splitter.addWidget(box)
        return browser

    # --- showing ------------------------------------------------------------------------
    def _show(self) -> None:
        view = self.view
        self.title.setText(
            _("{name} · {week} · {state}").format(
                name=view.name, week=view.week, state=weekly.board_label(view.board_state)
            )
        )
        self.current_pane.setHtml(render(view))
        self.last_pane.setHtml(render(self.last))
        self.history.setHtml(render_events(view))
        self._update_buttons()

    def _update_buttons(self) -> None:
        state = self.view.state
        reviewable = self.view.id is not None and state == SummaryState.SUBMITTED
        has_text = bool(self.comment_edit.toPlainText().strip())
        self.comment_button.setEnabled(
            self.view.id is not None and state not in ("", SummaryState.DRAFT) and has_text
        )
        self.return_button.setEnabled(reviewable)
        self.approve_button.setEnabled(reviewable)

    # --- actions ------------------------------------------------------------------------
    def _act(self, action: Callable[[Session, int], SummaryView]) -> bool:
        summary_id = self.view.id
        if summary_id is None:
            return False
        try:
            with self.store.transaction() as session:
                view = action(session, summary_id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Weekly summary"))
            return False
        self.view = view
        self.comment_edit.clear()
        self._show()
        self.changed.emit()
        return True

    def post_comment(self) -> None:
        if not self.comment_button.isEnabled():
            return
        text = self.comment_edit.toPlainText()
        self._act(lambda s, sid: weekly.comment(s, self.actor, sid, text))

    def ask_return(self) -> None:
        if not self.return_button.isEnabled():
            return
        dialog = ReasonDialog(self.view.name, self.comment_edit.toPlainText().strip(), self)
        widgets.open_dialog(self, dialog, lambda: self.return_for_revision(dialog.reason()))

    def return_for_revision(self, reason: str) -> bool:
        return self._act(lambda s, sid: weekly.return_for_revision(s, self.actor, sid, reason))

    def approve(self) -> None:
        if not self.approve_button.isEnabled():
            return
        text = self.comment_edit.toPlainText()
        self._act(lambda s, sid: weekly.approve(s, self.actor, sid, text))


# --- the queue --------------------------------------------------------------------------


class ReminderRow(QFrame):
    def __init__(self, line: BoardLine, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line, self.text = line, text
        self.setObjectName("reminder")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet("QFrame#reminder { border: none; border-bottom: 1px solid #d1d5db; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 6)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.label, 1)
        self.copy_button = QPushButton(_("Copy"), self)
        self.copy_button.setToolTip(_("Copy this reminder to paste into a chat app"))
        self.copy_button.clicked.connect(lambda: copy_to_clipboard(self.text))
        row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)


def copy_to_clipboard(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)


class ReviewQueueView(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.tz = branch_zone(store, actor)
        self.status: WeekStatus | None = None
        self.current_dialog: QDialog | None = None
        self.reminder_rows: list[ReminderRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        self.notice = widgets.muted("", self)
        self.notice.hide()
        layout.addWidget(self.notice)
        self.content = QWidget(self)
        layout.addWidget(self.content, 1)
        if not actor.sees_whole_branch:
            self._refuse(_("The review queue is for the supervisor."))
            return
        self._build(self.content)
        self.timer = QTimer(self)
        self.timer.setInterval(BOARD_REFRESH_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.refresh()

    def _refuse(self, text: str) -> None:
        self.content.hide()
        self.notice.setText(text)
        self.notice.show()

    def _build(self, parent: QWidget) -> None:
        layout = QVBoxLayout(parent)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        top = QHBoxLayout()
        self.picker = WeekPicker(self._today(), self._today, parent)
        self.picker.weekChanged.connect(lambda _w: self.refresh())
        top.addWidget(self.picker)
        top.addSpacing(16)
        self.deadline_label = QLabel(parent)
        top.addWidget(self.deadline_label)
        top.addStretch(1)
        self.pdf_button = QPushButton(_("Export roll-up PDF…"), parent)
        self.pdf_button.setToolTip(
            _("The week's roll-up for the market department: cover table and every summary")
        )
        self.pdf_button.clicked.connect(lambda: self.export_rollup(".pdf"))
        self.xlsx_button = QPushButton(_("Export roll-up Excel…"), parent)
        self.xlsx_button.setToolTip(self.pdf_button.toolTip())
        self.xlsx_button.clicked.connect(lambda: self.export_rollup(".xlsx"))
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        layout.addLayout(top)

        self.board = widgets.Card(parent)
        self.board_label = QLabel(self.board)
        self.board_label.setFont(widgets.scaled_font(self.board_label, 1.35, bold=True))
        self.board_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rollup_label = QLabel(self.board)
        self.rollup_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rollup_label.setWordWrap(True)
        # How much of the team has handed in, at a glance.
        self.progress = QProgressBar(self.board)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress.setStyleSheet(
            "QProgressBar { background: #e5e7eb; border: none; border-radius: 4px; }"
            f" QProgressBar::chunk {{ background: {OK_COLOR}; border-radius: 4px; }}"
        )
        self.board.body.addWidget(self.board_label)
        self.board.body.addWidget(self.progress)
        self.board.body.addWidget(self.rollup_label)
        layout.addWidget(self.board)

        split = QSplitter(Qt.Orientation.Horizontal, parent)
        table_box = QWidget(split)
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        self.model = BoardModel(self.tz, self)
        self.table = QTableView(table_box)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setToolTip(_("Double-click or press Enter to open a summary"))
        # `activated` is Enter and double-click (or a single click where the desktop says so).
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_open())
        table_layout.addWidget(self.table, 1)
        under = QHBoxLayout()
        self.open_button = QPushButton(_("Open summary…"), table_box)
        self.open_button.setToolTip(_("Open the selected summary beside last week's (Enter)"))
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentIndex().row()))
        under.addWidget(self.open_button)
        under.addStretch(1)
        table_layout.addLayout(under)
        split.addWidget(table_box)

        self.reminders = widgets.Card(split)
        self.reminders_title = QLabel(self.reminders)
        self.reminders_title.setFont(widgets.scaled_font(self.reminders_title, 1.1, bold=True))
        self.reminders.body.addWidget(self.reminders_title)
        self.reminders.body.addWidget(
            widgets.muted(_("Copy a reminder and paste it into the chat app."), self.reminders)
        )
        scroll = QScrollArea(self.reminders)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The card's white, not the window's grey.
        scroll.setStyleSheet(
            "QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"
        )
        self.reminder_box = QWidget(scroll)
        self.reminder_layout = QVBoxLayout(self.reminder_box)
        self.reminder_layout.setContentsMargins(0, 0, 4, 0)
        self.reminder_layout.setSpacing(4)
        self.reminder_layout.addStretch(1)
        scroll.setWidget(self.reminder_box)
        self.reminders.body.addWidget(scroll, 1)
        self.copy_all_button = QPushButton(_("Copy all"), self.reminders)
        self.copy_all_button.setToolTip(_("Copy every reminder, one per line"))
        self.copy_all_button.clicked.connect(self.copy_all)
        self.reminders.body.addWidget(self.copy_all_button, 0, Qt.AlignmentFlag.AlignRight)
        split.addWidget(self.reminders)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)

    # --- time ---------------------------------------------------------------------------
    def _today(self) -> date:
        return clock.branch_today(self.tz)

    def week(self) -> date:
        return self.picker.week()

    def set_week(self, week_start: date) -> None:
        self.picker.set_week(week_start)  # refreshes through weekChanged

    # --- data ---------------------------------------------------------------------------
    def refresh(self, quiet: bool = False) -> None:
        """Read the week again; `quiet` (the timer) never raises a message box."""
        if not self.actor.sees_whole_branch:
            return
        week = self.week()
        try:
            with self.store.reading() as session:
                status = weekly.week_status(session, self.actor, week)
        except PermissionDenied as exc:
            self._refuse(str(exc))
            return
        except ServiceError as exc:
            if not quiet:
                widgets.show_error(self, str(exc), _("Review queue"))
            return
        self.status = status
        selected = self.selected_line()
        self.model.set_records(status.lines)
        fit_columns(self.table)
        # Keep the selected person; else start on the first summary waiting for review,
        # so that Enter opens it straight away.
        row = None
        if selected is not None:
            row = self.model.find_row(lambda b: b.staff_id == selected.staff_id)
        if row is None:
            row = self.model.find_row(lambda b: b.state in WAITING)
        if row is not None:
            self.table.selectRow(row)
        self.deadline_label.setText(_("Due: {when}").format(when=due_text(status.deadline)))
        self._show_board()
        self._update_open()

    def tick(self) -> None:
        """The timer: re-read (someone may just have submitted) and count down. Not while
        the queue is out of sight (another tab or page); it catches up when shown."""
        if self.isVisible():
            self.refresh(quiet=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.status is not None:
            self.refresh(quiet=True)

    def _show_board(self) -> None:
        status = self.status
        if status is None:
            return
        now = clock.now_utc()
        self.board_label.setText(board_text(status, now))
        self.progress.setMaximum(max(1, len(status.lines)))
        self.progress.setValue(sum(1 for line in status.lines if line.state in HANDED_IN))
        past = now > status.deadline
        missing = any(line.state not in HANDED_IN for line in status.lines)
        color = widgets.ERROR_COLOR if past and missing else "#1f2937"
        self.board_label.setStyleSheet(f"color: {color};")
        text, color = rollup_text(status, now, self.tz)
        self.rollup_label.setText(text)
        self.rollup_label.setStyleSheet(f"color: {color};")
        self._show_reminders(weekly.reminders(status, now))

    def _show_reminders(self, reminders: list[tuple[BoardLine, str]]) -> None:
        if [r.text for r in self.reminder_rows] == [text for _line, text in reminders]:
            return  # unchanged: do not rebuild under the user's mouse every 30 s
        for row in self.reminder_rows:
            self.reminder_layout.removeWidget(row)
            row.deleteLater()
        self.reminder_rows = []
        for line, text in reminders:
            row = ReminderRow(line, text, self.reminder_box)
            self.reminder_layout.insertWidget(self.reminder_layout.count() - 1, row)
            self.reminder_rows.append(row)
        self.reminders_title.setText(
            _("Not handed in ({n})").format(n=len(reminders))
            if reminders
            else _("Everyone has handed in")
        )
        self.copy_all_button.setEnabled(bool(reminders))

    def reminder_texts(self) -> list[str]:
        return [row.text for row in self.reminder_rows]

    def copy_all(self) -> None:
        copy_to_clipboard("\n".join(self.reminder_texts()))

    # --- the table ----------------------------------------------------------------------
    def selected_line(self) -> BoardLine | None:
        index = self.table.currentIndex()
        if not index.isValid() or not 0 <= index.row() < self.model.rowCount():
            return None
        return self.model.record(index.row())

    def _update_open(self) -> None:
        self.open_button.setEnabled(self.selected_line() is not None)

    def cell_text(self, row: int, column: int) -> str:
        value = self.model.data(self.model.index(row, column))
        return value if isinstance(value, str) else ""

    def row_of(self, name: str) -> int:
        row = self.model.find_row(lambda b: b.name == name)
        if row is None:
            raise KeyError(name)
        return row

    def open_row(self, row: int) -> SummaryReviewDialog | None:
        if not 0 <= row < self.model.rowCount():
            return None
        line = self.model.record(row)
        if line.summary_id is None:
            widgets.show_info(
                self,
                _("{name} has not saved a summary for {week} yet.").format(
                    name=line.name, week=weekly.week_label(self.week())
                ),
                _("Review queue"),
            )
            return None
        try:
            dialog = SummaryReviewDialog(self.store, self.actor, line.staff_id, self.week(), self)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Review queue"))
            return None
        dialog.changed.connect(self.refresh)
        dialog.changed.connect(lambda: self._offer_next(dialog))
        dialog.next_requested.connect(lambda: self._open_next(dialog))
        self._offer_next(dialog)
        widgets.open_dialog(self, dialog, lambda: None)
        return dialog

    def _next_to_review(self, staff_id: int) -> int | None:
        """The row of the next summary waiting for review after `staff_id`'s, wrapping."""
        lines = self.model.records()
        start = next((i for i, b in enumerate(lines) if b.staff_id == staff_id), -1)
        for step in range(1, len(lines) + 1):
            row = (start + step) % len(lines)
            line = lines[row]
            if line.staff_id != staff_id and line.state in WAITING:
                return row
        return None

    def _offer_next(self, dialog: SummaryReviewDialog) -> None:
        dialog.next_button.setEnabled(self._next_to_review(dialog.staff_id) is not None)

    def _open_next(self, dialog: SummaryReviewDialog) -> None:
        row = self._next_to_review(dialog.staff_id)
        if row is None:
            return
        dialog.reject()
        self.table.selectRow(row)
        self.open_row(row)

    # --- the roll-up --------------------------------------------------------------------
    def export_rollup(self, suffix: str) -> None:
        from app.services import weekly_reports

        week = self.week()
        with self.store.reading() as session:
            branch = setup.current_branch(session, self.actor).name
        kind = suffix.lstrip(".")
        if suffix == ".pdf":
            title, file_filter = _("Save the roll-up as PDF"), _("PDF files (*.pdf)")
        else:
            title, file_filter = _("Save the roll-up as Excel"), _("Excel workbook (*.xlsx)")
        path = ask_save_path(
            self, weekly_reports.default_name(week, kind, branch), suffix, title, file_filter
        )
        if path is None:
            return
        store, actor = self.store, self.actor

        def work(_report: Report) -> Path:
            with store.transaction() as session:
                return weekly_reports.export_rollup(session, actor, week, path).path

        BackgroundOp(self, work, _("Preparing the roll-up…")).success(self._exported).failure(
            lambda exc: self._export_failed(path, exc)
        ).run()

    def _exported(self, path: Path) -> None:
        self.refresh()
        widgets.show_info(
            self, _("The roll-up was saved to {file}.").format(file=str(path)), _("Roll-up")
        )

    def _export_failed(self, path: Path, exc: Exception) -> None:
        if isinstance(exc, ServiceError):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = _("{file} could not be saved: {reason}").format(
                file=str(path), reason=printing.describe_os_error(exc)
            )
        else:
            raise exc
        widgets.show_error(self, message, _("Roll-up"))
