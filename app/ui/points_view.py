"""扣分与排名: the month's points ranking, one person's points ledger with its appeals
(申诉), and the late-arrivals chart.

The figures come from app.services.attendance_reports (the same functions the printed
reports and the CLI use). A manager sees only their own ledger: no ranking, no chart.
The chart is drawn by matplotlib off the GUI thread, since importing it costs half a second.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import attendance_reports
from app.services.attendance import AppealStatus
from app.services.attendance_reports import LedgerEntry, RankingLine
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.ui import widgets
from app.ui.attendance_dialogs import AppealDialog, DecideAppealDialog
from app.ui.operations import BackgroundOp, Report
from app.ui.table_models import Column, RecordTableModel, fit_columns

APPEAL_STATUS_LABELS = {
    AppealStatus.PENDING: N_("Appeal pending"),
    AppealStatus.ACCEPTED: N_("Appeal accepted"),
    AppealStatus.REJECTED: N_("Appeal rejected"),
}


def appeal_status_label(status: str | None) -> str:
    if not status:
        return ""
    try:
        return _(APPEAL_STATUS_LABELS[AppealStatus(status)])
    except ValueError:
        return status


def _count(n: int) -> str:
    return str(n) if n else ""


RANKING_COLUMNS: list[Column[RankingLine]] = [
    Column(N_("Rank"), lambda r: str(r.rank), sort_key=lambda r: r.rank),
    Column(N_("Employee no."), lambda r: r.employee_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Points"), lambda r: str(r.points), sort_key=lambda r: r.points),
    Column(N_("Late arrivals"), lambda r: _count(r.late_count), sort_key=lambda r: r.late_count),
    Column(N_("Absent days"), lambda r: _count(r.absent_days), sort_key=lambda r: r.absent_days),
    Column(N_("Warnings"), lambda r: _count(r.warnings), sort_key=lambda r: r.warnings),
]


def _original(entry: LedgerEntry) -> str:
    return str(entry.original_points) if entry.original_points != entry.points else ""


LEDGER_COLUMNS: list[Column[LedgerEntry]] = [
    Column(N_("Date"), lambda e: e.work_date.isoformat()),
    Column(N_("Reason"), lambda e: e.reason, tooltip=lambda e: e.reason),
    Column(N_("Rule"), lambda e: e.rule),
    Column(N_("Points"), lambda e: str(e.points), sort_key=lambda e: e.points),
    Column(N_("Original points"), _original),
    Column(N_("Appeal"), lambda e: appeal_status_label(e.appeal_status)),
]


def _table(parent: QWidget, model: RecordTableModel) -> QTableView:  # type: ignore[type-arg]
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


class PointsView(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.supervisor = actor.sees_whole_branch
        self.year, self.month = 0, 0
        self.staff_id: int | None = None if self.supervisor else actor.staff_id
        self.current_dialog: QDialog | None = None
        self.chart_png: bytes | None = None

        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 0)
        outer.setSpacing(16)
        layout = QVBoxLayout()
        layout.setSpacing(10)
        outer.addLayout(layout, 1)
        self.ranking: RecordTableModel[RankingLine] = RecordTableModel(RANKING_COLUMNS, self)
        self.ranking_view = _table(self, self.ranking)
        self.chart = QLabel(_("Drawing the chart…"), self)
        self.chart.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A scroll area, so that a small window scrolls the chart instead of cutting it.
        self.chart_area = QScrollArea(self)
        self.chart_area.setWidget(self.chart)
        self.chart_area.setWidgetResizable(True)
        self.chart_area.setFrameShape(QScrollArea.Shape.NoFrame)
        if self.supervisor:
            layout.addWidget(widgets.heading(_("Ranking"), 1.15, self))
            layout.addWidget(self.ranking_view, 1)
            outer.addWidget(self.chart_area)  # the whole height: the chart is tall
            self.ranking_view.selectionModel().selectionChanged.connect(
                lambda _s, _d: self._ranking_selected()
            )
        else:
            self.ranking_view.hide()
            self.chart_area.hide()

        bar = QHBoxLayout()
        self.ledger_title = widgets.heading(_("Points ledger"), 1.15, self)
        bar.addWidget(self.ledger_title)
        bar.addStretch(1)
        self.appeal_button = QPushButton(_("Appeal…"), self)
        self.appeal_button.clicked.connect(self.appeal_selected)
        self.appeal_button.setVisible(not self.supervisor)
        self.decide_button = QPushButton(_("Decide appeal…"), self)
        self.decide_button.clicked.connect(self.decide_selected)
        self.decide_button.setVisible(self.supervisor)
        bar.addWidget(self.appeal_button)
        bar.addWidget(self.decide_button)
        layout.addLayout(bar)
        self.ledger: RecordTableModel[LedgerEntry] = RecordTableModel(LEDGER_COLUMNS, self)
        self.ledger_view = _table(self, self.ledger)
        self.ledger_view.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._update_buttons()
        )
        layout.addWidget(self.ledger_view, 1)
        self._update_buttons()

    # --- data --------------------------------------------------------------------------
    def set_month(self, year: int, month: int) -> None:
        self.year, self.month = year, month
        self.refresh()

    def refresh(self) -> None:
        if not self.year:
            return
        if self.supervisor:
            self._load_ranking()
        self._load_ledger()

    def _load_ranking(self) -> None:
        try:
            with self.store.reading() as session:
                lines = attendance_reports.ranking(session, self.actor, self.year, self.month)
                weeks, people = attendance_reports.late_chart(
                    session, self.actor, self.year, self.month
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Points and ranking"))
            return
        keep = self.staff_id
        self.ranking.set_records(lines)
        fit_columns(self.ranking_view)
        row = self.ranking.find_row(lambda r: r.staff_id == keep) if keep is not None else None
        if row is None and lines:
            row = 0
        if row is not None:
            self.ranking_view.selectRow(row)
        else:
            self.staff_id = None
        self._draw_chart(weeks, people)

    def _draw_chart(self, weeks: list[tuple[str, int]], people: list[tuple[str, int]]) -> None:
        def draw(_report: Report) -> bytes:
            from app.reports.charts import late_by_week_png

            return late_by_week_png(weeks, people, dpi=96)

        BackgroundOp(self, draw).success(self._show_chart).failure(
            lambda exc: self.chart.setText(str(exc))
        ).run()

    def _show_chart(self, png: bytes) -> None:
        self.chart_png = png
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.chart.setPixmap(pixmap)
        self.chart.setMinimumSize(pixmap.size())  # never cut off the title or the labels
        self.chart_area.setMinimumSize(pixmap.width() + 4, pixmap.height() + 4)

    def _ranking_selected(self) -> None:
        rows = self.ranking_view.selectionModel().selectedRows()
        if not rows:
            return
        line = self.ranking.record(rows[0].row())
        if line.staff_id != self.staff_id:
            self.staff_id = line.staff_id
            self._load_ledger()

    def select_person(self, staff_id: int) -> None:
        row = self.ranking.find_row(lambda r: r.staff_id == staff_id)
        if row is not None:
            self.ranking_view.selectRow(row)

    def _load_ledger(self) -> None:
        entries: list[LedgerEntry] = []
        title = _("Points ledger")
        if self.staff_id is not None:
            try:
                with self.store.reading() as session:
                    entries = attendance_reports.points_ledger(
                        session, self.actor, self.staff_id, self.year, self.month
                    )
            except ServiceError as exc:
                widgets.show_error(self, str(exc), _("Points ledger"))
            line = next((r for r in self.ranking.records() if r.staff_id == self.staff_id), None)
            if line is not None:
                title = _("Points ledger: {name}").format(name=f"{line.employee_no} {line.name}")
        self.ledger_title.setText(title)
        self.ledger.set_records(entries)
        fit_columns(self.ledger_view)
        self._update_buttons()

    # --- appeals -------------------------------------------------------------------------
    def selected_entry(self) -> LedgerEntry | None:
        rows = self.ledger_view.selectionModel().selectedRows()
        return self.ledger.record(rows[0].row()) if rows else None

    def select_entry(self, predicate: Callable[[LedgerEntry], bool]) -> None:
        row = self.ledger.find_row(predicate)
        if row is not None:
            self.ledger_view.selectRow(row)

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        pending = entry is not None and entry.appeal_status == AppealStatus.PENDING
        own = self.staff_id is not None and self.staff_id == self.actor.staff_id
        # One open appeal per day at a time; a decided one may be appealed again.
        self.appeal_button.setEnabled(
            entry is not None and entry.appealable and own and not pending
        )
        self.decide_button.setEnabled(pending and entry is not None and entry.appeal_id is not None)

    def _summary(self, entry: LedgerEntry) -> str:
        return _("{date}: {reason}, {points} points").format(
            date=entry.work_date.isoformat(), reason=entry.reason, points=entry.points
        )

    def _open(self, dialog: QDialog) -> None:
        self.current_dialog = dialog

        def finished(_result: int) -> None:
            if self.current_dialog is dialog:
                self.current_dialog = None
            dialog.deleteLater()

        dialog.accepted.connect(self.refresh)
        dialog.finished.connect(finished)
        dialog.open()

    def appeal_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or self.staff_id is None or self.staff_id != self.actor.staff_id:
            return
        self._open(
            AppealDialog(
                self.store, self.actor, self.staff_id, entry.work_date, self._summary(entry), self
            )
        )

    def decide_selected(self) -> None:
        entry = self.selected_entry()
        if not self.supervisor or entry is None or entry.appeal_id is None:
            return
        if entry.appeal_status != AppealStatus.PENDING:
            return
        summary = self._summary(entry)
        self._open(
            DecideAppealDialog(self.store, self.actor, entry.appeal_id, entry.points, summary, self)
        )
