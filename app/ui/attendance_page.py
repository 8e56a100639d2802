"""The attendance page (考勤): the month's grid of every person's days, one day's details,
and the supervisor's tools: import a clock file, enter a punch by hand, requests,
the 考勤表 as PDF/XLSX, the warning notices and the kiosk. A second tab (扣分与排名)
holds the points ranking, each person's points ledger with its appeals, and a chart.

The grid shows the sheet's own symbols (app.reports.attendance_docs), so the screen,
the printed sheet and the CLI never disagree. A manager sees only their own row (the
service decides) and none of the supervisor's buttons.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import _
from app.reports.attendance_docs import (
    OFF_STATUSES,
    STATUS_LABELS,
    AttendanceSheet,
    SheetTotals,
    symbol,
    totals_of,
)
from app.reports.attendance_sheet import (
    CASE_STATUSES,
    TOTAL_HEADERS,
    WEEKDAY_INITIALS,
    totals_row,
)
from app.services import attendance, attendance_reports, clock, setup
from app.services.attendance import StaffMonth
from app.services.auth import Actor
from app.services.day_engine import DayResult
from app.services.errors import ServiceError
from app.services.workrules import WARNING_LABELS, WarningLevel
from app.ui import printing, widgets
from app.ui.attendance_dialogs import (
    ManualPunchDialog,
    PunchImportDialog,
    PunchPreviewRow,
    RequestsDialog,
    VoidPunchDialog,
    WarningNoticesDialog,
    note_text,
    preview_punches,
)
from app.ui.operations import BackgroundOp, Report
from app.ui.points_view import PointsView
from app.ui.table_models import ERROR_TEXT, MUTED

# The sheet's own column titles and marks, so that the screen reads like the paper.
TOTAL_TITLES = TOTAL_HEADERS
WEEKDAYS = WEEKDAY_INITIALS
OFF_BACKGROUND = QColor("#e5e7eb")
FIXED_COLUMNS = 2  # 工号, 姓名
DAY_COLUMN_WIDTH = 34

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class GridRow:
    staff_id: int
    employee_no: str
    name: str
    days: dict[date, DayResult]
    totals: SheetTotals


def grid_rows(months: list[StaffMonth]) -> list[GridRow]:
    return [
        GridRow(
            m.staff_id,
            m.employee_no,
            m.name,
            {d.work_date: d for d in m.days},
            totals_of(m.days),
        )
        for m in months
    ]


class AttendanceGridModel(QAbstractTableModel):
    """Staff × days: 工号, 姓名, one narrow column per day, then the month's totals."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[GridRow] = []
        self.days: list[date] = []

    def set_month(self, year: int, month: int, rows: list[GridRow]) -> None:
        self.beginResetModel()
        count = calendar.monthrange(year, month)[1]
        self.days = [date(year, month, d) for d in range(1, count + 1)]
        self.rows = rows
        self.endResetModel()

    def day_of_column(self, column: int) -> date | None:
        index = column - FIXED_COLUMNS
        return self.days[index] if 0 <= index < len(self.days) else None

    def column_of_day(self, day: date) -> int:
        return FIXED_COLUMNS + self.days.index(day)

    def result(self, row: int, column: int) -> DayResult | None:
        day = self.day_of_column(column)
        if day is None or not 0 <= row < len(self.rows):
            return None
        return self.rows[row].days.get(day)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self.days) + len(TOTAL_TITLES)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        first_total = FIXED_COLUMNS + len(self.days)
        if column < FIXED_COLUMNS:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.employee_no if column == 0 else row.name
            return None
        if column >= first_total:
            if role == Qt.ItemDataRole.DisplayRole:
                value = totals_row(row.totals)[column - first_total]
                return str(value) if value else ""
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        result = row.days.get(self.days[column - FIXED_COLUMNS])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if result is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return symbol(result)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(STATUS_LABELS[result.status])
        if role == Qt.ItemDataRole.ForegroundRole and result.status in CASE_STATUSES:
            return QBrush(ERROR_TEXT)
        if role == Qt.ItemDataRole.BackgroundRole and result.status in OFF_STATUSES:
            return QBrush(OFF_BACKGROUND)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        day = self.day_of_column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return _("Employee no.")
            if section == 1:
                return _("Name")
            if day is not None:
                return f"{day.day}\n{_(WEEKDAYS[day.weekday()])}"
            return _(TOTAL_TITLES[section - FIXED_COLUMNS - len(self.days)])
        if role == Qt.ItemDataRole.ForegroundRole and day is not None and day.weekday() >= 5:
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and day is not None:
            return day.isoformat()
        return None


