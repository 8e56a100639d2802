"""Settings: this PC's language, the branch's settings, and the branch's working calendar.

Only the supervisor changes anything (the services enforce it too); an account
manager sees the same page read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import LANGUAGES, N_, _, current_language
from app.services import calendar, settings, setup
from app.services.auth import Actor
from app.services.clock import branch_today
from app.services.errors import ServiceError
from app.ui import widgets
from app.ui.meeting_settings import MeetingSettingsTab
from app.ui.rules_settings import RulesSettingsTab
from app.ui.today_page import WEEKDAYS

LANGUAGE_KEY = "ui/language"
MIN_YEAR, MAX_YEAR = 2000, 2100

SOURCE_LABELS = {
    "package": N_("Built in"),
    "user": N_("Entered"),
    "import": N_("Imported"),
}


def source_label(source: str | None) -> str:
    if not source:
        return ""
    return _(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


# --- General ---------------------------------------------------------------------


class GeneralTab(QWidget):
    idleMinutesChanged = Signal(int)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(12)

        layout.addWidget(widgets.heading(_("This computer"), 1.15, self))
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.language = QComboBox(self)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        saved = str(widgets.ui_settings().value(LANGUAGE_KEY, current_language()))
        self.language.setCurrentIndex(max(0, self.language.findData(saved)))
        self.language.currentIndexChanged.connect(self._language_chosen)
        form.addRow(_("&Language:"), self.language)
        layout.addLayout(form)
        self.language_note = widgets.muted(
            _("A new language takes effect the next time BranchDesk starts."), self
        )
        layout.addWidget(self.language_note)

        layout.addSpacing(10)
        layout.addWidget(widgets.heading(_("This branch"), 1.15, self))
        branch_form = QFormLayout()
        branch_form.setVerticalSpacing(10)
        branch_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.spins: dict[str, QSpinBox] = {}
        with store.reading() as session:
            values = settings.get_all(session, actor.branch_id)
        self.checks: dict[str, QCheckBox] = {}
        self.times: dict[str, QTimeEdit] = {}
        for key, option in settings.OPTIONS.items():
            if option.type is bool:
                check = QCheckBox(_(option.label), self)
                check.setChecked(values[key])
                check.setEnabled(actor.sees_whole_branch)
                check.toggled.connect(lambda on, key=key: self._save(key, on))
                branch_form.addRow(check)
                self.checks[key] = check
                continue
            if option.type is time:
                edit = QTimeEdit(values[key], self)
                edit.setDisplayFormat("HH:mm")
                edit.setEnabled(actor.sees_whole_branch)
                edit.editingFinished.connect(
                    lambda key=key, edit=edit: self._save(key, edit.time().toPython())
                )
                branch_form.addRow(_("{label}:").format(label=_(option.label)), edit)
                self.times[key] = edit
                continue
            if option.type is not int:
                continue
            spin = QSpinBox(self)
            spin.setRange(option.minimum or 0, option.maximum or 100000)
            spin.setValue(values[key])
            spin.setMinimumWidth(90)
            # Save when the number is complete (Enter, leaving the field, the arrows),
            # not at every digit typed.
            spin.setKeyboardTracking(False)
            spin.setEnabled(actor.sees_whole_branch)
            spin.valueChanged.connect(lambda value, key=key: self._save(key, value))
            branch_form.addRow(_("{label}:").format(label=_(option.label)), spin)
            self.spins[key] = spin
        layout.addLayout(branch_form)
        self.saved_note = widgets.muted("", self)
        layout.addWidget(self.saved_note)
        layout.addStretch(1)

    def _language_chosen(self) -> None:
        widgets.ui_settings().setValue(LANGUAGE_KEY, self.language.currentData())
        self.language_note.setStyleSheet(f"color: {widgets.ACCENT_COLOR};")

    def _save(self, key: str, value: int | bool | time) -> None:
        try:
            with self.store.transaction() as session:
                settings.set_value(session, self.actor, key, value)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return
        self.saved_note.setText(_("Saved."))
        if key == "idle_lock_minutes" and isinstance(value, int):
            self.idleMinutesChanged.emit(value)


# --- Calendar --------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    day: date
    kind: str
    name: str
    source: str


class CalendarDayModel(QAbstractTableModel):
    """One year's special days; reset as a whole when the year or the data changes."""

    HEADERS = (N_("Date"), N_("Weekday"), N_("Kind"), N_("Name of the day"), N_("Source"))
    KIND_COLORS: ClassVar[dict[str, str]] = {
        "holiday": "#b42318",
        "workday": "#1f6feb",
        "closure": "#6b7280",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DayRow] = []

    def set_rows(self, rows: list[DayRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section])
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.day.isoformat(),
                _(WEEKDAYS[row.day.weekday()]),
                calendar.kind_label(row.kind),
                row.name,
                source_label(row.source),
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QBrush(QColor(self.KIND_COLORS.get(row.kind, "#000000")))
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


