"""The weekly summaries' charts: on-time submission per manager over the last 12 weeks,
and visits logged per week.

The figures are the roll-up PDF's own (app.reports.weekly_charts), drawn by matplotlib
off the GUI thread (importing it alone costs half a second) and shown as pixmaps that
scale with the window, aspect kept.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import _
from app.services import clock
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.ui import widgets
from app.ui.operations import BackgroundOp, Report
from app.ui.weekly_dialogs import WeekPicker
from app.ui.weekly_review import branch_zone

HISTORY_WEEKS = 12
CHART_DPI = 144


class ChartLabel(QWidget):
    """A picture that fills its space, aspect kept and never blown up past its pixels'
    size by much; says `text` instead while there is no picture."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._text = text
        self.setMinimumSize(240, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_text(self, text: str) -> None:
        self._pixmap = QPixmap()
        self._text = text
        self.update()

    def text(self) -> str:
        return self._text if self._pixmap.isNull() else ""

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self.updateGeometry()
        self.update()

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def sizeHint(self) -> QSize:
        if self._pixmap.isNull():
            return QSize(480, 240)
        return self._pixmap.size() / max(1.0, self._pixmap.devicePixelRatio())

    def hasHeightForWidth(self) -> bool:
        return not self._pixmap.isNull()

    def heightForWidth(self, width: int) -> int:
        if self._pixmap.isNull() or self._pixmap.width() == 0:
            return super().heightForWidth(width)
        return round(width * self._pixmap.height() / self._pixmap.width())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._pixmap.isNull():
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._text)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        size = self._pixmap.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left = (self.width() - size.width()) // 2
        top = (self.height() - size.height()) // 2
        painter.drawPixmap(left, top, size.width(), size.height(), self._pixmap)


class ChartsView(QWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.tz = branch_zone(store, actor)
        self.drawn_week: date | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        top = QHBoxLayout()
        self.picker = WeekPicker(self._today(), self._today, self)
        self.picker.weekChanged.connect(lambda _w: self.refresh())
        top.addWidget(self.picker)
        top.addSpacing(16)
        note = widgets.muted(_("The last {n} weeks up to the chosen one.").format(n=HISTORY_WEEKS))
        note.setWordWrap(False)
        top.addWidget(note)
        top.addStretch(1)
        self.refresh_button = QPushButton(_("Redraw"), self)
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.setToolTip(_("Draw the charts again from the latest data (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        # Stacked: each chart gets the whole width, which both are drawn for.
        split = QSplitter(Qt.Orientation.Vertical, self)
        self.on_time_chart = ChartLabel(_("Drawing the chart…"), split)
        self.visits_chart = ChartLabel(_("Drawing the chart…"), split)
        for chart in (self.on_time_chart, self.visits_chart):
            card = widgets.Card(split)
            card.body.addWidget(chart, 1)
            split.addWidget(card)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        if not actor.sees_whole_branch:
            self._fail(_("The charts are for the supervisor."))
            return
        self.refresh()

    def _today(self) -> date:
        return clock.branch_today(self.tz)

    def week(self) -> date:
        return self.picker.week()

    def set_week(self, week_start: date) -> None:
        self.picker.set_week(week_start)

    def _fail(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        for chart in (self.on_time_chart, self.visits_chart):
            chart.set_text("")

    def refresh(self) -> None:
        if not self.actor.sees_whole_branch:
            return
        from app.services import weekly_reports

        week = self.week()
        try:
            with self.store.reading() as session:
                history = weekly_reports.chart_history(session, self.actor, week, HISTORY_WEEKS)
        except ServiceError as exc:
            self._fail(str(exc))
            return
        self.message.hide()
        for chart in (self.on_time_chart, self.visits_chart):
            chart.set_text(_("Drawing the chart…"))

        def draw(_report: Report) -> tuple[bytes, bytes]:
            from app.reports import weekly_charts

            return (
                weekly_charts.on_time_png(history.records, history.names, dpi=CHART_DPI),
                weekly_charts.visits_png(history.records, history.names, dpi=CHART_DPI),
            )

        def show(pngs: tuple[bytes, bytes]) -> None:
            if self.week() != week:
                return  # the user moved on while it was drawing
            for chart, png in zip((self.on_time_chart, self.visits_chart), pngs, strict=True):
                pixmap = QPixmap()
                pixmap.loadFromData(png, "PNG")
                chart.set_pixmap(pixmap)
            self.drawn_week = week

        BackgroundOp(self, draw).success(show).failure(lambda exc: self._fail(str(exc))).run()