class AttendancePage(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.supervisor = actor.sees_whole_branch
        self.current_dialog: QDialog | None = None
        self.kiosk: QWidget | None = None
        self._folder = Path.home()
        with store.reading() as session:
            branch = setup.current_branch(session, actor)
            self.tz = branch.timezone or clock.DEFAULT_TZ
            self.branch_name = branch.name
        self.months: list[StaffMonth] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        top = QHBoxLayout()
        top.addWidget(widgets.heading(_("Attendance"), parent=self))
        top.addSpacing(16)
        top.addWidget(QLabel(_("Month"), self))
        self.month_edit = QDateEdit(self)
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCalendarPopup(True)
        today = clock.branch_today(self.tz)
        self.month_edit.setDate(QDate(today.year, today.month, 1))
        self.month_edit.dateChanged.connect(lambda _d: self.refresh())
        top.addWidget(self.month_edit)
        top.addStretch(1)
        layout.addLayout(top)

        buttons = QHBoxLayout()
        self.import_button = self._button(_("Import punches…"), self.import_punches)
        self.manual_button = self._button(_("Manual punch…"), self.manual_punch)
        self.requests_button = self._button(_("Requests…"), self.show_requests)
        self.rota_button = self._button(_("Rota…"), self.show_rota)
        self.pdf_button = self._button(_("Export PDF…"), self.export_pdf)
        self.xlsx_button = self._button(_("Export XLSX…"), self.export_xlsx)
        self.notices_button = self._button(_("Print warning notices…"), self.warning_notices)
        self.kiosk_button = self._button(_("Kiosk mode"), self.open_kiosk)
        for button in (
            self.import_button,
            self.manual_button,
            self.requests_button,
            self.rota_button,
            self.pdf_button,
            self.xlsx_button,
            self.notices_button,
            self.kiosk_button,
        ):
            buttons.addWidget(button)
            if button not in (self.requests_button, self.rota_button):
                button.setVisible(self.supervisor)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.model = AttendanceGridModel(self)
        self.grid = QTableView(self)
        self.grid.setModel(self.model)
        self.grid.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.grid.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.grid.verticalHeader().hide()
        self.grid.setTextElideMode(Qt.TextElideMode.ElideNone)  # 迟早 must never become …
        self.grid.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.selectionModel().currentChanged.connect(lambda _c, _p: self.show_detail())
        self.tabs = QTabWidget(self)
        grid_tab = QWidget(self.tabs)
        grid_layout = QVBoxLayout(grid_tab)
        grid_layout.setContentsMargins(0, 8, 0, 0)
        grid_layout.addWidget(self.grid, 1)
        self.tabs.addTab(grid_tab, _("Attendance grid"))
        self.points = PointsView(store, actor, self.tabs)
        self.tabs.addTab(self.points, _("Points and ranking"))
        layout.addWidget(self.tabs, 1)

        self.detail = widgets.Card(self)
        self.detail_title = QLabel(self.detail)
        self.detail_title.setFont(widgets.scaled_font(self.detail_title, 1.15, bold=True))
        self.detail_text = QLabel(self.detail)
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.body.addWidget(self.detail_title)
        self.detail.body.addWidget(self.detail_text)
        # The punches behind the day, voided ones included (greyed), so a wrong one can
        # be voided with a reason: corrections never delete what the clock recorded.
        self.punch_list = QListWidget(self.detail)
        self.punch_list.setMaximumHeight(110)
        self.punch_list.currentRowChanged.connect(lambda _row: self._update_void_button())
        self.detail.body.addWidget(self.punch_list)
        self.void_button = QPushButton(_("Void punch…"), self.detail)
        self.void_button.clicked.connect(self.void_selected_punch)
        self.void_button.setVisible(self.supervisor)
        self.detail.body.addWidget(self.void_button)
        self.day_punches: list[attendance.PunchRecord] = []
        grid_layout.addWidget(self.detail)
        self.refresh()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        return button

    # --- the month ---------------------------------------------------------------------
    def selected_month(self) -> tuple[int, int]:
        value = self.month_edit.date()
        return value.year(), value.month()

    def set_month(self, year: int, month: int) -> None:
        self.month_edit.setDate(QDate(year, month, 1))  # refreshes through dateChanged

    def refresh(self) -> None:
        year, month = self.selected_month()
        try:
            with self.store.reading() as session:
                self.months = attendance.month(session, self.actor, None, year, month)
        except ServiceError as exc:
            self.months = []
            widgets.show_error(self, str(exc), _("Attendance"))
        current = self.grid.currentIndex()
        self.model.set_month(year, month, grid_rows(self.months))
        self._fit()
        if current.isValid() and current.row() < self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(current.row(), current.column()))
        self.show_detail()
        self.points.set_month(year, month)

    def _fit(self) -> None:
        header = self.grid.horizontalHeader()
        for column in range(self.model.columnCount()):
            if self.model.day_of_column(column) is not None:
                header.resizeSection(column, DAY_COLUMN_WIDTH)
            else:
                self.grid.resizeColumnToContents(column)

    def cell_text(self, row: int, column: int) -> str:
        value = self.model.data(self.model.index(row, column))
        return value if isinstance(value, str) else ""

    def select_cell(self, staff_id: int, day: date) -> None:
        row = next((i for i, r in enumerate(self.model.rows) if r.staff_id == staff_id), None)
        if row is not None and day in self.model.days:
            self.grid.setCurrentIndex(self.model.index(row, self.model.column_of_day(day)))

    # --- the detail panel --------------------------------------------------------------
    def show_detail(self) -> None:
        index = self.grid.currentIndex()
        if not index.isValid() or not 0 <= index.row() < len(self.model.rows):
            self.detail_title.setText(_("Select a day to see its details."))
            self.detail_text.setText("")
            return
        row = self.model.rows[index.row()]
        day = self.model.day_of_column(index.column())
        if day is None:
            self.detail_title.setText(f"{row.employee_no} {row.name}")
            self.detail_text.setText("")
            return
        self.detail_title.setText(
            _("{name}, {date}").format(name=f"{row.employee_no} {row.name}", date=day.isoformat())
        )
        result = row.days.get(day)
        self.detail_text.setText(
            self.describe(result) if result else _("Not evaluated (not hired yet, or not over).")
        )
        self._show_punches(row.staff_id, day)

    def _show_punches(self, staff_id: int, day: date) -> None:
        zone = ZoneInfo(self.tz)
        start = datetime.combine(day, time(0), tzinfo=zone)
        # Until the next morning: a night shift's check-out belongs to this work date.
        end = datetime.combine(day + timedelta(days=1), time(8), tzinfo=zone)
        with self.store.reading() as session:
            self.day_punches = attendance.punches_of(
                session, self.actor, staff_id, start, end, include_voided=True
            )
        self.punch_list.clear()
        for p in self.day_punches:
            text = _wall_clock(p.at, self.tz) + "  " + (p.reason or p.note or p.source)
            if p.voided:
                text = _("{punch} (voided: {reason})").format(punch=text, reason=p.void_reason)
            item = QListWidgetItem(text, self.punch_list)
            if p.voided:
                item.setForeground(QBrush(MUTED))
        self._update_void_button()

    def _update_void_button(self) -> None:
        row = self.punch_list.currentRow()
        self.void_button.setEnabled(
            0 <= row < len(self.day_punches) and not self.day_punches[row].voided
        )

    def void_selected_punch(self) -> None:
        row = self.punch_list.currentRow()
        if not self.supervisor or not 0 <= row < len(self.day_punches):
            return
        punch = self.day_punches[row]
        text = self.punch_list.item(row).text()
        dialog = VoidPunchDialog(self.store, self.actor, punch.id, text, self)
        self._open(dialog, self.refresh)

    def describe(self, r: DayResult) -> str:
        lines = [_("Status: {status}").format(status=_(STATUS_LABELS[r.status]))]
        if r.leave_type:
            lines.append(_("Leave type: {type}").format(type=r.leave_type))
        if r.first_in or r.last_out:
            lines.append(
                _("First in: {first}   Last out: {last}").format(
                    first=_wall_clock(r.first_in, self.tz),
                    last=_wall_clock(r.last_out, self.tz),
                )
            )
        if r.late_minutes or r.early_minutes:
            lines.append(
                _("Late: {late} min   Early leave: {early} min").format(
                    late=r.late_minutes, early=r.early_minutes
                )
            )
        if r.overtime_minutes:
            lines.append(_("Overtime: {n} min").format(n=r.overtime_minutes))
        lines.append(_("Points deducted: {n}").format(n=r.points))
        if r.warnings:
            lines.append(
                _("Warnings: {list}").format(list=", ".join(_warning(w) for w in r.warnings))
            )
        if r.exempted:
            lines.append(_("Within the month's free allowance"))
        if r.excused:
            lines.append(_("Excused (force majeure)"))
        for note in r.notes:
            lines.append(_("Note: {text}").format(text=note_text(note)))
        return "\n".join(lines)

    # --- dialogs -------------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        widgets.open_dialog(self, dialog, on_accepted)

    def _selected_staff_and_day(self) -> tuple[int | None, date | None]:
        index = self.grid.currentIndex()
        if not index.isValid() or not 0 <= index.row() < len(self.model.rows):
            return None, None
        return self.model.rows[index.row()].staff_id, self.model.day_of_column(index.column())

    def manual_punch(self) -> None:
        if not self.supervisor:
            return
        staff_id, _day = self._selected_staff_and_day()
        dialog = ManualPunchDialog(self.store, self.actor, self.tz, staff_id, parent=self)
        self._open(dialog, self.refresh)

    def show_requests(self) -> None:
        dialog = RequestsDialog(self.store, self.actor, self.tz, self)
        self.current_dialog = dialog

        def finished(_result: int) -> None:
            if self.current_dialog is dialog:
                self.current_dialog = None
            if dialog.changed:
                self.refresh()
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def show_rota(self) -> None:
        """The selected person's rota (排班); a manager sees their own, read-only."""
        from app.ui.rota_dialog import RotaDialog

        staff_id, _day = self._selected_staff_and_day()
        if staff_id is None and self.model.rows:
            staff_id = self.model.rows[0].staff_id
        if staff_id is None:
            return
        year, month = self.selected_month()
        dialog = RotaDialog(self.store, self.actor, staff_id, year, month, self)
        self._open(dialog, lambda: None)
        dialog.finished.connect(lambda _result: self.refresh())  # it saves every click

    # --- import ----------------------------------------------------------------------------
    def import_punches(self) -> None:
        if not self.supervisor:
            return
        name, _selected = QFileDialog.getOpenFileName(
            self,
            _("Import punches"),
            str(self._folder),
            _("Punch files (*.xlsx *.csv *.txt);;All files (*)"),
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """Read `path` off the GUI thread and work out every row's fate, then preview."""
        self._folder = path.parent
        store, actor, tz = self.store, self.actor, self.tz

        def work(report: Report) -> tuple[list[Any], list[PunchPreviewRow]]:
            from app.importers.punches import read_punches

            rows = read_punches(path, tz).rows
            return rows, preview_punches(store, actor, rows, report)

        BackgroundOp(self, work, _("Reading {file}…").format(file=path.name)).success(
            lambda result: self._show_preview(path, *result)
        ).failure(lambda exc: self._import_failed(path, exc)).run()

    def _import_failed(self, path: Path, exc: Exception) -> None:
        from app.importers import ImportFileError

        if isinstance(exc, ImportFileError | ServiceError):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = _("Cannot read {file}: {reason}").format(
                file=path, reason=exc.strerror or exc
            )
        else:
            raise exc
        widgets.show_error(self, message + "\n\n" + _("Nothing was imported."), _("Cannot import"))

    def _show_preview(self, path: Path, rows: list[Any], preview: list[PunchPreviewRow]) -> None:
        dialog = PunchImportDialog(path, preview, self)
        self._open(dialog, lambda: self._apply_import(path, rows))

    def _apply_import(self, path: Path, rows: list[Any]) -> None:
        try:
            with self.store.transaction() as session:
                outcome = attendance.import_punches(session, self.actor, rows)
        except ServiceError as exc:
            widgets.show_error(self, str(exc) + "\n\n" + _("Nothing was imported."))
            return
        self.refresh()
        widgets.show_info(
            self,
            _(
                "{file}:\n{accepted} punches imported\n{duplicates} duplicates skipped\n"
                "{rejected} rejected\n{unknown} of unknown employees (not imported)"
            ).format(
                file=path.name,
                accepted=outcome.accepted,
                duplicates=outcome.duplicates,
                rejected=len(outcome.rejected),
                unknown=sum(len(u.lines) for u in outcome.unknown_employees),
            ),
            _("Import finished"),
        )

    # --- export ------------------------------------------------------------------------------
    def sheet(self) -> AttendanceSheet:
        year, month = self.selected_month()
        with self.store.reading() as session:
            return attendance_reports.attendance_sheet(session, self.actor, year, month)

    def _file_name(self, suffix: str) -> str:
        year, month = self.selected_month()
        return _("attendance-{year}-{month:02d}").format(year=year, month=month) + suffix

    def export_pdf(self) -> None:
        self._export(".pdf")

    def export_xlsx(self) -> None:
        self._export(".xlsx")

    def _export(self, suffix: str) -> None:
        if not self.supervisor:
            return
        sheet = self.sheet()

        def work(_report: Report) -> bytes:
            from app.reports import attendance_sheet

            if suffix == ".pdf":
                return attendance_sheet.render_sheet_pdf(sheet)
            return attendance_sheet.render_sheet_xlsx(sheet)

        def done(data: bytes) -> None:
            if suffix == ".pdf":
                printing.save_pdf(self, data, self._file_name(suffix))
            else:
                printing.save_file(
                    self,
                    data,
                    self._file_name(suffix),
                    suffix,
                    _("Save as Excel workbook"),
                    _("Excel workbook (*.xlsx)"),
                )

        BackgroundOp(self, work, _("Preparing the attendance sheet…")).success(done).run()

    # --- warning notices -----------------------------------------------------------------------
    def warning_notices(self) -> None:
        """The month's notices: the supervisor ticks whom to print (or save) them for."""
        if not self.supervisor:
            return
        year, month = self.selected_month()
        try:
            with self.store.reading() as session:
                notices = attendance_reports.warning_notices(session, self.actor, year, month)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Warning notices"))
            return
        self._open(WarningNoticesDialog(notices, self), lambda: None)

    # --- the kiosk -----------------------------------------------------------------------------
    def open_kiosk(self) -> None:
        if not self.supervisor:
            return
        from app.ui.kiosk import KioskWindow

        kiosk = KioskWindow(self.store, self.actor)
        self.kiosk = kiosk
        kiosk.closed.connect(self.refresh)
        kiosk.open_full_screen()


def _warning(value: str) -> str:
    try:
        return _(WARNING_LABELS[WarningLevel(value)])
    except ValueError:
        return value


def _wall_clock(at: datetime | None, tz: str) -> str:
    """The engine's times are the branch's wall clock already (naive); instants are not."""
    if at is None:
        return "—"
    return (at if at.tzinfo is None else clock.to_branch_time(at, tz)).strftime("%H:%M")
