"""Dialogs of the meetings page: a new ad-hoc meeting, reschedule, cancel, people,
delegated host, and absence notices (告假).

Each form saves in ONE transaction when its button is pressed; a ValidationError is
shown in red under the field it names and the dialog stays open (FormDialog).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db import Store
from app.i18n import N_, _
from app.models import Staff
from app.services import clock, meetings, rollcall, setup
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.meetings import MeetingKind, MeetingSummary, NoticeInfo
from app.ui import widgets
from app.ui.staff_dialogs import FormDialog
from app.ui.table_models import ERROR_TEXT, Column, RecordTableModel, fit_columns

SHORT_WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
OK_COLOR = "#1a7f37"


# --- small formatting helpers shared by the meeting screens ------------------------------


def weekday_short(day: date) -> str:
    return _(SHORT_WEEKDAYS[day.weekday()])


def day_text(day: date) -> str:
    """2026-11-27 周五."""
    return _("{date} {weekday}").format(date=day.isoformat(), weekday=weekday_short(day))


def hm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def time_range(start: time, end: time) -> str:
    return _("{start}–{end}").format(start=hm(start), end=hm(end))


def branch_tz(session: Session, actor: Actor) -> str:
    return setup.current_branch(session, actor).timezone or clock.DEFAULT_TZ


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def py_time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumWidth(130)
    return edit


def time_edit(value: time) -> QTimeEdit:
    edit = QTimeEdit(to_qtime(value))
    edit.setDisplayFormat("HH:mm")
    edit.setMinimumWidth(80)
    return edit


# --- what the header of a meeting shows ---------------------------------------------------


@dataclass(frozen=True)
class MeetingDetails:
    """A meeting with the names its summary lacks (delegated host, minute-taker)."""

    summary: MeetingSummary
    scheduled_host: str
    delegated_host_id: int | None
    delegated_host: str
    delegation_note: str
    minute_taker_id: int | None
    minute_taker: str
    tz: str

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def editable(self) -> bool:
        return self.summary.status not in (
            meetings.MeetingStatus.FINALIZED,
            meetings.MeetingStatus.CANCELLED,
        )


def _staff_name(session: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    person = session.get(Staff, staff_id)
    return person.name if person is not None else ""


def load_details(session: Session, actor: Actor, meeting_id: int) -> MeetingDetails:
    meeting = meetings.get(session, actor, meeting_id)
    return MeetingDetails(
        summary=meetings.summary(session, actor, meeting_id),
        scheduled_host=meeting.host_name,
        delegated_host_id=meeting.delegated_host_staff_id,
        delegated_host=_staff_name(session, meeting.delegated_host_staff_id),
        delegation_note=meeting.delegation_note,
        minute_taker_id=meeting.minute_taker_staff_id,
        minute_taker=_staff_name(session, meeting.minute_taker_staff_id),
        tz=branch_tz(session, actor),
    )


def meeting_title(summary: MeetingSummary) -> str:
    """e.g. 每日晨会 · 2026-11-27 周五 08:30–08:50."""
    return _("{label} · {day} {time}").format(
        label=summary.label, day=day_text(summary.day), time=time_range(summary.start, summary.end)
    )


# --- pickers --------------------------------------------------------------------------------


class StaffPicker(QComboBox):
    """Active staff on a day, as "name (工号)"; optionally a first "nobody" entry."""

    def __init__(
        self,
        people: list[tuple[int, str]],
        current: int | None = None,
        none_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if none_text is not None:
            self.addItem(none_text, None)
        for staff_id, label in people:
            self.addItem(label, staff_id)
        index = self.findData(current) if current is not None else 0
        self.setCurrentIndex(max(index, 0))

    def staff_id(self) -> int | None:
        value = self.currentData()
        return int(value) if value is not None else None


def staff_choices(session: Session, actor: Actor, day: date) -> list[tuple[int, str]]:
    return [
        (s.id, _("{name} ({no})").format(name=s.name, no=s.employee_no))
        for s in rollcall.staff_on(session, actor.branch_id, day)
    ]


class TimeSpan(QWidget):
    """Start and end time side by side."""

    def __init__(self, start: time, end: time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = time_edit(start)
        self.end = time_edit(end)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start)
        row.addWidget(QLabel("–"))
        row.addWidget(self.end)
        row.addStretch(1)


# --- the forms ------------------------------------------------------------------------------

ADHOC_KINDS = (MeetingKind.ADHOC, MeetingKind.ANALYSIS, MeetingKind.MONTHLY_GM, MeetingKind.WEEKLY)


class AdhocMeetingDialog(FormDialog):
    """A meeting outside the schedules; `saved` holds it afterwards."""

    def __init__(
        self, store: Store, actor: Actor, day: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.saved: MeetingSummary | None = None
        self.setWindowTitle(_("New ad-hoc meeting"))
        with store.reading() as session:
            people = staff_choices(session, actor, day)
        self.kind = QComboBox()
        for kind in ADHOC_KINDS:
            self.kind.addItem(meetings.kind_label(kind), kind.value)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(100)
        self.title_edit.setPlaceholderText(_("e.g. Year-end campaign kick-off"))
        self.day = date_edit(day)
        self.times = TimeSpan(time(16, 0), time(17, 0))
        self.place = QLineEdit(_("Meeting room"))
        self.place.setMaxLength(100)
        self.host = QLineEdit(actor.display_name)
        self.host.setMaxLength(50)
        self.minute_taker = StaffPicker(people, None, _("Not named yet"))
        self.add_field("kind", _("Kind"), self.kind)
        self.add_field("title", _("Title"), self.title_edit)
        self.add_field("day", _("Date"), self.day)
        self.add_field("end", _("Time"), self.times, focus=self.times.end, frame=self.times.end)
        self.add_field("place", _("Place"), self.place)
        self.add_field("host", _("Host"), self.host)
        self.add_field("minute_taker", _("Minute-taker"), self.minute_taker)
        self.ok_button.setText(_("Create"))
        self.title_edit.setFocus()

    def save(self) -> None:
        with self.store.transaction() as session:
            self.saved = meetings.create_adhoc(
                session,
                self.actor,
                py_date(self.day.date()),
                py_time(self.times.start.time()),
                py_time(self.times.end.time()),
                self.title_edit.text(),
                place=self.place.text(),
                host_name=self.host.text(),
                kind=str(self.kind.currentData()),
                minute_taker_staff_id=self.minute_taker.staff_id(),
            )


class RescheduleDialog(FormDialog):
    """Move one occurrence to another date or time, with the reason."""

    def __init__(
        self, store: Store, actor: Actor, summary: MeetingSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.summary = summary
        self.saved: MeetingSummary | None = None
        self.setWindowTitle(_("Reschedule meeting"))
        self.set_intro(
            _("Move {meeting} to another date or time. Everyone sees the reason.").format(
                meeting=meeting_title(summary)
            )
        )
        self.day = date_edit(summary.day)
        self.times = TimeSpan(summary.start, summary.end)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(_("e.g. All-staff meeting at head office"))
        self.add_field("day", _("New date"), self.day)
        self.add_field("end", _("Time"), self.times, focus=self.times.end, frame=self.times.end)
        self.add_field("reason", _("Reason"), self.reason)
        self.ok_button.setText(_("Reschedule"))
        self.reason.setFocus()

    def save(self) -> None:
        with self.store.transaction() as session:
            self.saved = meetings.reschedule(
                session,
                self.actor,
                self.summary.id,
                py_date(self.day.date()),
                py_time(self.times.start.time()),
                py_time(self.times.end.time()),
                self.reason.text(),
            )


class CancelMeetingDialog(FormDialog):
    """Cancel one occurrence (the schedule stays); the reason is kept and shown."""

    def __init__(
        self, store: Store, actor: Actor, summary: MeetingSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.summary = summary
        self.setWindowTitle(_("Cancel meeting"))
        self.set_intro(
            _("Cancel {meeting}? Only this occurrence is cancelled; the schedule stays.").format(
                meeting=meeting_title(summary)
            )
        )
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(_("e.g. Whole team at a training day"))
        self.add_field("reason", _("Reason"), self.reason)
        self.ok_button.setText(_("Cancel the meeting"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Keep it"))
        self.reason.setFocus()

    def save(self) -> None:
        with self.store.transaction() as session:
            meetings.cancel(session, self.actor, self.summary.id, self.reason.text())


class PeopleDialog(FormDialog):
    """Host, minute-taker and place of one meeting."""

    def __init__(
        self, store: Store, actor: Actor, details: MeetingDetails, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.details = details
        summary = details.summary
        self.setWindowTitle(_("People and place"))
        self.set_intro(meeting_title(summary))
        with store.reading() as session:
            people = staff_choices(session, actor, summary.day)
        self.host = QLineEdit(details.scheduled_host)
        self.host.setMaxLength(50)
        # The service keeps a named minute-taker unless another one is chosen.
        none_text = None if details.minute_taker_id is not None else _("Not named yet")
        self.minute_taker = StaffPicker(people, details.minute_taker_id, none_text)
        self.place = QLineEdit(summary.place)
        self.place.setMaxLength(100)
        self.add_field("host", _("Host"), self.host)
        self.add_field("minute_taker", _("Minute-taker"), self.minute_taker)
        self.add_field("place", _("Place"), self.place)
        if MeetingKind(summary.kind) in meetings.NEEDS_MINUTE_TAKER:
            self.form.addRow(
                "",
                widgets.muted(_("Weekly and monthly meetings need a named minute-taker."), self),
            )

    def save(self) -> None:
        with self.store.transaction() as session:
            meetings.set_people(
                session,
                self.actor,
                self.details.id,
                host_name=self.host.text(),
                minute_taker_staff_id=self.minute_taker.staff_id(),
                place=self.place.text(),
            )


class DelegateHostDialog(FormDialog):
    """A supervisor who cannot attend names, in advance, who holds the meeting."""

    def __init__(
        self, store: Store, actor: Actor, details: MeetingDetails, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.details = details
        self.setWindowTitle(_("Delegate the host"))
        self.set_intro(
            _(
                "If you cannot attend {meeting}, name in advance who holds it. "
                "The minutes and sign-in sheet then show them as host."
            ).format(meeting=meeting_title(details.summary))
        )
        with store.reading() as session:
            people = staff_choices(session, actor, details.summary.day)
        self.person = StaffPicker(
            people,
            details.delegated_host_id,
            _("Nobody: {host} holds it").format(host=details.scheduled_host or _("the host")),
        )
        self.note = QLineEdit(details.delegation_note)
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(_("e.g. At head office for training"))
        self.add_field("staff", _("Held by"), self.person)
        self.add_field("note", _("Note"), self.note)

    def save(self) -> None:
        with self.store.transaction() as session:
            meetings.delegate_host(
                session, self.actor, self.details.id, self.person.staff_id(), self.note.text()
            )


# --- absence notices (告假) -------------------------------------------------------------------


def rule_text(meeting_day: date) -> str:
    deadline = meeting_day - timedelta(days=1)
    return _(
        "A notice counts as an excused absence only if it is given before the end of the "
        "previous day: for this meeting, by {deadline} 23:59. Notice given on the meeting "
        "day is recorded, but the absence is not excused."
    ).format(deadline=day_text(deadline))


def verdict_text(excused: bool) -> str:
    if excused:
        return _("✓ Counts as excused: given before the meeting day.")
    return _("✗ Not excused: given on the meeting day or later, which is too late.")


class NoticeDialog(FormDialog):
    """Record that someone cannot attend: who, why, and when they said so."""

    def __init__(
        self, store: Store, actor: Actor, details: MeetingDetails, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.details = details
        self.saved: NoticeInfo | None = None
        summary = details.summary
        self.setWindowTitle(_("Absence notice"))
        self.set_intro(meeting_title(summary))
        if actor.sees_whole_branch:
            with store.reading() as session:
                people = staff_choices(session, actor, summary.day)
        else:
            # A manager gives notice for themselves only (the service refuses others).
            people = [(actor.staff_id or 0, actor.display_name)]
        self.person = StaffPicker(people)
        self.person.setEnabled(actor.sees_whole_branch)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(_("e.g. Visiting a customer in the morning"))
        now = clock.branch_now(details.tz)
        self.notified_at = QDateTimeEdit(
            QDateTime(to_qdate(now.date()), QTime(now.hour, now.minute))
        )
        self.notified_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.notified_at.setCalendarPopup(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.add_field("staff", _("Who"), self.person)
        self.add_field("reason", _("Reason"), self.reason)
        self.add_field("notified_at", _("Told at"), self.notified_at)
        self.form.addRow("", self.verdict)
        rule = widgets.muted(rule_text(summary.day), self)
        self.form.addRow("", rule)
        self.notified_at.dateTimeChanged.connect(self._update_verdict)
        self._update_verdict()
        self.ok_button.setText(_("Record notice"))
        self.reason.setFocus()

    def when(self) -> datetime:
        """The instant the notice was given, read as wall time in the branch's zone."""
        value = self.notified_at.dateTime()
        return datetime.combine(
            py_date(value.date()), py_time(value.time()), tzinfo=ZoneInfo(self.details.tz)
        )

    def excused(self) -> bool:
        return meetings.notice_is_excused(self.when(), self.details.summary.day, self.details.tz)

    def _update_verdict(self, *_args: object) -> None:
        excused = self.excused()
        self.verdict.setText(verdict_text(excused))
        color = OK_COLOR if excused else widgets.ERROR_COLOR
        self.verdict.setStyleSheet(f"color: {color}; font-weight: bold;")

    def save(self) -> None:
        staff_id = self.person.staff_id()
        with self.store.transaction() as session:
            self.saved = meetings.record_notice(
                session, self.actor, self.details.id, staff_id or 0, self.reason.text(), self.when()
            )


