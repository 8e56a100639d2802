"""Settings → Attendance rules (考勤规则): the branch's work rules, editing one, making
one from a template, assigning one to people from a date, and the way to each rota."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, time

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import attendance, settings, staff
from app.services.attendance import RuleRecord
from app.services.auth import Actor
from app.services.clock import branch_today
from app.services.errors import ServiceError, ValidationError
from app.services.workrules import TEMPLATES, Band, DayMode, WorkRule
from app.ui import widgets
from app.ui.staff_dialogs import FormDialog, to_qdate
from app.ui.table_models import Column, RecordTableModel, fit_columns

DAY_MODES = {
    DayMode.CALENDAR: N_("Working calendar"),
    DayMode.EVERY_DAY: N_("Every day"),
    DayMode.WEEKDAYS: N_("Chosen weekdays"),
}
SHORT_WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MAX_MINUTES = 24 * 60


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def shift_text(rule: WorkRule) -> str:
    text = f"{_hhmm(rule.start)}–{_hhmm(rule.end)}"
    if rule.end <= rule.start:
        return _("{shift} (ends next day)").format(shift=text)
    return text


def day_mode_text(rule: WorkRule) -> str:
    if rule.day_mode is DayMode.WEEKDAYS:
        days = "、".join(_(SHORT_WEEKDAYS[d]) for d in sorted(rule.weekdays))
        return _("{mode}: {days}").format(mode=_(DAY_MODES[rule.day_mode]), days=days)
    return _(DAY_MODES[rule.day_mode])


def cost_text(band: Band) -> str:
    """ "扣 3 分", "警告", "扣 2 分 警告"."""
    parts = []
    if band.points:
        parts.append(_("deduct {points} points").format(points=band.points))
    if band.warning:
        parts.append(_("warning"))
    return " ".join(parts) or _("no cost")


def band_text(band: Band) -> str:
    """ "≥15 分钟 扣 3 分", "≥1 分钟 警告"."""
    return _("≥{minutes} min").format(minutes=band.min_minutes) + " " + cost_text(band)


def bands_summary(rule: WorkRule) -> str:
    """ "迟到 ≥15 分钟 扣 3 分；≥30 分钟 扣 10 分 | 早退 …"."""
    sections = []
    for label, bands in ((_("Late"), rule.late_bands), (_("Early leave"), rule.early_bands)):
        if bands:
            sections.append(f"{label} " + _("; ").join(band_text(b) for b in bands))
    if rule.missing_punch.points or rule.missing_punch.warning:
        cost = cost_text(rule.missing_punch)
        sections.append(_("Missing punch {cost}").format(cost=cost))
    return " | ".join(sections)


COLUMNS: list[Column[RuleRecord]] = [
    Column(N_("Rule"), lambda r: r.name),
    Column(N_("Shift"), lambda r: shift_text(r.rule)),
    Column(N_("Grace"), lambda r: _("{n} min").format(n=r.rule.grace_minutes)),
    Column(N_("Days"), lambda r: day_mode_text(r.rule)),
    Column(N_("Late / early / missing punch"), lambda r: bands_summary(r.rule)),
    Column(N_("Saved"), lambda r: _("Yes") if r.id is not None else _("Template")),
]


def _minutes(text: str, field: str, label: str, minimum: int = 0) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValidationError(
            _("{what}: “{text}” is not a whole number of minutes.").format(what=label, text=text),
            field,
        ) from None
    if value < minimum or value > MAX_MINUTES:
        raise ValidationError(
            _("{what}: give a number from {lo} to {hi}.").format(
                what=label, lo=minimum, hi=MAX_MINUTES
            ),
            field,
        )
    return value


class BandTable(QWidget):
    """A small editable table of bands: from minutes, points, warning ✓."""

    def __init__(self, bands: tuple[Band, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([_("From (minutes)"), _("Points"), _("Warning")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMaximumHeight(130)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton(_("Add"), self)
        self.remove_button = QPushButton(_("Remove"), self)
        self.add_button.clicked.connect(lambda: self.add_row(Band(15)))
        self.remove_button.clicked.connect(self.remove_row)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        for band in bands:
            self.add_row(band)

    def add_row(self, band: Band) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(str(band.min_minutes)))
        self.table.setItem(row, 1, QTableWidgetItem(str(band.points)))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if band.warning else Qt.CheckState.Unchecked)
        self.table.setItem(row, 2, check)

    def remove_row(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.rowCount() - 1]:
            if row >= 0:
                self.table.removeRow(row)

    def set_cell(self, row: int, column: int, text: str) -> None:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        item.setText(text)

    def bands(self, field: str, label: str) -> tuple[Band, ...]:
        result = []
        for row in range(self.table.rowCount()):
            text = (self.table.item(row, 0) or QTableWidgetItem("")).text()
            points = (self.table.item(row, 1) or QTableWidgetItem("0")).text() or "0"
            check = self.table.item(row, 2)
            result.append(
                Band(
                    _minutes(text, field, label, minimum=1),
                    _minutes(points, field, label),
                    check is not None and check.checkState() == Qt.CheckState.Checked,
                )
            )
        if len({b.min_minutes for b in result}) != len(result):
            raise ValidationError(
                _("{what}: two bands start at the same minute.").format(what=label), field
            )
        return tuple(sorted(result, key=lambda b: b.min_minutes))


def _spin(value: int, maximum: int = MAX_MINUTES, parent: QWidget | None = None) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(0, maximum)
    box.setValue(value)
    return box


def _qtime(t: time) -> QTime:
    return QTime(t.hour, t.minute)


def _time_of(edit: QTimeEdit) -> time:
    t = edit.time()
    return time(t.hour(), t.minute())


_BREAK = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–~—至]\s*(\d{1,2}:\d{2})\s*$")


def parse_breaks(text: str) -> tuple[tuple[time, time], ...]:
    result = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _BREAK.match(line)
        try:
            if match is None:
                raise ValueError
            a, b = (time.fromisoformat(part.zfill(5)) for part in match.groups())
        except ValueError:
            raise ValidationError(
                _("“{line}” is not a break like 12:00-13:00.").format(line=line.strip()),
                "breaks",
            ) from None
        if a == b:
            raise ValidationError(
                _("The break {line} has no length.").format(line=line.strip()), "breaks"
            )
        result.append((a, b))
    return tuple(result)


class RuleDialog(FormDialog):
    """Edit one work rule; `new` lets the key be chosen (a rule made from a template)."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        record: RuleRecord,
        new: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        rule = record.rule
        self.rule = rule
        self.setWindowTitle(_("Work rule: {name}").format(name=record.name))
        self.key = QLineEdit(record.key, self)
        self.key.setReadOnly(not new)
        self.name = QLineEdit(record.name, self)
        self.start = QTimeEdit(_qtime(rule.start), self)
        self.end = QTimeEdit(_qtime(rule.end), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
            edit.timeChanged.connect(self._times_changed)
        self.overnight = widgets.muted(_("An end at or before the start means the next day."))
        end_box = QWidget(self)
        end_row = QHBoxLayout(end_box)
        end_row.setContentsMargins(0, 0, 0, 0)
        end_row.addWidget(self.end)
        end_row.addWidget(self.overnight, 1)
        self.breaks = QPlainTextEdit(
            "\n".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in rule.breaks), self
        )
        self.breaks.setMaximumHeight(60)
        self.breaks.setPlaceholderText("12:00-13:00")
        self.grace = _spin(rule.grace_minutes, parent=self)
        self.window_before = _spin(rule.window_before_minutes, parent=self)
        self.window_after = _spin(rule.window_after_minutes, parent=self)
        window_box = QWidget(self)
        window_row = QHBoxLayout(window_box)
        window_row.setContentsMargins(0, 0, 0, 0)
        window_row.addWidget(widgets.muted(_("before the start"), self))
        window_row.addWidget(self.window_before)
        window_row.addWidget(widgets.muted(_("after the end"), self))
        window_row.addWidget(self.window_after)
        window_row.addStretch(1)
        self.day_mode = QComboBox(self)
        for mode, label in DAY_MODES.items():
            self.day_mode.addItem(_(label), mode.value)
        self.day_mode.setCurrentIndex(self.day_mode.findData(rule.day_mode.value))
        self.day_mode.currentIndexChanged.connect(self._mode_changed)
        days_box = QWidget(self)
        days_row = QHBoxLayout(days_box)
        days_row.setContentsMargins(0, 0, 0, 0)
        days_row.addWidget(self.day_mode)
        self.weekday_boxes: list[QCheckBox] = []
        for i, label in enumerate(SHORT_WEEKDAYS):
            box = QCheckBox(_(label), self)
            box.setChecked(i in rule.weekdays)
            self.weekday_boxes.append(box)
            days_row.addWidget(box)
        days_row.addStretch(1)
        self.late = BandTable(rule.late_bands, self)
        self.early = BandTable(rule.early_bands, self)
        self.missing_points = _spin(rule.missing_punch.points, 100, self)
        self.missing_warning = QCheckBox(_("Warning"), self)
        self.missing_warning.setChecked(rule.missing_punch.warning)
        missing_box = QWidget(self)
        missing_row = QHBoxLayout(missing_box)
        missing_row.setContentsMargins(0, 0, 0, 0)
        missing_row.addWidget(widgets.muted(_("Points"), self))
        missing_row.addWidget(self.missing_points)
        missing_row.addWidget(self.missing_warning)
        missing_row.addStretch(1)
        self.written_after = QLineEdit(
            "" if rule.written_after is None else str(rule.written_after), self
        )
        self.written_after.setPlaceholderText(_("never"))
        self.exempt = _spin(rule.exempt_late_per_month, 31, self)

        self.add_field("key", _("Key"), self.key)
        self.add_field("name", _("Name"), self.name)
        self.add_field("start", _("Shift starts"), self.start)
        self.add_field("end", _("Shift ends"), end_box, focus=self.end, frame=self.end)
        self.add_field("breaks", _("Breaks (one per line)"), self.breaks)
        self.add_field("grace", _("Grace (minutes)"), self.grace)
        self.add_field("window", _("Punch window (minutes)"), window_box, focus=self.window_before)
        self.add_field("day_mode", _("Working days"), days_box, focus=self.day_mode)
        self.add_field("late_bands", _("Late arrival"), self.late, focus=self.late.table)
        self.add_field("early_bands", _("Early leave"), self.early, focus=self.early.table)
        self.add_field("missing_punch", _("Missing punch"), missing_box)
        self.add_field(
            "written_after", _("Written warning after (cases a month)"), self.written_after
        )
        self.add_field("exempt", _("First late arrivals free (a month)"), self.exempt)
        self.set_intro(
            _(
                "Of a rule's bands the highest one reached applies alone. Changes apply to "
                "every date the rule is in force, including past ones not yet closed."
            )
        )
        self.setMinimumWidth(620)
        self._times_changed()
        self._mode_changed()

    def _times_changed(self) -> None:
        self.overnight.setVisible(self.end.time() <= self.start.time())

    def _mode_changed(self) -> None:
        weekdays = self.day_mode.currentData() == DayMode.WEEKDAYS.value
        for box in self.weekday_boxes:
            box.setEnabled(weekdays)

    def value(self) -> WorkRule:
        start, end = _time_of(self.start), _time_of(self.end)
        if start == end:
            raise ValidationError(_("The shift cannot start and end at the same time."), "end")
        mode = DayMode(self.day_mode.currentData())
        weekdays = tuple(i for i, box in enumerate(self.weekday_boxes) if box.isChecked())
        if mode is DayMode.WEEKDAYS and not weekdays:
            raise ValidationError(_("Choose at least one working weekday."), "day_mode")
        written = self.written_after.text().strip()
        return dataclasses.replace(
            self.rule,
            key=self.key.text(),
            name=self.name.text(),
            start=start,
            end=end,
            breaks=parse_breaks(self.breaks.toPlainText()),
            grace_minutes=self.grace.value(),
            window_before_minutes=self.window_before.value(),
            window_after_minutes=self.window_after.value(),
            day_mode=mode,
            weekdays=weekdays or self.rule.weekdays,
            late_bands=self.late.bands("late_bands", _("Late arrival")),
            early_bands=self.early.bands("early_bands", _("Early leave")),
            missing_punch=Band(0, self.missing_points.value(), self.missing_warning.isChecked()),
            written_after=(
                None
                if not written
                else _minutes(written, "written_after", _("Written warning after"))
            ),
            exempt_late_per_month=self.exempt.value(),
        )

    def save(self) -> None:
        rule = self.value()
        with self.store.transaction() as session:
            attendance.save_rule(session, self.actor, rule)


