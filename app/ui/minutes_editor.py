"""Writing the minutes (会议纪要): agenda sections, decisions, action items, open items
from earlier meetings; finalize, amend, revisions, print.

The draft saves itself 1.5 s after the last edit, when the tab is hidden or closed,
and on Ctrl+S. Action items and ticked-off open items are stored at once (they are
records of their own, not part of the draft text). Finalized minutes are read-only:
every change goes through "Amend", which the services enforce anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import clock, meetings, minutes, rollcall, setup
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.meetings import MeetingStatus, MeetingSummary
from app.services.minutes import ActionItemInfo, DraftSection, ItemStatus, MinutesDraft
from app.ui import printing, widgets
from app.ui.signing_panel import document_name
from app.ui.staff_dialogs import FormDialog, to_qdate
from app.ui.table_models import ERROR_TEXT, MUTED, Column, RecordTableModel, fit_columns

AUTOSAVE_MS = 1500


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class ActionItemModel(RecordTableModel[ActionItemInfo]):
    """Action items with their status on `today` (overdue ones in red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.today = clock.branch_today()
        columns: list[Column[ActionItemInfo]] = [
            Column(N_("Action item"), lambda i: i.text, tooltip=lambda i: i.text),
            Column(N_("Owner"), lambda i: i.owner),
            Column(N_("Due"), lambda i: _day(i.due)),
            Column(N_("Status"), lambda i: i.status_text(self.today)),
        ]
        super().__init__(columns, parent)

    def foreground(self, record: ActionItemInfo, column: int) -> QColor | None:
        status = record.status(self.today)
        if status is ItemStatus.OVERDUE and column in (2, 3):
            return ERROR_TEXT
        if status is ItemStatus.DONE:
            return MUTED
        return None


class SectionEdit(QPlainTextEdit):
    """A plain-text box that grows with its text (the page scrolls, not each box)."""

    MIN_LINES, MAX_LINES = 4, 30

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _s: self._fit())
        self._fit()

    def _fit(self) -> None:
        lines = self.document().documentLayout().documentSize().height()
        lines = max(self.MIN_LINES, min(self.MAX_LINES, lines))
        margins = self.contentsMargins()
        height = (
            lines * self.fontMetrics().lineSpacing()
            + 2 * self.document().documentMargin()
            + margins.top()
            + margins.bottom()
            + 4
        )
        self.setFixedHeight(round(height))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._fit()


class OptionalDateEdit(QWidget):
    """A date that may be left out: the tick box switches it on."""

    def __init__(self, label: str, value: date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = QCheckBox(label, self)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumWidth(140)
        self.edit.setDate(to_qdate(value or clock.branch_today()))
        self.known.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.known.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.known)
        row.addWidget(self.edit)
        row.addStretch(1)

    def date(self) -> date | None:
        if not self.known.isChecked():
            return None
        value = self.edit.date().toPython()
        assert isinstance(value, date)
        return value