@dataclass(frozen=True)
class NoticeRow:
    staff_id: int
    name: str
    reason: str
    notified_at: datetime
    excused: bool


def notice_columns(tz: str) -> list[Column[NoticeRow]]:
    def told(r: NoticeRow) -> str:
        return clock.to_branch_time(r.notified_at, tz).strftime("%Y-%m-%d %H:%M")

    return [
        Column(N_("Name"), lambda r: r.name),
        Column(N_("Reason"), lambda r: r.reason),
        Column(N_("Told at"), told),
        Column(
            N_("Excused?"),
            lambda r: _("Yes") if r.excused else _("No: too late"),
            tooltip=lambda r: verdict_text(r.excused),
        ),
    ]


class NoticeTableModel(RecordTableModel[NoticeRow]):
    def foreground(self, record: NoticeRow, column: int) -> QColor | None:
        if column == 3 and not record.excused:
            return ERROR_TEXT
        return None


class NoticesDialog(QDialog):
    """The notices for one meeting: list, add, withdraw. A manager sees and adds their own."""

    def __init__(
        self, store: Store, actor: Actor, details: MeetingDetails, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.details = details
        self.current_dialog: QDialog | None = None
        self.changed = False
        self.setWindowTitle(_("Absence notices"))
        self.setMinimumSize(620, 380)
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(meeting_title(details.summary), 1.15, self))
        self.rule = widgets.muted(rule_text(details.summary.day), self)
        layout.addWidget(self.rule)
        self.model = NoticeTableModel(notice_columns(details.tz), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table, 1)
        self.empty = widgets.muted(_("No one has given notice for this meeting."), self)
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add notice…"))
        self.add_button.clicked.connect(self.add_notice)
        self.withdraw_button = QPushButton(_("Withdraw"))
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.withdraw_button.setVisible(actor.sees_whole_branch)
        row.addWidget(self.add_button)
        row.addWidget(self.withdraw_button)
        row.addStretch(1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.add_button.setEnabled(details.editable)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        with self.store.reading() as session:
            found = meetings.notices(session, self.actor, self.details.id)
            names = {sid: _staff_name(session, sid) for sid in found}
        rows = [
            NoticeRow(n.staff_id, names[n.staff_id], n.reason, n.notified_at, n.excused)
            for n in found.values()
            # The service hands out the whole meeting's notices; a manager sees their own.
            if self.actor.sees_whole_branch or n.staff_id == self.actor.staff_id
        ]
        rows.sort(key=lambda r: r.notified_at)
        self.model.set_records(rows)
        self.empty.setVisible(not rows)
        fit_columns(self.table)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        self.withdraw_button.setEnabled(self.details.editable and self.selected() is not None)

    def selected(self) -> NoticeRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def add_notice(self) -> None:
        dialog = NoticeDialog(self.store, self.actor, self.details, self)
        widgets.open_dialog(self, dialog, self._added)

    def _added(self) -> None:
        self.changed = True
        self.reload()

    def withdraw_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not widgets.confirm(
            self,
            _("Withdraw the notice of {name}?").format(name=row.name),
            _("Absence notices"),
        ):
            return
        try:
            with self.store.transaction() as session:
                meetings.withdraw_notice(session, self.actor, self.details.id, row.staff_id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Absence notices"))
            return
        self.changed = True
        self.reload()
