"""The consistency check (一致性检查) of a week, as the market department will audit it.

Three tabs: 不一致 (per manager: trip records vs visit logs vs the summary's visits, with
an overview of each manager's counts above the findings), 服务频次 (customers visited less
often than the service standard) and 下周生日 (customers whose birthday falls in the
coming week). The rules live in app.services.weekly_check; this only shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import clock, weekly
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.weekly import BoardState
from app.services.weekly_check import (
    Birthday,
    Finding,
    ManagerCheck,
    ServiceGap,
    WeekCheck,
    finding_label,
)
from app.ui import widgets
from app.ui.table_models import ERROR_TEXT, Column, RecordTableModel, fit_columns
from app.ui.weekly_dialogs import WeekPicker
from app.ui.weekly_review import branch_zone, due_text
from app.ui.weekly_summary_html import STATE_COLORS

OK_COLOR = QColor("#1e8449")


@dataclass(frozen=True)
class FindingRow:
    """A finding with whose it is (the table lists several managers' findings)."""

    staff_id: int
    name: str
    finding: Finding


def _day(day: date | None) -> str:
    if day is None:
        return "—"
    return _("{date} {weekday}").format(
        date=day.strftime("%m-%d"), weekday=_(weekly.WEEKDAY_SHORT[day.weekday()])
    )


FINDING_COLUMNS: list[Column[FindingRow]] = [
    Column(N_("Name"), lambda r: r.name),
    Column(
        N_("Date"),
        lambda r: _day(r.finding.day),
        sort_key=lambda r: r.finding.day.isoformat() if r.finding.day else "",
    ),
    Column(N_("Customer"), lambda r: r.finding.customer_name or "—"),
    Column(N_("Problem"), lambda r: finding_label(r.finding.kind)),
    Column(N_("Details"), lambda r: r.finding.detail, tooltip=lambda r: r.finding.detail),
]


def _state(m: ManagerCheck) -> str:
    return weekly.board_label(m.summary_state)


MANAGER_COLUMNS: list[Column[ManagerCheck]] = [
    Column(N_("Employee no."), lambda m: m.employee_no),
    Column(N_("Name"), lambda m: m.name),
    Column(N_("Summary"), _state),
    Column(N_("Trip records"), lambda m: str(m.trips), sort_key=lambda m: m.trips),
    Column(N_("Visit logs"), lambda m: str(m.logs), sort_key=lambda m: m.logs),
    Column(
        N_("Visits in the summary"),
        lambda m: str(m.summary_visits),
        sort_key=lambda m: m.summary_visits,
    ),
    Column(
        N_("Findings"),
        lambda m: str(len(m.findings)) if m.findings else _("OK"),
        sort_key=lambda m: len(m.findings),
    ),
]


def _last_visit(g: ServiceGap) -> str:
    if g.last_visit is None:
        if g.since is not None:
            return _("never (in the book since {day})").format(day=g.since.strftime("%m-%d"))
        return _("never visited")
    return g.last_visit.strftime("%Y-%m-%d")


SERVICE_COLUMNS: list[Column[ServiceGap]] = [
    Column(N_("Customer"), lambda g: g.customer_name),
    Column(N_("Account manager"), lambda g: g.owner_name),
    Column(N_("Grade"), lambda g: weekly.grade_label(g.grade)),
    Column(
        N_("Standard"),
        lambda g: _("every {n} days").format(n=g.standard_days),
        sort_key=lambda g: g.standard_days,
    ),
    Column(
        N_("Last visit"),
        _last_visit,
        sort_key=lambda g: g.last_visit.isoformat() if g.last_visit else "",
    ),
    Column(
        N_("Days since"),
        lambda g: str(g.days_since) if g.days_since is not None else "—",
        sort_key=lambda g: g.days_since if g.days_since is not None else 10**6,
    ),
]

BIRTHDAY_COLUMNS: list[Column[Birthday]] = [
    Column(N_("Customer"), lambda b: b.customer_name),
    Column(N_("Account manager"), lambda b: b.owner_name),
    Column(N_("Birthday"), lambda b: _day(b.on), sort_key=lambda b: b.on.isoformat()),
]


class FindingModel(RecordTableModel[FindingRow]):
    def foreground(self, record: FindingRow, column: int) -> QColor | None:
        if column == 3:
            return ERROR_TEXT
        return None


class ManagerModel(RecordTableModel[ManagerCheck]):
    def foreground(self, record: ManagerCheck, column: int) -> QColor | None:
        if column == 2:
            return QColor(STATE_COLORS[BoardState(record.summary_state)])
        if column == 6:
            return ERROR_TEXT if record.findings else OK_COLOR
        return None


class ServiceModel(RecordTableModel[ServiceGap]):
    def foreground(self, record: ServiceGap, column: int) -> QColor | None:
        if (column == 4 and record.last_visit is None) or column == 5:
            return ERROR_TEXT
        return None


def _table(parent: QWidget, model: RecordTableModel[Any]) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
    return view


class CheckView(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.tz = branch_zone(store, actor)
        self.check: WeekCheck | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)

        top = QHBoxLayout()
        self.picker = WeekPicker(self._today(), self._today, self)
        self.picker.weekChanged.connect(lambda _w: self.refresh())
        top.addWidget(self.picker)
        top.addStretch(1)
        self.refresh_button = QPushButton(_("Check again"), self)
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.setToolTip(_("Run the check again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        self.card = widgets.Card(self)
        self.summary = QLabel(self.card)
        self.summary.setFont(widgets.scaled_font(self.summary, 1.25, bold=True))
        self.summary.setWordWrap(True)
        self.note = widgets.muted("", self.card)
        self.card.body.addWidget(self.summary)
        self.card.body.addWidget(self.note)
        layout.addWidget(self.card)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        findings_tab = QSplitter(Qt.Orientation.Horizontal, self.tabs)
        self.managers: ManagerModel = ManagerModel(MANAGER_COLUMNS, self)
        self.manager_view = _table(findings_tab, self.managers)
        self.manager_view.setToolTip(_("Select a manager to see only their findings"))
        self.manager_view.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._show_findings()
        )
        findings_box = QWidget(findings_tab)
        box = QVBoxLayout(findings_box)
        box.setContentsMargins(8, 0, 0, 0)
        head = QHBoxLayout()
        self.findings_title = QLabel(findings_box)
        self.findings_title.setFont(widgets.scaled_font(self.findings_title, 1.05, bold=True))
        head.addWidget(self.findings_title)
        head.addStretch(1)
        self.all_button = QPushButton(_("Show everyone's"), findings_box)
        self.all_button.clicked.connect(self.show_everyone)
        head.addWidget(self.all_button)
        box.addLayout(head)
        self.findings: FindingModel = FindingModel(FINDING_COLUMNS, self)
        self.finding_view = _table(findings_box, self.findings)
        box.addWidget(self.finding_view, 1)
        findings_tab.addWidget(self.manager_view)
        findings_tab.addWidget(findings_box)
        findings_tab.setStretchFactor(0, 4)
        findings_tab.setStretchFactor(1, 5)
        self.tabs.addTab(findings_tab, "")

        self.service: ServiceModel = ServiceModel(SERVICE_COLUMNS, self)
        self.service_view = _table(self.tabs, self.service)
        self.tabs.addTab(self.service_view, "")
        self.birthdays: RecordTableModel[Birthday] = RecordTableModel(BIRTHDAY_COLUMNS, self)
        self.birthday_view = _table(self.tabs, self.birthdays)
        self.tabs.addTab(self.birthday_view, "")
        layout.addWidget(self.tabs, 1)
        self.refresh()

    def _today(self) -> date:
        return clock.branch_today(self.tz)

    def week(self) -> date:
        return self.picker.week()

    def set_week(self, week_start: date) -> None:
        self.picker.set_week(week_start)

    def refresh(self) -> None:
        from app.services import weekly_check

        try:
            with self.store.reading() as session:
                check = weekly_check.check_week(session, self.actor, self.week())
        except ServiceError as exc:
            self.check = None
            self.summary.setText(str(exc))
            self.note.setText("")
            for model in (self.managers, self.findings, self.service, self.birthdays):
                model.set_records([])
            return
        self.check = check
        self.managers.set_records(check.managers)
        self.service.set_records(check.service)
        self.birthdays.set_records(check.birthdays)
        self._show_findings()
        for view in (self.manager_view, self.service_view, self.birthday_view):
            fit_columns(view)
        self.tabs.setTabText(0, _("Inconsistencies ({n})").format(n=check.findings))
        self.tabs.setTabText(1, _("Service frequency ({n})").format(n=len(check.service)))
        self.tabs.setTabText(2, _("Birthdays next week ({n})").format(n=len(check.birthdays)))
        self._show_summary(check)

    def _show_summary(self, check: WeekCheck) -> None:
        with_findings = [m for m in check.managers if m.findings]
        if check.findings:
            head = _("{findings} inconsistencies for {people} of {total} managers").format(
                findings=check.findings, people=len(with_findings), total=len(check.managers)
            )
        else:
            head = _("Trip records, visit logs and summaries agree")
        parts = [
            head,
            _("{n} customers below the service standard").format(n=len(check.service)),
            _("{n} birthdays next week").format(n=len(check.birthdays)),
        ]
        self.summary.setText(" · ".join(parts))
        self.summary.setStyleSheet(
            f"color: {widgets.ERROR_COLOR if check.findings else '#1f2937'};"
        )
        notes = []
        if check.as_of is not None:
            notes.append(
                _("The service standard is judged as of {day}.").format(
                    day=check.as_of.strftime("%Y-%m-%d")
                )
            )
        if check.deadline is not None and not check.deadline_passed:
            notes.append(
                _(
                    "Summaries not handed in and unexplained plans count only after the "
                    "deadline ({due})."
                ).format(due=due_text(check.deadline))
            )
        self.note.setText(" ".join(notes))

    # --- the findings ---------------------------------------------------------------------
    def selected_manager(self) -> ManagerCheck | None:
        index = self.manager_view.currentIndex()
        if not index.isValid() or not 0 <= index.row() < self.managers.rowCount():
            return None
        return self.managers.record(index.row())

    def show_everyone(self) -> None:
        self.manager_view.clearSelection()
        self.manager_view.setCurrentIndex(self.managers.index(-1, -1))
        self._show_findings()

    def _show_findings(self) -> None:
        check = self.check
        if check is None:
            self.findings.set_records([])
            return
        chosen = self.selected_manager()
        people = [chosen] if chosen is not None else check.managers
        rows = [FindingRow(m.staff_id, m.name, f) for m in people for f in m.findings]
        self.findings.set_records(rows)
        fit_columns(self.finding_view)
        if chosen is not None:
            self.findings_title.setText(
                _("Findings for {name} ({n})").format(name=chosen.name, n=len(rows))
            )
        else:
            self.findings_title.setText(_("Everyone's findings ({n})").format(n=len(rows)))
        self.all_button.setEnabled(chosen is not None)
        self.finding_view.setToolTip("" if rows else _("Nothing disagrees."))

    def finding_texts(self) -> list[tuple[str, str, str, str]]:
        """(姓名, 日期, 客户, 问题) of the rows shown, for tests and copying."""
        return [
            tuple(  # type: ignore[misc]
                str(self.findings.data(self.findings.index(r, c)) or "") for c in range(4)
            )
            for r in range(self.findings.rowCount())
        ]
