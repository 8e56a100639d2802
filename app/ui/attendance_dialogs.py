"""Dialogs of the attendance page: a punch file's preview, a punch typed in by hand,
the requests (leave, trips, field work, overtime, make-up punches, excuses), appeals
(申诉) against a day's points and the month's warning notices.

Every dialog that saves does so in ONE transaction when OK is pressed; a ValidationError
shows in red under its field and the dialog stays open (FormDialog).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.fileio import write_atomically
from app.i18n import N_, _
from app.reports.attendance_docs import WarningNotice
from app.services import attendance, clock, settings, staff
from app.services.attendance import (
    APPEAL_NOTE,
    PunchRowLike,
    PunchSource,
    RequestRecord,
    RequestStatus,
)
from app.services.auth import Actor
from app.services.day_engine import Note, RequestKind
from app.services.errors import ServiceError, ValidationError
from app.services.staff import StaffRecord
from app.ui import printing, widgets
from app.ui.operations import BackgroundOp, Report
from app.ui.staff_dialogs import FormDialog
from app.ui.table_models import (
    ERROR_BACKGROUND,
    ERROR_TEXT,
    MUTED,
    Column,
    RecordTableModel,
    fit_columns,
)

NOTE_LABELS = {
    Note.ABSENT: N_("Absent: no missed-punch points on top"),
    Note.MAKEUP_PUNCH: N_("An approved make-up punch was used"),
    Note.PARTLY_COVERED: N_("Leave, a trip or field work covers part of the shift"),
    Note.UNAPPROVED_REST_DAY_PUNCHES: N_("Punches on a rest day without approved overtime"),
    APPEAL_NOTE: N_("Points set by an accepted appeal"),
}


REQUEST_STATUS_LABELS = {
    RequestStatus.PENDING: N_("Pending"),
    RequestStatus.APPROVED: N_("Approved"),
    RequestStatus.REJECTED: N_("Rejected"),
}

DIRECTIONS = (
    ("", N_("Not stated")),
    (attendance.KioskKind.IN.value, N_("Check-in")),
    (attendance.KioskKind.OUT.value, N_("Check-out")),
)


def note_text(code: str) -> str:
    """A DayResult note in the user's words (an unknown code is shown as it is)."""
    label = NOTE_LABELS.get(code)
    return _(label) if label is not None else code


def request_status_label(status: str) -> str:
    try:
        return _(REQUEST_STATUS_LABELS[RequestStatus(status)])
    except ValueError:
        return status


