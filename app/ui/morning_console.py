"""The morning console (晨会控制台): a full-screen view to run the 20-minute meeting.

A big clock and the countdown to the meeting's end; the agenda sections with a
running timer each (Space or → starts the next one); the open action items from
earlier meetings, ticked off with a click or Enter; the roll-call counts.

All timing is computed from instants taken from `app.services.clock`, never from the
QTimer itself: the timer only repaints, so tests freeze and move time at will.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import clock, meetings, minutes, rollcall, weekly_today
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.meetings import MeetingStatus
from app.services.minutes import ActionItemInfo, ItemStatus
from app.ui import widgets
from app.ui.meeting_dialogs import branch_tz, day_text, time_range
from app.ui.rollcall_view import CountsBar
from app.ui.table_models import ERROR_TEXT, MUTED, Column, RecordTableModel

TICK_MS = 250
COUNTS_EVERY = timedelta(seconds=5)
HEADER_BG = "#0f2a4a"
CURRENT_BG = widgets.ACCENT_COLOR
ADVANCE_KEYS = {Qt.Key.Key_Space, Qt.Key.Key_Right}
ENTER_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


def duration_text(span: timedelta) -> str:
    """mm:ss, or h:mm:ss from an hour on."""
    seconds = max(0, int(span.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes_, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes_:02d}:{secs:02d}"
    return f"{minutes_:02d}:{secs:02d}"


def visit_text(visit: weekly_today.TodayVisit) -> str:
    """张伟 — 钱永刚 — 理财到期回访 — 10:00–11:30: who, whom, why and when."""
    parts = [visit.name, visit.customer_name]
    if visit.purpose:
        parts.append(visit.purpose)
    if visit.planned_out is not None and visit.planned_back is not None:
        parts.append(time_range(visit.planned_out, visit.planned_back))
    elif visit.planned_out is not None:
        parts.append(visit.planned_out.strftime("%H:%M"))
    if visit.source == "plan":
        parts.append(_("planned, no trip record yet"))
    if visit.logged:
        parts.append(_("visit logged"))
    return " — ".join(parts)


class SectionRow(QFrame):
    """One agenda section: number, title and the time spent on it."""

    def __init__(self, number: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("section")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(14)
        self.number = QLabel(str(number))
        self.number.setFont(widgets.scaled_font(self.number, 1.5, bold=True))
        self.number.setFixedWidth(self.number.fontMetrics().horizontalAdvance("00"))
        self.title = QLabel(title)
        self.title.setFont(widgets.scaled_font(self.title, 1.5))
        self.title.setWordWrap(True)
        self.time = QLabel("—")
        self.time.setFont(widgets.scaled_font(self.time, 1.5, bold=True))
        self.time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.number)
        row.addWidget(self.title, 1)
        row.addWidget(self.time)
        self.state = ""
        self.set_state("pending", "—")

    def set_state(self, state: str, time_text: str) -> None:
        self.time.setText(time_text)
        if state == self.state:
            return
        self.state = state
        if state == "current":
            style = (
                f"QFrame#section {{ background: {CURRENT_BG}; border-radius: 8px; }}"
                " QFrame#section QLabel { color: white; }"
            )
        elif state == "done":
            style = (
                "QFrame#section { background: #eef2f7; border-radius: 8px; }"
                " QFrame#section QLabel { color: #334155; }"
            )
        else:
            style = (
                "QFrame#section { background: transparent; border: 1px dashed #cbd5e1;"
                f" border-radius: 8px; }} QFrame#section QLabel {{ color: {widgets.MUTED_COLOR}; }}"
            )
        self.setStyleSheet(style)


def _due_text(item: ActionItemInfo) -> str:
    return item.due.isoformat() if item.due else ""


ITEM_COLUMNS: list[Column[ActionItemInfo]] = [
    Column(N_("Done"), lambda i: "✓" if i.done else "☐"),
    Column(N_("Action item"), lambda i: i.text),
    Column(N_("Owner"), lambda i: i.owner),
    Column(N_("Due"), _due_text),
    Column(N_("From"), lambda i: i.meeting_day.strftime("%m-%d")),
]


class CarriedOverModel(RecordTableModel[ActionItemInfo]):
    def __init__(self, on: date, parent: QObject | None = None) -> None:
        super().__init__(ITEM_COLUMNS, parent)
        self.on = on

    def foreground(self, record: ActionItemInfo, column: int) -> QColor | None:
        status = record.status(self.on)
        if status is ItemStatus.DONE:
            return MUTED
        if status is ItemStatus.OVERDUE and column == 3:
            return ERROR_TEXT
        return None


class MorningConsole(QWidget):
    """Shown full screen by the meetings page; Esc leaves. `closed` when it is gone."""

    closed = Signal()

    def __init__(
        self, store: Store, actor: Actor, meeting_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.actor = actor
        self.meeting_id = meeting_id
        self.setObjectName("console")
        self.setWindowTitle(_("Morning console"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        with store.reading() as session:
            summary = meetings.summary(session, actor, meeting_id)
            self.tz = branch_tz(session, actor)
            self.sections = meetings.agenda_sections(session, actor.branch_id, summary.kind)
        self.summary = summary
        zone = ZoneInfo(self.tz)
        self.starts_at = datetime.combine(summary.day, summary.start, tzinfo=zone)
        self.ends_at = datetime.combine(summary.day, summary.end, tzinfo=zone)
        # When each section began and ended: the timers are differences of these.
        self.started: list[datetime | None] = [None] * len(self.sections)
        self.ended: list[datetime | None] = [None] * len(self.sections)
        self.current = -1
        self._counts_at: datetime | None = None
        self.items_editable = summary.status not in (
            MeetingStatus.FINALIZED,
            MeetingStatus.CANCELLED,
        )

        self.setStyleSheet("QWidget#console { background: #f4f6fa; }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._header())
        body = QGridLayout()
        body.setContentsMargins(28, 22, 28, 22)
        body.setHorizontalSpacing(22)
        body.setVerticalSpacing(18)
        body.addWidget(self._agenda_card(), 0, 0, 3, 1)
        body.addWidget(self._counts_card(), 0, 1)
        body.addWidget(self._items_card(), 1, 1)
        body.addWidget(self._visits_card(), 2, 1)
        body.setColumnStretch(0, 5)
        body.setColumnStretch(1, 6)
        body.setRowStretch(1, 1)
        outer.addLayout(body, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.reload_items()
        self.refresh_counts()
        self.tick()
        self.timer.start()
        (self.items_table if self.items_model.rowCount() else self).setFocus()

    # --- building ----------------------------------------------------------------------
    def _header(self) -> QFrame:
        band = QFrame(self)
        band.setObjectName("consoleHeader")
        band.setStyleSheet(
            f"QFrame#consoleHeader {{ background: {HEADER_BG}; }}"
            " QFrame#consoleHeader QLabel { color: white; }"
        )
        row = QHBoxLayout(band)
        row.setContentsMargins(28, 18, 28, 18)
        row.setSpacing(24)
        left = QVBoxLayout()
        title = QLabel(self.summary.label)
        title.setFont(widgets.scaled_font(title, 2.2, bold=True))
        left.addWidget(title)
        facts = [day_text(self.summary.day), time_range(self.summary.start, self.summary.end)]
        if self.summary.place:
            facts.append(self.summary.place)
        if self.summary.host:
            facts.append(_("Host: {name}").format(name=self.summary.host))
        self.facts_label = QLabel("  ·  ".join(facts))
        self.facts_label.setFont(widgets.scaled_font(self.facts_label, 1.2))
        left.addWidget(self.facts_label)
        left.addStretch(1)
        row.addLayout(left, 1)

        right = QVBoxLayout()
        right.setSpacing(2)
        self.clock_label = QLabel("00:00:00")
        self.clock_label.setFont(widgets.scaled_font(self.clock_label, 4.2, bold=True))
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.countdown_label = QLabel()
        self.countdown_label.setFont(widgets.scaled_font(self.countdown_label, 1.5, bold=True))
        self.countdown_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.clock_label)
        right.addWidget(self.countdown_label)
        row.addLayout(right)

        self.leave_button = QPushButton(_("Leave (Esc)"))
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.leave_button.setStyleSheet(
            "QPushButton { color: white; background: transparent; border: 1px solid #6b8bb5;"
            " border-radius: 6px; padding: 6px 14px; }"
            " QPushButton:hover { background: #1d3d66; }"
        )
        self.leave_button.clicked.connect(self.close)
        row.addWidget(self.leave_button, 0, Qt.AlignmentFlag.AlignTop)
        return band

    def _card(self, title: str) -> widgets.Card:
        card = widgets.Card(self)
        card.body.setSpacing(10)
        card.body.addWidget(widgets.heading(title, 1.35, card))
        return card

    def _agenda_card(self) -> widgets.Card:
        card = self._card(_("Agenda"))
        self.section_rows = [
            SectionRow(number, title, card) for number, title in enumerate(self.sections, 1)
        ]
        for section in self.section_rows:
            card.body.addWidget(section)
        card.body.addStretch(1)
        self.total_label = QLabel()
        self.total_label.setFont(widgets.scaled_font(self.total_label, 1.2))
        card.body.addWidget(self.total_label)
        bottom = QHBoxLayout()
        self.next_button = QPushButton()
        self.next_button.setFont(widgets.scaled_font(self.next_button, 1.25, bold=True))
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.setMinimumHeight(self.next_button.fontMetrics().height() + 20)
        self.next_button.clicked.connect(self.advance)
        bottom.addWidget(self.next_button)
        bottom.addWidget(widgets.muted(_("Space or → for the next section"), card), 1)
        card.body.addLayout(bottom)
        return card

    def _counts_card(self) -> widgets.Card:
        card = self._card(_("Roll call"))
        self.counts = CountsBar(1.3, card)
        card.body.addWidget(self.counts)
        return card

    def _items_card(self) -> widgets.Card:
        card = self._card(_("Open action items from earlier meetings"))
        self.items_model = CarriedOverModel(self.summary.day, self)
        table = QTableView(card)
        table.setModel(self.items_model)
        table.setFont(widgets.scaled_font(table, 1.15))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
        header = table.horizontalHeader()
        header.setFont(table.font())
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.clicked.connect(self._item_clicked)
        table.installEventFilter(self)
        self.items_table = table
        card.body.addWidget(table, 1)
        hint = (
            _("Click an item or press Enter to tick it done (or undo).")
            if self.items_editable
            else _("These minutes are finalized: items cannot be ticked here.")
        )
        self.items_hint = widgets.muted(hint, card)
        card.body.addWidget(self.items_hint)
        self.no_items = widgets.muted(_("No open action items. Well done."), card)
        card.body.addWidget(self.no_items)
        return card

    def _visits_card(self) -> widgets.Card:
        card = self._card(_("Today's planned visits"))
        self.visits_box = QVBoxLayout()
        self.visits_box.setSpacing(4)
        card.body.addLayout(self.visits_box)
        self.visits_note = widgets.muted(_("No customer visits planned for today."), card)
        card.body.addWidget(self.visits_note)
        self.visit_labels: list[QLabel] = []
        self.reload_visits()
        return card

    def reload_visits(self) -> None:
        """The meeting day's trip records and planned visits (weekly_today.visits_on)."""
        with self.store.reading() as session:
            found = weekly_today.visits_on(session, self.actor, self.summary.day)
        for label in self.visit_labels:
            self.visits_box.removeWidget(label)
            label.deleteLater()
        self.visit_labels = []
        for visit in found:
            label = QLabel(visit_text(visit))
            label.setFont(widgets.scaled_font(label, 1.1))
            label.setWordWrap(True)
            self.visits_box.addWidget(label)
            self.visit_labels.append(label)
        self.visits_note.setVisible(not found)

    # --- time ----------------------------------------------------------------------------------
    def now(self) -> datetime:
        return clock.now_utc()

    def section_elapsed(self, index: int) -> timedelta:
        start = self.started[index]
        if start is None:
            return timedelta(0)
        return (self.ended[index] or self.now()) - start

    def total_elapsed(self) -> timedelta:
        return sum((self.section_elapsed(i) for i in range(len(self.sections))), timedelta(0))

    @property
    def finished(self) -> bool:
        return self.current >= len(self.sections)

    def advance(self) -> None:
        """End the running section (if any) and start the next one."""
        if self.finished:
            return
        now = self.now()
        if self.current >= 0:
            self.ended[self.current] = now
        self.current += 1
        if self.current < len(self.sections):
            self.started[self.current] = now
        self.tick()

    def countdown_text(self) -> tuple[str, bool]:
        """What the line under the clock says, and whether it is a warning."""
        now = self.now()
        if now < self.starts_at:
            if self.starts_at - now > timedelta(hours=12):
                return _("This meeting is on {day}").format(day=day_text(self.summary.day)), False
            return _("Starts in {time}").format(time=duration_text(self.starts_at - now)), False
        if now < self.ends_at:
            left = self.ends_at - now
            return _("{time} left").format(time=duration_text(left)), left <= timedelta(minutes=2)
        return _("Over time by {time}").format(time=duration_text(now - self.ends_at)), True

    def tick(self) -> None:
        now = self.now()
        self.clock_label.setText(clock.to_branch_time(now, self.tz).strftime("%H:%M:%S"))
        text, warn = self.countdown_text()
        self.countdown_label.setText(text)
        self.countdown_label.setStyleSheet("color: #ffb4a8;" if warn else "")
        for index, row in enumerate(self.section_rows):
            if index == self.current:
                row.set_state("current", duration_text(self.section_elapsed(index)))
            elif self.started[index] is not None:
                row.set_state("done", "✓ " + duration_text(self.section_elapsed(index)))
            else:
                row.set_state("pending", "—")
        planned = self.ends_at - self.starts_at
        self.total_label.setText(
            _("Agenda time used: {used} of {planned}").format(
                used=duration_text(self.total_elapsed()), planned=duration_text(planned)
            )
        )
        if self.current < 0:
            self.next_button.setText(_("Start the first section"))
        elif self.current + 1 < len(self.sections):
            self.next_button.setText(_("Next section"))
        elif not self.finished:
            self.next_button.setText(_("End the agenda"))
        else:
            self.next_button.setText(_("Agenda done"))
        self.next_button.setEnabled(not self.finished)
        if self._counts_at is None or now - self._counts_at >= COUNTS_EVERY:
            self.refresh_counts()

    # --- data ------------------------------------------------------------------------------------
    def refresh_counts(self) -> None:
        """The roll call may be taken on another PC or in the main window meanwhile."""
        with self.store.reading() as session:
            call = rollcall.roll_call(session, self.actor, self.meeting_id)
        self.counts.set_counts(call.counts, call.unmarked)
        self._counts_at = self.now()

    def reload_items(self) -> None:
        current = self.items_table.currentIndex()
        with self.store.reading() as session:
            items = minutes.carried_over(session, self.actor, self.meeting_id)
        self.items_model.set_records(items)
        self.no_items.setVisible(not items)
        self.items_hint.setVisible(bool(items))
        if items:
            row = min(current.row(), len(items) - 1) if current.isValid() else 0
            self.items_table.setCurrentIndex(self.items_model.index(row, 0))

    def toggle_item(self, row: int) -> None:
        if not self.items_editable or not 0 <= row < self.items_model.rowCount():
            return
        item = self.items_model.record(row)
        try:
            with self.store.transaction() as session:
                minutes.set_done(
                    session,
                    self.actor,
                    item.id,
                    not item.done,
                    in_meeting_id=None if item.done else self.meeting_id,
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Morning console"))
            return
        self.reload_items()
        self.items_table.setCurrentIndex(self.items_model.index(row, 0))

    def _item_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.toggle_item(index.row())

    # --- keys and leaving ----------------------------------------------------------------------
    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in ADVANCE_KEYS:
            self.advance()
            return True
        if key == Qt.Key.Key_Escape:
            self.close()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.items_table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if event.key() in ENTER_KEYS:
                index = self.items_table.currentIndex()
                if index.isValid():
                    self.toggle_item(index.row())
                return True
            if self._key(event):
                return True
        return super().eventFilter(watched, event)

    def open_full_screen(self) -> None:
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        super().closeEvent(event)
        self.closed.emit()
