"""Settings → Meetings: the branch's meeting schedules and each kind's agenda template."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import time
from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import meetings, rollcall
from app.services.auth import Actor
from app.services.clock import branch_today
from app.services.errors import ServiceError
from app.services.meetings import MeetingKind, Recurrence, ScheduleInfo
from app.ui import widgets
from app.ui.staff_dialogs import FormDialog
from app.ui.table_models import Column, RecordTableModel, fit_columns
from app.ui.today_page import WEEKDAYS

WEEKS = {1: N_("First"), 2: N_("Second"), 3: N_("Third"), 4: N_("Fourth"), -1: N_("Last")}
RECURRENCES = {
    Recurrence.WORKING_DAYS: N_("Every working day"),
    Recurrence.WEEKLY: N_("Every week"),
    Recurrence.MONTHLY: N_("Every month"),
}


def describe(s: ScheduleInfo) -> str:
    """ "每个工作日", "每周 星期一", "每月 最后一个 星期五"."""
    recurrence = Recurrence(s.recurrence)
    text = _(RECURRENCES[recurrence])
    if recurrence is not Recurrence.WORKING_DAYS and s.weekday is not None:
        weekday = WEEKDAYS[s.weekday]
        if recurrence is Recurrence.MONTHLY and s.week_of_month in WEEKS:
            return _("{every}, {which} {weekday}").format(
                every=text, which=_(WEEKS[s.week_of_month]), weekday=_(weekday)
            )
        return _("{every}, {weekday}").format(every=text, weekday=_(weekday))
    return text


def _time_of(edit: QTimeEdit) -> time:
    t = edit.time()
    return time(t.hour(), t.minute())


def _hhmm(t: Any) -> str:
    return t.strftime("%H:%M")


class ScheduleDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        schedule: ScheduleInfo,
        staff: list[tuple[int, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.schedule = schedule
        self.setWindowTitle(
            _("Meeting schedule: {kind}").format(kind=meetings.kind_label(schedule.kind))
        )
        self.recurrence = QComboBox(self)
        for recurrence, label in RECURRENCES.items():
            self.recurrence.addItem(_(label), recurrence.value)
        self.recurrence.setCurrentIndex(self.recurrence.findData(schedule.recurrence))
        self.week = QComboBox(self)
        for week, label in WEEKS.items():
            self.week.addItem(_(label), week)
        self.week.setCurrentIndex(max(0, self.week.findData(schedule.week_of_month)))
        self.weekday = QComboBox(self)
        for i, label in enumerate(WEEKDAYS):
            self.weekday.addItem(_(label), i)
        self.weekday.setCurrentIndex(schedule.weekday or 0)
        self.start = QTimeEdit(QTime(schedule.start.hour, schedule.start.minute), self)
        self.end = QTimeEdit(QTime(schedule.end.hour, schedule.end.minute), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.place = QLineEdit(schedule.place, self)
        self.host = QLineEdit(schedule.host_name, self)
        self.taker = QComboBox(self)
        self.taker.addItem(_("(none)"), None)
        for staff_id, name in staff:
            self.taker.addItem(name, staff_id)
        self.taker.setCurrentIndex(max(0, self.taker.findData(schedule.minute_taker_staff_id)))
        self.active = QCheckBox(_("Hold these meetings"), self)
        self.active.setChecked(schedule.active)
        self.add_field("recurrence", _("Repeats"), self.recurrence)
        self.add_field("week_of_month", _("Week of the month"), self.week)
        self.add_field("weekday", _("Weekday"), self.weekday)
        self.add_field("start", _("Starts"), self.start)
        self.add_field("end", _("Ends"), self.end)
        self.add_field("place", _("Place"), self.place)
        self.add_field("host", _("Default host"), self.host)
        self.add_field("minute_taker", _("Default minute-taker"), self.taker)
        self.add_field("active", "", self.active)
        self.set_intro(
            _(
                "Meetings follow the branch's working calendar: none on public holidays, "
                "one on make-up working days. A monthly meeting on a day off moves to the "
                "next working day."
            )
        )
        self.recurrence.currentIndexChanged.connect(self._recurrence_changed)
        self._recurrence_changed()

    def _recurrence_changed(self) -> None:
        recurrence = Recurrence(self.recurrence.currentData())
        self.weekday.setEnabled(recurrence is not Recurrence.WORKING_DAYS)
        self.week.setEnabled(recurrence is Recurrence.MONTHLY)

    def value(self) -> ScheduleInfo:
        recurrence = Recurrence(self.recurrence.currentData())
        return dataclasses.replace(
            self.schedule,
            recurrence=recurrence.value,
            weekday=None if recurrence is Recurrence.WORKING_DAYS else self.weekday.currentData(),
            week_of_month=self.week.currentData() if recurrence is Recurrence.MONTHLY else None,
            start=_time_of(self.start),
            end=_time_of(self.end),
            place=self.place.text(),
            host_name=self.host.text(),
            minute_taker_staff_id=self.taker.currentData(),
            active=self.active.isChecked(),
        )

    def save(self) -> None:
        with self.store.transaction() as session:
            meetings.update_schedule(session, self.actor, self.value())


COLUMNS: list[Column[ScheduleInfo]] = [
    Column(N_("Meeting"), lambda s: meetings.kind_label(s.kind)),
    Column(N_("Repeats"), describe),
    Column(N_("Time"), lambda s: f"{_hhmm(s.start)}–{_hhmm(s.end)}"),
    Column(N_("Place"), lambda s: s.place),
    Column(N_("Default host"), lambda s: s.host_name),
    Column(N_("Held"), lambda s: _("Yes") if s.active else _("No")),
]


class MeetingSettingsTab(QWidget):
    changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.editable = actor.sees_whole_branch
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.muted(_("When the branch meets (会议制度)."), self))
        self.model: RecordTableModel[ScheduleInfo] = RecordTableModel(COLUMNS, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _index: self.edit_schedule())
        layout.addWidget(self.table, 2)
        row = QHBoxLayout()
        self.edit_button = QPushButton(_("Edit schedule…"), self)
        self.edit_button.clicked.connect(self.edit_schedule)
        self.edit_button.setEnabled(self.editable)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        layout.addLayout(row)

        layout.addWidget(QLabel(_("Agenda template"), self))
        pick = QHBoxLayout()
        self.kind = QComboBox(self)
        for kind in MeetingKind:
            self.kind.addItem(meetings.kind_label(kind), kind.value)
        self.kind.currentIndexChanged.connect(self._load_agenda)
        pick.addWidget(self.kind)
        pick.addWidget(widgets.muted(_("One agenda item per line."), self), 1)
        layout.addLayout(pick)
        self.agenda = QPlainTextEdit(self)
        self.agenda.setReadOnly(not self.editable)
        layout.addWidget(self.agenda, 1)
        self.save_agenda_button = QPushButton(_("Save agenda"), self)
        self.save_agenda_button.setEnabled(self.editable)
        self.save_agenda_button.clicked.connect(self.save_agenda)
        layout.addWidget(self.save_agenda_button)
        self.refresh()

    def refresh(self) -> None:
        with self.store.reading() as session:
            self.model.set_records(meetings.list_schedules(session, self.actor))
        fit_columns(self.table)
        self._load_agenda()

    def _load_agenda(self) -> None:
        with self.store.reading() as session:
            sections = meetings.agenda_sections(
                session, self.actor.branch_id, self.kind.currentData()
            )
        self.agenda.setPlainText("\n".join(sections))

    def _run(self, work: Callable[[Any], None]) -> bool:
        try:
            with self.store.transaction() as session:
                work(session)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return False
        self.changed.emit()
        return True

    def edit_schedule(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.editable:
            return
        schedule = self.model.record(rows[0].row())
        with self.store.reading() as session:
            staff = [
                (s.id, s.name)
                for s in rollcall.staff_on(session, self.actor.branch_id, branch_today())
            ]
        dialog = ScheduleDialog(self.store, self.actor, schedule, staff, self)
        if dialog.exec():
            self.refresh()
            self.changed.emit()

    def save_agenda(self) -> None:
        lines = self.agenda.toPlainText().splitlines()
        kind = self.kind.currentData()
        if self._run(lambda s: meetings.set_agenda_sections(s, self.actor, kind, lines)):
            self._load_agenda()
