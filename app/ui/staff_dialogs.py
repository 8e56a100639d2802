"""Dialogs of the staff page: add/edit a person, set a kiosk PIN, create a sign-in.

Each dialog saves in ONE transaction when OK is pressed. A ValidationError is shown in
red under the field it names and the dialog stays open with the input kept; since the
transaction rolled back, nothing was written.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import auth, clock, staff
from app.services.auth import Actor, Role
from app.services.errors import ServiceError, ValidationError
from app.services.staff import StaffInput, StaffRecord
from app.ui import widgets

# QDateEdit cannot be empty: its minimum shows the "not set" text instead of a date.
_NO_DATE = QDate(1900, 1, 1)

# Suggestions only: the position is free text (DOMAIN.md: 客户经理 / 营销经理 / 大客户经理).
POSITION_SUGGESTIONS = (
    N_("Account manager"),
    N_("Key account manager"),
    N_("Marketing manager"),
)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class FormDialog(QDialog):
    """A form whose OK button calls `save()`; errors keep the dialog open, shown inline."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.field_errors: dict[str, widgets.ErrorLabel] = {}
        self.field_inputs: dict[str, QWidget] = {}
        self.field_frames: dict[str, QWidget] = {}
        self.general_error = widgets.ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.intro = widgets.muted("", self)
        self.intro.hide()
        self.main_layout = QVBoxLayout(self)
        self.main_layout.addWidget(self.intro)
        self.main_layout.addLayout(self.form)
        self.main_layout.addWidget(self.general_error)
        self.main_layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def add_field(
        self,
        key: str,
        label: str,
        widget: QWidget,
        focus: QWidget | None = None,
        frame: QWidget | None = None,
    ) -> None:
        """A form row whose error, if any, appears in red right under the input.

        `focus` is what gets the keyboard when the field is wrong, `frame` what is
        outlined in red (both default to `widget`).
        """
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = widgets.ErrorLabel(box)
        column.addWidget(error)
        self.form.addRow(label, box)
        self.field_errors[key] = error
        self.field_inputs[key] = focus or widget
        self.field_frames[key] = frame or widget
        label_widget = self.form.labelForField(box)
        if isinstance(label_widget, QLabel):
            label_widget.setBuddy(focus or widget)
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda _text, key=key: self._clear_error(key))

    def _clear_error(self, key: str) -> None:
        self.field_errors[key].clear_error()
        widgets.mark_invalid(self.field_frames[key], False)

    def clear_errors(self) -> None:
        for key in self.field_errors:
            self._clear_error(key)
        self.general_error.clear_error()

    def show_error(self, message: str, field: str | None = None) -> None:
        key = field if field in self.field_errors else None
        if key is None:
            self.general_error.show_error(message)
            self._fit_height()
            return
        self.field_errors[key].show_error(message)
        widgets.mark_invalid(self.field_frames[key], True)
        self._fit_height()
        target = self.field_inputs[key]
        target.setFocus()
        if isinstance(target, QLineEdit):
            target.selectAll()

    def _fit_height(self) -> None:
        """Grow (never shrink) so that a wrapped error message is not cut off."""
        layout = self.main_layout
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed < 0:
            needed = layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def error_text(self, field: str | None = None) -> str:
        """The error shown for `field` ('' when none); for tests and accessibility."""
        label = self.field_errors.get(field or "", self.general_error)
        return label.text() if label.isVisibleTo(self) else ""

    def save(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        self.clear_errors()
        try:
            self.save()
        except ValidationError as exc:
            self.show_error(str(exc), exc.field)
            return
        except ServiceError as exc:
            self.show_error(str(exc))
            return
        super().accept()


class HireDateEdit(QWidget):
    """A date that may be unknown: a tick box switches the date on; unticked shows "not set"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = QCheckBox()
        self.known.setToolTip(_("Tick to enter the hire date"))
        self.known.setAccessibleName(_("Hire date known"))
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(_NO_DATE)
        self.edit.setSpecialValueText(_("Not set"))
        self.edit.setMinimumWidth(140)
        self._last = to_qdate(clock.branch_today())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.known)
        row.addWidget(self.edit)
        row.addStretch(1)
        self.known.toggled.connect(self._toggled)
        self.set_date(None)

    def _toggled(self, on: bool) -> None:
        if on:
            self.edit.setDate(self._last)
        else:
            if self.edit.date() != _NO_DATE:
                self._last = self.edit.date()
            self.edit.setDate(_NO_DATE)
        self.edit.setEnabled(on)

    def set_date(self, value: date | None) -> None:
        if value is not None:
            self._last = to_qdate(value)
        self.known.setChecked(value is not None)
        self._toggled(value is not None)

    def date(self) -> date | None:
        if not self.known.isChecked() or self.edit.date() == _NO_DATE:
            return None
        value = self.edit.date().toPython()
        assert isinstance(value, date)
        return value


class StaffDialog(FormDialog):
    """Add a person (record None) or edit one; `saved` holds the stored record afterwards."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        record: StaffRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.record = record
        self.saved: StaffRecord | None = None
        self.setWindowTitle(
            _("Add staff member") if record is None else _("Edit {name}").format(name=record.name)
        )
        self.employee_no = QLineEdit()
        self.employee_no.setMaxLength(32)
        self.employee_no.setPlaceholderText(_("e.g. A001"))
        self.name = QLineEdit()
        self.name.setMaxLength(50)
        self.phone = QLineEdit()
        self.phone.setMaxLength(32)
        self.phone.setPlaceholderText(_("e.g. 13812345678 or 010-12345678"))
        self.hire_date = HireDateEdit()
        self.position = QComboBox()
        self.position.setEditable(True)
        self.position.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.position.addItems([_(p) for p in POSITION_SUGGESTIONS])
        self.position.setCurrentIndex(-1)
        line = self.position.lineEdit()
        assert line is not None  # an editable combo box has one
        line.setMaxLength(50)
        line.setPlaceholderText(_("Optional"))
        self.add_field("employee_no", _("Employee no."), self.employee_no)
        self.add_field("name", _("Name"), self.name)
        self.add_field("phone", _("Phone"), self.phone)
        self.add_field(
            "hire_date",
            _("Hire date"),
            self.hire_date,
            focus=self.hire_date.known,
            frame=self.hire_date.edit,
        )
        self.add_field("position", _("Position"), self.position)
        line.textEdited.connect(lambda _text: self._clear_error("position"))
        if record is not None:
            self.employee_no.setText(record.employee_no)
            self.name.setText(record.name)
            self.phone.setText(record.phone)
            self.hire_date.set_date(record.hire_date)
            self.position.setEditText(record.position)
        else:
            self.ok_button.setText(_("Add"))

    def value(self) -> StaffInput:
        return StaffInput(
            employee_no=self.employee_no.text(),
            name=self.name.text(),
            phone=self.phone.text(),
            hire_date=self.hire_date.date(),
            position=self.position.currentText(),
        )

    def save(self) -> None:
        data = self.value()
        with self.store.transaction() as session:
            if self.record is None:
                self.saved = staff.add_staff(session, self.actor, data)
            else:
                self.saved = staff.update_staff(session, self.actor, self.record.id, data)


class PinDialog(FormDialog):
    """The kiosk PIN, typed twice and masked."""

    def __init__(
        self, store: Store, actor: Actor, record: StaffRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.record = record
        self.setWindowTitle(_("Kiosk PIN for {name}").format(name=record.name))
        intro = _("{name} types this PIN to clock in at the attendance kiosk: 4 to 8 digits.")
        if record.has_pin:
            intro += " " + _("It replaces the PIN set before.")
        self.set_intro(intro.format(name=record.name))
        digits = QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self)
        self.pin = QLineEdit()
        self.pin_repeat = QLineEdit()
        for edit in (self.pin, self.pin_repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setValidator(digits)
            edit.setMaxLength(8)
            edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.add_field("pin", _("PIN"), self.pin)
        self.add_field("pin_repeat", _("PIN again"), self.pin_repeat)

    def save(self) -> None:
        if self.pin.text() != self.pin_repeat.text():
            raise ValidationError(_("The two PINs do not match."), field="pin_repeat")
        with self.store.transaction() as session:
            staff.set_pin(session, self.actor, self.record.id, self.pin.text())


class SignInDialog(FormDialog):
    """A sign-in (user name + password) with the account manager role for one person."""

    def __init__(
        self, store: Store, actor: Actor, record: StaffRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.record = record
        self.created_username: str | None = None
        self.setWindowTitle(_("Sign-in for {name}").format(name=record.name))
        self.set_intro(
            _("{name} will sign in as an account manager and see only their own records.").format(
                name=record.name
            )
        )
        self.username = QLineEdit(record.employee_no.lower())
        self.username.setMaxLength(50)
        self.display_name = QLineEdit(record.name)
        self.display_name.setMaxLength(50)
        self.password = QLineEdit()
        self.password_repeat = QLineEdit()
        for edit in (self.password, self.password_repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field("username", _("User name"), self.username)
        self.add_field("display_name", _("Display name"), self.display_name)
        self.add_field("password", _("Password"), self.password)
        self.add_field("password_repeat", _("Password again"), self.password_repeat)
        self.ok_button.setText(_("Create sign-in"))

    def save(self) -> None:
        auth.check_new_password(self.password.text(), self.password_repeat.text())
        with self.store.transaction() as session:
            user = auth.create_user(
                session,
                self.actor,
                self.username.text(),
                self.display_name.text(),
                self.password.text(),
                Role.MANAGER,
                self.record.id,
            )
            self.created_username = user.username