def local_text(at: datetime | None, tz: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.to_branch_time(at, tz).strftime(fmt) if at is not None else ""


def to_utc(value: QDateTime, tz: str) -> datetime:
    """A QDateTimeEdit's wall-clock value, read in the branch's zone."""
    d, t = value.date(), value.time()
    local = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def to_qdatetime(at: datetime, tz: str) -> QDateTime:
    local = clock.to_branch_time(at, tz)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _staff_combo(store: Store, actor: Actor, staff_id: int | None = None) -> QComboBox:
    combo = QComboBox()
    with store.reading() as session:
        if actor.sees_whole_branch:
            people = staff.list_staff(session, actor, include_inactive=False)
        elif actor.staff_id is not None:
            people = [staff.get_staff(session, actor, actor.staff_id)]
        else:
            people = []
    for person in people:
        combo.addItem(f"{person.employee_no} {person.name}", person.id)
    if staff_id is not None:
        index = combo.findData(staff_id)
        if index >= 0:
            combo.setCurrentIndex(index)
    return combo


def _date_time_edit(value: QDateTime) -> QDateTimeEdit:
    edit = QDateTimeEdit(value)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


# --- a punch file's preview ----------------------------------------------------------------


class PunchRowStatus(Enum):
    NEW = N_("To import")
    DUPLICATE = N_("Duplicate (already stored or twice in the file)")
    UNKNOWN = N_("Unknown employee")
    REJECTED = N_("Rejected")


@dataclass(frozen=True)
class PunchPreviewRow:
    line: int
    employee_no: str
    name: str
    local: datetime | None
    status: PunchRowStatus
    detail: str = ""

    @property
    def status_text(self) -> str:
        text = _(self.status.value)
        return f"{text}: {self.detail}" if self.detail else text


def preview_punches(
    store: Store, actor: Actor, rows: Sequence[PunchRowLike], report: Report | None = None
) -> list[PunchPreviewRow]:
    """What importing `rows` would do, row by row: each is imported alone in a transaction
    that is rolled back at the end, so that the service itself says new, duplicate (the
    file's own repeats included, as earlier rows are in by then) or unknown."""
    result: list[PunchPreviewRow] = []
    with store.reading() as session:
        for done, row in enumerate(rows):
            local = getattr(row, "local", None)
            outcome = attendance.import_punches(session, actor, [row])
            if outcome.rejected:
                status, detail = PunchRowStatus.REJECTED, outcome.rejected[0].reason
            elif outcome.unknown_employees:
                unknown = outcome.unknown_employees[0]
                status, detail = PunchRowStatus.UNKNOWN, _unknown_detail(unknown)
            elif outcome.accepted:
                status, detail = PunchRowStatus.NEW, ""
            else:
                status, detail = PunchRowStatus.DUPLICATE, ""
            result.append(
                PunchPreviewRow(row.line, row.employee_no, row.name, local, status, detail)
            )
            if report is not None and done % 50 == 0 and not report(done, len(rows)):
                break
        session.rollback()
    return result


def _unknown_detail(unknown: attendance.UnknownEmployee) -> str:
    if unknown.name_on_record is None:
        return _("{no} is not on the roster").format(no=unknown.employee_no)
    return _("{no} is {name} on the roster").format(
        no=unknown.employee_no, name=unknown.name_on_record
    )


PREVIEW_COLUMNS: list[Column[PunchPreviewRow]] = [
    Column(N_("Line"), lambda r: str(r.line), lambda r: r.line),
    Column(N_("Employee no."), lambda r: r.employee_no),
    Column(N_("Name"), lambda r: r.name),
    Column(
        N_("Punch time"),
        lambda r: r.local.strftime("%Y-%m-%d %H:%M") if r.local is not None else "",
    ),
    Column(N_("Result"), lambda r: r.status_text),
]


class PunchPreviewModel(RecordTableModel[PunchPreviewRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PREVIEW_COLUMNS, parent)

    def foreground(self, record: PunchPreviewRow, column: int) -> QColor | None:
        if record.status in (PunchRowStatus.REJECTED, PunchRowStatus.UNKNOWN):
            return ERROR_TEXT
        if record.status is PunchRowStatus.DUPLICATE:
            return MUTED
        return None

    def background(self, record: PunchPreviewRow, column: int) -> QColor | None:
        if record.status in (PunchRowStatus.REJECTED, PunchRowStatus.UNKNOWN):
            return ERROR_BACKGROUND
        return None


class PunchImportDialog(QDialog):
    """The rows of a punch file and what importing would do; Import applies them all."""

    def __init__(
        self,
        path: Path,
        rows: list[PunchPreviewRow],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.rows = rows
        self.setWindowTitle(_("Import punches: {file}").format(file=path.name))
        self.resize(760, 560)
        self.counts = {status: 0 for status in PunchRowStatus}
        for row in rows:
            self.counts[row.status] += 1
        layout = QVBoxLayout(self)
        self.summary = QLabel(
            _(
                "{new} punches to import, {duplicates} duplicates (skipped), "
                "{rejected} rejected, {unknown} of unknown employees (not imported)."
            ).format(
                new=self.counts[PunchRowStatus.NEW],
                duplicates=self.counts[PunchRowStatus.DUPLICATE],
                rejected=self.counts[PunchRowStatus.REJECTED],
                unknown=self.counts[PunchRowStatus.UNKNOWN],
            ),
            self,
        )
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.unknown_label = widgets.muted(self._unknown_text(), self)
        self.unknown_label.setVisible(bool(self.unknown_label.text()))
        layout.addWidget(self.unknown_label)
        self.model = PunchPreviewModel(self)
        self.model.set_records(rows)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        fit_columns(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(_("Import {n} punches").format(n=self.new_count))
        self.import_button.setEnabled(self.new_count > 0)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    @property
    def new_count(self) -> int:
        return self.counts[PunchRowStatus.NEW]

    def _unknown_text(self) -> str:
        by_who: dict[tuple[str, str], list[int]] = {}
        for row in self.rows:
            if row.status is PunchRowStatus.UNKNOWN:
                by_who.setdefault((row.employee_no, row.name), []).append(row.line)
        if not by_who:
            return ""
        lines = [
            _("{no} {name} (lines {lines})").format(
                no=no, name=name, lines=", ".join(str(n) for n in numbers)
            )
            for (no, name), numbers in by_who.items()
        ]
        return (
            _("Unknown employees, not imported: add them on the staff page first.")
            + "\n"
            + ("\n".join(lines))
        )


# --- a punch typed in by hand --------------------------------------------------------------


class ManualPunchDialog(FormDialog):
    """A punch the clock did not record, entered by the supervisor; the reason is required."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        tz: str,
        staff_id: int | None = None,
        at: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.tz = tz
        self.punch: attendance.PunchResult | None = None
        self.setWindowTitle(_("Enter a punch by hand"))
        self.set_intro(
            _("For a punch the clock did not record. Say why: the entry is kept with your name.")
        )
        self.person = _staff_combo(store, actor, staff_id)
        self.when = _date_time_edit(to_qdatetime(at or clock.now_utc(), tz))
        self.direction = QComboBox()
        for value, label in DIRECTIONS:
            self.direction.addItem(_(label), value)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(_("e.g. the clock was out of order"))
        self.add_field("staff", _("Staff member"), self.person)
        self.add_field("at", _("Date and time"), self.when)
        self.add_field("note", _("Check-in or check-out"), self.direction)
        self.add_field("reason", _("Reason"), self.reason)

    def save(self) -> None:
        staff_id = self.person.currentData()
        if staff_id is None:
            raise ValidationError(_("Choose a staff member."), "staff")
        with self.store.transaction() as session:
            result = attendance.add_punch(
                session,
                self.actor,
                staff_id,
                to_utc(self.when.dateTime(), self.tz),
                PunchSource.MANUAL.value,
                reason=self.reason.text(),
                note=self.direction.currentData() or "",
            )
        if not result.stored:
            raise ValidationError(_("There is already a punch in that minute."), "at")
        self.punch = result


# --- requests ------------------------------------------------------------------------------


class RequestDialog(FormDialog):
    """File a request: a manager their own, the supervisor anyone's. It starts pending."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        tz: str,
        staff_id: int | None = None,
        day: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.tz = tz
        self.saved: RequestRecord | None = None
        self.setWindowTitle(_("New request"))
        self.person = _staff_combo(store, actor, staff_id)
        self.kind = QComboBox()
        for kind in RequestKind:
            self.kind.addItem(attendance.request_kind_label(kind), kind.value)
        self.leave_type = QComboBox()
        self.leave_type.setEditable(True)
        self.leave_type.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        with store.reading() as session:  # the branch's own list (Settings → Attendance rules)
            self.leave_type.addItems(settings.get(session, actor.branch_id, "leave_types"))
        line = self.leave_type.lineEdit()
        assert line is not None
        line.setMaxLength(16)
        on = day or clock.branch_today(tz)
        start = QDateTime(QDate(on.year, on.month, on.day), QTime(9, 0))
        self.start = _date_time_edit(start)
        self.end = _date_time_edit(QDateTime(start.date(), QTime(17, 30)))
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(70)
        self.proof: bytes | None = None
        self.proof_name = ""
        proof_box = QWidget()
        proof_row = QHBoxLayout(proof_box)
        proof_row.setContentsMargins(0, 0, 0, 0)
        self.proof_label = QLabel(_("No file attached"))
        self.proof_button = QPushButton(_("Attach…"))
        self.proof_button.clicked.connect(self.choose_proof)
        self.proof_clear = QPushButton(_("Remove"))
        self.proof_clear.clicked.connect(self.clear_proof)
        self.proof_clear.setEnabled(False)
        proof_row.addWidget(self.proof_label, 1)
        proof_row.addWidget(self.proof_button)
        proof_row.addWidget(self.proof_clear)
        self.add_field("staff", _("Staff member"), self.person)
        self.add_field("kind", _("Kind"), self.kind)
        self.add_field("leave_type", _("Leave type"), self.leave_type)
        self.add_field("start", _("Start"), self.start)
        self.add_field("end", _("End"), self.end)
        self.add_field("reason", _("Reason"), self.reason)
        self.add_field("proof", _("Proof"), proof_box, focus=self.proof_button)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def choose_proof(self) -> None:
        name, _selected = QFileDialog.getOpenFileName(
            self,
            _("Attach proof"),
            str(Path.home()),
            _("Pictures and PDF (*.png *.jpg *.jpeg *.pdf);;All files (*)"),
        )
        if name:
            self.set_proof(Path(name))

    def set_proof(self, path: Path) -> None:
        """Read `path` now, so that a file that vanishes before OK is not a surprise."""
        self._clear_error("proof")
        try:
            if path.stat().st_size > attendance.MAX_PROOF_BYTES:
                raise ValidationError(_("The proof may be at most 10 MB."), "proof")
            data = path.read_bytes()
        except ValidationError as exc:
            self.show_error(str(exc), "proof")
            return
        except OSError as exc:
            self.show_error(
                _("Cannot read {file}: {reason}").format(
                    file=path.name, reason=printing.describe_os_error(exc)
                ),
                "proof",
            )
            return
        self.proof, self.proof_name = data, path.name
        self.proof_label.setText(path.name)
        self.proof_clear.setEnabled(True)

    def clear_proof(self) -> None:
        self.proof, self.proof_name = None, ""
        self.proof_label.setText(_("No file attached"))
        self.proof_clear.setEnabled(False)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.leave_type.setEnabled(kind == RequestKind.LEAVE.value)
        self.end.setEnabled(kind != RequestKind.MAKEUP_PUNCH.value)

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def save(self) -> None:
        staff_id = self.person.currentData()
        if staff_id is None:
            raise ValidationError(_("Choose a staff member."), "staff")
        with self.store.transaction() as session:
            self.saved = attendance.create_request(
                session,
                self.actor,
                staff_id,
                self.kind.currentData(),
                to_utc(self.start.dateTime(), self.tz),
                to_utc(self.end.dateTime(), self.tz),
                self.reason.toPlainText(),
                leave_type=self.leave_type.currentText(),
                proof=self.proof,
                proof_filename=self.proof_name,
            )


class DecideDialog(FormDialog):
    """Approve (comment optional) or reject (comment required) one pending request."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        request: RequestRecord,
        approve: bool,
        summary: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.request = request
        self.approve = approve
        self.setWindowTitle(_("Approve request") if approve else _("Reject request"))
        self.set_intro(summary)
        self.comment = QLineEdit()
        self.comment.setMaxLength(500)
        self.comment.setPlaceholderText(
            _("Optional") if approve else _("Say why (the person is told)")
        )
        self.add_field("comment", _("Comment"), self.comment)
        self.ok_button.setText(_("Approve") if approve else _("Reject"))

    def save(self) -> None:
        with self.store.transaction() as session:
            if self.approve:
                attendance.approve_request(
                    session, self.actor, self.request.id, self.comment.text()
                )
            else:
                attendance.reject_request(session, self.actor, self.request.id, self.comment.text())


class RequestsDialog(QDialog):
    """The branch's requests (a manager's own), newest first; the supervisor decides here.
    `changed` is True once something was filed or decided (the page then reloads)."""

    def __init__(self, store: Store, actor: Actor, tz: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.tz = tz
        self.changed = False
        self.current_dialog: QDialog | None = None
        self.setWindowTitle(_("Requests"))
        self.resize(900, 520)
        with store.reading() as session:
            if actor.sees_whole_branch:
                people = staff.list_staff(session, actor)
            elif actor.staff_id is not None:
                people = [staff.get_staff(session, actor, actor.staff_id)]
            else:
                people = []
        self.people: dict[int, StaffRecord] = {p.id: p for p in people}
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Show"), self))
        self.status_filter = QComboBox(self)
        self.status_filter.addItem(_("All"), None)
        for status in RequestStatus:
            self.status_filter.addItem(request_status_label(status), status.value)
        self.status_filter.currentIndexChanged.connect(self.reload)
        top.addWidget(self.status_filter)
        top.addStretch(1)
        self.new_button = QPushButton(_("New request…"), self)
        self.new_button.clicked.connect(self.new_request)
        top.addWidget(self.new_button)
        self.approve_button = QPushButton(_("Approve…"), self)
        self.approve_button.clicked.connect(lambda: self.decide_selected(True))
        self.reject_button = QPushButton(_("Reject…"), self)
        self.reject_button.clicked.connect(lambda: self.decide_selected(False))
        for button in (self.approve_button, self.reject_button):
            button.setVisible(actor.sees_whole_branch)
            top.addWidget(button)
        layout.addLayout(top)
        self.model: RecordTableModel[RequestRecord] = RecordTableModel(self._columns(), self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    def _person(self, staff_id: int) -> str:
        person = self.people.get(staff_id)
        return f"{person.employee_no} {person.name}" if person else str(staff_id)

    def _columns(self) -> list[Column[RequestRecord]]:
        tz = self.tz
        return [
            Column(N_("Staff member"), lambda r: self._person(r.staff_id)),
            Column(N_("Kind"), lambda r: attendance.request_kind_label(r.kind)),
            Column(N_("Leave type"), lambda r: r.leave_type),
            Column(N_("Start"), lambda r: local_text(r.start, tz)),
            Column(
                N_("End"),
                lambda r: "" if r.kind == RequestKind.MAKEUP_PUNCH else local_text(r.end, tz),
            ),
            Column(N_("Status"), lambda r: request_status_label(r.status)),
            Column(N_("Reason"), lambda r: r.reason, tooltip=lambda r: r.reason),
            Column(N_("Comment"), lambda r: r.decision_comment),
        ]

    def reload(self) -> None:
        try:
            with self.store.reading() as session:
                records = attendance.list_requests(
                    session, self.actor, status=self.status_filter.currentData()
                )
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Requests"))
            return
        self.model.set_records(records)
        fit_columns(self.table)
        self._update_buttons()

    def selected(self) -> RequestRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_request(self, request_id: int) -> None:
        row = self.model.find_row(lambda r: r.id == request_id)
        if row is not None:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        record = self.selected()
        pending = record is not None and record.status == RequestStatus.PENDING
        self.approve_button.setEnabled(pending)
        self.reject_button.setEnabled(pending)

    def _open(self, dialog: QDialog) -> None:
        self.current_dialog = dialog

        def accepted() -> None:
            self.changed = True
            self.reload()

        def finished(_result: int) -> None:
            if self.current_dialog is dialog:
                self.current_dialog = None
            dialog.deleteLater()

        dialog.accepted.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()

    def new_request(self) -> None:
        self._open(RequestDialog(self.store, self.actor, self.tz, parent=self))

    def decide_selected(self, approve: bool) -> None:
        record = self.selected()
        if record is None or record.status != RequestStatus.PENDING:
            return
        summary = _("{who}: {kind}, {start} – {end}\n{reason}").format(
            who=self._person(record.staff_id),
            kind=attendance.request_kind_label(record.kind),
            start=local_text(record.start, self.tz),
            end=local_text(record.end, self.tz),
            reason=record.reason,
        )
        self._open(DecideDialog(self.store, self.actor, record, approve, summary, self))


# --- appeals (申诉) ---------------------------------------------------------------------------


class AppealDialog(FormDialog):
    """A person disputes one day's points; the supervisor decides later."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        staff_id: int,
        work_date: date,
        summary: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.staff_id = staff_id
        self.work_date = work_date
        self.appeal_id: int | None = None
        self.setWindowTitle(_("Appeal"))
        self.set_intro(summary)
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(90)
        self.reason.setPlaceholderText(_("Why is the day's result wrong?"))
        self.add_field("reason", _("Reason"), self.reason)
        self.ok_button.setText(_("File appeal"))

    def save(self) -> None:
        with self.store.transaction() as session:
            self.appeal_id = attendance.file_appeal(
                session, self.actor, self.staff_id, self.work_date, self.reason.toPlainText()
            )


class DecideAppealDialog(FormDialog):
    """The supervisor accepts an appeal (with the day's new points) or rejects it."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        appeal_id: int,
        points: int,
        summary: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.appeal_id = appeal_id
        self.setWindowTitle(_("Decide appeal"))
        self.set_intro(summary)
        self.outcome = QComboBox()
        self.outcome.addItem(_("Accept"), True)
        self.outcome.addItem(_("Reject"), False)
        self.points = QSpinBox()
        self.points.setRange(0, 999)
        self.points.setValue(points)
        self.decision = QLineEdit()
        self.decision.setMaxLength(500)
        self.decision.setPlaceholderText(_("Say why (the person is told)"))
        self.add_field("outcome", _("Decision"), self.outcome)
        self.add_field("points_after", _("Points after"), self.points)
        self.add_field("decision", _("Explanation"), self.decision)
        self.outcome.currentIndexChanged.connect(
            lambda _i: self.points.setEnabled(bool(self.outcome.currentData()))
        )

    def set_accept(self, accept: bool) -> None:
        self.outcome.setCurrentIndex(self.outcome.findData(accept))

    def save(self) -> None:
        accept = bool(self.outcome.currentData())
        with self.store.transaction() as session:
            attendance.decide_appeal(
                session,
                self.actor,
                self.appeal_id,
                accept,
                self.decision.text(),
                self.points.value() if accept else None,
            )


# --- warning notices ---------------------------------------------------------------------------


def notice_file_name(notice: WarningNotice) -> str:
    return printing.safe_file_name(
        _("Warning notice {employee_no} {name} {month}.pdf").format(
            employee_no=notice.employee_no, name=notice.name, month=notice.month
        )
    )


class WarningNoticesDialog(QDialog):
    """The month's warning notices: tick the people, then print them or save them all."""

    def __init__(self, notices: Sequence[WarningNotice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notices = list(notices)
        self.saved: list[Path] = []
        self.setWindowTitle(_("Warning notices"))
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        if not self.notices:
            layout.addWidget(widgets.muted(_("Nobody earned a warning this month."), self))
        self.list = QListWidget(self)
        for notice in self.notices:
            level = _("Written warning") if notice.level == "written" else _("Oral warning")
            item = QListWidgetItem(
                _("{employee_no} {name}: {level}, {n} cases").format(
                    employee_no=notice.employee_no,
                    name=notice.name,
                    level=level,
                    n=len(notice.cases),
                )
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("Print…"), self)
        self.print_button.clicked.connect(self.print_checked)
        self.save_button = QPushButton(_("Save to folder…"), self)
        self.save_button.clicked.connect(self.save_to_folder)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.list.itemChanged.connect(lambda _item: self._update_buttons())
        self._update_buttons()

    def set_checked(self, employee_nos: set[str]) -> None:
        for row, notice in enumerate(self.notices):
            item = self.list.item(row)
            checked = notice.employee_no in employee_nos
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def checked(self) -> list[WarningNotice]:
        return [
            notice
            for row, notice in enumerate(self.notices)
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _update_buttons(self) -> None:
        some = bool(self.checked())
        self.print_button.setEnabled(some)
        self.save_button.setEnabled(some)

    def _render(self, then: Callable[[list[tuple[WarningNotice, bytes]]], None]) -> None:
        chosen = self.checked()

        def work(report: Report) -> list[tuple[WarningNotice, bytes]]:
            from app.reports.warning_notice import render_warning_notice

            done = []
            for i, notice in enumerate(chosen):
                if not report(i, len(chosen)):
                    break
                done.append((notice, render_warning_notice(notice)))
            return done

        BackgroundOp(self, work, _("Preparing the warning notices…")).success(then).run()

    def print_checked(self) -> None:
        def print_all(pdfs: list[tuple[WarningNotice, bytes]]) -> None:
            for notice, pdf in pdfs:
                if not printing.print_pdf(self, pdf, notice_file_name(notice)):
                    return  # cancelled: do not pester with the next one

        self._render(print_all)

    def save_to_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Save the warning notices into"), str(Path.home())
        )
        if not folder:
            return

        def save_all(pdfs: list[tuple[WarningNotice, bytes]]) -> None:
            saved = []
            for notice, pdf in pdfs:
                path = Path(folder) / notice_file_name(notice)
                try:
                    write_atomically(path, pdf)
                except OSError as exc:
                    widgets.show_error(
                        self,
                        _("Cannot save {file}: {reason}").format(
                            file=path.name, reason=printing.describe_os_error(exc)
                        ),
                    )
                    break
                saved.append(path)
            self.saved = saved
            if saved:
                widgets.show_info(
                    self,
                    _("{n} warning notices saved in {folder}.").format(n=len(saved), folder=folder),
                )

        self._render(save_all)


class VoidPunchDialog(FormDialog):
    """Void a wrong punch: it stops counting and stays on record with the reason."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        punch_id: int,
        description: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, parent)
        self.punch_id = punch_id
        self.setWindowTitle(_("Void a punch"))
        self.set_intro(
            _("Void the punch {punch}? It stops counting but stays on record.").format(
                punch=description
            )
        )
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(200)
        self.add_field("reason", _("Reason"), self.reason)
        self.ok_button.setText(_("Void"))

    def save(self) -> None:
        with self.store.transaction() as session:
            attendance.void_punch(session, self.actor, self.punch_id, self.reason.text())
