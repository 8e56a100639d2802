"""The weekly progress summary (每周工作进度汇总表) as a manager fills it in.

The draft saves itself 1.5 s after the last edit, when a text box loses focus, when the
editor is hidden or closed, and on Ctrl+S; one save is one transaction (the checklist's
explanations and the draft together). "Submit" (Ctrl+Enter) saves, asks, and hands the
week in; after the deadline it is marked late but taken. A submitted summary is
read-only; a returned one shows the reason and "Start revising" makes revision n+1.

The Excel route (template out, filled files in) is here too: the service is imported
only when used, and the file dialogs are module-level functions tests replace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.fileio import write_atomically
from app.i18n import _, current_language
from app.services import clock, weekly
from app.services.auth import Actor
from app.services.errors import ServiceError, ValidationError
from app.services.weekly import (
    PlanOutcome,
    PlanView,
    SummaryState,
    SummaryText,
    SummaryView,
    VisitLine,
)
from app.ui import widgets
from app.ui.minutes_editor import SectionEdit
from app.ui.staff_dialogs import to_qdate
from app.ui.weekly_dialogs import CustomerCombo, PlanDialog, day_text, qdate_value, week_title

AUTOSAVE_MS = 1500
WEEK = timedelta(days=7)
DONE_COLOR = "#1e7a3c"

# state: (icon, background, border, text colour)
BANNER_STYLES = {
    "draft": ("✎", "#eef2f8", "#b9c6da", "#283548"),
    "submitted": ("✓", "#e6f4ea", "#8cc79b", "#1e5631"),
    "late": ("⚠", "#fff4c2", "#e0b400", "#5c4400"),
    "returned": ("↩", "#fdecea", "#e3a29b", "#7a1f16"),
    "approved": ("✓", "#e6f4ea", "#8cc79b", "#1e5631"),
}


# --- file dialogs: module level so that tests can stand in for the user ---------------


def choose_save_path(parent: QWidget, title: str, suggested: Path, filters: str) -> Path | None:
    name, _selected = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    return Path(name) if name else None


def choose_open_paths(parent: QWidget, title: str, folder: Path, filters: str) -> list[Path]:
    names, _selected = QFileDialog.getOpenFileNames(parent, title, str(folder), filters)
    return [Path(n) for n in names]


def documents_folder() -> Path:
    return Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        or Path.home()
    )


# --- texts ---------------------------------------------------------------------------------


def local_text(instant: datetime, tz: object) -> str:
    """11-27 周五 16:05 in the branch's zone."""
    local = instant.astimezone(tz)  # type: ignore[arg-type]
    return "{day} {time}".format(day=day_text(local.date()), time=local.strftime("%H:%M"))


def time_left_text(due: datetime, now: datetime) -> str:
    """还剩 2 天 3 小时 / 还剩 45 分钟 / 已超过截止时间 1 小时 20 分钟."""
    seconds = int((due - now).total_seconds())
    left = seconds >= 0
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        span = _("{d} d {h} h").format(d=days, h=hours)
    elif hours:
        span = _("{h} h {m} min").format(h=hours, m=mins)
    else:
        span = _("{m} min").format(m=mins)
    return (
        _("{span} left").format(span=span)
        if left
        else _("{span} past the deadline").format(span=span)
    )


def fit_table_height(table: QTableWidget, min_rows: int = 1) -> None:
    """Tall enough for every row: the page scrolls, not each table."""
    rows = max(table.rowCount(), min_rows)
    height = table.horizontalHeader().height() + 2 * table.frameWidth() + 2
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    height += max(0, rows - table.rowCount()) * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height)


def make_table(headers: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 18)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setStretchLastSection(True)
    return table


def item(text: str, tooltip: str = "") -> QTableWidgetItem:
    cell = QTableWidgetItem(text)
    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        cell.setToolTip(tooltip)
    return cell


@dataclass
class VisitRow:
    day: QDateEdit
    customer: CustomerCombo
    content: QLineEdit


