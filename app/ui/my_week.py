"""What an account manager sees on the Weekly page: a week picker over three tabs —
this week's summary, trips and logs, and the book of customers.

The supervisor (who has no staff record) gets another page; only `CustomersView` is
shared with it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from app.db import Store
from app.i18n import _
from app.services import clock, setup, weekly
from app.services.auth import Actor
from app.ui import widgets
from app.ui.customers_view import CustomersView
from app.ui.summary_editor import SummaryEditor
from app.ui.visits_view import VisitsView
from app.ui.weekly_dialogs import WeekPicker


class MyWeekView(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if actor.staff_id is None:
            raise ValueError("MyWeekView is for an account manager (a user with a staff record)")
        self.store = store
        self.actor = actor
        self.staff_id = actor.staff_id
        with store.reading() as session:
            this_week = weekly.current_week(session, actor)
            tz = setup.current_branch(session, actor).timezone
        self.week_start = this_week

        self.picker = WeekPicker(this_week, lambda: clock.branch_today(tz), self)
        self.picker.weekChanged.connect(self.set_week)
        self.summary = SummaryEditor(store, actor, self.staff_id, this_week, self)
        self.visits = VisitsView(store, actor, self.staff_id, this_week, self, picker=False)
        self.customers = CustomersView(store, actor, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.summary_tab = self.tabs.addTab(self.summary, _("This week's summary"))
        self.visits_tab = self.tabs.addTab(self.visits, _("Trips and logs"))
        self.customers_tab = self.tabs.addTab(self.customers, _("Book of customers"))
        self.tabs.currentChanged.connect(self._tab_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        top = QHBoxLayout()
        top.addWidget(widgets.heading(_("My week"), parent=self))
        top.addSpacing(24)
        top.addWidget(self.picker)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def set_week(self, week_start: date) -> None:
        self.week_start = weekly.week_of(week_start)
        if self.picker.week() != self.week_start:
            self.picker.set_week(self.week_start)
            return  # the picker's signal comes back here
        self.summary.set_week(self.week_start)
        self.visits.set_week(self.week_start)

    def refresh(self) -> None:
        """Called by the main window each time the page is shown again."""
        current = self.tabs.currentWidget()
        if current is self.summary:
            self.summary.refresh()
        elif current is self.visits:
            self.visits.refresh()
        else:
            self.customers.refresh()

    def _tab_changed(self, _index: int) -> None:
        # Logs and customers written on one tab show on the others (prefill, checklist).
        self.refresh()
