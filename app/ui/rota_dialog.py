"""One person's rota (排班) for a month: the weekly pattern and each date's override.

Every click is one transaction and the grid is read back from attendance.plans_for, so
what it shows is what the attendance month will use.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, time
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import _
from app.services import attendance, staff
from app.services.attendance import RotaEntry, RotaKind
from app.services.auth import Actor
from app.services.day_engine import DayPlan
from app.services.errors import ServiceError
from app.ui import widgets
from app.ui.rules_settings import SHORT_WEEKDAYS

# (none) -> rest -> work -> (none): the order a click moves through.
_NEXT: dict[RotaKind | None, RotaKind | None] = {
    None: RotaKind.REST,
    RotaKind.REST: RotaKind.WORK,
    RotaKind.WORK: None,
}
_COLORS = {"work": "#e3f4e1", "rest": "#eeeeee", "holiday": "#fbe3e3"}


def plan_text(plan: DayPlan) -> str:
    if plan.working:
        text = _("Work")
        if plan.start is not None and plan.end is not None:
            text += f" {plan.start:%H:%M}–{plan.end:%H:%M}"
        return text
    return _("Holiday") if plan.holiday else _("Rest")


def entry_text(entry: RotaEntry | None) -> str:
    if entry is None:
        return _("By rule")
    return _("Work") if entry.kind is RotaKind.WORK else _("Rest")


class RotaDialog(QDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        year: int,
        month: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.staff_id, self.year, self.month = staff_id, year, month
        self.editable = actor.sees_whole_branch
        self.setWindowTitle(_("Rota"))
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.person = QComboBox(self)
        with store.reading() as session:
            for s in staff.list_staff(session, actor, include_inactive=False):
                self.person.addItem(f"{s.employee_no} {s.name}", s.id)
        self.person.setCurrentIndex(max(0, self.person.findData(staff_id)))
        self.person.currentIndexChanged.connect(self._person_changed)
        top.addWidget(QLabel(_("Staff"), self))
        top.addWidget(self.person, 1)
        self.prev_button = QPushButton("◀", self)
        self.next_button = QPushButton("▶", self)
        self.month_label = QLabel(self)
        self.prev_button.clicked.connect(lambda: self.move_month(-1))
        self.next_button.clicked.connect(lambda: self.move_month(1))
        top.addSpacing(16)
        top.addWidget(self.prev_button)
        top.addWidget(self.month_label)
        top.addWidget(self.next_button)
        layout.addLayout(top)

        layout.addWidget(QLabel(_("Every week"), self))
        week = QHBoxLayout()
        self.weekday_buttons: list[QPushButton] = []
        for weekday in range(7):
            button = QPushButton(self)
            button.setMinimumHeight(44)
            button.setEnabled(self.editable)
            button.clicked.connect(lambda _checked=False, w=weekday: self.cycle_weekday(w))
            self.weekday_buttons.append(button)
            week.addWidget(button)
        layout.addLayout(week)

        layout.addWidget(
            widgets.muted(
                _(
                    "Click a weekday or a date to cycle: by rule → rest → work. A date's "
                    "choice (换班) beats the weekly pattern and the calendar."
                ),
                self,
            )
        )
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        for column, label in enumerate(SHORT_WEEKDAYS):
            header = QLabel(_(label), self)
            header.setStyleSheet("font-weight: bold;")
            self.grid.addWidget(header, 0, column)
        self.cells: list[QPushButton] = []
        for index in range(6 * 7):
            cell = QPushButton(self)
            cell.setMinimumSize(88, 56)
            cell.clicked.connect(lambda _checked=False, i=index: self._cell_clicked(i))
            # Right-click: work that date on another shift (换班 to another time).
            cell.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            cell.customContextMenuRequested.connect(lambda _pos, i=index: self._other_shift_at(i))
            self.grid.addWidget(cell, index // 7 + 1, index % 7)
            self.cells.append(cell)
        layout.addLayout(self.grid)
        self.cell_dates: list[date | None] = [None] * len(self.cells)
        self.day_buttons: dict[date, QPushButton] = {}
        self.plans: dict[date, DayPlan] = {}

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    # --- state ------------------------------------------------------------------------

    def _person_changed(self) -> None:
        self.staff_id = self.person.currentData()
        self.refresh()

    def move_month(self, step: int) -> None:
        index = self.year * 12 + self.month - 1 + step
        self.year, self.month = divmod(index, 12)
        self.month += 1
        self.refresh()

    def refresh(self) -> None:
        first = date(self.year, self.month, 1)
        last = date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        with self.store.reading() as session:
            self.rota = attendance.rota_of(session, self.actor, self.staff_id)
            plans = attendance.plans_for(session, self.actor, self.staff_id, first, last)
        self.plans = {p.work_date: p for p in plans}
        self.month_label.setText(f"{self.year}-{self.month:02d}")
        for weekday, button in enumerate(self.weekday_buttons):
            entry = self.rota.pattern.get(weekday)
            button.setText(f"{_(SHORT_WEEKDAYS[weekday])}\n{entry_text(entry)}")
            button.setStyleSheet("font-weight: bold;" if entry is not None else "")
        self.day_buttons = {}
        offset = first.weekday()
        for i, cell in enumerate(self.cells):
            number = i - offset + 1
            if 1 <= number <= last.day:
                day = date(self.year, self.month, number)
                self.cell_dates[i] = day
                self.day_buttons[day] = cell
                plan = self.plans[day]
                overridden = day in self.rota.overrides
                mark = " •" if overridden else ""
                cell.setText(f"{number}{mark}\n{plan_text(plan)}")
                color = _COLORS["work" if plan.working else "holiday" if plan.holiday else "rest"]
                weight = "font-weight: bold;" if overridden else ""
                cell.setStyleSheet(f"background: {color}; {weight}")
                cell.setToolTip(_("Changed for this date") if overridden else "")
                cell.setEnabled(self.editable)
                cell.setVisible(True)
            else:
                self.cell_dates[i] = None
                cell.setText("")
                cell.setStyleSheet("")
                cell.setEnabled(False)
                # Keep the 6th row's space only when the month needs it.
                cell.setVisible(i < 35 or offset + last.day > 35)

    # --- changes ----------------------------------------------------------------------

    def _run(self, work: Callable[[Any], object]) -> bool:
        try:
            with self.store.transaction() as session:
                work(session)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return False
        finally:
            self.refresh()
        return True

    def cycle_weekday(self, weekday: int) -> bool:
        entry = self.rota.pattern.get(weekday)
        following = _NEXT[entry.kind if entry is not None else None]
        if following is None:
            return self._run(
                lambda s: attendance.clear_rota_day(s, self.actor, self.staff_id, weekday)
            )
        return self._run(
            lambda s: attendance.set_rota_day(
                s, self.actor, self.staff_id, weekday, following.value
            )
        )

    def _cell_clicked(self, index: int) -> None:
        day = self.cell_dates[index]
        if day is not None:
            self.cycle_day(day)

    def _other_shift_at(self, index: int) -> None:
        day = self.cell_dates[index]
        if day is not None and self.isEnabled():
            self.ask_other_shift(day)

    def ask_other_shift(self, day: date) -> bool:
        """Ask for the shift's start and end on `day` and store it as that date's override."""
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Other shift on {day}").format(day=day.isoformat()))
        form = QFormLayout(dialog)
        start, end = QTimeEdit(QTime(9, 0), dialog), QTimeEdit(QTime(18, 0), dialog)
        for edit in (start, end):
            edit.setDisplayFormat("HH:mm")
        form.addRow(_("Starts"), start)
        form.addRow(_("Ends"), end)
        form.addRow(widgets.muted(_("An end before the start means the next day."), dialog))
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
        )
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form.addRow(box)
        self.current_dialog = dialog
        if not dialog.exec():
            return False
        a, b = start.time(), end.time()
        return self.set_other_shift(day, time(a.hour(), a.minute()), time(b.hour(), b.minute()))

    def set_other_shift(self, day: date, start: time, end: time) -> bool:
        return self._run(
            lambda s: attendance.set_override(
                s, self.actor, self.staff_id, day, RotaKind.WORK.value, start, end
            )
        )

    def cycle_day(self, day: date) -> bool:
        entry = self.rota.overrides.get(day)
        following = _NEXT[entry.kind if entry is not None else None]
        if following is None:
            return self._run(
                lambda s: attendance.remove_override(s, self.actor, self.staff_id, day)
            )
        return self._run(
            lambda s: attendance.set_override(s, self.actor, self.staff_id, day, following.value)
        )
