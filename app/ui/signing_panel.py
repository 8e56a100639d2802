"""Signing in (签到) on the PC: everyone expected signs one after another on a big pad,
then the host and the minute-taker sign the minutes.

A scanned paper sign-in sheet can stand in as the evidence; the filled sign-in sheet
prints or saves as PDF. Nothing changes once the meeting is finalized or cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QMargins, QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
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
from app.services.rollcall import SignatureInfo, SignerRole
from app.ui import printing, widgets
from app.ui.signature_pad import SignaturePad
from app.ui.table_models import MUTED, Column, RecordTableModel, fit_columns

OK_COLOR = QColor("#1e7b34")
AWAY = {"excused", "leave", "trip", "absent"}
SCAN_FILTER = N_("Scans (*.pdf *.png *.jpg *.jpeg);;All files (*)")


@dataclass(frozen=True)
class SignerRow:
    """One line of the signing list: an expected attendee, the host or the minute-taker."""

    role: str
    staff_id: int | None
    name: str
    employee_no: str = ""
    status: str | None = None
    signed: bool = False
    png: bytes | None = None

    @property
    def named(self) -> bool:
        return bool(self.name)

    @property
    def role_text(self) -> str:
        if self.role == SignerRole.ATTENDEE:
            return self.employee_no
        return _(rollcall.ROLE_LABELS[SignerRole(self.role)])

    @property
    def shown_name(self) -> str:
        return self.name or _("(not named)")

    @property
    def status_text(self) -> str:
        return rollcall.status_label(self.status) if self.role == SignerRole.ATTENDEE else ""

    @property
    def signed_text(self) -> str:
        return "✓ " + _("Signed") if self.signed else _("Not yet")

    @property
    def expected_here(self) -> bool:
        return self.named and (self.role != SignerRole.ATTENDEE or self.status not in AWAY)


SIGNER_COLUMNS: list[Column[SignerRow]] = [
    Column(N_("Name"), lambda r: r.shown_name),
    Column(N_("No. / role"), lambda r: r.role_text),
    Column(N_("Roll call"), lambda r: r.status_text),
    Column(N_("Signature"), lambda r: r.signed_text),
]


class SignerTableModel(RecordTableModel[SignerRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(SIGNER_COLUMNS, parent)

    def foreground(self, record: SignerRow, column: int) -> QColor | None:
        if column == 3:
            return OK_COLOR if record.signed else MUTED
        if not record.named or (column == 2 and record.status in AWAY):
            return MUTED
        return None


def signer_rows(
    call: rollcall.RollCall,
    signatures: list[SignatureInfo],
    host: str,
    minute_taker: tuple[int, str] | None,
    needs_minute_taker: bool,
) -> list[SignerRow]:
    attendee_png = {s.staff_id: s.png for s in signatures if s.role == SignerRole.ATTENDEE}
    by_role = {s.role: s for s in signatures if s.role != SignerRole.ATTENDEE}
    rows = [
        SignerRow(
            SignerRole.ATTENDEE.value,
            r.staff_id,
            r.name,
            r.employee_no,
            r.status,
            r.signed,
            attendee_png.get(r.staff_id),
        )
        for r in call.rows
    ]
    host_sig = by_role.get(SignerRole.HOST.value)
    rows.append(
        SignerRow(
            SignerRole.HOST.value,
            None,
            host,
            signed=host_sig is not None,
            png=host_sig.png if host_sig else None,
        )
    )
    if minute_taker is not None or needs_minute_taker:
        taker_sig = by_role.get(SignerRole.MINUTE_TAKER.value)
        rows.append(
            SignerRow(
                SignerRole.MINUTE_TAKER.value,
                minute_taker[0] if minute_taker else None,
                minute_taker[1] if minute_taker else "",
                signed=taker_sig is not None,
                png=taker_sig.png if taker_sig else None,
            )
        )
    return rows


def document_name(summary: MeetingSummary, what: str) -> str:
    """e.g. 会议签到表 2026-11-30 每周例会: sorts by date in a folder."""
    return f"{what} {summary.day.isoformat()} {summary.label}"


class SigningPanel(QWidget):
    """The 签到 tab of a meeting."""

    changed = Signal()

    def __init__(
        self, store: Store, actor: Actor, meeting_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.meeting_id = meeting_id
        self.read_only = False
        self.summary: MeetingSummary | None = None
        self.on_meeting_day = False
        self._tz = clock.DEFAULT_TZ
        self._shown_key: tuple[str, int | None, bool] | None = None
        self._folder = Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or Path.home()
        )

        self.banner = widgets.Banner(parent=self)
        self.banner.hide()

        # --- who signs ---------------------------------------------------------------
        self.model = SignerTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setAccessibleName(_("Who signs"))
        self.table.setMinimumWidth(340)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_selected())
        self.progress = widgets.muted("", self)

        # --- the pad --------------------------------------------------------------------
        self.who = widgets.heading("", 1.35, self)
        self.instruction = widgets.muted("", self)
        self.pad = SignaturePad(self)
        self.pad.changed.connect(self._update_buttons)
        self.signed_view = QLabel(self)
        self.signed_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.signed_view.setMinimumSize(360, 150)
        self.signed_view.setStyleSheet(
            "QLabel { background: white; border: 1px solid #b8bec8; border-radius: 6px; }"
        )
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.pad)
        self.stack.addWidget(self.signed_view)
        self.confirm_button = QPushButton(_("Confirm signature"), self)
        self.confirm_button.setToolTip(_("Save this signature (Ctrl+Enter)"))
        self.confirm_button.setMinimumHeight(36)
        self.confirm_button.setFont(widgets.scaled_font(self.confirm_button, 1.1, bold=True))
        self.confirm_button.clicked.connect(self.confirm_signature)
        self.resign_button = QPushButton(_("Sign again"), self)
        self.resign_button.setToolTip(_("Delete the saved signature and sign once more"))
        self.resign_button.setMinimumHeight(36)
        self.resign_button.clicked.connect(self.sign_again)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.confirm_signature)
        self.record_arrival = QCheckBox(
            _("Record the arrival time of people not marked yet when they sign"), self
        )
        self.record_arrival.setChecked(True)

        pad_box = QVBoxLayout()
        pad_box.setSpacing(8)
        pad_box.addWidget(self.who)
        pad_box.addWidget(self.instruction)
        pad_box.addWidget(self.stack, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.record_arrival, 1)
        actions.addWidget(self.resign_button)
        actions.addWidget(self.confirm_button)
        pad_box.addLayout(actions)

        list_box = QVBoxLayout()
        list_box.setSpacing(6)
        list_box.addWidget(self.table, 1)
        list_box.addWidget(self.progress)

        middle = QHBoxLayout()
        middle.setSpacing(20)
        middle.addLayout(list_box, 2)
        middle.addLayout(pad_box, 3)

        # --- evidence and printing ------------------------------------------------------------
        evidence = QGroupBox(_("Paper sign-in sheet"), self)
        self.attach_button = QPushButton(_("Attach scanned sheet…"), evidence)
        self.attach_button.setToolTip(
            _("A scan or photo of the signed paper sheet (PDF, PNG or JPEG) counts as evidence")
        )
        self.attach_button.clicked.connect(self.attach_scan)
        self.attachments = QListWidget(evidence)
        self.attachments.setMaximumHeight(self.fontMetrics().height() * 3 + 14)
        self.attachments.setAccessibleName(_("Attached scans"))
        self.print_button = QPushButton(_("Print sign-in sheet…"), evidence)
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button = QPushButton(_("Save as PDF…"), evidence)
        self.save_button.clicked.connect(self.save_sheet)
        evidence_row = QHBoxLayout(evidence)
        left = QVBoxLayout()
        left.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.attachments)
        evidence_row.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(widgets.muted(_("With signatures and arrival times:"), evidence))
        right.addWidget(self.print_button)
        right.addWidget(self.save_button)
        right.addStretch(1)
        evidence_row.addLayout(right)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(self.banner)
        layout.addLayout(middle, 1)
        layout.addWidget(evidence)
        self.refresh()

    # --- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the meeting again; the selected person stays selected."""
        current = self.selected_row()
        keep = (current.role, current.staff_id) if current else None
        with self.store.reading() as session:
            meeting = meetings.get(session, self.actor, self.meeting_id)
            self.summary = meetings.summary(session, self.actor, self.meeting_id)
            self._tz = setup.current_branch(session, self.actor).timezone
            call = rollcall.roll_call(session, self.actor, self.meeting_id)
            sigs = rollcall.signatures(session, self.actor, self.meeting_id)
            taker = None
            if meeting.minute_taker_staff_id is not None:
                names = {
                    s.id: s.name
                    for s in rollcall.staff_on(session, self.actor.branch_id, meeting.day)
                }
                names.update({r.staff_id: r.name for r in call.rows})
                taker = (
                    meeting.minute_taker_staff_id,
                    names.get(meeting.minute_taker_staff_id, ""),
                )
            needs_taker = meeting.kind in meetings.NEEDS_MINUTE_TAKER
            scans = minutes.attachments(session, self.actor, self.meeting_id, "signin_scan")
        rows = signer_rows(call, sigs, self.summary.host, taker, needs_taker)
        self.model.set_records(rows)
        fit_columns(self.table, range(3))
        self.on_meeting_day = self.summary.day == clock.branch_today(self._tz)
        self.read_only = self.summary.status in (MeetingStatus.FINALIZED, MeetingStatus.CANCELLED)
        if self.summary.status == MeetingStatus.FINALIZED:
            self.banner.set_messages(
                [_("The minutes are finalized: signatures can no longer change.")]
            )
        elif self.summary.status == MeetingStatus.CANCELLED:
            self.banner.set_messages([_("This meeting was cancelled.")])
        else:
            self.banner.set_messages([])
        self.attachments.clear()
        for scan in scans:
            self.attachments.addItem(
                _("{file} ({size} KB)").format(file=scan.filename, size=max(1, scan.size // 1024))
            )
        if not scans:
            self.attachments.addItem(_("No scan attached."))
        attendees = [r for r in rows if r.role == SignerRole.ATTENDEE]
        self.progress.setText(
            _("{signed} of {total} attendees signed").format(
                signed=sum(r.signed for r in attendees), total=len(attendees)
            )
        )
        self.record_arrival.setVisible(self.on_meeting_day and not self.read_only)
        self.attach_button.setEnabled(not self.read_only)
        if keep is None or not self.select(*keep):
            self.select_next_unsigned()
        self._show_selected()

    def selected_row(self) -> SignerRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.record(index.row())

    def select(self, role: str, staff_id: int | None) -> bool:
        row = self.model.find_row(lambda r: r.role == role and r.staff_id == staff_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_next_unsigned(self, after: int = -1) -> bool:
        """The next person who is here and has not signed (wrapping round); attendees
        marked away are skipped but stay selectable by hand."""
        records = self.model.records()
        order = list(range(after + 1, len(records))) + list(range(0, after + 1))
        for row in order:
            if not records[row].signed and records[row].expected_here:
                self._select_row(row)
                return True
        if self.selected_row() is None and records:
            self._select_row(0)
        return False

    # --- the right-hand side ---------------------------------------------------------------
    def _show_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            self.who.setText("")
            self.instruction.setText("")
            self.stack.setCurrentWidget(self.pad)
            self._update_buttons()
            return
        if row.role == SignerRole.ATTENDEE:
            self.who.setText(_("Signature of {name}").format(name=row.name))
        else:
            self.who.setText(_("{role}: {name}").format(role=row.role_text, name=row.shown_name))
        if row.signed and row.png:
            pixmap = QPixmap()
            pixmap.loadFromData(QByteArray(row.png), "PNG")
            room = self.signed_view.size().shrunkBy(QMargins(16, 16, 16, 16))
            if pixmap.width() > room.width() or pixmap.height() > room.height():
                pixmap = pixmap.scaled(
                    room,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.signed_view.setPixmap(pixmap)
            self.stack.setCurrentWidget(self.signed_view)
        else:
            self.signed_view.clear()
            self.stack.setCurrentWidget(self.pad)
        if self.read_only:
            text = _("Signed.") if row.signed else _("Not signed.")
        elif not row.named:
            text = (
                _("Name the host in the meeting details first.")
                if row.role == SignerRole.HOST
                else _("Name the minute-taker in the meeting details first.")
            )
        elif row.signed:
            text = _("Signed. To replace the signature, press “Sign again”.")
        else:
            text = _("Sign in the box, then press “Confirm signature”.")
        self.instruction.setText(text)
        key = (row.role, row.staff_id, row.signed)
        if key != self._shown_key:
            # Another person (or a new signature): a refresh alone keeps unfinished ink.
            self.pad.clear()
            self._shown_key = key
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        can_sign = row is not None and row.named and not self.read_only
        self.pad.setEnabled(can_sign and not (row is not None and row.signed))
        self.confirm_button.setEnabled(
            can_sign and row is not None and not row.signed and not self.pad.is_empty()
        )
        self.resign_button.setEnabled(can_sign and row is not None and row.signed)
        self.resign_button.setVisible(not self.read_only)
        self.confirm_button.setVisible(not self.read_only)

    # --- actions -------------------------------------------------------------------------------
    def confirm_signature(self) -> bool:
        row = self.selected_row()
        if row is None or self.read_only or row.signed or self.pad.is_empty():
            return False
        png = self.pad.to_png()
        arrival = None
        if (
            row.role == SignerRole.ATTENDEE
            and row.status is None
            and self.on_meeting_day
            and self.record_arrival.isChecked()
        ):
            arrival = clock.branch_now(self._tz).time().replace(second=0, microsecond=0)
        try:
            with self.store.transaction() as session:
                if arrival is not None and row.staff_id is not None:
                    rollcall.mark(
                        session, self.actor, self.meeting_id, row.staff_id, "present", arrival
                    )
                rollcall.save_signature(
                    session, self.actor, self.meeting_id, row.role, png, row.staff_id
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Signing"))
            return False
        position = self.model.find_row(lambda r: r.role == row.role and r.staff_id == row.staff_id)
        self.refresh()
        self.select_next_unsigned(position if position is not None else -1)
        self.changed.emit()
        return True

    def sign_again(self) -> bool:
        row = self.selected_row()
        if row is None or self.read_only or not row.signed:
            return False
        try:
            with self.store.transaction() as session:
                rollcall.clear_signature(
                    session, self.actor, self.meeting_id, row.role, row.staff_id
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Signing"))
            return False
        self.refresh()
        self.changed.emit()
        self.pad.canvas.setFocus()
        return True

    def attach_scan(self) -> None:
        if self.read_only:
            return
        name, _selected = QFileDialog.getOpenFileName(
            self, _("Attach scanned sign-in sheet"), str(self._folder), _(SCAN_FILTER)
        )
        if name:
            self.attach_file(Path(name))

    def attach_file(self, path: Path) -> bool:
        self._folder = path.parent
        try:
            data = path.read_bytes()
        except OSError as exc:
            widgets.show_error(
                self,
                _("{file} could not be read: {reason}").format(
                    file=str(path), reason=printing.describe_os_error(exc)
                ),
            )
            return False
        try:
            with self.store.transaction() as session:
                minutes.attach_scan(session, self.actor, self.meeting_id, path.name, data)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Attach scanned sign-in sheet"))
            return False
        self.refresh()
        self.changed.emit()
        return True

    def _sheet(self) -> bytes | None:
        try:
            with self.store.reading() as session:
                return minutes.signin_sheet_pdf(session, self.actor, self.meeting_id, filled=True)
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return None

    def _sheet_name(self) -> str:
        assert self.summary is not None
        return document_name(self.summary, _("Sign-in sheet"))

    def print_sheet(self) -> bool:
        pdf = self._sheet()
        return pdf is not None and printing.print_pdf(self, pdf, self._sheet_name())

    def save_sheet(self) -> Path | None:
        pdf = self._sheet()
        return None if pdf is None else printing.save_pdf(self, pdf, self._sheet_name())
