"""Today: the branch, the date where the branch is, whether it is a working day, and warnings."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.db import Store
from app.i18n import N_, _, current_language
from app.services import calendar, meetings, setup
from app.services.auth import Actor
from app.services.clock import branch_today
from app.ui import widgets

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def long_date(day: date) -> str:
    """e.g. 2026年11月27日 星期五 / Friday, 27 November 2026."""
    # A Qt date pattern, translated like any other text; names come from the locale.
    pattern = _("dddd, d MMMM yyyy")
    return QLocale(current_language()).toString(QDate(day.year, day.month, day.day), pattern)


class TodayPage(QWidget):
    # The calendar warning's button: the main window shows Settings → Calendar at that year.
    openCalendarSettings = Signal(int)
    # A meeting's button: the main window opens it on the Meetings page / in the console.
    openMeeting = Signal(int)
    openConsole = Signal(int)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(16)

        self.branch_name = widgets.heading("", 1.6, self)
        layout.addWidget(self.branch_name)
        self.address = widgets.muted("", self)
        layout.addWidget(self.address)

        self.banner = widgets.Banner(_("Open calendar settings"), self)
        self.banner.button.clicked.connect(self._open_calendar)
        self.banner.hide()
        layout.addWidget(self.banner)

        card = widgets.Card(self)
        card.body.addWidget(widgets.muted(_("Today"), card))
        self.date_label = widgets.heading("", 1.35, card)
        card.body.addWidget(self.date_label)
        self.working_label = QLabel(card)
        self.working_label.setFont(widgets.scaled_font(self.working_label, 1.15, bold=True))
        card.body.addWidget(self.working_label)
        self.reason_label = widgets.muted("", card)
        card.body.addWidget(self.reason_label)
        layout.addWidget(card)

        self.meetings_card = widgets.Card(self)
        self.meetings_card.body.addWidget(widgets.muted(_("Today's meetings"), self.meetings_card))
        self.meeting_rows = QVBoxLayout()
        self.meetings_card.body.addLayout(self.meeting_rows)
        layout.addWidget(self.meetings_card)

        self.greeting = widgets.muted("", self)
        layout.addWidget(self.greeting)
        layout.addStretch(1)
        self.refresh()

    def _open_calendar(self) -> None:
        year = self.warnings[0].year if self.warnings else self.today.year
        self.openCalendarSettings.emit(year)

    def refresh(self) -> None:
        with self.store.reading() as session:
            branch = setup.current_branch(session, self.actor)
            today = branch_today(branch.timezone)
            info = calendar.day_info(session, branch.id, today)
            warnings = calendar.check(session, branch.id, today)
            name, address, tz = branch.name, branch.address, branch.timezone
        self.today = today
        self.warnings = warnings
        self.branch_name.setText(name)
        self.address.setText(
            _("{address} · time zone {tz}").format(address=address, tz=tz)
            if address
            else _("Time zone {tz}").format(tz=tz)
        )
        self.date_label.setText(long_date(today))
        if info.working:
            self.working_label.setText(_("Today is a working day."))
            self.working_label.setStyleSheet("color: #1a7f37;")
        else:
            self.working_label.setText(_("Today is a day off."))
            self.working_label.setStyleSheet(f"color: {widgets.MUTED_COLOR};")
        # "Working day" under "Today is a working day" says nothing; holidays and the like do.
        plain = info.reason is calendar.Reason.WEEKDAY and info.known
        self.reason_label.setText("" if plain else info.describe())
        self.reason_label.setVisible(not plain)
        self.banner.set_messages([w.message() for w in warnings])
        self.banner.button.setVisible(bool(warnings))
        self.greeting.setText(
            _("Signed in as {name}. Attendance and weekly summaries will appear here.").format(
                name=self.actor.display_name
            )
        )
        self._show_meetings(today)

    def _show_meetings(self, today: date) -> None:
        """Today's meetings (the calendar made them), each one click from its roll call."""
        while self.meeting_rows.count():
            item = self.meeting_rows.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        with self.store.transaction() as session:  # listing generates today's meetings
            found = meetings.list_meetings(session, self.actor, today, today)
        if not found:
            self.meeting_rows.addWidget(QLabel(_("No meetings today."), self.meetings_card))
        for m in found:
            row = QWidget(self.meetings_card)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            text = "{start}–{end}  {label}  · {status}".format(
                start=m.start.strftime("%H:%M"),
                end=m.end.strftime("%H:%M"),
                label=m.label,
                status=meetings.status_label(m.status),
            )
            line.addWidget(QLabel(text, row), 1)
            if self.actor.sees_whole_branch and m.status != meetings.MeetingStatus.CANCELLED:
                if m.kind == meetings.MeetingKind.MORNING:
                    console = QPushButton(_("Morning console"), row)
                    console.clicked.connect(lambda _c=False, i=m.id: self.openConsole.emit(i))
                    line.addWidget(console)
                open_button = QPushButton(_("Roll call and minutes"), row)
                open_button.clicked.connect(lambda _c=False, i=m.id: self.openMeeting.emit(i))
                line.addWidget(open_button)
            self.meeting_rows.addWidget(row)