class ActionItemDialog(FormDialog):
    """A new action item: what, who (optional), by when (optional)."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        meeting_id: int,
        people: list[tuple[int, str]],
        default_due: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.meeting_id = meeting_id
        self.saved: ActionItemInfo | None = None
        self.setWindowTitle(_("Add action item"))
        self.text = QLineEdit()
        self.text.setMaxLength(300)
        self.text.setPlaceholderText(_("e.g. Call back the key customers"))
        self.owner = QComboBox()
        self.owner.addItem(_("(nobody yet)"), None)
        for staff_id, name in people:
            self.owner.addItem(name, staff_id)
        self.due = OptionalDateEdit(_("Due by"), default_due)
        self.add_field("text", _("Action item"), self.text)
        self.add_field("owner", _("Owner"), self.owner)
        self.add_field("due", _("Due"), self.due, focus=self.due.known, frame=self.due.edit)
        self.ok_button.setText(_("Add"))

    def select_owner(self, staff_id: int) -> None:
        self.owner.setCurrentIndex(max(0, self.owner.findData(staff_id)))

    def save(self) -> None:
        with self.store.transaction() as session:
            self.saved = minutes.add_action_item(
                session,
                self.actor,
                self.meeting_id,
                self.text.text(),
                self.owner.currentData(),
                self.due.date(),
            )


class AmendDialog(FormDialog):
    """Reopen finalized minutes: the reason is printed on the next revision."""

    def __init__(
        self, store: Store, actor: Actor, meeting_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.meeting_id = meeting_id
        self.setWindowTitle(_("Amend the minutes"))
        self.set_intro(
            _(
                "The minutes open again for a new revision; the current one stays readable. "
                "The reason is printed on the new revision."
            )
        )
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(_("e.g. A decision was left out"))
        self.add_field("reason", _("Reason"), self.reason)
        self.ok_button.setText(_("Amend"))

    def save(self) -> None:
        with self.store.transaction() as session:
            minutes.amend(session, self.actor, self.meeting_id, self.reason.text())


class RevisionsDialog(QDialog):
    """Every finalized revision, each one printable or savable as it was finalized."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        summary: MeetingSummary,
        tz: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.summary = summary
        self.setWindowTitle(_("Revisions of the minutes"))
        columns: list[Column[minutes.RevisionInfo]] = [
            Column(N_("Revision"), lambda r: str(r.revision), sort_key=lambda r: r.revision),
            Column(
                N_("Finalized at"),
                lambda r: clock.to_branch_time(r.finalized_at, tz).strftime("%Y-%m-%d %H:%M"),
            ),
            Column(N_("Reason for amendment"), lambda r: r.reason or "—"),
            Column(
                N_("Fingerprint"),
                lambda r: r.fingerprint[:16] + "…",
                tooltip=lambda r: r.fingerprint,
            ),
        ]
        self.model: RecordTableModel[minutes.RevisionInfo] = RecordTableModel(columns, self)
        with store.reading() as session:
            self.model.set_records(minutes.revisions(session, actor, summary.id))
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.table.doubleClicked.connect(lambda _i: self.print_selected())
        fit_columns(self.table)
        self.print_button = QPushButton(_("Print…"), self)
        self.print_button.clicked.connect(self.print_selected)
        self.save_button = QPushButton(_("Save as PDF…"), self)
        self.save_button.clicked.connect(self.save_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.resize(760, 320)
        if self.model.rowCount():
            self.select(self.model.rowCount() - 1)

    def select(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def selected(self) -> minutes.RevisionInfo | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def pdf(self, revision: int) -> bytes | None:
        try:
            with self.store.reading() as session:
                return minutes.minutes_pdf(session, self.actor, self.summary.id, revision=revision)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return None

    def name(self, revision: int) -> str:
        return minutes_file_name(self.summary, revision)

    def print_selected(self) -> bool:
        info = self.selected()
        pdf = self.pdf(info.revision) if info else None
        return (
            pdf is not None
            and info is not None
            and printing.print_pdf(self, pdf, self.name(info.revision))
        )

    def save_selected(self) -> object:
        info = self.selected()
        pdf = self.pdf(info.revision) if info else None
        if pdf is None or info is None:
            return None
        return printing.save_pdf(self, pdf, self.name(info.revision))


BANNER_STYLES = {
    # status: (icon, background, border, text)
    MeetingStatus.FINALIZED: ("✓", "#e6f4ea", "#8cc79b", "#1e5631"),
    MeetingStatus.CANCELLED: ("✗", "#eef0f3", "#b8bec8", "#374151"),
    MeetingStatus.AMENDING: ("⚠", "#fff4c2", "#e0b400", "#5c4400"),
}


def style_banner(banner: widgets.Banner, status: str) -> None:
    """Finalized is good news (green), amending a warning (yellow), cancelled grey."""
    icon, background, border, text = BANNER_STYLES.get(
        MeetingStatus(status), BANNER_STYLES[MeetingStatus.AMENDING]
    )
    banner.icon.setText(icon)
    banner.setStyleSheet(
        f"QFrame#banner {{ background: {background}; border: 1px solid {border};"
        f" border-radius: 6px; }} QFrame#banner QLabel {{ color: {text}; }}"
    )


def minutes_file_name(summary: MeetingSummary, revision: int | None) -> str:
    name = document_name(summary, _("Minutes"))
    if revision is None:
        return name + " " + _("(draft)")
    return name + " " + _("revision {rev}").format(rev=revision)


class MinutesEditor(QWidget):
    """The 会议纪要 tab of a meeting."""

    changed = Signal()

    def __init__(
        self, store: Store, actor: Actor, meeting_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.meeting_id = meeting_id
        self.read_only = False
        self.dirty = False
        self._loading = False
        self.status = MeetingStatus.SCHEDULED.value
        self.revision = 0
        self.summary: MeetingSummary | None = None
        self.draft = MinutesDraft()
        self.tz = clock.DEFAULT_TZ
        self.people: list[tuple[int, str]] = []
        self.current_dialog: QDialog | None = None
        self.section_titles: list[str] = []
        self.section_edits: list[SectionEdit] = []

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_now)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save_now)

        # --- top: what this is, its state, the actions -----------------------------------
        self.banner = widgets.Banner(parent=self)
        self.banner.hide()
        self.title = widgets.heading(_("Minutes"), 1.35, self)
        self.info = widgets.muted("", self)
        self.finalize_button = QPushButton(_("Finalize…"), self)
        self.finalize_button.setToolTip(_("Check, lock and fingerprint the minutes"))
        self.finalize_button.clicked.connect(self.finalize)
        self.amend_button = QPushButton(_("Amend…"), self)
        self.amend_button.setToolTip(_("Reopen finalized minutes for a new revision"))
        self.amend_button.clicked.connect(self.amend)
        self.revisions_button = QPushButton(_("Revisions…"), self)
        self.revisions_button.clicked.connect(self.show_revisions)
        self.print_button = QPushButton(_("Print…"), self)
        self.print_button.clicked.connect(self.print_minutes)
        self.save_pdf_button = QPushButton(_("Save as PDF…"), self)
        self.save_pdf_button.clicked.connect(self.save_minutes_pdf)
        self.save_status = QLabel(self)
        self.save_status.setStyleSheet(f"color: {widgets.MUTED_COLOR};")
        self.save_status.setTextFormat(Qt.TextFormat.PlainText)

        actions = QHBoxLayout()
        for button in (self.finalize_button, self.amend_button, self.revisions_button):
            actions.addWidget(button)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        actions.addWidget(line)
        actions.addWidget(self.print_button)
        actions.addWidget(self.save_pdf_button)
        actions.addStretch(1)
        actions.addWidget(self.save_status)

        # --- the body, scrolling ------------------------------------------------------------
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 0, 12, 0)
        self.body_layout.setSpacing(6)
        self.body_layout.addWidget(widgets.heading(_("Discussion"), 1.15, body))
        self.bullet_hint = widgets.muted(
            _(
                "One agenda item per box. Lines starting with “- ” are printed as bullet "
                "points; other lines as paragraphs."
            ),
            body,
        )
        self.body_layout.addWidget(self.bullet_hint)
        self.sections_box = QVBoxLayout()
        self.sections_box.setSpacing(4)
        self.body_layout.addLayout(self.sections_box)

        self.body_layout.addSpacing(14)
        self.body_layout.addWidget(widgets.heading(_("Decisions"), 1.15, body))
        self.decisions = QListWidget(body)
        self.decisions.setAccessibleName(_("Decisions"))
        self.decisions.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.decisions.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.decisions.itemChanged.connect(lambda _item: self._edited())
        self.decisions.model().rowsMoved.connect(lambda *_a: self._edited())
        self.add_decision_button = QPushButton(_("Add decision"), body)
        self.add_decision_button.clicked.connect(lambda: self.add_decision())
        self.remove_decision_button = QPushButton(_("Remove decision"), body)
        self.remove_decision_button.clicked.connect(self.remove_decision)
        self.body_layout.addWidget(self.decisions)
        self.body_layout.addLayout(
            self._buttons(self.add_decision_button, self.remove_decision_button)
        )

        self.body_layout.addSpacing(14)
        self.body_layout.addWidget(widgets.heading(_("Action items"), 1.15, body))
        self.items_model = ActionItemModel(self)
        self.items_table = QTableView(body)
        self.items_table.setModel(self.items_model)
        self.items_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items_table.verticalHeader().hide()
        self.items_table.setWordWrap(False)
        header = self.items_table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.items_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.add_item_button = QPushButton(_("Add action item…"), body)
        self.add_item_button.clicked.connect(self.add_action_item)
        self.remove_item_button = QPushButton(_("Remove action item"), body)
        self.remove_item_button.clicked.connect(self.remove_action_item)
        self.items_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_enabled()
        )
        self.body_layout.addWidget(self.items_table)
        self.body_layout.addLayout(self._buttons(self.add_item_button, self.remove_item_button))

        self.body_layout.addSpacing(14)
        self.body_layout.addWidget(
            widgets.heading(_("Open items from earlier meetings"), 1.15, body)
        )
        self.carried_hint = widgets.muted(
            _("Tick an item when it is done: the minutes record that it was closed here."), body
        )
        self.body_layout.addWidget(self.carried_hint)
        self.carried = QListWidget(body)
        self.carried.setAccessibleName(_("Open items from earlier meetings"))
        self.carried.itemChanged.connect(self._carried_changed)
        self.body_layout.addWidget(self.carried)

        self.body_layout.addSpacing(14)
        self.body_layout.addWidget(widgets.heading(_("Attachments"), 1.15, body))
        self.attachment_list = QListWidget(body)
        self.attachment_list.setAccessibleName(_("Attachments"))
        self.attachment_list.currentRowChanged.connect(lambda _row: self._update_enabled())
        self.body_layout.addWidget(self.attachment_list)
        self.attach_button = QPushButton(_("Attach a file…"), body)
        self.attach_button.clicked.connect(self.choose_attachment)
        self.save_attachment_button = QPushButton(_("Save a copy…"), body)
        self.save_attachment_button.clicked.connect(self.save_attachment)
        self.remove_attachment_button = QPushButton(_("Remove attachment"), body)
        self.remove_attachment_button.clicked.connect(self.remove_attachment)
        self.body_layout.addLayout(
            self._buttons(
                self.attach_button, self.save_attachment_button, self.remove_attachment_button
            )
        )
        self.body_layout.addStretch(1)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addWidget(self.info, 1)
        layout.addLayout(title_row)
        layout.addLayout(actions)
        layout.addWidget(self.scroll_area, 1)
        self.refresh()

    @staticmethod
    def _buttons(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        return row

    # --- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the meeting again; unsaved edits are saved first, never thrown away."""
        if self.dirty:
            self.save_now()
        with self.store.reading() as session:
            meeting = meetings.get(session, self.actor, self.meeting_id)
            self.summary = meetings.summary(session, self.actor, self.meeting_id)
            self.tz = setup.current_branch(session, self.actor).timezone
            self.status, self.revision = meeting.status, meeting.revision
            saved_at = meeting.draft_saved_at
            taker = None
            self.people = [
                (s.id, s.name)
                for s in rollcall.staff_on(session, self.actor.branch_id, meeting.day)
            ]
            if meeting.minute_taker_staff_id is not None:
                taker = dict(self.people).get(meeting.minute_taker_staff_id)
            self.draft = minutes.load_draft(session, self.actor, self.meeting_id)
            items = minutes.action_items(session, self.actor, self.meeting_id)
            carried = minutes.carried_over(session, self.actor, self.meeting_id)
            self.files = minutes.attachments(session, self.actor, self.meeting_id, "attachment")
        summary = self.summary
        self.read_only = self.status in (MeetingStatus.FINALIZED, MeetingStatus.CANCELLED)
        parts = [
            f"{summary.day.isoformat()} {summary.start:%H:%M}–{summary.end:%H:%M}",
            summary.label,
        ]
        if summary.place:
            parts.append(summary.place)
        if summary.host:
            parts.append(_("Host: {name}").format(name=summary.host))
        if taker:
            parts.append(_("Minute-taker: {name}").format(name=taker))
        self.info.setText(" · ".join(parts))
        self._loading = True
        try:
            self._show_sections(self.draft.sections)
            self._show_decisions(self.draft.decisions)
            self.items_model.today = clock.branch_today(self.tz)
            self.items_model.set_records(items)
            self._show_carried(carried)
            self._show_files()
        finally:
            self._loading = False
        self._show_state()
        if saved_at is not None and not self.read_only:
            when = clock.to_branch_time(saved_at, self.tz)
            text = (
                when.strftime("%H:%M:%S")
                if when.date() == clock.branch_today(self.tz)
                else when.strftime("%Y-%m-%d %H:%M")
            )
            self._set_status(_("Draft saved {time}").format(time=text))
        elif self.read_only:
            self._set_status("")
        self._update_enabled()

    def _show_sections(self, sections: list[DraftSection]) -> None:
        titles = [s.title for s in sections]
        if titles != self.section_titles:
            while self.sections_box.count():
                item = self.sections_box.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
            self.section_edits = []
            for number, title in enumerate(titles, 1):
                label = QLabel(f"{number}. {title}")
                font = QFont(label.font())
                font.setBold(True)
                label.setFont(font)
                edit = SectionEdit()
                edit.setAccessibleName(title)
                edit.setPlaceholderText(_("Notes on “{title}”…").format(title=title))
                edit.textChanged.connect(self._edited)
                label.setBuddy(edit)
                if number > 1:
                    spacer = QWidget()
                    spacer.setFixedHeight(6)
                    self.sections_box.addWidget(spacer)
                self.sections_box.addWidget(label)
                self.sections_box.addWidget(edit)
                self.section_edits.append(edit)
            self.section_titles = titles
        for edit, section in zip(self.section_edits, sections, strict=True):
            if edit.toPlainText() != section.text:
                edit.setPlainText(section.text)

    def _show_decisions(self, decisions: list[str]) -> None:
        if self.decision_texts() == decisions:
            return
        self.decisions.clear()
        for text in decisions:
            self._decision_item(text)

    def _decision_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
        )
        self.decisions.addItem(item)
        return item

    def _fit_lists(self) -> None:
        """Lists as tall as their items plus a free line (3 to 10 lines): the page
        scrolls, not each list inside it."""
        line = self.fontMetrics().height() + 6
        for view, count in (
            (self.decisions, self.decisions.count()),
            (self.carried, self.carried.count()),
        ):
            row = max(view.sizeHintForRow(0) if count else -1, line)
            lines = max(3, min(10, count + 1))
            view.setFixedHeight(lines * row + 2 * view.frameWidth() + 4)
        table = self.items_table
        row = table.verticalHeader().defaultSectionSize()
        lines = max(3, min(10, self.items_model.rowCount() + 1))
        table.setFixedHeight(
            lines * row + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        )

    def decision_texts(self) -> list[str]:
        return [self.decisions.item(i).text() for i in range(self.decisions.count())]

    def _show_carried(self, items: list[ActionItemInfo]) -> None:
        self.carried.clear()
        today = clock.branch_today(self.tz)
        for info in items:
            details = [info.text]
            if info.owner:
                details.append(info.owner)
            if info.due:
                details.append(_("due {date}").format(date=info.due.isoformat()))
            details.append(_("from {date}").format(date=info.meeting_day.isoformat()))
            item = QListWidgetItem(" · ".join(details))
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if info.done else Qt.CheckState.Unchecked)
            if info.status(today) is ItemStatus.OVERDUE:
                item.setForeground(ERROR_TEXT)
                item.setToolTip(_("Overdue"))
            self.carried.addItem(item)
        if not items:
            none = QListWidgetItem(_("None: every earlier action item is done."))
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            self.carried.addItem(none)

    def _show_state(self) -> None:
        if self.status == MeetingStatus.FINALIZED:
            message = _("Finalized (revision {rev}) — to change anything, click “Amend”.").format(
                rev=self.revision
            )
        elif self.status == MeetingStatus.CANCELLED:
            message = _("This meeting was cancelled.")
        elif self.status == MeetingStatus.AMENDING:
            message = _(
                "Being amended for revision {rev} (reason: {reason}). Finalize again to lock it."
            ).format(rev=self.revision + 1, reason=self.draft.amendment_reason)
        else:
            message = ""
        self.banner.set_messages([message] if message else [])
        style_banner(self.banner, self.status)
        for edit, title in zip(self.section_edits, self.section_titles, strict=True):
            edit.setReadOnly(self.read_only)
            # Read-only boxes look like paper, not like inputs waiting for text.
            edit.setStyleSheet("QPlainTextEdit { background: #f6f7f9; }" if self.read_only else "")
            edit.setPlaceholderText(
                "" if self.read_only else _("Notes on “{title}”…").format(title=title)
            )
        self.decisions.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if self.read_only
            else QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.decisions.setDragDropMode(
            QAbstractItemView.DragDropMode.NoDragDrop
            if self.read_only
            else QAbstractItemView.DragDropMode.InternalMove
        )
        self.bullet_hint.setVisible(not self.read_only)
        self.carried_hint.setVisible(not self.read_only)
        self.carried.setEnabled(not self.read_only)

    def _update_enabled(self) -> None:
        self._fit_lists()
        editable = not self.read_only
        chosen = 0 <= self.attachment_list.currentRow() < len(self.files)
        self.attach_button.setEnabled(editable)
        self.save_attachment_button.setEnabled(chosen)
        self.remove_attachment_button.setEnabled(editable and chosen)
        self.add_decision_button.setEnabled(editable)
        self.remove_decision_button.setEnabled(editable and self.decisions.count() > 0)
        self.add_item_button.setEnabled(editable)
        self.remove_item_button.setEnabled(editable and self.selected_item() is not None)
        self.finalize_button.setVisible(self.status != MeetingStatus.FINALIZED)
        self.finalize_button.setEnabled(self.status != MeetingStatus.CANCELLED)
        self.amend_button.setVisible(self.status == MeetingStatus.FINALIZED)
        self.revisions_button.setEnabled(self.revision > 0)
        self.print_button.setEnabled(self.status != MeetingStatus.CANCELLED)
        self.save_pdf_button.setEnabled(self.status != MeetingStatus.CANCELLED)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.save_status.setText(text)
        color = widgets.ERROR_COLOR if error else widgets.MUTED_COLOR
        self.save_status.setStyleSheet(f"color: {color};")

    # --- the draft ------------------------------------------------------------------------
    def _edited(self) -> None:
        if self._loading or self.read_only:
            return
        self.dirty = True
        self._set_status(_("Editing…"))
        self.autosave_timer.start()
        self._update_enabled()

    def current_draft(self) -> MinutesDraft:
        return MinutesDraft(
            [
                DraftSection(title, edit.toPlainText())
                for title, edit in zip(self.section_titles, self.section_edits, strict=True)
            ],
            [t.strip() for t in self.decision_texts() if t.strip()],
            self.draft.amendment_reason,
        )

    def save_now(self) -> bool:
        """Store the draft if it changed; False (and the reason in the status line) on failure."""
        self.autosave_timer.stop()
        if not self.dirty or self.read_only:
            return True
        draft = self.current_draft()
        try:
            with self.store.transaction() as session:
                minutes.save_draft(session, self.actor, self.meeting_id, draft)
        except ServiceError as exc:
            self._set_status(_("Not saved: {reason}").format(reason=str(exc)), error=True)
            return False
        self.draft = draft
        self.dirty = False
        now = clock.branch_now(self.tz).strftime("%H:%M:%S")
        self._set_status(_("Draft saved {time}").format(time=now))
        self.changed.emit()
        return True

    def save_draft(self) -> None:
        """For the crash dialog (app.ui.crash): store unsaved text now; raise if it failed."""
        if not self.save_now():
            raise RuntimeError(self.save_status.text())

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_now()
        super().closeEvent(event)

    def add_decision(self, text: str = "") -> None:
        if self.read_only:
            return
        item = self._decision_item(text)
        self.decisions.setCurrentItem(item)
        if text:
            self._edited()
        else:
            self.decisions.editItem(item)
        self._update_enabled()

    def remove_decision(self) -> None:
        row = self.decisions.currentRow()
        if self.read_only or row < 0:
            return
        self.decisions.takeItem(row)
        self._edited()

    # --- action items -----------------------------------------------------------------------
    def selected_item(self) -> ActionItemInfo | None:
        index = self.items_table.selectionModel().currentIndex()
        rows = self.items_table.selectionModel().selectedRows()
        if not index.isValid() or not rows:
            return None
        return self.items_model.record(index.row())

    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        widgets.open_dialog(self, dialog, on_accepted)

    def add_action_item(self) -> None:
        if self.read_only or self.summary is None:
            return
        due = self.summary.day + timedelta(days=7)
        dialog = ActionItemDialog(self.store, self.actor, self.meeting_id, self.people, due, self)
        self._open(dialog, self._items_changed)

    def remove_action_item(self) -> None:
        info = self.selected_item()
        if info is None or self.read_only:
            return
        if not widgets.confirm(
            self,
            _("Remove the action item “{text}”?").format(text=info.text),
            _("Action items"),
        ):
            return
        try:
            with self.store.transaction() as session:
                minutes.remove_action_item(session, self.actor, info.id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return
        self._items_changed()

    def _items_changed(self) -> None:
        with self.store.reading() as session:
            items = minutes.action_items(session, self.actor, self.meeting_id)
        self.items_model.set_records(items)
        self._update_enabled()
        self.changed.emit()

    def _carried_changed(self, item: QListWidgetItem) -> None:
        item_id = item.data(Qt.ItemDataRole.UserRole)
        if self._loading or self.read_only or item_id is None:
            return
        done = item.checkState() == Qt.CheckState.Checked
        try:
            with self.store.transaction() as session:
                minutes.set_done(
                    session, self.actor, int(item_id), done, in_meeting_id=self.meeting_id
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            self._loading = True
            item.setCheckState(Qt.CheckState.Unchecked if done else Qt.CheckState.Checked)
            self._loading = False
            return
        self.changed.emit()

    # --- finalize, amend, revisions ------------------------------------------------------------
    def finalize(self) -> bool:
        if self.read_only:
            return False
        if not self.save_now():
            widgets.show_error(self, self.save_status.text(), _("Finalize the minutes"))
            return False
        with self.store.reading() as session:
            problems = minutes.finalize_problems(session, self.actor, self.meeting_id)
        if problems:
            widgets.show_error(
                self,
                _("The meeting cannot be finalized yet:")
                + "\n\n"
                + "\n".join(f"• {p}" for p in problems),
                _("Finalize the minutes"),
            )
            return False
        if not widgets.confirm(
            self,
            _(
                "Finalize the minutes?\n\nThey are locked afterwards: a later change "
                "needs an amendment with its reason, and makes a new revision."
            ),
            _("Finalize the minutes"),
        ):
            return False
        try:
            with self.store.transaction() as session:
                info = minutes.finalize(session, self.actor, self.meeting_id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Finalize the minutes"))
            return False
        self.refresh()
        self.changed.emit()
        widgets.show_info(
            self,
            _(
                "The minutes are finalized as revision {rev}.\n\n"
                "Fingerprint (SHA-256):\n{fingerprint}\n\n"
                "It is printed at the foot of every page; “Verify minutes PDF” checks a copy "
                "against it."
            ).format(rev=info.revision, fingerprint=info.fingerprint),
            _("Finalize the minutes"),
        )
        return True

    def amend(self) -> None:
        if self.status != MeetingStatus.FINALIZED:
            return
        dialog = AmendDialog(self.store, self.actor, self.meeting_id, self)

        def amended() -> None:
            self.refresh()
            self.changed.emit()

        self._open(dialog, amended)

    def show_revisions(self) -> None:
        if self.summary is None:
            return
        dialog = RevisionsDialog(self.store, self.actor, self.summary, self.tz, self)
        self._open(dialog, lambda: None)

    # --- printing ---------------------------------------------------------------------------
    def _pdf(self) -> tuple[bytes, str] | None:
        self.save_now()
        assert self.summary is not None
        try:
            with self.store.reading() as session:
                pdf = minutes.minutes_pdf(session, self.actor, self.meeting_id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return None
        revision = self.revision if self.status == MeetingStatus.FINALIZED else None
        return pdf, minutes_file_name(self.summary, revision)

    # --- attachments ------------------------------------------------------------------

    def _show_files(self) -> None:
        self.attachment_list.clear()
        for f in self.files:
            self.attachment_list.addItem(
                _("{file} ({size} KB)").format(file=f.filename, size=max(1, f.size // 1024))
            )
        if not self.files:
            self.attachment_list.addItem(_("No attachments."))

    def choose_attachment(self) -> None:
        name, _selected = QFileDialog.getOpenFileName(self, _("Attach a file"))
        if name:
            self.attach(Path(name))

    def attach(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
            with self.store.transaction() as session:
                minutes.attach_file(session, self.actor, self.meeting_id, path.name, data)
        except OSError as exc:
            widgets.show_error(
                self,
                _("Cannot read {file}: {reason}").format(file=path, reason=exc.strerror or exc),
            )
            return False
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True

    def save_attachment(self) -> None:
        row = self.attachment_list.currentRow()
        if not 0 <= row < len(self.files):
            return
        with self.store.reading() as session:
            data = minutes.attachment_data(session, self.actor, self.files[row].id)
        printing.save_file(self, data, self.files[row].filename)

    def remove_attachment(self) -> None:
        row = self.attachment_list.currentRow()
        if not 0 <= row < len(self.files):
            return
        chosen = self.files[row]
        if not widgets.confirm(
            self, _("Remove {file} from the minutes?").format(file=chosen.filename)
        ):
            return
        try:
            with self.store.transaction() as session:
                minutes.remove_attachment(session, self.actor, chosen.id)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return
        self.refresh()
        self.changed.emit()

    def print_minutes(self) -> bool:
        made = self._pdf()
        return made is not None and printing.print_pdf(self, *made)

    def save_minutes_pdf(self) -> object:
        made = self._pdf()
        return None if made is None else printing.save_pdf(self, *made)
