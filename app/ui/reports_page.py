"""Reports: the month's meetings — held vs scheduled, attendance per manager, by week.

The figures come from app.services.meeting_report (the same function the PDF and the
CLI use); the chart is drawn by matplotlib off the GUI thread, since importing it costs
half a second.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import meeting_report
from app.services.auth import Actor
from app.services.clock import branch_today
from app.services.errors import ServiceError
from app.services.meeting_report import KindLine, ManagerLine, MeetingMonthReport
from app.ui import widgets
from app.ui.operations import BackgroundOp, Report
from app.ui.table_models import Column, RecordTableModel, fit_columns


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


KIND_COLUMNS: list[Column[KindLine]] = [
    Column(N_("Meeting"), lambda k: k.label),
    Column(N_("Scheduled"), lambda k: str(k.scheduled), sort_key=lambda k: k.scheduled),
    Column(N_("Held"), lambda k: str(k.held), sort_key=lambda k: k.held),
    Column(N_("Cancelled"), lambda k: str(k.cancelled), sort_key=lambda k: k.cancelled),
]

MANAGER_COLUMNS: list[Column[ManagerLine]] = [
    Column(N_("Employee no."), lambda m: m.employee_no),
    Column(N_("Name"), lambda m: m.name),
    Column(N_("Expected"), lambda m: str(m.expected), sort_key=lambda m: m.expected),
    Column(N_("Attended"), lambda m: str(m.attended), sort_key=lambda m: m.attended),
    Column(
        N_("Attendance rate"),
        lambda m: _percent(m.rate),
        sort_key=lambda m: round((m.rate or 0) * 10000),
    ),
    Column(N_("Late"), lambda m: str(m.late), sort_key=lambda m: m.late),
    Column(N_("Excused"), lambda m: str(m.excused), sort_key=lambda m: m.excused),
    Column(N_("Absent"), lambda m: str(m.unexcused), sort_key=lambda m: m.unexcused),
]


def _table(parent: QWidget, model: RecordTableModel) -> QTableView:  # type: ignore[type-arg]
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    return view


class ReportsPage(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.report: MeetingMonthReport | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(widgets.heading(_("Reports"), parent=self))
        if not actor.sees_whole_branch:
            layout.addWidget(widgets.muted(_("Reports are for the supervisor."), self))
            layout.addStretch(1)
            return
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Month"), self))
        self.month = QDateEdit(self)
        self.month.setDisplayFormat("yyyy-MM")
        today = branch_today()
        self.month.setDate(QDate(today.year, today.month, 1))
        self.month.dateChanged.connect(lambda _d: self.refresh())
        bar.addWidget(self.month)
        bar.addStretch(1)
        self.print_button = QPushButton(_("Print…"), self)
        self.print_button.clicked.connect(self.print_report)
        self.save_button = QPushButton(_("Save as PDF…"), self)
        self.save_button.clicked.connect(self.save_report)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        columns = QHBoxLayout()
        self.kinds: RecordTableModel[KindLine] = RecordTableModel(KIND_COLUMNS, self)
        self.kind_view = _table(self, self.kinds)
        columns.addWidget(self.kind_view, 1, Qt.AlignmentFlag.AlignTop)
        self.chart = QLabel(_("Drawing the chart…"), self)
        self.chart.setMinimumHeight(220)
        columns.addWidget(self.chart, 2)
        layout.addLayout(columns, 1)
        self.managers: RecordTableModel[ManagerLine] = RecordTableModel(MANAGER_COLUMNS, self)
        self.manager_view = _table(self, self.managers)
        self.manager_view.setSortingEnabled(False)
        layout.addWidget(self.manager_view, 2)
        self.refresh()

    def refresh(self) -> None:
        if not self.actor.sees_whole_branch:
            return
        day = self.month.date()
        try:
            with self.store.transaction() as session:
                report = meeting_report.month_report(session, self.actor, day.year(), day.month())
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return
        self.report = report
        self.summary.setText(
            _(
                "{held} of {scheduled} scheduled meetings held; attendance {rate} "
                "({attended} of {expected})."
            ).format(
                held=report.held,
                scheduled=report.scheduled,
                rate=_percent(report.rate),
                attended=report.attended,
                expected=report.expected,
            )
        )
        self.kinds.set_records(report.kinds)
        self.managers.set_records(report.managers)
        fit_columns(self.kind_view)
        fit_columns(self.manager_view)
        weeks = report.chart_weeks()

        def draw(_report: Report) -> bytes:
            from app.reports.charts import attendance_by_week_png

            return attendance_by_week_png(weeks, dpi=96)

        BackgroundOp(self, draw).success(self._show_chart).failure(
            lambda exc: self.chart.setText(str(exc))
        ).run()

    def _show_chart(self, png: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.chart.setPixmap(pixmap)
        self.chart.setMinimumSize(pixmap.size())  # never cut off the title or the week labels

    def _pdf(self) -> bytes | None:
        if self.report is None:
            return None
        from app.reports.meeting_report_pdf import render_meeting_report

        return render_meeting_report(self.report)

    def _name(self) -> str:
        day = self.month.date()
        return _("Meeting report {year}-{month:02d}.pdf").format(year=day.year(), month=day.month())

    def print_report(self) -> None:
        from app.ui.printing import print_pdf

        pdf = self._pdf()
        if pdf is not None:
            print_pdf(self, pdf, self._name())

    def save_report(self) -> None:
        from app.ui.printing import save_pdf

        pdf = self._pdf()
        if pdf is not None:
            save_pdf(self, pdf, self._name())
