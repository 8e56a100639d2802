"""Pieces shared by the account manager's weekly screens: the week picker, the customer
chooser, optional date/time inputs, and the dialogs for customers, trip records, visit
logs and visit plans.

Every dialog is a `FormDialog`: OK saves in one transaction, and a ValidationError is
shown in red under the field it names while the dialog stays open with the input kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time, timedelta

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QWidget,
)

from app.db import Store
from app.i18n import _
from app.services import clock, staff, weekly
from app.services.auth import Actor
from app.services.errors import ValidationError
from app.services.weekly import (
    CustomerInput,
    CustomerRecord,
    Grade,
    LogInput,
    LogView,
    PlanInput,
    PlanView,
    TripInput,
    TripView,
)
from app.ui import widgets
from app.ui.staff_dialogs import FormDialog, to_qdate

WEEK = timedelta(days=7)


def day_text(value: date | None) -> str:
    """11-24 周二: short enough for a table cell, with the weekday a manager plans by."""
    if value is None:
        return ""
    return "{md} {weekday}".format(
        md=value.strftime("%m-%d"), weekday=_(weekly.WEEKDAY_SHORT[value.weekday()])
    )


def time_text(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def week_title(week_start: date) -> str:
    """2026-W48 (11-23 – 11-29)"""
    last = week_start + timedelta(days=6)
    return _("{week} ({first} – {last})").format(
        week=weekly.week_label(week_start),
        first=week_start.strftime("%m-%d"),
        last=last.strftime("%m-%d"),
    )


class WeekPicker(QWidget):
    """◀ previous week · "2026-W48 (11-23 – 11-29)" · next week ▶ · this week.

    Alt+Left / Alt+Right step a week (the buttons' own shortcuts, so only the visible
    picker answers them)."""

    weekChanged = Signal(object)  # the new Monday (date)

    def __init__(
        self, week_start: date, today: Callable[[], date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._week = weekly.week_of(week_start)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.previous_button = QPushButton(_("◀ Previous week"), self)
        self.previous_button.setShortcut(QKeySequence("Alt+Left"))
        self.previous_button.setToolTip(_("The week before (Alt+Left)"))
        self.previous_button.clicked.connect(lambda: self.set_week(self._week - WEEK))
        self.label = QLabel(self)
        self.label.setFont(widgets.scaled_font(self.label, 1.15, bold=True))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(
            self.label.fontMetrics().horizontalAdvance("2026-W48 (11-23 – 11-29)") + 24
        )
        self.next_button = QPushButton(_("Next week ▶"), self)
        self.next_button.setShortcut(QKeySequence("Alt+Right"))
        self.next_button.setToolTip(_("The week after (Alt+Right)"))
        self.next_button.clicked.connect(lambda: self.set_week(self._week + WEEK))
        self.this_week_button = QPushButton(_("This week"), self)
        self.this_week_button.setShortcut(QKeySequence("Alt+Home"))
        self.this_week_button.setToolTip(_("Back to the current week (Alt+Home)"))
        self.this_week_button.clicked.connect(lambda: self.set_week(weekly.week_of(self._today())))
        for widget in (self.previous_button, self.label, self.next_button, self.this_week_button):
            layout.addWidget(widget)
        self._show()

    def week(self) -> date:
        return self._week

    def set_week(self, week_start: date) -> None:
        week_start = weekly.week_of(week_start)
        if week_start == self._week:
            return
        self._week = week_start
        self._show()
        self.weekChanged.emit(week_start)

    def _show(self) -> None:
        self.label.setText(week_title(self._week))
        self.this_week_button.setEnabled(self._week != weekly.week_of(self._today()))


class CustomerCombo(QComboBox):
    """A person's customers by name; typeable, matching anywhere in the name."""

    def __init__(self, customers: Sequence[CustomerRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumWidth(200)
        for c in customers:
            label = c.name if not c.company else f"{c.name}（{c.company}）"
            self.addItem(label, c.id)
            self.setItemData(self.count() - 1, c.name, Qt.ItemDataRole.UserRole + 1)
        completer = self.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCurrentIndex(-1)
        line = self.lineEdit()
        assert line is not None  # an editable combo box has one
        line.setPlaceholderText(_("Type or choose a customer"))

    def select_customer(self, customer_id: int | None) -> None:
        self.setCurrentIndex(self.findData(customer_id) if customer_id is not None else -1)

    def customer_id(self) -> int | None:
        """The chosen customer; typed text counts when it is a customer's name."""
        text = self.currentText().strip()
        if not text:
            return None
        for row in range(self.count()):
            if text in (self.itemText(row), self.itemData(row, Qt.ItemDataRole.UserRole + 1)):
                value = self.itemData(row)
                return int(value) if value is not None else None
        return None

    def require(self) -> int:
        """The chosen customer, or a ValidationError for the "customer" field."""
        found = self.customer_id()
        if found is not None:
            return found
        text = self.currentText().strip()
        if not text:
            raise ValidationError(_("Choose a customer."), field="customer")
        raise ValidationError(
            _("{name} is not in the book of customers: add the customer first.").format(name=text),
            field="customer",
        )


class OptionalDate(QWidget):
    """A date that may be left out: the tick box switches it on."""

    changed = Signal()

    def __init__(
        self, value: date | None, default: date, tip: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.known = QCheckBox(self)
        self.known.setToolTip(tip)
        self.known.setAccessibleName(tip)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumWidth(140)
        self.edit.setDate(to_qdate(value or default))
        self.known.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.known.toggled.connect(self.edit.setEnabled)
        self.known.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.known)
        row.addWidget(self.edit)
        row.addStretch(1)

    def set_date(self, value: date | None) -> None:
        if value is not None:
            self.edit.setDate(to_qdate(value))
        self.known.setChecked(value is not None)

    def date(self) -> date | None:
        if not self.known.isChecked():
            return None
        value = self.edit.date().toPython()
        assert isinstance(value, date)
        return value


class OptionalTime(QWidget):
    """A time of day that may be left out."""

    def __init__(self, value: time | None, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = QCheckBox(self)
        self.known.setToolTip(tip)
        self.known.setAccessibleName(tip)
        self.edit = QTimeEdit(self)
        self.edit.setDisplayFormat("HH:mm")
        self.edit.setMinimumWidth(90)
        self.set_time(value)
        self.known.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.known)
        row.addWidget(self.edit)
        row.addStretch(1)

    def set_time(self, value: time | None) -> None:
        shown = value or time(9, 0)
        self.edit.setTime(QTime(shown.hour, shown.minute))
        self.known.setChecked(value is not None)
        self.edit.setEnabled(value is not None)

    def time(self) -> time | None:
        if not self.known.isChecked():
            return None
        value = self.edit.time().toPython()
        assert isinstance(value, time)
        return value.replace(second=0, microsecond=0)


def date_edit(value: date, parent: QWidget | None = None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumWidth(140)
    edit.setDate(to_qdate(value))
    return edit


def qdate_value(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def text_box(lines: int = 3, parent: QWidget | None = None) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 16)
    return box


def load_customers(store: Store, actor: Actor, staff_id: int) -> list[CustomerRecord]:
    with store.reading() as session:
        return weekly.list_customers(session, actor, staff_id)


def default_day(week_start: date, today: date) -> date:
    """Today when it falls in the week shown, else the week's Monday."""
    return today if weekly.week_of(today) == week_start else week_start


# --- customers -------------------------------------------------------------------------


class CustomerDialog(FormDialog):
    """Add (record None) or edit a customer. The supervisor chooses the owner; a manager's
    customers are always their own."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        record: CustomerRecord | None = None,
        owner_staff_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.record = record
        self.saved: CustomerRecord | None = None
        self.setWindowTitle(
            _("Add customer") if record is None else _("Edit {name}").format(name=record.name)
        )
        self.owner = QComboBox()
        if actor.sees_whole_branch:
            with store.reading() as session:
                people = [p for p in staff.list_staff(session, actor) if p.active]
            for p in people:
                self.owner.addItem(_("{name} ({no})").format(name=p.name, no=p.employee_no), p.id)
            wanted = record.owner_staff_id if record is not None else owner_staff_id
            self.owner.setCurrentIndex(self.owner.findData(wanted) if wanted is not None else -1)
            self.owner.setPlaceholderText(_("Choose the account manager"))
            self.add_field("owner", _("Account manager"), self.owner)
            self.owner.currentIndexChanged.connect(lambda _i: self._clear_error("owner"))
        self.name = QLineEdit()
        self.name.setMaxLength(50)
        self.company = QLineEdit()
        self.company.setMaxLength(100)
        self.company.setPlaceholderText(_("Optional"))
        self.phone = QLineEdit()
        self.phone.setMaxLength(32)
        self.phone.setPlaceholderText(_("e.g. 13812345678 or 010-12345678"))
        self.grade = QComboBox()
        for g in Grade:
            self.grade.addItem(weekly.grade_label(g), g.value)
        self.grade.setCurrentIndex(self.grade.findData(Grade.NORMAL.value))
        self.birthday = OptionalDate(None, date(1980, 1, 1), _("Tick to enter the birthday"))
        self.note = text_box(3)
        self.note.setPlaceholderText(_("Optional"))
        self.add_field("name", _("Name"), self.name)
        self.add_field("company", _("Company"), self.company)
        self.add_field("phone", _("Telephone"), self.phone)
        self.add_field("grade", _("Grade"), self.grade)
        self.add_field(
            "birthday",
            _("Birthday"),
            self.birthday,
            focus=self.birthday.known,
            frame=self.birthday.edit,
        )
        self.add_field("note", _("Note"), self.note)
        if record is not None:
            self.name.setText(record.name)
            self.company.setText(record.company)
            self.phone.setText(record.phone)
            self.grade.setCurrentIndex(self.grade.findData(record.grade))
            self.birthday.set_date(record.birthday)
            self.note.setPlainText(record.note)
        else:
            self.ok_button.setText(_("Add"))
        self.name.setFocus()

    def owner_id(self) -> int:
        if not self.actor.sees_whole_branch:
            assert self.actor.staff_id is not None  # a manager is a staff member
            return self.actor.staff_id
        value = self.owner.currentData()
        if value is None:
            raise ValidationError(_("Choose the account manager."), field="owner")
        return int(value)

    def value(self) -> CustomerInput:
        return CustomerInput(
            owner_staff_id=self.owner_id(),
            name=self.name.text(),
            company=self.company.text(),
            phone=self.phone.text(),
            grade=str(self.grade.currentData()),
            birthday=self.birthday.date(),
            note=self.note.toPlainText(),
        )

    def save(self) -> None:
        data = self.value()
        with self.store.transaction() as session:
            if self.record is None:
                self.saved = weekly.add_customer(session, self.actor, data)
            else:
                self.saved = weekly.update_customer(session, self.actor, self.record.id, data)


# --- trip records, visit logs, plans ---------------------------------------------------


class TripDialog(FormDialog):
    """A trip record (出行记录): written before going out."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        week_start: date,
        record: TripView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.staff_id = staff_id
        self.record = record
        self.saved: TripView | None = None
        self.setWindowTitle(_("Add trip record") if record is None else _("Edit trip record"))
        self.set_intro(
            _(
                "Write the trip record before going out; one written after the planned "
                "time out is kept but marked as entered afterwards."
            )
        )
        today = clock.branch_today()
        self.day = date_edit(record.day if record else default_day(week_start, today))
        self.customer = CustomerCombo(load_customers(store, actor, staff_id))
        self.purpose = QLineEdit()
        self.purpose.setMaxLength(200)
        self.planned_out = OptionalTime(None, _("Tick to enter the planned time out"))
        self.planned_back = OptionalTime(None, _("Tick to enter the planned time back"))
        self.add_field("day", _("Date"), self.day)
        self.add_field("customer", _("Customer"), self.customer)
        self.add_field("purpose", _("Purpose"), self.purpose)
        self.add_field(
            "planned_out",
            _("Planned out"),
            self.planned_out,
            focus=self.planned_out.known,
            frame=self.planned_out.edit,
        )
        self.add_field(
            "planned_back",
            _("Planned back"),
            self.planned_back,
            focus=self.planned_back.known,
            frame=self.planned_back.edit,
        )
        if record is not None:
            self.customer.select_customer(record.customer_id)
            self.purpose.setText(record.purpose)
            self.planned_out.set_time(record.planned_out)
            self.planned_back.set_time(record.planned_back)
        else:
            self.ok_button.setText(_("Add"))

    def save(self) -> None:
        data = TripInput(
            staff_id=self.staff_id,
            customer_id=self.customer.require(),
            day=qdate_value(self.day),
            purpose=self.purpose.text(),
            planned_out=self.planned_out.time(),
            planned_back=self.planned_back.time(),
        )
        with self.store.transaction() as session:
            if self.record is None:
                self.saved = weekly.add_trip(session, self.actor, data)
            else:
                self.saved = weekly.update_trip(session, self.actor, self.record.id, data)


class LogDialog(FormDialog):
    """A visit log (服务日志): written after the visit. `customer_id`/`day` prefill it
    (e.g. from a trip record)."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        week_start: date,
        record: LogView | None = None,
        customer_id: int | None = None,
        day: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.staff_id = staff_id
        self.record = record
        self.saved: LogView | None = None
        self.setWindowTitle(_("Write visit log") if record is None else _("Edit visit log"))
        today = clock.branch_today()
        first = record.day if record else day or default_day(week_start, today)
        self.day = date_edit(first)
        self.customer = CustomerCombo(load_customers(store, actor, staff_id))
        self.content = text_box(4)
        self.content.setPlaceholderText(_("What was done at the visit"))
        self.feedback = text_box(3)
        self.follow_up = QLineEdit()
        self.follow_up.setMaxLength(300)
        self.follow_up_due = OptionalDate(
            None, first + WEEK, _("Tick to enter when the follow-up is due")
        )
        self.add_field("day", _("Date"), self.day)
        self.add_field("customer", _("Customer"), self.customer)
        self.add_field("content", _("Service provided"), self.content)
        self.add_field("feedback", _("Customer feedback"), self.feedback)
        self.add_field("follow_up", _("Follow-up"), self.follow_up)
        self.add_field(
            "follow_up_due",
            _("Follow-up due"),
            self.follow_up_due,
            focus=self.follow_up_due.known,
            frame=self.follow_up_due.edit,
        )
        if record is not None:
            self.customer.select_customer(record.customer_id)
            self.content.setPlainText(record.content)
            self.feedback.setPlainText(record.feedback)
            self.follow_up.setText(record.follow_up)
            self.follow_up_due.set_date(record.follow_up_due)
        else:
            self.customer.select_customer(customer_id)
            self.ok_button.setText(_("Add"))
        self.setMinimumWidth(540)

    def save(self) -> None:
        data = LogInput(
            staff_id=self.staff_id,
            customer_id=self.customer.require(),
            day=qdate_value(self.day),
            content=self.content.toPlainText(),
            feedback=self.feedback.toPlainText(),
            follow_up=self.follow_up.text(),
            follow_up_due=self.follow_up_due.date(),
        )
        with self.store.transaction() as session:
            if self.record is None:
                self.saved = weekly.add_log(session, self.actor, data)
            else:
                self.saved = weekly.update_log(session, self.actor, self.record.id, data)


class PlanDialog(FormDialog):
    """A planned visit for the week starting `week_start` (下周客户拜访计划).

    Plans have no update in the service: editing one deletes it and adds the new one in
    the same transaction (a plan for a week still to come has no outcome to lose)."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        week_start: date,
        record: PlanView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.staff_id = staff_id
        self.week_start = week_start
        self.record = record
        self.saved: PlanView | None = None
        self.setWindowTitle(
            _("Plan a visit for {week}").format(week=weekly.week_label(week_start))
            if record is None
            else _("Edit planned visit")
        )
        self.day = OptionalDate(
            record.planned_day if record else None,
            week_start,
            _("Tick to plan the visit for a given day"),
        )
        self.day.edit.setDateRange(to_qdate(week_start), to_qdate(week_start + timedelta(days=6)))
        self.customer = CustomerCombo(load_customers(store, actor, staff_id))
        self.purpose = QLineEdit()
        self.purpose.setMaxLength(200)
        self.add_field(
            "planned_day", _("Date"), self.day, focus=self.day.known, frame=self.day.edit
        )
        self.add_field("customer", _("Customer"), self.customer)
        self.add_field("purpose", _("Purpose"), self.purpose)
        if record is not None:
            self.customer.select_customer(record.customer_id)
            self.purpose.setText(record.purpose)
        else:
            self.ok_button.setText(_("Add"))

    def save(self) -> None:
        data = PlanInput(
            staff_id=self.staff_id,
            customer_id=self.customer.require(),
            week_start=self.week_start,
            planned_day=self.day.date(),
            purpose=self.purpose.text(),
        )
        with self.store.transaction() as session:
            if self.record is not None:
                weekly.delete_plan(session, self.actor, self.record.id)
                session.flush()
            self.saved = weekly.add_plan(session, self.actor, data)
