"""Preview of a roster import: every row of the file with what would happen to it.

The user sees each line (new / will be updated / unchanged / rejected and why) before
anything is written; OK applies the good rows in one transaction (done by the page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _, ngettext
from app.services import staff
from app.services.auth import Actor
from app.services.staff import StaffInput
from app.ui import widgets
from app.ui.table_models import (
    ERROR_BACKGROUND,
    ERROR_TEXT,
    MUTED,
    SORT_ROLE,
    Column,
    RecordTableModel,
    change_filter,
    fit_columns,
)

if TYPE_CHECKING:
    from app.importers.staff import RosterRow

Report = Callable[[int, int], bool]


class ImportCancelled(Exception):
    """The user pressed Cancel on the progress dialog; nothing was written."""


class RowStatus(Enum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class PreviewRow:
    line: int
    data: StaffInput | None
    status: RowStatus
    detail: str = ""  # the rejection reason, or the fields an update changes
    # For a rejected row: the cells as written in the file, by column key, so the
    # user can tell which person it was.
    cells: Mapping[str, str] = field(default_factory=dict)

    @property
    def status_text(self) -> str:
        if self.status is RowStatus.NEW:
            return _("New")
        if self.status is RowStatus.UNCHANGED:
            return _("Unchanged")
        if self.status is RowStatus.UPDATE:
            if self.detail:
                return _("Will be updated: {fields}").format(fields=self.detail)
            return _("Will be updated")
        return _("Rejected: {reason}").format(reason=self.detail)


_FIELD_LABELS = {
    "name": N_("Name"),
    "phone": N_("Phone"),
    "hire_date": N_("Hire date"),
    "position": N_("Position"),
}


def _changed_fields(changed: Sequence[str]) -> str:
    # A translatable separator: Chinese lists take 、 rather than a comma.
    return _(", ").join(_(_FIELD_LABELS[key]) for key in changed)


def preview_rows(
    store: Store, actor: Actor, rows: Sequence[RosterRow], report: Report | None = None
) -> list[PreviewRow]:
    """What importing `rows` would do to each one (staff.plan_import), writing nothing."""
    if report is not None and not report(0, len(rows)):
        raise ImportCancelled
    good = [row.data for row in rows if row.data is not None and not row.error]
    with store.reading() as session:
        plans = iter(staff.plan_import(session, actor, good))
    result: list[PreviewRow] = []
    for row in rows:
        if row.data is None or row.error:
            reason = row.error or _("The row could not be read.")
            result.append(PreviewRow(row.line, row.data, RowStatus.REJECTED, reason, row.cells))
            continue
        plan = next(plans)
        status = RowStatus(plan.change.value)
        result.append(PreviewRow(row.line, row.data, status, _changed_fields(plan.changed)))
    if report is not None:
        report(len(rows), len(rows))
    return result


def _field(key: str, get: Callable[[StaffInput], str]) -> Callable[[PreviewRow], str]:
    return lambda row: get(row.data) if row.data is not None else row.cells.get(key, "")


_STATUS_ORDER = {
    RowStatus.REJECTED: 0,
    RowStatus.NEW: 1,
    RowStatus.UPDATE: 2,
    RowStatus.UNCHANGED: 3,
}

PREVIEW_COLUMNS: list[Column[PreviewRow]] = [
    Column(N_("Line"), lambda r: str(r.line), sort_key=lambda r: r.line),
    Column(N_("Employee no."), _field("employee_no", lambda d: d.employee_no)),
    Column(N_("Name"), _field("name", lambda d: d.name)),
    Column(N_("Phone"), _field("phone", lambda d: d.phone)),
    Column(
        N_("Hire date"),
        _field("hire_date", lambda d: d.hire_date.isoformat() if d.hire_date else ""),
    ),
    Column(N_("Position"), _field("position", lambda d: d.position)),
    Column(
        N_("Result"),
        lambda r: r.status_text,
        sort_key=lambda r: _STATUS_ORDER[r.status] * 1_000_000 + r.line,
        tooltip=lambda r: r.status_text,
    ),
]
STATUS_COLUMN = len(PREVIEW_COLUMNS) - 1
WRAP_ROWS_UP_TO = 500

_STATUS_COLORS = {
    RowStatus.NEW: QColor("#1b7f3b"),
    RowStatus.UPDATE: QColor("#1a5fb4"),
    RowStatus.UNCHANGED: MUTED,
    RowStatus.REJECTED: ERROR_TEXT,
}


class ImportPreviewModel(RecordTableModel[PreviewRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PREVIEW_COLUMNS, parent)

    def foreground(self, record: PreviewRow, column: int) -> QColor | None:
        if column == STATUS_COLUMN or record.status is RowStatus.REJECTED:
            return _STATUS_COLORS[record.status]
        return None

    def background(self, record: PreviewRow, column: int) -> QColor | None:
        return ERROR_BACKGROUND if record.status is RowStatus.REJECTED else None


class _ProblemFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_rejected = False
        self.setSortRole(SORT_ROLE)

    def set_only_rejected(self, on: bool) -> None:
        change_filter(self, lambda: setattr(self, "only_rejected", on))

    def filterAcceptsRow(
        self, source_row: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.only_rejected:
            return True
        model = self.sourceModel()
        assert isinstance(model, ImportPreviewModel)
        return model.record(source_row).status is RowStatus.REJECTED


@dataclass(frozen=True)
class PreviewCounts:
    new: int
    update: int
    unchanged: int
    rejected: int

    @property
    def good(self) -> int:
        return self.new + self.update + self.unchanged


def count(rows: Sequence[PreviewRow]) -> PreviewCounts:
    statuses = [r.status for r in rows]
    return PreviewCounts(
        statuses.count(RowStatus.NEW),
        statuses.count(RowStatus.UPDATE),
        statuses.count(RowStatus.UNCHANGED),
        statuses.count(RowStatus.REJECTED),
    )


class ImportPreviewDialog(QDialog):
    """Every row of the file and its fate; OK ("Import 12 rows") means apply the good ones."""

    def __init__(
        self, path: Path, rows: Sequence[PreviewRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.rows = list(rows)
        self.counts = count(self.rows)
        self.setWindowTitle(_("Import staff roster"))

        c = self.counts
        self.summary = QLabel(
            _(
                "{file}: {total} rows — {new} new, {update} to update, "
                "{unchanged} unchanged, {rejected} rejected."
            ).format(
                file=path.name,
                total=len(self.rows),
                new=c.new,
                update=c.update,
                unchanged=c.unchanged,
                rejected=c.rejected,
            )
        )
        self.summary.setFont(widgets.scaled_font(self.summary, 1.1, bold=True))
        self.summary.setWordWrap(True)
        self.summary.setToolTip(str(path))
        self.hint = widgets.muted("", self)
        if c.rejected:
            self.hint.setStyleSheet(f"color: {ERROR_TEXT.name()};")
            self.hint.setText(
                _(
                    "Rejected rows are left out. Correct them in the file and import it again; "
                    "the rows already imported will then show as unchanged."
                )
            )
        elif c.good and not (c.new or c.update):
            self.hint.setText(_("Every row matches the roster: importing changes nothing."))
        self.hint.setVisible(bool(self.hint.text()))

        self.model = ImportPreviewModel(self)
        self.model.set_records(self.rows)
        self.proxy = _ProblemFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setStyleSheet("QTableView::item { padding: 3px 0; }")
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setResizeContentsPrecision(200)
        fit_columns(self.table, range(STATUS_COLUMN))
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.Stretch)
        # Long reasons wrap so that they can be read whole; measuring every row's height
        # is only affordable for files of ordinary size (others elide, with a tooltip).
        rows_header = self.table.verticalHeader()
        if len(self.rows) <= WRAP_ROWS_UP_TO:
            self.table.setWordWrap(True)
            rows_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        else:
            self.table.setWordWrap(False)
            rows_header.setDefaultSectionSize(self.fontMetrics().height() + 10)

        self.only_rejected = QCheckBox(_("Show only rejected rows"))
        self.only_rejected.setVisible(c.rejected > 0)
        self.only_rejected.toggled.connect(self.proxy.set_only_rejected)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(
            ngettext("Import {n} row", "Import {n} rows", c.good).format(n=c.good)
        )
        self.ok_button.setEnabled(c.good > 0)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        bottom = QHBoxLayout()
        bottom.addWidget(self.only_rejected)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(980, 580)
        self.ok_button.setFocus()

    def good_rows(self) -> list[StaffInput]:
        """The rows to hand to staff.apply_import, in file order."""
        return [r.data for r in self.rows if r.status is not RowStatus.REJECTED and r.data]