class DayDialog(QDialog):
    """Add or edit one special day."""

    def __init__(self, parent: QWidget | None, row: DayRow | None = None, year: int = 2000) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Edit day") if row else _("Add a day"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        initial = row.day if row else date(year, 1, 1)
        self.date.setDate(QDate(initial.year, initial.month, initial.day))
        self.kind = QComboBox(self)
        for kind in calendar.DayKind:
            self.kind.addItem(calendar.kind_label(kind), kind.value)
        if row:
            self.kind.setCurrentIndex(self.kind.findData(row.kind))
        self.name = QLineEdit(row.name if row else "", self)
        self.name.setPlaceholderText(_("e.g. 国庆节"))
        form.addRow(_("&Date:"), self.date)
        form.addRow(_("&Kind:"), self.kind)
        form.addRow(_("Na&me of the day:"), self.name)
        layout.addLayout(form)
        layout.addWidget(
            widgets.muted(
                _(
                    "Public holiday: a statutory day off. Make-up working day: a weekend "
                    "day worked instead (调休). Branch closed: your branch's own day off."
                ),
                self,
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def value(self) -> tuple[date, str, str]:
        d = self.date.date()
        return date(d.year(), d.month(), d.day()), self.kind.currentData(), self.name.text()


class ImportPreviewDialog(QDialog):
    """What a calendar file holds before anything is written: the bad rows by line."""

    def __init__(self, parent: QWidget | None, path: Path, rows: list[Any]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import a calendar file"))
        self.good = [r for r in rows if not r.error]
        self.bad = [r for r in rows if r.error]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(widgets.heading(path.name, 1.15, self))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        if self.bad:
            self.summary.setText(
                _(
                    "{good} rows can be imported; {bad} rows have problems and will be "
                    "skipped. Fix the file and import it again, or import the good rows now."
                ).format(good=len(self.good), bad=len(self.bad))
            )
        else:
            self.summary.setText(_("All {good} rows can be imported.").format(good=len(self.good)))
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(self.bad), 2, self)
        self.table.setHorizontalHeaderLabels([_("Line"), _("Problem")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for i, row in enumerate(self.bad):
            line = QTableWidgetItem(str(row.line))
            line.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.table.setItem(i, 0, line)
            problem = QTableWidgetItem(str(row.error))
            problem.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            problem.setForeground(QBrush(QColor(widgets.ERROR_COLOR)))
            problem.setToolTip(str(row.error))
            self.table.setItem(i, 1, problem)
        self.table.setVisible(bool(self.bad))
        layout.addWidget(self.table)
        # Long problems wrap; row heights follow the problem column's width.
        self.table.horizontalHeader().sectionResized.connect(
            lambda *_args: QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)
        )
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            _("Import {n} days").format(n=len(self.good)),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.import_button.setEnabled(bool(self.good))
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 380 if self.bad else 160)


class CalendarTab(QWidget):
    # Emitted after every change, so that Today's warning can be refreshed.
    changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.editable = actor.sees_whole_branch
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year:"), self))
        self.year = QSpinBox(self)
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        with store.reading() as session:
            tz = setup.current_branch(session, actor).timezone
        self.year.setValue(branch_today(tz).year)
        self.year.valueChanged.connect(self.refresh)
        top.addWidget(self.year)
        top.addSpacing(16)
        self.known_label = QLabel(self)
        self.known_label.setWordWrap(True)
        top.addWidget(self.known_label, 1)
        self.mark_button = QPushButton(self)
        self.mark_button.clicked.connect(self.mark_known)
        top.addWidget(self.mark_button)
        layout.addLayout(top)

        self.model = CalendarDayModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.edit_day)
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("&Add a day…"), self)
        self.add_button.clicked.connect(self.add_day)
        self.edit_button = QPushButton(_("&Edit…"), self)
        self.edit_button.clicked.connect(self.edit_day)
        self.remove_button = QPushButton(_("&Remove"), self)
        self.remove_button.clicked.connect(self.remove_day)
        self.import_button = QPushButton(_("&Import from a file…"), self)
        self.import_button.clicked.connect(self.import_csv)
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self.help = widgets.muted(
            _(
                "Import a CSV or Excel file with the columns 日期, 类型, 名称 (date, kind, "
                "name), e.g. 2027-10-01, 休, 国庆节 or 2027-09-26, 班, 国庆节调休."
            ),
            self,
        )
        layout.addWidget(self.help)
        if not self.editable:
            for button in (
                self.add_button,
                self.edit_button,
                self.remove_button,
                self.import_button,
                self.mark_button,
            ):
                button.hide()
            self.help.setText(_("Only the supervisor can change the working calendar."))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    # --- showing ---------------------------------------------------------------------

    def refresh(self) -> None:
        year = self.year.value()
        with self.store.reading() as session:
            listing = calendar.list_year(session, self.actor.branch_id, year)
            rows = [DayRow(d.day, d.kind, d.name, d.source) for d in listing.days]
        self.model.set_rows(rows)
        if listing.known:
            self.known_label.setText(
                _("✓ {year}'s public holidays are entered ({source}).").format(
                    year=year, source=source_label(listing.source)
                )
            )
            self.known_label.setStyleSheet("color: #1a7f37;")
        else:
            self.known_label.setText(
                _("{year}'s public holidays are not entered yet: Monday–Friday is assumed.").format(
                    year=year
                )
            )
            self.known_label.setStyleSheet("color: #9a6700;")
        self.mark_button.setText(_("Mark {year}'s holidays as entered").format(year=year))
        self.mark_button.setVisible(self.editable and not listing.known)
        self._update_buttons()

    def show_year(self, year: int) -> None:
        self.year.setValue(year)

    def selected_row(self) -> DayRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.data(rows[0], Qt.ItemDataRole.UserRole)

    def _update_buttons(self) -> None:
        has = self.selected_row() is not None
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    # --- changing: every action one transaction --------------------------------------

    def _apply(self, work: Any) -> bool:
        try:
            with self.store.transaction() as session:
                work(session)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True

    def add_day(self) -> None:
        dialog = DayDialog(self, year=self.year.value())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        day, kind, name = dialog.value()
        if self._apply(lambda s: calendar.set_day(s, self.actor, day, kind, name)):
            self._go_to(day)

    def edit_day(self) -> None:
        row = self.selected_row()
        if row is None or not self.editable:
            return
        dialog = DayDialog(self, row=row)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        day, kind, name = dialog.value()

        def work(session: Any) -> None:
            if day != row.day:
                calendar.remove_day(session, self.actor, row.day)
            calendar.set_day(session, self.actor, day, kind, name)

        if self._apply(work):
            self._go_to(day)

    def remove_day(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        question = _("Remove {day} ({kind}) from the calendar?").format(
            day=row.day.isoformat(), kind=calendar.kind_label(row.kind)
        )
        if widgets.confirm(self, question):
            self._apply(lambda s: calendar.remove_day(s, self.actor, row.day))

    def mark_known(self) -> None:
        year = self.year.value()
        self._apply(lambda s: calendar.mark_year_known(s, self.actor, year))

    def _go_to(self, day: date) -> None:
        if day.year != self.year.value():
            self.year.setValue(day.year)
        for i, row in enumerate(self.model.rows):
            if row.day == day:
                self.table.selectRow(i)
                break

    def import_csv(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Import a calendar file"),
            "",
            _("Calendar files (*.csv *.txt *.xlsx);;All files (*)"),
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> int:
        """Read, preview, then write the good rows in one transaction. Returns days imported."""
        from app.importers import ImportFileError
        from app.importers.calendar_csv import read_calendar

        try:
            result = read_calendar(path)
        except (ImportFileError, ServiceError) as exc:
            widgets.show_error(self, str(exc))
            return 0
        except OSError as exc:
            widgets.show_error(
                self, _("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror)
            )
            return 0
        preview = ImportPreviewDialog(self, path, list(result.rows))
        if preview.exec() != QDialog.DialogCode.Accepted or not preview.good:
            return 0
        imported: list[int] = []
        if not self._apply(
            lambda s: imported.append(calendar.import_days(s, self.actor, preview.good))
        ):
            return 0
        widgets.show_info(self, _("{n} days imported.").format(n=imported[0]))
        return imported[0]


class SettingsPage(QWidget):
    idleMinutesChanged = Signal(int)
    calendarChanged = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(widgets.heading(_("Settings"), parent=self))
        if not actor.sees_whole_branch:
            layout.addWidget(
                widgets.muted(_("Read only: only the supervisor can change settings."), self)
            )
        self.tabs = QTabWidget(self)
        self.general = GeneralTab(store, actor, self.tabs)
        self.calendar = CalendarTab(store, actor, self.tabs)
        self.meetings = MeetingSettingsTab(store, actor, self.tabs)
        self.rules = RulesSettingsTab(store, actor, self.tabs)
        self.tabs.addTab(self.general, _("General"))
        self.tabs.addTab(self.calendar, _("Calendar"))
        self.tabs.addTab(self.meetings, _("Meetings"))
        self.tabs.addTab(self.rules, _("Attendance rules"))
        layout.addWidget(self.tabs, 1)
        self.general.idleMinutesChanged.connect(self.idleMinutesChanged.emit)
        self.calendar.changed.connect(self.calendarChanged.emit)

    def show_calendar(self, year: int | None = None) -> None:
        self.tabs.setCurrentWidget(self.calendar)
        if year is not None:
            self.calendar.show_year(year)

    def refresh(self) -> None:
        self.calendar.refresh()
        self.meetings.refresh()
        self.rules.refresh()
