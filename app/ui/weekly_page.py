"""The Weekly summaries page (每周工作进度汇总表).

The supervisor gets the review queue with the live board, the consistency check, the
charts and the branch's customer book; an account manager gets their own week: the
summary editor, trips and visit logs, and their customers.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.db import Store
from app.i18n import _
from app.services.auth import Actor


class WeeklyPage(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not actor.sees_whole_branch:
            from app.ui.my_week import MyWeekView

            self.my_week = MyWeekView(store, actor, self)
            layout.addWidget(self.my_week)
            return
        from app.ui.customers_view import CustomersView
        from app.ui.weekly_charts_view import ChartsView
        from app.ui.weekly_check_view import CheckView
        from app.ui.weekly_review import ReviewQueueView

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.queue = ReviewQueueView(store, actor, self.tabs)
        self.check = CheckView(store, actor, self.tabs)
        self.charts = ChartsView(store, actor, self.tabs)
        self.customers = CustomersView(store, actor, self.tabs)
        self.tabs.addTab(self.queue, _("Review queue"))
        self.tabs.addTab(self.check, _("Consistency check"))
        self.tabs.addTab(self.charts, _("Charts"))
        self.tabs.addTab(self.customers, _("Customers"))
        layout.addWidget(self.tabs)