@dataclass
class ChecklistRow:
    plan: PlanView
    outcome: QComboBox | None  # None: done (a log matches), nothing to explain
    moved_to: QDateEdit | None
    reason: QLineEdit | None

    def wanted(self) -> tuple[str, str, date | None]:
        assert self.outcome is not None and self.reason is not None and self.moved_to is not None
        outcome = str(self.outcome.currentData())
        moved = qdate_value(self.moved_to) if outcome == PlanOutcome.MOVED else None
        reason = self.reason.text().strip() if outcome != PlanOutcome.OPEN else ""
        return outcome, reason, moved

    def stored(self) -> tuple[str, str, date | None]:
        p = self.plan
        return p.outcome, p.reason if p.outcome != PlanOutcome.OPEN else "", p.moved_to

    def complete(self) -> bool:
        outcome, reason, moved = self.wanted()
        if outcome == PlanOutcome.OPEN:
            return True
        return bool(reason) and (outcome != PlanOutcome.MOVED or moved is not None)


class SummaryEditor(QWidget):
    """One person's summary for one week."""

    changed = Signal()  # saved, submitted or revised

    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        week_start: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.staff_id = staff_id
        self.week_start = weekly.week_of(week_start)
        self.view: SummaryView | None = None
        self.read_only = False
        self.dirty = False
        self._loading = False
        self.current_dialog: QDialog | None = None
        self.customers: list[weekly.CustomerRecord] = []
        self.visit_rows: list[VisitRow] = []
        self.checklist_rows: list[ChecklistRow] = []
        self._folder = documents_folder()

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_by_hand)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            submit = QShortcut(QKeySequence(keys), self)
            submit.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            submit.activated.connect(self.submit)

        # --- top: state, title, deadline, actions ---------------------------------------------
        self.banner = widgets.Banner(_("Start revising"), self)
        self.banner.button.clicked.connect(self.revise)
        self.revise_button = self.banner.button
        self.title = widgets.heading(_("Weekly progress summary"), 1.35, self)
        self.info = widgets.muted("", self)
        self.info.setWordWrap(False)
        self.deadline_label = QLabel(self)
        self.deadline_label.setTextFormat(Qt.TextFormat.PlainText)
        self.submit_button = QPushButton(_("Submit…"), self)
        self.submit_button.setToolTip(_("Hand the week in (Ctrl+Enter)"))
        self.submit_button.setDefault(False)
        self.submit_button.clicked.connect(self.submit)
        self.export_button = QPushButton(_("Export Excel template…"), self)
        self.export_button.setToolTip(
            _("A workbook to fill in elsewhere, with your name and the week filled in")
        )
        self.export_button.clicked.connect(self.export_template)
        self.import_button = QPushButton(_("Import Excel…"), self)
        self.import_button.setToolTip(_("Read filled templates of this week"))
        self.import_button.clicked.connect(self.import_excel)
        self.save_status = QLabel(self)
        self.save_status.setTextFormat(Qt.TextFormat.PlainText)
        self.save_status.setStyleSheet(f"color: {widgets.MUTED_COLOR};")

        # --- the body ------------------------------------------------------------------------
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 0, 12, 0)
        self.body_layout.setSpacing(6)

        # visits done
        self.visits_table = make_table([_("Date"), _("Customer"), _("What was done")], body)
        self.visits_table.setAccessibleName(_("Visits this week"))
        self.visits_hint = widgets.muted("", body)
        self.add_visit_button = QPushButton(_("Add row"), body)
        self.add_visit_button.clicked.connect(lambda: self.add_visit_row())
        self.remove_visit_button = QPushButton(_("Remove row"), body)
        self.remove_visit_button.clicked.connect(self.remove_visit_row)
        self.refill_button = QPushButton(_("Fill in from visit logs"), body)
        self.refill_button.setToolTip(_("Replace the rows with this week's visit logs"))
        self.refill_button.clicked.connect(self.refill_visits)
        self._section(body, _("Visits this week"), self.visits_hint)
        self.body_layout.addWidget(self.visits_table)
        self.body_layout.addLayout(
            self._row(self.add_visit_button, self.remove_visit_button, self.refill_button)
        )

        # last week's plan
        self.checklist_table = make_table(
            [
                _("Customer"),
                _("Planned for"),
                _("Purpose"),
                _("Plan outcome"),
                _("Moved to"),
                _("Reason"),
            ],
            body,
        )
        self.checklist_table.setAccessibleName(_("Last week's plan"))
        # Rows hold inputs; a highlighted row would only hide what was chosen.
        self.checklist_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.checklist_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.checklist_hint = widgets.muted(
            _(
                "The visits planned for this week. One with a visit log counts as done; "
                "for the others choose moved (with the new date) or dropped, and give the "
                "reason."
            ),
            body,
        )
        self.checklist_empty = widgets.muted(_("No visits were planned for this week."), body)
        self.body_layout.addSpacing(12)
        self._section(body, _("Last week's plan"), self.checklist_hint)
        self.body_layout.addWidget(self.checklist_table)
        self.body_layout.addWidget(self.checklist_empty)

        # the text fields
        self.text_edits: dict[str, SectionEdit] = {}
        for name in weekly.TEXT_FIELDS:
            edit = SectionEdit(body)
            edit.setAccessibleName(_(weekly.TEXT_LABELS[name]))
            edit.textChanged.connect(self._edited)
            edit.installEventFilter(self)
            self.text_edits[name] = edit
            self.body_layout.addSpacing(12)
            self.body_layout.addWidget(widgets.heading(_(weekly.TEXT_LABELS[name]), 1.1, body))
            self.body_layout.addWidget(edit)

        # next week's planned visits (records of their own, stored at once)
        self.plans_table = make_table([_("Date"), _("Customer"), _("Purpose")], body)
        self.plans_table.setAccessibleName(_("Visit plan for next week"))
        self.plans_empty = widgets.muted("", body)
        self.add_plan_button = QPushButton(_("Plan a visit…"), body)
        self.add_plan_button.clicked.connect(self.add_plan)
        self.remove_plan_button = QPushButton(_("Remove planned visit"), body)
        self.remove_plan_button.clicked.connect(self.remove_plan)
        self.plans_table.itemSelectionChanged.connect(self._update_enabled)
        self.body_layout.addSpacing(12)
        self._section(
            body,
            _("Visit plan for next week"),
            widgets.muted(_("Next week this list comes back as the checklist to explain."), body),
        )
        self.body_layout.addWidget(self.plans_table)
        self.body_layout.addWidget(self.plans_empty)
        self.body_layout.addLayout(self._row(self.add_plan_button, self.remove_plan_button))
        self.body_layout.addStretch(1)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addSpacing(8)
        title_row.addWidget(self.info, 1)
        title_row.addWidget(self.deadline_label)
        layout.addLayout(title_row)
        actions = QHBoxLayout()
        actions.addWidget(self.submit_button)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        actions.addWidget(line)
        actions.addWidget(self.export_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)
        actions.addWidget(self.save_status)
        layout.addLayout(actions)
        layout.addWidget(self.scroll_area, 1)
        self.refresh()

    def _section(self, parent: QWidget, title: str, hint: QLabel) -> None:
        self.body_layout.addWidget(widgets.heading(title, 1.1, parent))
        self.body_layout.addWidget(hint)

    @staticmethod
    def _row(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        return row

    # --- reading ---------------------------------------------------------------------------
    def set_week(self, week_start: date) -> None:
        self.save_now()
        self.week_start = weekly.week_of(week_start)
        self.refresh()

    def refresh(self) -> None:
        """Save what is typed, then show the store's state (rebuilds every input)."""
        self.save_now()
        try:
            with self.store.reading() as session:
                view = weekly.get_summary(session, self.actor, self.staff_id, self.week_start)
                customers = weekly.list_customers(
                    session, self.actor, self.staff_id, include_inactive=True
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return
        used = {v.customer_id for v in view.visits}
        self.customers = [c for c in customers if c.active or c.id in used]
        self._show(view)

    def _show(self, view: SummaryView) -> None:
        self._loading = True
        try:
            self.view = view
            self.read_only = not view.editable
            self.dirty = False
            self.info.setText(
                _("{name} · {week} · revision {rev}").format(
                    name=view.name, week=week_title(view.week_start), rev=max(view.revision, 1)
                )
            )
            for name, edit in self.text_edits.items():
                edit.setPlainText(getattr(view.text, name))
            self._show_visits(view)
            self._show_checklist(view.checklist)
            self._show_plans(view.next_plans)
            self._show_state()
        finally:
            self._loading = False
        self._update_enabled()

    def _show_state(self) -> None:
        view = self.view
        assert view is not None
        tz = view.deadline.tzinfo
        due = local_text(view.deadline, tz)
        state = view.state or SummaryState.DRAFT
        if state == SummaryState.DRAFT:
            key = "draft"
            message = _("Draft: not submitted yet. It saves itself as you type.")
            if view.revision > 1:
                message = _(
                    "Draft of revision {rev}: change what was asked, then submit again."
                ).format(rev=view.revision)
        elif state == SummaryState.SUBMITTED:
            assert view.submitted_at is not None
            at = local_text(view.submitted_at, tz)
            if view.late:
                key = "late"
                message = _("Submitted late at {at} (the deadline was {due}).").format(
                    at=at, due=due
                )
            else:
                key = "submitted"
                message = _(
                    "Submitted on time at {at}. Waiting for the supervisor's review."
                ).format(at=at)
        elif state == SummaryState.RETURNED:
            key = "returned"
            message = _("Returned for revision: {reason}").format(reason=view.return_reason)
        else:
            key = "approved"
            message = _("Approved.")
        if view.review_comment and state != SummaryState.DRAFT:
            message += "\n" + _("Supervisor's comment: {text}").format(text=view.review_comment)
        if view.source == "xlsx" and view.source_file:
            message += "\n" + _("Imported from {file}.").format(file=view.source_file)
        icon, background, border, text = BANNER_STYLES[key]
        self.banner.icon.setText(icon)
        self.banner.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 6px; }} QFrame#banner QLabel {{ color: {text}; }}"
        )
        self.banner.set_messages([message])
        self.banner.button.setVisible(state == SummaryState.RETURNED)
        self._show_deadline()
        for edit in self.text_edits.values():
            edit.setReadOnly(self.read_only)
            edit.setStyleSheet("QPlainTextEdit { background: #f6f7f9; }" if self.read_only else "")
        for name, edit in self.text_edits.items():
            edit.setPlaceholderText(
                ""
                if self.read_only
                else _("Write about “{title}”…").format(title=_(weekly.TEXT_LABELS[name]))
            )

    def _show_deadline(self) -> None:
        view = self.view
        if view is None:
            return
        due = local_text(view.deadline, view.deadline.tzinfo)
        text = _("Deadline {due}").format(due=due)
        color = widgets.MUTED_COLOR
        if view.state in ("", SummaryState.DRAFT):
            now = clock.now_utc()
            text += " · " + time_left_text(view.deadline, now)
            if now > view.deadline:
                color = widgets.ERROR_COLOR
        self.deadline_label.setText(text)
        self.deadline_label.setStyleSheet(f"color: {color};")

    def _show_visits(self, view: SummaryView) -> None:
        table = self.visits_table
        table.setRowCount(0)
        self.visit_rows = []
        if view.id is None and view.visits:
            self.visits_hint.setText(
                _("Filled in from this week's visit logs; change, add or remove rows as needed.")
            )
        elif not view.visits:
            self.visits_hint.setText(_("No visits yet: write visit logs or add rows here."))
        else:
            self.visits_hint.setText("")
        self.visits_hint.setVisible(bool(self.visits_hint.text()))
        for line in view.visits:
            self.add_visit_row(line)
        self._fit_visits()

    def _fit_visits(self) -> None:
        table = self.visits_table
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(1, 220)
        fit_table_height(table)

    def add_visit_row(self, line: VisitLine | None = None) -> VisitRow | None:
        """A row of the visits table; an empty one (`line` None) is for today or Monday."""
        if self.read_only and line is None:
            return None
        table = self.visits_table
        row = table.rowCount()
        table.insertRow(row)
        first, last = weekly.week_days(self.week_start)
        if line is not None:
            day = line.day
        else:
            today = clock.branch_today()
            day = today if first <= today <= last else first
        if self.read_only and line is not None:
            table.setItem(row, 0, item(day_text(day)))
            table.setItem(row, 1, item(line.customer_name))
            table.setItem(row, 2, item(line.content, line.content))
            fit_table_height(table)
            return None
        day_edit = QDateEdit(table)
        day_edit.setCalendarPopup(True)
        day_edit.setDisplayFormat("MM-dd ddd")
        # The weekday in the UI's language, whatever the PC's regional settings say.
        day_edit.setLocale(QLocale(current_language()))
        day_edit.setDateRange(to_qdate(first), to_qdate(last))
        day_edit.setDate(to_qdate(day))
        customer = CustomerCombo(self.customers, table)
        content = QLineEdit(table)
        content.setMaxLength(500)
        content.setFrame(False)
        content.setPlaceholderText(_("What was done"))
        if line is not None:
            customer.select_customer(line.customer_id)
            content.setText(line.content)
        table.setCellWidget(row, 0, day_edit)
        table.setCellWidget(row, 1, customer)
        table.setCellWidget(row, 2, content)
        day_edit.dateChanged.connect(lambda _d: self._edited())
        customer.currentTextChanged.connect(lambda _t: self._edited())
        content.textEdited.connect(lambda _t: self._edited())
        content.installEventFilter(self)
        visit = VisitRow(day_edit, customer, content)
        self.visit_rows.append(visit)
        if line is None:
            self._fit_visits()
            table.selectRow(row)
            customer.setFocus()
            self._edited()
        return visit

    def remove_visit_row(self) -> None:
        if self.read_only:
            return
        rows = self.visits_table.selectionModel().selectedRows()
        row = rows[0].row() if rows else self.visits_table.currentRow()
        if not 0 <= row < len(self.visit_rows):
            return
        self.visits_table.removeRow(row)
        del self.visit_rows[row]
        self._fit_visits()
        self._edited()

    def refill_visits(self) -> None:
        if self.read_only or self.view is None:
            return
        if self.visit_rows and not widgets.confirm(
            self,
            _("Replace the {n} rows with this week's visit logs?").format(n=len(self.visit_rows)),
            _("Fill in from visit logs"),
        ):
            return
        with self.store.reading() as session:
            weekly.get_summary(session, self.actor, self.staff_id, self.week_start)  # checks role
            lines = weekly.prefill_visits(session, self.staff_id, self.week_start)
        self.visits_table.setRowCount(0)
        self.visit_rows = []
        self._loading = True
        try:
            for line in lines:
                self.add_visit_row(line)
        finally:
            self._loading = False
        self._fit_visits()
        self._edited()

    def _show_checklist(self, plans: list[PlanView]) -> None:
        table = self.checklist_table
        table.setRowCount(0)
        self.checklist_rows = []
        for plan in plans:
            row = table.rowCount()
            table.insertRow(row)
            table.setItem(row, 0, item(plan.customer_name))
            table.setItem(row, 1, item(day_text(plan.planned_day) or _("Any day")))
            table.setItem(row, 2, item(plan.purpose, plan.purpose))
            if plan.outcome == PlanOutcome.DONE:
                done = item(_("Done on {day}").format(day=day_text(plan.done_on)))
                done.setForeground(QColor(DONE_COLOR))
                table.setItem(row, 3, done)
                self.checklist_rows.append(ChecklistRow(plan, None, None, None))
                continue
            if self.read_only:
                outcome = item(weekly.outcome_label(plan.outcome))
                if plan.outcome == PlanOutcome.OPEN:
                    outcome.setForeground(QColor(widgets.ERROR_COLOR))
                table.setItem(row, 3, outcome)
                table.setItem(row, 4, item(day_text(plan.moved_to)))
                table.setItem(row, 5, item(plan.reason, plan.reason))
                self.checklist_rows.append(ChecklistRow(plan, None, None, None))
                continue
            combo = QComboBox(table)
            for value in (PlanOutcome.OPEN, PlanOutcome.MOVED, PlanOutcome.DROPPED):
                combo.addItem(weekly.outcome_label(value), value.value)
            combo.setCurrentIndex(combo.findData(plan.outcome))
            moved = QDateEdit(table)
            moved.setCalendarPopup(True)
            moved.setDisplayFormat("yyyy-MM-dd")
            moved.setDate(to_qdate(plan.moved_to or self.week_start + WEEK))
            reason = QLineEdit(table)
            reason.setFrame(False)
            reason.setMaxLength(300)
            reason.setText(plan.reason)
            table.setCellWidget(row, 3, combo)
            table.setCellWidget(row, 4, moved)
            table.setCellWidget(row, 5, reason)
            entry = ChecklistRow(plan, combo, moved, reason)
            self.checklist_rows.append(entry)
            combo.currentIndexChanged.connect(lambda _i, e=entry: self._outcome_changed(e))
            moved.dateChanged.connect(lambda _d: self._edited())
            reason.textEdited.connect(lambda _t, e=entry: self._reason_edited(e))
            reason.installEventFilter(self)
            self._outcome_widgets(entry)
        header = table.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.setVisible(bool(plans))
        self.checklist_empty.setVisible(not plans)
        self.checklist_hint.setVisible(bool(plans) and not self.read_only)
        fit_table_height(table)

    def _outcome_widgets(self, entry: ChecklistRow) -> None:
        assert entry.outcome is not None and entry.moved_to is not None
        assert entry.reason is not None
        outcome = entry.outcome.currentData()
        entry.moved_to.setEnabled(outcome == PlanOutcome.MOVED)
        entry.reason.setEnabled(outcome != PlanOutcome.OPEN)
        entry.reason.setPlaceholderText(
            _("Reason (required)") if outcome != PlanOutcome.OPEN else ""
        )
        widgets.mark_invalid(entry.outcome, False)

    def _outcome_changed(self, entry: ChecklistRow) -> None:
        self._outcome_widgets(entry)
        if entry.reason is not None and entry.reason.isEnabled() and not self._loading:
            entry.reason.setFocus()
        self._edited()

    def _reason_edited(self, entry: ChecklistRow) -> None:
        if entry.reason is not None:
            widgets.mark_invalid(entry.reason, False)
        self._edited()

    def _show_plans(self, plans: list[PlanView]) -> None:
        table = self.plans_table
        table.setRowCount(0)
        for plan in plans:
            row = table.rowCount()
            table.insertRow(row)
            table.setItem(row, 0, item(day_text(plan.planned_day) or _("Any day")))
            table.setItem(row, 1, item(plan.customer_name))
            table.setItem(row, 2, item(plan.purpose, plan.purpose))
        self.next_plans = plans
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        table.setVisible(bool(plans))
        next_week = weekly.week_label(self.week_start + WEEK)
        self.plans_empty.setText(
            _("Nothing planned for {week} yet.").format(week=next_week) if not plans else ""
        )
        self.plans_empty.setVisible(not plans)
        fit_table_height(table)

    def _update_enabled(self) -> None:
        editable = not self.read_only
        for button in (
            self.add_visit_button,
            self.remove_visit_button,
            self.refill_button,
            self.add_plan_button,
            self.submit_button,
            self.import_button,
        ):
            button.setEnabled(editable)
        self.remove_plan_button.setEnabled(editable and bool(self.plans_table.selectedItems()))
        self.remove_visit_button.setEnabled(editable and bool(self.visit_rows))
        self.submit_button.setVisible(editable)

    # --- the draft ---------------------------------------------------------------------------
    def _set_status(self, text: str, error: bool = False) -> None:
        self.save_status.setText(text)
        color = widgets.ERROR_COLOR if error else widgets.MUTED_COLOR
        self.save_status.setStyleSheet(f"color: {color};")

    def _edited(self) -> None:
        if self._loading or self.read_only:
            return
        self.dirty = True
        self._set_status(_("Editing…"))
        self.autosave_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Leaving a text box saves at once: the next click may close the window.
        if event.type() == QEvent.Type.FocusOut and self.dirty:
            self.autosave()
        return super().eventFilter(watched, event)

    def current_text(self) -> SummaryText:
        return SummaryText(**{name: edit.toPlainText() for name, edit in self.text_edits.items()})

    def current_visits(self, strict: bool) -> list[VisitLine]:
        """The visits table as lines. A row without a known customer stops a save by hand
        or a submit (strict); autosave leaves it out and keeps it on screen."""
        lines = []
        for number, row in enumerate(self.visit_rows, start=1):
            customer_id = row.customer.customer_id()
            content = row.content.text().strip()
            if customer_id is None:
                typed = row.customer.currentText().strip()
                if not typed and not content:
                    continue  # an empty row
                if strict:
                    raise ValidationError(
                        _("Visits, row {n}: choose a customer from your book.").format(n=number)
                        if not typed
                        else _("Visits, row {n}: {name} is not in your book of customers.").format(
                            n=number, name=typed
                        ),
                        field=f"visit:{number - 1}",
                    )
                continue
            lines.append(VisitLine(qdate_value(row.day), customer_id, content))
        return lines

    def _save(self, strict: bool) -> SummaryView:
        """Explanations of last week's plan and the draft, in one transaction."""
        text = self.current_text()
        visits = self.current_visits(strict)
        with self.store.transaction() as session:
            for entry in self.checklist_rows:
                if entry.outcome is None or entry.wanted() == entry.stored():
                    continue
                if not entry.complete() and not strict:
                    continue  # e.g. "moved" chosen, the reason not typed yet
                outcome, reason, moved = entry.wanted()
                try:
                    weekly.set_plan_outcome(
                        session, self.actor, entry.plan.id, outcome, reason, moved
                    )
                except ValidationError as exc:
                    raise ValidationError(
                        _("{customer}: {message}").format(
                            customer=entry.plan.customer_name, message=str(exc)
                        ),
                        field=f"plan:{entry.plan.id}:{exc.field or ''}",
                    ) from None
            return weekly.save_draft(
                session, self.actor, self.staff_id, self.week_start, text, visits
            )

    def _saved(self, view: SummaryView, how: str) -> None:
        self.view = view
        checklist = {p.id: p for p in view.checklist}
        for entry in self.checklist_rows:
            entry.plan = checklist.get(entry.plan.id, entry.plan)
        self.dirty = False
        at = clock.now_utc().astimezone(view.deadline.tzinfo).strftime("%H:%M")
        self._set_status(how.format(time=at))
        self.info.setText(
            _("{name} · {week} · revision {rev}").format(
                name=view.name, week=week_title(view.week_start), rev=max(view.revision, 1)
            )
        )
        self.changed.emit()

    def autosave(self) -> bool:
        """Quietly: a failure shows in the status line, not in a message box."""
        return self.save_now()

    def save_now(self) -> bool:
        self.autosave_timer.stop()
        if not self.dirty or self.read_only:
            return True
        try:
            view = self._save(strict=False)
        except ServiceError as exc:
            self._set_status(_("Not saved: {reason}").format(reason=str(exc)), error=True)
            if isinstance(exc, ValidationError):
                self._point_at(exc.field, focus=False)
            return False
        self._saved(view, _("Saved automatically {time}"))
        return True

    def save_draft(self) -> None:
        """For the crash dialog (app.ui.crash): store unsaved text now; raise if it failed."""
        if not self.save_now():
            raise RuntimeError(self.save_status.text())

    def save_by_hand(self) -> bool:
        """Ctrl+S: save now, strictly, and say clearly what stops it."""
        self.autosave_timer.stop()
        if self.read_only:
            return True
        try:
            view = self._save(strict=True)
        except ServiceError as exc:
            self._fail(exc)
            return False
        self._saved(view, _("Saved {time}"))
        return True

    def _fail(self, exc: ServiceError) -> None:
        self._set_status(_("Not saved: {reason}").format(reason=str(exc)), error=True)
        if isinstance(exc, ValidationError):
            self._point_at(exc.field, focus=True)
        widgets.show_error(self, str(exc), _("Weekly progress summary"))

    def _point_at(self, field: str | None, focus: bool) -> None:
        """Outline (and, for a deliberate action, focus) the input an error is about."""
        target: QWidget | None = None
        if field in self.text_edits:
            target = self.text_edits[field]
        elif field == "visits":
            target = self.visits_table
        elif field and field.startswith("visit:"):
            number = int(field.split(":")[1])
            if 0 <= number < len(self.visit_rows):
                target = self.visit_rows[number].customer
        elif field == "checklist":
            open_rows = [
                e
                for e in self.checklist_rows
                if e.outcome is not None and e.outcome.currentData() == PlanOutcome.OPEN
            ]
            target = open_rows[0].outcome if open_rows else self.checklist_table
        elif field and field.startswith("plan:"):
            _plan, plan_id, inner = field.split(":")
            for entry in self.checklist_rows:
                if entry.plan.id == int(plan_id):
                    target = entry.moved_to if inner == "moved_to" else entry.reason
        if target is None:
            return
        widgets.mark_invalid(target, True)
        if focus:
            self.scroll_area.ensureWidgetVisible(target)
            target.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_now()
        super().closeEvent(event)

    # --- submit and revise ----------------------------------------------------------------------
    def submit(self) -> bool:
        if self.read_only:
            return False
        # Saved even when untouched: a prefilled form has no draft yet, and submit needs one.
        if not self.save_by_hand():
            return False
        view = self.view
        assert view is not None
        unexplained = [p.customer_name for p in view.checklist if p.outcome == PlanOutcome.OPEN]
        if unexplained:
            self._fail(
                ValidationError(
                    _(
                        "Say why these planned visits did not happen (moved or dropped): {names}."
                    ).format(names=_(", ").join(unexplained)),
                    field="checklist",
                )
            )
            return False
        now = clock.now_utc()
        due = local_text(view.deadline, view.deadline.tzinfo)
        if now > view.deadline:
            question = _(
                "The deadline ({due}) has passed: the summary will be marked as submitted "
                "late.\n\nSubmit it now? After submitting it can no longer be changed unless "
                "the supervisor returns it."
            ).format(due=due)
        else:
            question = _(
                "Submit the summary for {week}? After submitting it can no longer be changed "
                "unless the supervisor returns it."
            ).format(week=view.week)
        if not widgets.confirm(self, question, _("Submit weekly summary")):
            return False
        try:
            with self.store.transaction() as session:
                submitted = weekly.submit(session, self.actor, self.staff_id, self.week_start)
        except ServiceError as exc:
            self._fail(exc)
            return False
        self._show(submitted)
        self._set_status("")
        self.changed.emit()
        return True

    def revise(self) -> None:
        try:
            with self.store.transaction() as session:
                view = weekly.revise(session, self.actor, self.staff_id, self.week_start)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Weekly progress summary"))
            return
        self._show(view)
        self._set_status(_("Revision {rev} started").format(rev=view.revision))
        self.changed.emit()

    # --- next week's plan -----------------------------------------------------------------------
    def add_plan(self) -> None:
        if self.read_only:
            return
        dialog = PlanDialog(
            self.store, self.actor, self.staff_id, self.week_start + WEEK, None, self
        )
        self.current_dialog = dialog
        dialog.accepted.connect(self._plans_changed)

        def finished(_result: int) -> None:
            if self.current_dialog is dialog:
                self.current_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def remove_plan(self) -> None:
        rows = self.plans_table.selectionModel().selectedRows()
        if self.read_only or not rows:
            return
        plan = self.next_plans[rows[0].row()]
        if not widgets.confirm(
            self,
            _("Delete the planned visit to {customer}?").format(customer=plan.customer_name),
            _("Visit plan for next week"),
        ):
            return
        try:
            with self.store.transaction() as session:
                weekly.delete_plan(session, self.actor, plan.id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return
        self._plans_changed()

    def _plans_changed(self) -> None:
        with self.store.reading() as session:
            plans = weekly.plans_for(session, self.actor, self.staff_id, self.week_start + WEEK)
        self._show_plans(plans)
        self._update_enabled()
        self.changed.emit()

    # --- the Excel route ------------------------------------------------------------------------
    def export_template(self) -> Path | None:
        from app.services import weekly_excel

        self.save_now()
        try:
            with self.store.reading() as session:
                data = weekly_excel.template_bytes(
                    session, self.actor, self.staff_id, self.week_start
                )
                name = weekly_excel.template_name(
                    session, self.actor, self.staff_id, self.week_start
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Cannot export"))
            return None
        path = choose_save_path(
            self,
            _("Export Excel template"),
            self._folder / name,
            _("Excel workbook (*.xlsx)"),
        )
        if path is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self._folder = path.parent
        try:
            write_atomically(path, data)
        except OSError as exc:
            widgets.show_error(
                self,
                _(
                    "Cannot write {path}: {reason}\n\nIf the file is open in Excel, "
                    "close it and try again."
                ).format(path=path, reason=exc.strerror or exc),
                _("Cannot export"),
            )
            return None
        widgets.show_info(
            self,
            _("The template was saved to {path}.").format(path=path),
            _("Export finished"),
        )
        return path

    def import_excel(self) -> bool:
        if self.read_only:
            return False
        paths = choose_open_paths(
            self,
            _("Import filled Excel templates"),
            self._folder,
            _("Excel workbook (*.xlsx)"),
        )
        if not paths:
            return False
        from app.services import weekly_excel

        self._folder = paths[0].parent
        self.save_now()
        try:
            with self.store.transaction() as session:
                report = weekly_excel.import_files(
                    session,
                    self.actor,
                    paths,
                    week_start=self.week_start,
                    staff_id=self.staff_id,
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Cannot import"))
            return False
        lines = []
        for ok in report.accepted:
            text = _("{file}: imported as revision {rev}").format(
                file=Path(ok.file).name, rev=ok.revision
            )
            if ok.late:
                text += _(" (submitted late)")
            lines.append("✓ " + text)
        for bad in report.rejected:
            where = " · ".join(part for part in (Path(bad.file).name, bad.sheet, bad.cell) if part)
            lines.append("✗ " + _("{where}: {reason}").format(where=where, reason=bad.reason))
        self.refresh()
        self.changed.emit()
        message = "\n".join(lines) or _("Nothing was imported.")
        if report.rejected:
            widgets.show_error(self, message, _("Import finished with errors"))
        else:
            widgets.show_info(self, message, _("Import finished"))
        return bool(report.accepted)
