"""The roll call (点名) of one meeting, made for the keyboard: 30 people in under a minute.

P or Space present, L late (type the arrival time, Enter), E excused, A absent,
V leave, T trip, Delete clears; after each mark the cursor jumps to the next person
not yet called. Every key is one transaction through `rollcall.mark`, which decides
present or late from the arrival time and refuses "excused" without a timely notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QFrame,
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
from app.reports.meeting_docs import AttendanceCounts
from app.services import clock, meetings, rollcall
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.meetings import MeetingStatus
from app.services.rollcall import AttendanceStatus, RollCallRow
from app.ui import widgets
from app.ui.meeting_dialogs import OK_COLOR, branch_tz, hm, time_edit, to_qtime, verdict_text
from app.ui.table_models import MUTED, Column, RecordTableModel

STATUS_COLORS = {
    AttendanceStatus.PRESENT: QColor(OK_COLOR),
    AttendanceStatus.LATE: QColor("#b35900"),
    AttendanceStatus.ABSENT: QColor(widgets.ERROR_COLOR),
    AttendanceStatus.EXCUSED: QColor("#3b5bb5"),
    AttendanceStatus.LEAVE: QColor("#3b5bb5"),
    AttendanceStatus.TRIP: QColor("#3b5bb5"),
}

KEY_STATUS = {
    Qt.Key.Key_P: AttendanceStatus.PRESENT,
    Qt.Key.Key_Space: AttendanceStatus.PRESENT,
    Qt.Key.Key_E: AttendanceStatus.EXCUSED,
    Qt.Key.Key_A: AttendanceStatus.ABSENT,
    Qt.Key.Key_V: AttendanceStatus.LEAVE,
    Qt.Key.Key_T: AttendanceStatus.TRIP,
}
CLEAR_KEYS = {Qt.Key.Key_Delete, Qt.Key.Key_Backspace}
ENTER_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


def notice_text(row: RollCallRow) -> str:
    if row.notice is None:
        return ""
    verdict = _("excused") if row.notice.excused else _("too late")
    return _("{reason} ({verdict})").format(reason=row.notice.reason, verdict=verdict)


def note_text(row: RollCallRow) -> str:
    return " · ".join(t for t in (row.note, notice_text(row)) if t)


def note_tooltip(row: RollCallRow) -> str:
    """The whole text (the column may cut it) and what the notice counts as."""
    if row.notice is None:
        return row.note
    return "\n".join(t for t in (note_text(row), verdict_text(row.notice.excused)) if t)


ROLLCALL_COLUMNS: list[Column[RollCallRow]] = [
    Column(N_("Employee no."), lambda r: r.employee_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Status"), lambda r: r.status_text),
    Column(N_("Arrival"), lambda r: hm(r.arrival)),
    Column(N_("Note / notice"), note_text, tooltip=note_tooltip),
]
STATUS_COLUMN = 2
NOTE_COLUMN = 4


class RollCallModel(RecordTableModel[RollCallRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(ROLLCALL_COLUMNS, parent)

    def foreground(self, record: RollCallRow, column: int) -> QColor | None:
        if column == STATUS_COLUMN:
            return STATUS_COLORS[AttendanceStatus(record.status)] if record.status else MUTED
        if column == NOTE_COLUMN and record.notice is not None and not record.notice.excused:
            return QColor(widgets.ERROR_COLOR)
        return None


# --- the counts bar -----------------------------------------------------------------------

COUNT_TIPS = {
    "expected": N_("Everyone who should attend"),
    "present": N_("Present, on time or late"),
    "excused": N_("Excused in time, on leave or on a trip"),
    "absent": N_("Absent without an excuse"),
}

COUNT_LABELS = (
    ("expected", N_("Expected")),
    ("present", N_("Attended")),
    ("late", N_("Late")),
    ("excused", N_("Away")),
    ("absent", N_("Absent")),
    ("unmarked", N_("Not called")),
)


class CountsBar(QFrame):
    """应到 / 实到 / 迟到 / 请假 / 缺席 / 未点名: a big number over a small word each."""

    def __init__(self, scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.numbers: dict[str, QLabel] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(int(18 * scale))
        for key, title in COUNT_LABELS:
            box = QVBoxLayout()
            box.setSpacing(0)
            number = QLabel("0")
            number.setFont(widgets.scaled_font(number, 1.6 * scale, bold=True))
            number.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            word = QLabel(_(title))
            word.setFont(widgets.scaled_font(word, 0.9 * scale))
            word.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            word.setStyleSheet(f"color: {widgets.MUTED_COLOR};")
            tip = COUNT_TIPS.get(key)
            if tip:
                number.setToolTip(_(tip))
                word.setToolTip(_(tip))
            box.addWidget(number)
            box.addWidget(word)
            row.addLayout(box)
            self.numbers[key] = number
        row.addStretch(1)

    def set_counts(self, counts: AttendanceCounts, unmarked: int) -> None:
        values = {
            "expected": counts.expected,
            "present": counts.present,
            "late": counts.late,
            "excused": counts.excused,
            "absent": counts.absent,
            "unmarked": unmarked,
        }
        colors = {
            "late": "#b35900",
            "absent": widgets.ERROR_COLOR,
            "unmarked": widgets.ACCENT_COLOR,
        }
        for key, value in values.items():
            label = self.numbers[key]
            label.setText(str(value))
            color = colors.get(key) if value else None
            label.setStyleSheet(f"color: {color};" if color else "")

    def values(self) -> dict[str, int]:
        return {key: int(label.text()) for key, label in self.numbers.items()}


# --- the view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MeetingFacts:
    day: date
    start: time
    end: time
    status: str
    tz: str


class RollCallView(QWidget):
    """Embedded in the meeting view's 点名 tab; `changed` after every stored mark."""

    changed = Signal()

    def __init__(
        self, store: Store, actor: Actor, meeting_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.meeting_id = meeting_id
        self.read_only = True
        self._late_row: int | None = None

        self.banner = widgets.Banner("", self)
        self.banner.hide()
        self.counts = CountsBar(parent=self)

        self.model = RollCallModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # The row being called stands out even while the time editor has the focus.
        self.table.setStyleSheet(
            f"QTableView {{ selection-background-color: {widgets.ACCENT_COLOR};"
            " selection-color: white; }"
        )
        self.table.installEventFilter(self)

        # The arrival time of a late arrival, typed right under the table.
        self.late_bar = QFrame(self)
        self.late_bar.setObjectName("lateBar")
        self.late_bar.setStyleSheet(
            "QFrame#lateBar { background: #fff4e5; border: 1px solid #f0b45b; border-radius: 6px; }"
        )
        late_row = QHBoxLayout(self.late_bar)
        late_row.setContentsMargins(10, 6, 10, 6)
        self.late_label = QLabel()
        self.arrival_edit = time_edit(time(8, 30))
        self.arrival_edit.installEventFilter(self)
        late_row.addWidget(self.late_label)
        late_row.addWidget(self.arrival_edit)
        hint = widgets.muted(_("Enter to confirm, Esc to cancel"), self.late_bar)
        hint.setWordWrap(False)
        late_row.addWidget(hint)
        late_row.addStretch(1)
        self.late_bar.hide()

        self.rest_button = QPushButton(_("Mark everyone else present"))
        self.rest_button.setToolTip(
            _("Everyone not yet called: present, or excused where notice came in time.")
        )
        self.rest_button.clicked.connect(self.mark_rest_present)
        self.keys_help = widgets.muted(
            _(
                "P or Space present · L late · E excused · A absent · V leave · T trip · "
                "Delete clear"
            ),
            self,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.late_bar)
        bottom = QHBoxLayout()
        bottom.addWidget(self.keys_help, 1)
        bottom.addWidget(self.rest_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)
        self.reload()
        self._fit_columns()
        if self.model.rowCount():
            self.select_row(self._first_unmarked(0) or 0)

    # --- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        with self.store.reading() as session:
            call = rollcall.roll_call(session, self.actor, self.meeting_id)
            meeting = meetings.get(session, self.actor, self.meeting_id)
            self.facts = _MeetingFacts(
                meeting.day,
                meeting.start_time,
                meeting.end_time,
                meeting.status,
                branch_tz(session, self.actor),
            )
        rows = call.rows
        old = self.model.records()
        if [r.staff_id for r in old] == [r.staff_id for r in rows]:
            # Same people: tell the view which lines changed and keep the cursor where it is.
            for index, (before, after) in enumerate(zip(old, rows, strict=True)):
                if before != after:
                    self.model.replace_record(index, after)
        else:
            current = self.current_row()
            self.model.set_records(rows)
            if rows:
                self.select_row(min(current or 0, len(rows) - 1))
        self.counts.set_counts(call.counts, call.unmarked)
        self.call = call
        self._set_read_only()

    def _set_read_only(self) -> None:
        status = self.facts.status
        self.read_only = status in (MeetingStatus.FINALIZED, MeetingStatus.CANCELLED)
        if status == MeetingStatus.FINALIZED:
            self.banner.set_messages(
                [
                    _(
                        "The minutes of this meeting are finalized: the roll call is read-only. "
                        "Amend the minutes to change it."
                    )
                ]
            )
        elif status == MeetingStatus.CANCELLED:
            self.banner.set_messages(
                [_("This meeting was cancelled: there is no roll call to take.")]
            )
        else:
            self.banner.set_messages([])
        self.rest_button.setVisible(not self.read_only)
        self.rest_button.setEnabled(self.call.unmarked > 0)
        self.keys_help.setVisible(not self.read_only)
        if self.read_only:
            self._close_late_bar()

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            width = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            header.resizeSection(column, width + 16)

    # --- the cursor ------------------------------------------------------------------------
    def current_row(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def current_record(self) -> RollCallRow | None:
        row = self.current_row()
        return self.model.record(row) if row is not None else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _first_unmarked(self, start: int) -> int | None:
        records = self.model.records()
        order = list(range(start, len(records))) + list(range(start))
        return next((i for i in order if records[i].status is None), None)

    def _advance(self, after: int) -> None:
        """To the next person not yet called (wrapping round); stay if everyone is."""
        found = self._first_unmarked((after + 1) % self.model.rowCount())
        if found is not None:
            self.select_row(found)

    # --- keys ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.table:
                return self._table_key(event)
            if watched is self.arrival_edit:
                if event.key() in ENTER_KEYS:
                    self.confirm_late()
                    return True
                if event.key() == Qt.Key.Key_Escape:
                    self._close_late_bar()
                    self.table.setFocus()
                    return True
        return super().eventFilter(watched, event)

    def _table_key(self, event: QKeyEvent) -> bool:
        ignored = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier
        if self.read_only or event.modifiers() & ~ignored:
            return False
        key = Qt.Key(event.key())
        if key in KEY_STATUS:
            self.mark_current(KEY_STATUS[key])
            return True
        if key == Qt.Key.Key_L:
            self.start_late()
            return True
        if key in CLEAR_KEYS:
            self.mark_current(None)
            return True
        return False

    # --- marking ------------------------------------------------------------------------------
    def default_arrival(self) -> time:
        """Now, while the meeting is today and not over; otherwise its start (entered later)."""
        now = clock.branch_now(self.facts.tz)
        if now.date() == self.facts.day and now.time() <= self.facts.end:
            return now.time().replace(second=0, microsecond=0)
        return self.facts.start

    def mark_current(
        self, status: AttendanceStatus | None, arrival: time | None = None, row: int | None = None
    ) -> bool:
        row = self.current_row() if row is None else row
        if row is None or self.read_only:
            return False
        record = self.model.record(row)
        if status in rollcall.ATTENDED and arrival is None:
            arrival = self.default_arrival()
        try:
            with self.store.transaction() as session:
                rollcall.mark(
                    session, self.actor, self.meeting_id, record.staff_id, status, arrival=arrival
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Roll call"))
            self.reload()
            return False
        self.reload()
        if status is not None:
            self._advance(row)
        self.changed.emit()
        return True

    def start_late(self) -> None:
        row = self.current_row()
        if row is None or self.read_only:
            return
        record = self.model.record(row)
        self._late_row = row
        self.late_label.setText(_("{name} arrived at").format(name=record.name))
        self.arrival_edit.setTime(to_qtime(record.arrival or self.default_arrival()))
        self.late_bar.show()
        self.arrival_edit.setFocus()
        self.arrival_edit.setCurrentSection(QDateTimeEdit.Section.HourSection)
        self.arrival_edit.setSelectedSection(QDateTimeEdit.Section.HourSection)

    def confirm_late(self) -> None:
        row = self._late_row
        if row is None:
            return
        value = self.arrival_edit.time()
        arrival = time(value.hour(), value.minute())
        self._close_late_bar()
        self.table.setFocus()
        self.mark_current(AttendanceStatus.LATE, arrival, row=row)

    def _close_late_bar(self) -> None:
        self._late_row = None
        self.late_bar.hide()

    def mark_rest_present(self) -> None:
        if self.read_only:
            return
        try:
            with self.store.transaction() as session:
                rollcall.mark_rest_present(session, self.actor, self.meeting_id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Roll call"))
        self.reload()
        self.table.setFocus()
        self.changed.emit()

    def row_of(self, name: str) -> int:
        row = self.model.find_row(lambda r: r.name == name)
        if row is None:
            raise KeyError(name)
        return row
