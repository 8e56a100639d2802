"""Today: the branch, the date where the branch is, whether it is a working day, and warnings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.db import Store
from app.i18n import N_, _, current_language
from app.services import calendar, meetings, setup, weekly
from app.services.auth import Actor
from app.services.clock import branch_today, now_utc
from app.services.errors import ServiceError
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


def deadline_text(due: datetime) -> str:
    """周五17:30: the weekday and time of a deadline, in the branch's zone."""
    return _("{weekday} {time}").format(
        weekday=_(weekly.WEEKDAY_SHORT[due.weekday()]), time=due.strftime("%H:%M")
    )


def time_left_text(due: datetime, now: datetime) -> str:
    """How long until `due`, to the minute: "2 d 5 h left", "3 h 10 min left", or past."""
    left = due - now
    if left <= timedelta(0):
        return _("the deadline has passed")
    minutes = int(left.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("{days} d {hours} h left").format(days=days, hours=hours)
    return _("{hours} h {minutes} min left").format(hours=hours, minutes=minutes)


class ClickableCard(widgets.Card):
    """A card that is one big button: a click anywhere on it says `clicked`."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)


class TodayPage(QWidget):
    # The calendar warning's button: the main window shows Settings → Calendar at that year.
    openCalendarSettings = Signal(int)
    # A meeting's button: the main window opens it on the Meetings page / in the console.
    openMeeting = Signal(int)
    openConsole = Signal(int)
    # The weekly card: the main window shows the Weekly page.
    openWeekly = Signal()

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

        self.weekly_card = ClickableCard(self)
        self.weekly_card.clicked.connect(self.openWeekly)
        self.weekly_card.body.addWidget(widgets.muted(_("Weekly summaries"), self.weekly_card))
        self.weekly_lines = [QLabel(self.weekly_card) for _line in range(3)]
        self.weekly_lines[0].setFont(widgets.scaled_font(self.weekly_lines[0], 1.15, bold=True))
        for label in self.weekly_lines:
            label.setWordWrap(True)
            self.weekly_card.body.addWidget(label)
        self.weekly_button = QPushButton(_("Open weekly summaries"), self.weekly_card)
        self.weekly_button.clicked.connect(self.openWeekly)
        weekly_row = QHBoxLayout()
        weekly_row.addWidget(self.weekly_button)
        weekly_row.addStretch(1)
        self.weekly_card.body.addLayout(weekly_row)
        layout.addWidget(self.weekly_card)

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
        self.greeting.setText(_("Signed in as {name}.").format(name=self.actor.display_name))
        self._show_meetings(today)
        self._show_weekly()

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

    def _show_weekly(self) -> None:
        """This week's summaries: the branch's count for the supervisor, one's own state
        for a manager; the deadline and the time left either way."""
        lines: list[str] = []
        try:
            with self.store.reading() as session:
                week = weekly.current_week(session, self.actor)
                if self.actor.sees_whole_branch:
                    status = weekly.week_status(session, self.actor, week)
                    lines = self._branch_lines(status)
                elif self.actor.staff_id is not None:
                    view = weekly.get_summary(session, self.actor, self.actor.staff_id, week)
                    lines = self._own_lines(view)
        except ServiceError as exc:
            lines = [str(exc)]
        self.weekly_card.setVisible(bool(lines))
        for label, text in zip(self.weekly_lines, [*lines, "", "", ""], strict=False):
            label.setText(text)
            label.setVisible(bool(text))

    def _due_line(self, due: datetime) -> str:
        return _("Due {when} · {left}").format(
            when=deadline_text(due), left=time_left_text(due, now_utc())
        )

    def _branch_lines(self, status: weekly.WeekStatus) -> list[str]:
        total = len(status.lines)
        out = sum(1 for line in status.lines if line.state in weekly.NOT_HANDED_IN)
        missing = status.count(weekly.BoardState.MISSING)
        counts = _("{week}: {handed} of {total} handed in, {missing} missing").format(
            week=status.week, handed=total - out, total=total, missing=missing
        )
        if status.rollup_produced_at is not None:
            at = status.rollup_produced_at.astimezone(status.deadline.tzinfo)
            rollup = _("Roll-up for the market department produced {when}.").format(
                when=deadline_text(at)
            )
        else:
            rollup = _("Roll-up for the market department not produced yet.")
        return [counts, self._due_line(status.deadline), rollup]

    def _own_lines(self, view: weekly.SummaryView) -> list[str]:
        state = _("{week}: my summary is {state}").format(
            week=view.week, state=weekly.board_label(view.board_state)
        )
        return [state, self._due_line(view.deadline)]
