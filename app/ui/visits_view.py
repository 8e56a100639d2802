"""A manager's week of visits: trip records (出行记录), visit logs (服务日志) and the plan
for the next week (下周客户拜访计划), each a list with add / edit / delete.

A trip record is written before going out; one written after the planned time out is
kept and flagged 补录 (the service decides). "Write log" on a trip prefills the log's
customer and day. Every change is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Generic, TypeVar

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import clock, setup, weekly
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.weekly import LogView, PlanView, TripView
from app.ui import widgets
from app.ui.table_models import ERROR_TEXT, Column, RecordTableModel, fit_columns
from app.ui.weekly_dialogs import (
    LogDialog,
    PlanDialog,
    TripDialog,
    WeekPicker,
    day_text,
    time_text,
)

T = TypeVar("T")
WEEK = timedelta(days=7)

TRIP_COLUMNS: list[Column[TripView]] = [
    Column(N_("Date"), lambda t: day_text(t.day), sort_key=lambda t: t.day.isoformat()),
    Column(N_("Customer"), lambda t: t.customer_name),
    Column(N_("Purpose"), lambda t: t.purpose, tooltip=lambda t: t.purpose),
    Column(N_("Planned out"), lambda t: time_text(t.planned_out)),
    Column(N_("Planned back"), lambda t: time_text(t.planned_back)),
    Column(
        N_("Entry"),
        lambda t: _("Entered afterwards") if t.entered_after else "",
        tooltip=lambda t: _("Written after the planned time out (补录)") if t.entered_after else "",
    ),
]

LOG_COLUMNS: list[Column[LogView]] = [
    Column(N_("Date"), lambda v: day_text(v.day), sort_key=lambda v: v.day.isoformat()),
    Column(N_("Customer"), lambda v: v.customer_name),
    Column(
        N_("Service provided"), lambda v: v.content.replace("\n", " "), tooltip=lambda v: v.content
    ),
    Column(
        N_("Customer feedback"),
        lambda v: v.feedback.replace("\n", " "),
        tooltip=lambda v: v.feedback,
    ),
    Column(N_("Follow-up"), lambda v: v.follow_up, tooltip=lambda v: v.follow_up),
    Column(N_("Follow-up due"), lambda v: day_text(v.follow_up_due)),
]

PLAN_COLUMNS: list[Column[PlanView]] = [
    Column(N_("Date"), lambda p: day_text(p.planned_day) or _("Any day")),
    Column(N_("Customer"), lambda p: p.customer_name),
    Column(N_("Purpose"), lambda p: p.purpose, tooltip=lambda p: p.purpose),
]


class TripModel(RecordTableModel[TripView]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TRIP_COLUMNS, parent)

    def foreground(self, record: TripView, column: int) -> QColor | None:
        return ERROR_TEXT if column == 5 and record.entered_after else None


class RecordList(QWidget, Generic[T]):
    """A titled table of records with its buttons underneath."""

    def __init__(
        self,
        title: str,
        hint: str,
        model: RecordTableModel[T],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setAccessibleName(title)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.empty = widgets.muted("", self)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(4)
        title_row = QHBoxLayout()
        title_row.addWidget(widgets.heading(title, 1.15, self))
        title_row.addSpacing(8)
        title_row.addWidget(widgets.muted(hint, self), 1)
        layout.addLayout(title_row)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addLayout(self.buttons)
        bottom.addStretch(1)
        bottom.addWidget(self.empty)
        layout.addLayout(bottom)

    def button(self, text: str, slot: Callable[[], None], needs_row: bool = False) -> QPushButton:
        b = QPushButton(text, self)
        b.clicked.connect(lambda _checked=False: slot())
        b.setProperty("needs_row", needs_row)
        self.buttons.addWidget(b)
        return b

    def set_records(self, records: list[T], empty_text: str) -> None:
        self.model.set_records(records)
        self.empty.setText(empty_text if not records else "")
        fit_columns(self.table)
        self.update_buttons()

    def selected(self) -> T | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def update_buttons(self) -> None:
        chosen = self.selected() is not None
        for i in range(self.buttons.count()):
            item = self.buttons.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton) and widget.property("needs_row"):
                widget.setEnabled(chosen)


class VisitsView(QWidget):
    """出行与日志: one person's trips and logs of a week, and their plan for the next."""

    changed = Signal()

    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        week_start: date,
        parent: QWidget | None = None,
        picker: bool = True,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.staff_id = staff_id
        self.week_start = weekly.week_of(week_start)
        self.current_dialog: QDialog | None = None
        with store.reading() as session:
            tz = setup.current_branch(session, actor).timezone

        self.trips: RecordList[TripView] = RecordList(
            _("Trip records"),
            _("Written before going out to a customer."),
            TripModel(self),
            self,
        )
        self.add_trip_button = self.trips.button(_("Add trip…"), self.add_trip)
        self.edit_trip_button = self.trips.button(_("Edit…"), self.edit_trip, True)
        self.delete_trip_button = self.trips.button(_("Delete…"), self.delete_trip, True)
        self.log_from_trip_button = self.trips.button(_("Write log…"), self.log_from_trip, True)
        self.log_from_trip_button.setToolTip(
            _("Write the visit log of the selected trip (customer and day filled in)")
        )
        self.trips.table.doubleClicked.connect(lambda _i: self.edit_trip())

        self.logs: RecordList[LogView] = RecordList(
            _("Visit logs"),
            _("Written after the visit: what was done, the customer's feedback, follow-up."),
            RecordTableModel(LOG_COLUMNS, self),
            self,
        )
        self.add_log_button = self.logs.button(_("Write log…"), self.add_log)
        self.edit_log_button = self.logs.button(_("Edit…"), self.edit_log, True)
        self.delete_log_button = self.logs.button(_("Delete…"), self.delete_log, True)
        self.logs.table.doubleClicked.connect(lambda _i: self.edit_log())

        self.plans: RecordList[PlanView] = RecordList(
            _("Visit plan for next week"), "", RecordTableModel(PLAN_COLUMNS, self), self
        )
        self.add_plan_button = self.plans.button(_("Plan a visit…"), self.add_plan)
        self.edit_plan_button = self.plans.button(_("Edit…"), self.edit_plan, True)
        self.delete_plan_button = self.plans.button(_("Delete…"), self.delete_plan, True)
        self.plans.table.doubleClicked.connect(lambda _i: self.edit_plan())

        for lst in (self.trips, self.logs, self.plans):
            lst.table.selectionModel().selectionChanged.connect(
                lambda *_a, lst=lst: lst.update_buttons()
            )

        self.picker = WeekPicker(self.week_start, lambda: clock.branch_today(tz), self)
        self.picker.weekChanged.connect(self.set_week)
        self.picker.setVisible(picker)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        for lst in (self.trips, self.logs, self.plans):
            splitter.addWidget(lst)
        splitter.setSizes([300, 300, 200])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 8, 8)
        layout.setSpacing(6)
        if picker:
            top = QHBoxLayout()
            top.addWidget(self.picker)
            top.addStretch(1)
            layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.reload()

    def set_week(self, week_start: date) -> None:
        self.week_start = weekly.week_of(week_start)
        if self.picker.week() != self.week_start:
            self.picker.set_week(self.week_start)
        self.reload()

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        first, last = weekly.week_days(self.week_start)
        next_week = self.week_start + WEEK
        with self.store.reading() as session:
            trips = weekly.list_trips(session, self.actor, self.staff_id, first, last)
            logs = weekly.list_logs(session, self.actor, self.staff_id, first, last)
            plans = weekly.plans_for(session, self.actor, self.staff_id, next_week)
        self.trips.set_records(trips, _("No trip records this week."))
        self.logs.set_records(logs, _("No visit logs this week."))
        self.plans.set_records(
            plans,
            _("Nothing planned for {week} yet.").format(week=weekly.week_label(next_week)),
        )

    # --- dialogs ----------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        widgets.open_dialog(self, dialog, on_accepted)

    def _after_change(self, lst: RecordList[T] | None = None, record_id: int | None = None) -> None:
        self.reload()
        if lst is not None and record_id is not None:
            row = lst.model.find_row(lambda r: getattr(r, "id", None) == record_id)
            if row is not None:
                lst.select_row(row)
        self.changed.emit()

    def _saved_into(self, lst: RecordList[T], dialog: QDialog) -> Callable[[], None]:
        def done() -> None:
            saved = getattr(dialog, "saved", None)
            self._after_change(lst, getattr(saved, "id", None))

        return done

    def add_trip(self) -> None:
        dialog = TripDialog(self.store, self.actor, self.staff_id, self.week_start, None, self)
        self._open(dialog, self._saved_into(self.trips, dialog))

    def edit_trip(self) -> None:
        record = self.trips.selected()
        if record is None:
            return
        dialog = TripDialog(self.store, self.actor, self.staff_id, self.week_start, record, self)
        self._open(dialog, self._saved_into(self.trips, dialog))

    def log_from_trip(self) -> None:
        record = self.trips.selected()
        if record is None:
            return
        dialog = LogDialog(
            self.store,
            self.actor,
            self.staff_id,
            self.week_start,
            customer_id=record.customer_id,
            day=record.day,
            parent=self,
        )
        self._open(dialog, self._saved_into(self.logs, dialog))

    def add_log(self) -> None:
        dialog = LogDialog(self.store, self.actor, self.staff_id, self.week_start, parent=self)
        self._open(dialog, self._saved_into(self.logs, dialog))

    def edit_log(self) -> None:
        record = self.logs.selected()
        if record is None:
            return
        dialog = LogDialog(
            self.store, self.actor, self.staff_id, self.week_start, record=record, parent=self
        )
        self._open(dialog, self._saved_into(self.logs, dialog))

    def add_plan(self) -> None:
        dialog = PlanDialog(
            self.store, self.actor, self.staff_id, self.week_start + WEEK, None, self
        )
        self._open(dialog, self._saved_into(self.plans, dialog))

    def edit_plan(self) -> None:
        record = self.plans.selected()
        if record is None:
            return
        dialog = PlanDialog(
            self.store, self.actor, self.staff_id, self.week_start + WEEK, record, self
        )
        self._open(dialog, self._saved_into(self.plans, dialog))

    def _delete(self, question: str, action: Callable[..., None], record_id: int) -> None:
        if not widgets.confirm(self, question, _("Delete")):
            return
        try:
            with self.store.transaction() as session:
                action(session, self.actor, record_id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return
        self._after_change()

    def delete_trip(self) -> None:
        record = self.trips.selected()
        if record is not None:
            self._delete(
                _("Delete the trip record to {customer} on {day}?").format(
                    customer=record.customer_name, day=day_text(record.day)
                ),
                weekly.delete_trip,
                record.id,
            )

    def delete_log(self) -> None:
        record = self.logs.selected()
        if record is not None:
            self._delete(
                _("Delete the visit log of {customer} on {day}?").format(
                    customer=record.customer_name, day=day_text(record.day)
                ),
                weekly.delete_log,
                record.id,
            )

    def delete_plan(self) -> None:
        record = self.plans.selected()
        if record is not None:
            self._delete(
                _("Delete the planned visit to {customer}?").format(customer=record.customer_name),
                weekly.delete_plan,
                record.id,
            )