class AssignDialog(FormDialog):
    """Who follows which rule from which date (attendance.set_rules)."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        rules: list[RuleRecord],
        people: list[tuple[int, str]],
        rule_key: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.setWindowTitle(_("Assign a work rule"))
        self.rule = QComboBox(self)
        for record in rules:
            self.rule.addItem(record.name, record.key)
        if rule_key is not None:
            self.rule.setCurrentIndex(max(0, self.rule.findData(rule_key)))
        self.whole_branch = QCheckBox(_("The whole branch"), self)
        self.people = QListWidget(self)
        self.whole_branch.toggled.connect(lambda on: self.people.setEnabled(not on))
        for staff_id, name in people:
            item = QListWidgetItem(name, self.people)
            item.setData(Qt.ItemDataRole.UserRole, staff_id)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.people.setMaximumHeight(200)
        self.effective = QDateEdit(to_qdate(branch_today()), self)
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        self.add_field("rule", _("Rule"), self.rule)
        self.add_field("whole_branch", "", self.whole_branch)
        self.add_field("staff", _("Staff"), self.people)
        self.add_field("effective_from", _("From"), self.effective)
        self.set_intro(_("Earlier dates keep the rule they had. A person's own rule wins."))

    def check(self, staff_id: int, on: bool = True) -> None:
        for row in range(self.people.count()):
            item = self.people.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == staff_id:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen(self) -> list[int]:
        return [
            self.people.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.people.count())
            if self.people.item(row).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        staff_ids = None if self.whole_branch.isChecked() else self.chosen()
        if staff_ids is not None and not staff_ids:
            raise ValidationError(_("Tick the people, or the whole branch."), "staff")
        q = self.effective.date()
        with self.store.transaction() as session:
            attendance.set_rules(
                session,
                self.actor,
                self.rule.currentData(),
                staff_ids,
                date(q.year(), q.month(), q.day()),
            )


class RulesSettingsTab(QWidget):
    changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.editable = actor.sees_whole_branch
        layout = QVBoxLayout(self)
        layout.addWidget(
            widgets.muted(
                _(
                    "The branch's work rules (考勤制度): when the shift is and what lateness "
                    "costs. A template is saved as the branch's own rule when first changed."
                ),
                self,
            )
        )
        self.model: RecordTableModel[RuleRecord] = RecordTableModel(COLUMNS, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _index: self.edit_rule())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.edit_button = QPushButton(_("Edit rule…"), self)
        self.edit_button.clicked.connect(self.edit_rule)
        self.template = QComboBox(self)
        for key, rule in TEMPLATES.items():
            self.template.addItem(_(rule.name), key)
        self.new_button = QPushButton(_("New rule from template"), self)
        self.new_button.clicked.connect(lambda: self.new_rule())
        self.assign_button = QPushButton(_("Assign…"), self)
        self.assign_button.clicked.connect(self.assign)
        self.rota_button = QPushButton(_("Rota…"), self)
        self.rota_button.clicked.connect(self.open_rota)
        for widget in (self.edit_button, self.template, self.new_button, self.assign_button):
            widget.setEnabled(self.editable)
        self.rota_button.setEnabled(self.editable or actor.staff_id is not None)
        row.addWidget(self.edit_button)
        row.addSpacing(12)
        row.addWidget(self.template)
        row.addWidget(self.new_button)
        row.addSpacing(12)
        row.addWidget(self.assign_button)
        row.addWidget(self.rota_button)
        row.addStretch(1)
        layout.addLayout(row)

        leave_row = QHBoxLayout()
        leave_row.addWidget(QLabel(_("Kinds of leave"), self))
        self.leave_types = QLineEdit(self)
        self.leave_types.setReadOnly(not self.editable)
        self.leave_types.setToolTip(_("Separate the names with 、 or commas."))
        leave_row.addWidget(self.leave_types, 1)
        self.save_leave_button = QPushButton(_("Save kinds of leave"), self)
        self.save_leave_button.setEnabled(self.editable)
        self.save_leave_button.clicked.connect(self.save_leave_types)
        leave_row.addWidget(self.save_leave_button)
        layout.addLayout(leave_row)
        self.refresh()

    def refresh(self) -> None:
        with self.store.reading() as session:
            self.model.set_records(attendance.list_rules(session, self.actor))
            kinds = settings.get(session, self.actor.branch_id, "leave_types")
        fit_columns(self.table)
        self.leave_types.setText("、".join(kinds))

    def save_leave_types(self) -> bool:
        names = [n for n in re.split(r"[、,，;；\s]+", self.leave_types.text()) if n]
        try:
            with self.store.transaction() as session:
                settings.set_value(session, self.actor, "leave_types", names)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True

    def selected(self) -> RuleRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_key(self, key: str) -> None:
        row = self.model.find_row(lambda r: r.key == key)
        if row is not None:
            self.table.selectRow(row)

    def _after(self, dialog: FormDialog) -> None:
        if dialog.exec():
            self.refresh()
            self.changed.emit()

    def edit_rule(self) -> None:
        record = self.selected()
        if record is None or not self.editable:
            return
        self._after(RuleDialog(self.store, self.actor, record, parent=self))

    def new_rule(self, template_key: str | None = None) -> None:
        if not self.editable:
            return
        key = template_key or self.template.currentData()
        template = TEMPLATES[key]
        taken = {r.key for r in self.model.records()}
        n = 2
        while f"{key}-{n}" in taken:
            n += 1
        record = RuleRecord(None, f"{key}-{n}", _(template.name), template)
        self._after(RuleDialog(self.store, self.actor, record, new=True, parent=self))

    def _people(self) -> list[tuple[int, str]]:
        with self.store.reading() as session:
            return [
                (s.id, f"{s.employee_no} {s.name}")
                for s in staff.list_staff(session, self.actor, include_inactive=False)
            ]

    def assign(self) -> None:
        if not self.editable:
            return
        record = self.selected()
        dialog = AssignDialog(
            self.store,
            self.actor,
            self.model.records(),
            self._people(),
            record.key if record else None,
            self,
        )
        self._after(dialog)

    def open_rota(self) -> None:
        from app.ui.rota_dialog import RotaDialog  # the dialog imports this module's labels

        people = self._people()
        staff_id = self.actor.staff_id if not self.editable else None
        if staff_id is None:
            if not people:
                widgets.show_info(self, _("Add staff first."))
                return
            staff_id = people[0][0]
        today = branch_today()
        RotaDialog(self.store, self.actor, staff_id, today.year, today.month, self).exec()
        self.changed.emit()
