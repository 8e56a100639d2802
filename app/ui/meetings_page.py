"""The meetings (会议) page: the calendar of meetings and the selected meeting's view.

Left, a week (or month) of meetings as the schedules generate them on the working
calendar; right, the selected meeting: its header, the actions on it, and the tabs
点名 (roll call), 签到 (signatures) and 纪要 (minutes). A manager sees the calendar
and may give notice for themselves; the roll call and minutes stay with the supervisor
(the services refuse them anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import clock, meetings, minutes
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.meetings import MeetingKind, MeetingStatus, MeetingSummary
from app.ui import widgets
from app.ui.meeting_dialogs import (
    AdhocMeetingDialog,
    CancelMeetingDialog,
    DelegateHostDialog,
    MeetingDetails,
    NoticesDialog,
    PeopleDialog,
    RescheduleDialog,
    branch_tz,
    day_text,
    load_details,
    time_range,
)
from app.ui.table_models import MUTED, Column, RecordTableModel, fit_columns

WEEK, MONTH = "week", "month"
TODAY_BACKGROUND = QColor("#eaf2ff")


def status_text(m: MeetingSummary) -> str:
    text = meetings.status_label(m.status)
    if m.change_reason and m.status != MeetingStatus.CANCELLED:
        text = _("{status} (moved)").format(status=text)
    return text


def change_tooltip(m: MeetingSummary) -> str:
    if not m.change_reason:
        return ""
    if m.status == MeetingStatus.CANCELLED:
        return _("Cancelled: {reason}").format(reason=m.change_reason)
    return _("Moved: {reason}").format(reason=m.change_reason)


MEETING_COLUMNS: list[Column[MeetingSummary]] = [
    Column(N_("Date"), lambda m: day_text(m.day), tooltip=change_tooltip),
    Column(N_("Time"), lambda m: time_range(m.start, m.end), tooltip=change_tooltip),
    Column(N_("Kind"), lambda m: meetings.kind_label(m.kind), tooltip=change_tooltip),
    Column(N_("Title"), lambda m: m.title, tooltip=change_tooltip),
    Column(N_("Place"), lambda m: m.place, tooltip=change_tooltip),
    Column(N_("Host"), lambda m: m.host, tooltip=change_tooltip),
    Column(N_("Status"), status_text, tooltip=change_tooltip),
]
TITLE_COLUMN = 3
STATUS_COLUMN = 6


class MeetingTableModel(RecordTableModel[MeetingSummary]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(MEETING_COLUMNS, parent)
        self.today = date.min

    def foreground(self, record: MeetingSummary, column: int) -> QColor | None:
        return MUTED if record.status == MeetingStatus.CANCELLED else None

    def background(self, record: MeetingSummary, column: int) -> QColor | None:
        return TODAY_BACKGROUND if record.day == self.today else None


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


class MeetingView(QWidget):
    """The selected meeting: header, actions, and the roll call / signing / minutes tabs."""

    TABS = (
        ("rollcall", N_("Roll call")),
        ("signing", N_("Sign-in")),
        ("minutes", N_("Minutes")),
    )

    def __init__(self, page: MeetingsPage) -> None:
        super().__init__(page)
        self.page = page
        self.store = page.store
        self.actor = page.actor
        self.details: MeetingDetails | None = None
        self.tab_widgets: dict[str, QWidget] = {}
        self._clearing = False

        self.title = widgets.heading("", 1.35, self)
        self.subtitle = widgets.muted("", self)
        self.status_banner = widgets.Banner("", self)
        self.status_banner.hide()
        self.facts = QFormLayout()
        self.facts.setHorizontalSpacing(14)
        self.facts.setVerticalSpacing(4)
        self.host_label = QLabel()
        self.host_label.setWordWrap(True)
        self.taker_label = QLabel()
        self.status_label = QLabel()
        self.facts.addRow(_("Host:"), self.host_label)
        self.facts.addRow(_("Minute-taker:"), self.taker_label)
        self.facts.addRow(_("Status:"), self.status_label)

        supervisor = self.actor.sees_whole_branch
        self.reschedule_button = self._button(_("Reschedule…"), page.reschedule_selected)
        self.cancel_button = self._button(_("Cancel meeting…"), page.cancel_selected)
        self.people_button = self._button(_("People and place…"), page.people_selected)
        self.delegate_button = self._button(_("Delegate host…"), page.delegate_selected)
        self.notices_button = self._button(
            _("Absence notices…") if supervisor else _("Give notice…"), page.notices_selected
        )
        self.sheet_button = QPushButton(_("Blank sign-in sheet"))
        sheet_menu = QMenu(self.sheet_button)
        self.print_sheet_action = sheet_menu.addAction(_("Print…"))
        self.print_sheet_action.triggered.connect(lambda: page.signin_sheet(save=False))
        self.save_sheet_action = sheet_menu.addAction(_("Save as PDF…"))
        self.save_sheet_action.triggered.connect(lambda: page.signin_sheet(save=True))
        self.sheet_button.setMenu(sheet_menu)
        self.console_button = self._button(_("Morning console"), page.open_console)
        self.console_button.setToolTip(
            _("Run the morning meeting full screen: clock, agenda timers, open action items")
        )

        buttons = QGridLayout()
        buttons.setHorizontalSpacing(6)
        buttons.setVerticalSpacing(6)
        if supervisor:
            first = (
                self.reschedule_button,
                self.cancel_button,
                self.people_button,
                self.delegate_button,
            )
            second = (self.notices_button, self.sheet_button, self.console_button)
            for column, button in enumerate(first):
                buttons.addWidget(button, 0, column)
            for column, button in enumerate(second):
                buttons.addWidget(button, 1, column)
        else:
            buttons.addWidget(self.notices_button, 0, 0)
            for button in (
                self.reschedule_button,
                self.cancel_button,
                self.people_button,
                self.delegate_button,
                self.sheet_button,
                self.console_button,
            ):
                button.hide()
        buttons.setColumnStretch(4, 1)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for _key, title in self.TABS:
            holder = QWidget()
            holder_layout = QVBoxLayout(holder)
            holder_layout.setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, _(title))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.manager_note = widgets.muted(
            _(
                "The roll call, signatures and minutes are kept by your supervisor. "
                "If you cannot attend, give notice by the end of the day before."
            ),
            self,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.status_banner)
        layout.addLayout(self.facts)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.manager_note)
        layout.addStretch(0)
        self.tabs.setVisible(supervisor)
        self.manager_note.setVisible(not supervisor)
        self.empty = widgets.muted(_("Choose a meeting on the left."), self)
        layout.addWidget(self.empty)
        self.show_details(None)

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- showing a meeting ----------------------------------------------------------------
    def show_details(self, details: MeetingDetails | None, refresh_tab: bool = False) -> None:
        """Show `details`; the tabs are rebuilt for another meeting, else refreshed if asked."""
        changed = (details.id if details else None) != (self.details.id if self.details else None)
        self.details = details
        chosen = details is not None
        for widget in (self.title, self.subtitle, self.host_label, self.taker_label):
            widget.setVisible(chosen)
        self.empty.setVisible(not chosen)
        self._set_facts_visible(chosen)
        if details is None:
            self.status_banner.hide()
            self._clear_tabs()
            self._update_buttons()
            self.tabs.setVisible(False)
            self.manager_note.hide()
            return
        supervisor = self.actor.sees_whole_branch
        self.tabs.setVisible(supervisor)
        self.manager_note.setVisible(not supervisor)
        s = details.summary
        self.title.setText(
            _("{title} ({kind})").format(title=s.title, kind=meetings.kind_label(s.kind))
            if s.title
            else s.label
        )
        parts = [day_text(s.day), time_range(s.start, s.end)]
        if s.place:
            parts.append(s.place)
        self.subtitle.setText("  ·  ".join(parts))
        host = s.host or _("Not named yet")
        if details.delegated_host:
            host = _("{delegate} (delegated by {host})").format(
                delegate=details.delegated_host, host=details.scheduled_host or _("the host")
            )
            if details.delegation_note:
                host += " — " + details.delegation_note
        self.host_label.setText(host)
        needs_taker = MeetingKind(s.kind) in meetings.NEEDS_MINUTE_TAKER
        self.taker_label.setText(
            details.minute_taker
            or (_("Not named yet (this meeting needs one)") if needs_taker else _("Not named"))
        )
        self.taker_label.setStyleSheet(
            f"color: {widgets.ERROR_COLOR};" if needs_taker and not details.minute_taker else ""
        )
        self.status_label.setText(status_text(s))
        if s.status == MeetingStatus.CANCELLED:
            self.status_banner.set_messages(
                [_("Cancelled: {reason}").format(reason=s.change_reason)]
            )
        elif s.change_reason:
            self.status_banner.set_messages([_("Moved: {reason}").format(reason=s.change_reason)])
        else:
            self.status_banner.set_messages([])
        self._update_buttons()
        if changed:
            self._clear_tabs()
        if supervisor:
            self._build_tab(self.tabs.currentIndex(), refresh=refresh_tab and not changed)

    def _set_facts_visible(self, on: bool) -> None:
        for row in range(self.facts.rowCount()):
            self.facts.setRowVisible(row, on)

    def _update_buttons(self) -> None:
        d = self.details
        supervisor = self.actor.sees_whole_branch
        editable = d is not None and d.editable and supervisor
        for button in (
            self.reschedule_button,
            self.cancel_button,
            self.people_button,
            self.delegate_button,
        ):
            button.setEnabled(editable)
        self.notices_button.setEnabled(d is not None)
        cancelled = d is None or d.summary.status == MeetingStatus.CANCELLED
        self.sheet_button.setEnabled(supervisor and not cancelled)
        self.console_button.setEnabled(
            supervisor and not cancelled and d is not None and d.summary.kind == MeetingKind.MORNING
        )

    # --- the tabs, built when first shown -----------------------------------------------------
    def _holder(self, index: int) -> QVBoxLayout:
        widget = self.tabs.widget(index)
        layout = widget.layout() if widget is not None else None
        assert isinstance(layout, QVBoxLayout)
        return layout

    def _clear_tabs(self) -> None:
        old, self.tab_widgets = self.tab_widgets, {}
        # Hiding lets the minutes editor save what was typed; the `changed` it sends then
        # is about a meeting no longer shown, so it must not rebuild the view meanwhile.
        self._clearing = True
        try:
            for widget in old.values():
                widget.hide()
                widget.setParent(None)  # type: ignore[call-overload]
                widget.deleteLater()
        finally:
            self._clearing = False

    def _tab_edited(self) -> None:
        if not self._clearing:
            self.page.refresh_selected()

    def _tab_changed(self, index: int) -> None:
        if self.details is not None and self.actor.sees_whole_branch:
            # The minutes may have been finalized, or the roll call changed, meanwhile.
            self._build_tab(index, refresh=True)
            self.page.refresh_selected()

    def _build_tab(self, index: int, refresh: bool) -> None:
        if self.details is None or index < 0:
            return
        key = self.TABS[index][0]
        existing = self.tab_widgets.get(key)
        if existing is not None:
            if refresh:
                reload = getattr(existing, "refresh", None)
                if callable(reload):
                    reload()
            return
        widget = self._make_tab(key, self.details.id)
        self._holder(index).addWidget(widget)
        widget.show()  # at once, rather than when Qt gets round to it
        self.tab_widgets[key] = widget
        changed = getattr(widget, "changed", None)
        if changed is not None and key != "rollcall":
            # e.g. finalized minutes: the header and the list show the new status.
            changed.connect(self._tab_edited)

    def _make_tab(self, key: str, meeting_id: int) -> QWidget:
        if key == "rollcall":
            from app.ui.rollcall_view import RollCallView

            return RollCallView(self.store, self.actor, meeting_id, self)
        if key == "signing":
            from app.ui.signing_panel import SigningPanel

            return SigningPanel(self.store, self.actor, meeting_id, self)
        from app.ui.minutes_editor import MinutesEditor

        return MinutesEditor(self.store, self.actor, meeting_id, self)

    def tab(self, key: str) -> QWidget | None:
        """The widget of a tab once it was built (for the page and the tests)."""
        return self.tab_widgets.get(key)

    def show_tab(self, key: str) -> QWidget:
        index = next(i for i, (k, _title) in enumerate(self.TABS) if k == key)
        self.tabs.setCurrentIndex(index)
        self._build_tab(index, refresh=False)
        return self.tab_widgets[key]


class MeetingsPage(QWidget):
    """The page the main window shows under 会议."""

    meetings_changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.editable = actor.sees_whole_branch
        self.current_dialog: QDialog | None = None
        self.console: QWidget | None = None
        with store.reading() as session:
            self.tz = branch_tz(session, actor)
        self.anchor = clock.branch_today(self.tz)
        self.mode = WEEK
        self._first_load = True

        self.model = MeetingTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.today_button = QToolButton()
        self.today_button.setText(_("Today"))
        self.today_button.clicked.connect(self.go_today)
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.clicked.connect(lambda: self.step(1))
        self.range_label = QLabel()
        self.range_label.setFont(widgets.scaled_font(self.range_label, 1.1, bold=True))
        self.week_button = QToolButton()
        self.week_button.setText(_("Week view"))
        self.month_button = QToolButton()
        self.month_button.setText(_("Month view"))
        self.mode_group = QButtonGroup(self)
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)
            self.mode_group.addButton(button)
        self.week_button.setChecked(True)
        self.week_button.toggled.connect(lambda on: self.set_mode(WEEK if on else MONTH))
        self.new_button = QPushButton(_("New ad-hoc meeting…"))
        self.new_button.clicked.connect(self.new_meeting)
        self.new_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_button.setVisible(self.editable)
        self.summary_label = widgets.muted("", self)
        self.summary_label.setWordWrap(False)

        nav = QHBoxLayout()
        nav.setSpacing(6)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.today_button)
        nav.addWidget(self.next_button)
        nav.addSpacing(8)
        nav.addWidget(self.range_label)
        nav.addSpacing(12)
        nav.addWidget(self.week_button)
        nav.addWidget(self.month_button)
        nav.addStretch(1)
        nav.addWidget(self.new_button)

        self.view = MeetingView(self)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.summary_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.view)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(widgets.heading(_("Meetings"), parent=self))
        layout.addLayout(nav)
        layout.addWidget(self.splitter, 1)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.reload()
        fit_columns(self.table)
        # The list as wide as its columns, the meeting view the rest.
        header = self.table.horizontalHeader()
        wanted = sum(header.sectionSize(c) for c in range(self.model.columnCount() - 1)) + 100
        self.splitter.setSizes([wanted, max(420, self.width() - wanted)])

    # --- the range ------------------------------------------------------------------------
    def date_range(self) -> tuple[date, date]:
        return week_of(self.anchor) if self.mode == WEEK else month_of(self.anchor)

    def set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.mode = mode
        self.reload()

    def step(self, direction: int) -> None:
        if self.mode == WEEK:
            self.anchor += timedelta(weeks=direction)
        else:
            first = self.anchor.replace(day=1)
            moved = first + timedelta(days=32) if direction > 0 else first - timedelta(days=1)
            self.anchor = moved.replace(day=1)
        self.reload()

    def go_today(self) -> None:
        self.anchor = clock.branch_today(self.tz)
        self.reload()

    def go_to(self, day: date) -> None:
        self.anchor = day
        self.reload()

    def _range_text(self, start: date, end: date) -> str:
        if self.mode == MONTH:
            return _("{year}/{month}").format(year=start.year, month=start.month)
        return _("{start} – {end}").format(start=start.isoformat(), end=end.isoformat())

    # --- reading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Called by the main window each time the page is shown again."""
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        start, end = self.date_range()
        current = self.selected()
        keep = select_id if select_id is not None else (current.id if current else None)
        try:
            # Listing generates the scheduled meetings of the range: a write.
            with self.store.transaction() as session:
                records = meetings.list_meetings(session, self.actor, start, end)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Meetings"))
            records = []
        today = clock.branch_today(self.tz)
        self.model.today = today
        self.model.set_records(records)
        # Only ad-hoc meetings have titles: no empty column for weeks without one.
        self.table.setColumnHidden(TITLE_COLUMN, not any(r.title for r in records))
        self.range_label.setText(self._range_text(start, end))
        held = [r for r in records if r.status != MeetingStatus.CANCELLED]
        self.summary_label.setText(
            _("{n} meetings, {cancelled} cancelled").format(
                n=len(held), cancelled=len(records) - len(held)
            )
            if records
            else _("No meetings in this period.")
        )
        if keep is None or not self.select_meeting(keep):
            default = self._default_row(records, today)
            if default is not None:
                self.select_row(default)
            else:
                self._show_selected()
        self._first_load = False

    def _default_row(self, records: list[MeetingSummary], today: date) -> int | None:
        """Today's next meeting that is held; otherwise the first one from today on."""
        if not records:
            return None
        now = clock.branch_now(self.tz).time()
        for index, r in enumerate(records):
            if r.day == today and r.status != MeetingStatus.CANCELLED and r.end >= now:
                return index
        for index, r in enumerate(records):
            if r.day >= today:
                return index
        return 0

    def selected(self) -> MeetingSummary | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return self.model.record(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._show_selected()

    def select_meeting(self, meeting_id: int) -> bool:
        row = self.model.find_row(lambda r: r.id == meeting_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _selection_changed(self, *_args: object) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        record = self.selected()
        if record is None:
            self.view.show_details(None)
            return
        shown = self.view.details
        if shown is not None and shown.id == record.id and shown.summary == record:
            return
        try:
            with self.store.reading() as session:
                details = load_details(session, self.actor, record.id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Meetings"))
            return
        self.view.show_details(details)

    def refresh_selected(self, refresh_tab: bool = False) -> None:
        """Re-read the selected meeting: after a dialog, or a change made in one of its tabs
        (that tab is not reloaded under the user's hands unless `refresh_tab`)."""
        record = self.selected()
        if record is None:
            return
        try:
            with self.store.reading() as session:
                details = load_details(session, self.actor, record.id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Meetings"))
            return
        row = self.model.find_row(lambda r: r.id == record.id)
        if row is not None and self.model.record(row) != details.summary:
            self.model.replace_record(row, details.summary)
        self.view.show_details(details, refresh_tab=refresh_tab)

    def selected_details(self) -> MeetingDetails | None:
        return self.view.details

    # --- actions -------------------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        widgets.open_dialog(self, dialog, on_accepted)

    def _changed(self, select_id: int | None = None) -> None:
        self.reload(select_id=select_id)
        self.refresh_selected(refresh_tab=True)
        self.meetings_changed.emit()

    def new_meeting(self) -> None:
        if not self.editable:
            return
        record = self.selected()
        today = clock.branch_today(self.tz)
        day = record.day if record is not None and record.day >= today else today
        dialog = AdhocMeetingDialog(self.store, self.actor, day, self)

        def created() -> None:
            if dialog.saved is not None:
                self.go_to(dialog.saved.day)
                self._changed(dialog.saved.id)

        self._open(dialog, created)

    def reschedule_selected(self) -> None:
        record = self.selected()
        if record is None or not self.editable:
            return
        dialog = RescheduleDialog(self.store, self.actor, record, self)

        def moved() -> None:
            if dialog.saved is not None:
                self.anchor = dialog.saved.day
                self._changed(dialog.saved.id)

        self._open(dialog, moved)

    def cancel_selected(self) -> None:
        record = self.selected()
        if record is None or not self.editable:
            return
        self._open(
            CancelMeetingDialog(self.store, self.actor, record, self),
            lambda: self._changed(record.id),
        )

    def people_selected(self) -> None:
        self._edit_selected(PeopleDialog)

    def delegate_selected(self) -> None:
        self._edit_selected(DelegateHostDialog)

    def _edit_selected(self, dialog_class: Callable[..., QDialog]) -> None:
        """Open a dialog on the selected meeting's details; show the change when saved."""
        details = self.selected_details()
        if details is None or not self.editable:
            return
        self._open(
            dialog_class(self.store, self.actor, details, self),
            lambda: self._changed(details.id),
        )

    def notices_selected(self) -> None:
        details = self.selected_details()
        if details is None:
            return
        dialog = NoticesDialog(self.store, self.actor, details, self)

        def closed(_result: int) -> None:
            if dialog.changed:
                roll = self.view.tab("rollcall")
                reload = getattr(roll, "refresh", None)
                if callable(reload):
                    reload()

        dialog.finished.connect(closed)
        self._open(dialog, lambda: None)

    def signin_sheet(self, save: bool) -> None:
        details = self.selected_details()
        if details is None or not self.editable:
            return
        try:
            with self.store.reading() as session:
                pdf = minutes.signin_sheet_pdf(session, self.actor, details.id, filled=False)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Sign-in sheet"))
            return
        from app.ui import printing
        from app.ui.signing_panel import document_name

        title = document_name(details.summary, _("Sign-in sheet"))
        if save:
            printing.save_pdf(self, pdf, title)
        else:
            printing.print_pdf(self, pdf, title)

    def open_console(self) -> None:
        details = self.selected_details()
        if details is None or not self.editable:
            return
        if self.console is not None and self.console.isVisible():
            self.console.raise_()
            self.console.activateWindow()
            return
        from app.ui.morning_console import MorningConsole

        try:
            console = MorningConsole(self.store, self.actor, details.id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Morning console"))
            return
        console.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        console.closed.connect(self._console_closed)
        self.console = console
        console.open_full_screen()

    def _console_closed(self) -> None:
        self.console = None
        # Items ticked off in the console show in the minutes; counts may have moved.
        for key in ("rollcall", "minutes"):
            reload = getattr(self.view.tab(key), "refresh", None)
            if callable(reload):
                reload()
