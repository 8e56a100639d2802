"""The staff (员工) page: the roster in a table, and the supervisor's actions on it.

A manager sees only their own row (the service filters) and no editing actions;
the services refuse them anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import clock, staff
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.staff import StaffRecord
from app.ui import table_models, widgets
from app.ui.import_preview import (
    ImportCancelled,
    ImportPreviewDialog,
    PreviewRow,
    preview_rows,
)
from app.ui.operations import BackgroundOp, Report
from app.ui.staff_dialogs import PinDialog, SignInDialog, StaffDialog
from app.ui.table_models import (
    MUTED,
    SORT_ROLE,
    Column,
    RecordTableModel,
    change_filter,
    fit_columns,
)

STAFF_COLUMNS: list[Column[StaffRecord]] = [
    Column(N_("Employee no."), lambda r: r.employee_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Phone"), lambda r: r.phone),
    Column(
        N_("Hire date"),
        lambda r: r.hire_date.isoformat() if r.hire_date else "",
        sort_key=lambda r: r.hire_date.isoformat() if r.hire_date else "",
    ),
    Column(N_("Position"), lambda r: r.position),
    Column(
        N_("Status"),
        lambda r: _("Active") if r.active else _("Deactivated"),
        sort_key=lambda r: 0 if r.active else 1,
    ),
    Column(
        N_("Kiosk PIN"),
        lambda r: _("Set") if r.has_pin else _("Not set"),
        sort_key=lambda r: 1 if r.has_pin else 0,
    ),
]


class StaffTableModel(RecordTableModel[StaffRecord]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(STAFF_COLUMNS, parent)

    def foreground(self, record: StaffRecord, column: int) -> QColor | None:
        return None if record.active else MUTED


def matches(record: StaffRecord, text: str) -> bool:
    """Every word of the filter is found in the name, the 工号 or the phone number."""
    phone = record.phone.replace("-", "")
    for word in text.casefold().split():
        digits = word.replace("-", "")
        if not (
            word in record.name.casefold()
            or word in record.employee_no.casefold()
            or (digits and digits in phone)
        ):
            return False
    return True


class StaffFilterProxy(QSortFilterProxyModel):
    """Filter by name / 工号 / phone and hide deactivated people unless asked."""

    def __init__(self, source: StaffTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.text = ""
        self.show_inactive = False
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)

    def set_text(self, text: str) -> None:
        change_filter(self, lambda: setattr(self, "text", text.strip()))

    def set_show_inactive(self, on: bool) -> None:
        change_filter(self, lambda: setattr(self, "show_inactive", on))

    def filterAcceptsRow(
        self, source_row: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        record = self.source.record(source_row)
        if not record.active and not self.show_inactive:
            return False
        return matches(record, self.text)


class StaffPage(QWidget):
    """The roster page embedded by the main window."""

    # Something in the roster changed (other pages may show names).
    staff_changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.editable = actor.sees_whole_branch
        self.current_dialog: QDialog | None = None
        self.buttons: dict[QAction, QToolButton] = {}
        self._folder = Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or Path.home()
        )

        self.model = StaffTableModel(self)
        self.proxy = StaffFilterProxy(self.model, self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(_("Filter by name, employee no. or phone"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(260)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.show_inactive = QCheckBox(_("Show deactivated"))
        self.show_inactive.toggled.connect(self._show_inactive_changed)
        self.summary = widgets.muted("", self)
        self.summary.setWordWrap(False)

        self.add_action = self._action(_("Add…"), self.add_staff, QKeySequence.StandardKey.New)
        self.edit_action = self._action(_("Edit…"), self.edit_selected)
        self.active_action = self._action(_("Deactivate…"), self.toggle_active_selected)
        self.pin_action = self._action(_("Set kiosk PIN…"), self.set_pin_selected)
        self.sign_in_action = self._action(_("Create sign-in…"), self.create_sign_in_selected)
        self.reset_password_action = self._action(
            _("Reset password…"), self.reset_password_selected
        )
        self.import_action = self._action(_("Import…"), self.import_roster, "Ctrl+I")
        self.export_action = self._action(_("Export…"), self.export_roster, "Ctrl+E")
        self.edit_action.setToolTip(_("Edit the selected person (Enter or double-click)"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        layout.addWidget(widgets.heading(_("Staff"), parent=self))
        if self.editable:
            layout.addLayout(self._toolbar())
            self.table.doubleClicked.connect(self._edit_index)
            for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shortcut = QShortcut(QKeySequence(key), self.table)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(self.edit_selected)
        else:
            # A manager's page holds one row: their own record, read-only.
            self.filter_edit.hide()
            self.show_inactive.hide()
            self.summary.hide()
            layout.addWidget(
                widgets.muted(_("This is your own record. Ask your supervisor to change it."), self)
            )
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit)
        filters.addWidget(self.show_inactive)
        filters.addStretch(1)
        filters.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.reload()
        fit_columns(self.table)

    def refresh(self) -> None:
        """Called by the main window each time the page is shown again."""
        self.reload()

    # --- building -----------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], None],
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = widgets.page_action(self, text, slot, shortcut)
        if self.editable:
            self.addAction(action)
        else:
            action.setEnabled(False)
        return action

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()

        def button(action: QAction) -> None:
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.buttons[action] = b
            row.addWidget(b)

        for action in (self.add_action, self.edit_action, self.active_action):
            button(action)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        row.addWidget(line)
        for action in (self.pin_action, self.sign_in_action, self.reset_password_action):
            button(action)
        row.addStretch(1)
        for action in (self.import_action, self.export_action):
            button(action)
        return row

    # --- reading ------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        """Ask the service again; keeps (or moves) the selection."""
        current = self.selected_record()
        keep = select_id if select_id is not None else (current.id if current else None)
        with self.store.reading() as session:
            records = staff.list_staff(session, self.actor)
        self.model.set_records(records)
        if keep is not None:
            self.select_staff(keep)
        self._update_summary()
        self._update_actions()

    def _refresh_one(self, staff_id: int) -> None:
        """One person changed: re-read just them and tell the view (dataChanged)."""
        with self.store.reading() as session:
            record = staff.get_staff(session, self.actor, staff_id)
        row = self.model.find_row(lambda r: r.id == staff_id)
        if row is None:
            self.reload(select_id=staff_id)
            return
        self.model.replace_record(row, record)
        self._update_summary()
        self._update_actions()

    def selected_record(self) -> StaffRecord | None:
        record: StaffRecord | None = table_models.selected_record(self.table)
        return record

    def select_staff(self, staff_id: int) -> bool:
        return table_models.select_record(self.table, lambda r: r.id == staff_id)

    def visible_records(self) -> list[StaffRecord]:
        """The rows as shown: filtered and in the table's order."""
        return table_models.visible_records(self.table)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_summary()
        self._update_actions()

    def _show_inactive_changed(self, on: bool) -> None:
        self.proxy.set_show_inactive(on)
        self._update_summary()
        self._update_actions()

    def _update_summary(self) -> None:
        records = self.model.records()
        if not records:
            self.summary.setText(
                _("No staff yet: add people (Ctrl+N) or import a roster file (Ctrl+I).")
                if self.editable
                else ""
            )
            return
        active = sum(r.active for r in records)
        text = _("{active} active, {inactive} deactivated").format(
            active=active, inactive=len(records) - active
        )
        shown = self.proxy.rowCount()
        if self.filter_edit.text().strip():
            text = _("{shown} shown · ").format(shown=shown) + text
        self.summary.setText(text)

    def _update_actions(self, *_args: object) -> None:
        if not self.editable:
            return
        record = self.selected_record()
        chosen = record is not None
        self.edit_action.setEnabled(chosen)
        self.active_action.setEnabled(chosen)
        self.pin_action.setEnabled(chosen and record is not None and record.active)
        self.sign_in_action.setEnabled(
            chosen and record is not None and record.active and record.sign_in is None
        )
        self.sign_in_action.setToolTip(
            _("Signs in as {name}").format(name=record.sign_in)
            if record is not None and record.sign_in
            else ""
        )
        self.reset_password_action.setEnabled(record is not None and record.sign_in is not None)
        # The same dialog sets a first PIN or replaces a forgotten one.
        has_pin = record is not None and record.has_pin
        self.pin_action.setText(_("Reset kiosk PIN…") if has_pin else _("Set kiosk PIN…"))
        self.export_action.setEnabled(self.proxy.rowCount() > 0)
        reactivate = record is not None and not record.active
        self.active_action.setText(_("Reactivate…") if reactivate else _("Deactivate…"))

    # --- dialogs ------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        widgets.open_dialog(self, dialog, on_accepted)

    def _warn(self, message: str) -> None:
        widgets.show_error(self, message, _("Staff"))

    def add_staff(self) -> None:
        if not self.editable:
            return
        dialog = StaffDialog(self.store, self.actor, None, self)
        self._open(dialog, lambda: self._saved(dialog))

    def edit_selected(self) -> None:
        record = self.selected_record()
        if record is None or not self.editable:
            return
        dialog = StaffDialog(self.store, self.actor, record, self)
        self._open(dialog, lambda: self._saved(dialog))

    def _edit_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_selected()

    def _saved(self, dialog: StaffDialog) -> None:
        if dialog.saved is None:
            return
        if dialog.record is None:
            # A new person may be hidden by the filter: clear it so they are seen.
            self.filter_edit.clear()
            self.reload(select_id=dialog.saved.id)
        else:
            self._refresh_one(dialog.saved.id)
        self.staff_changed.emit()

    def toggle_active_selected(self) -> None:
        record = self.selected_record()
        if record is None or not self.editable:
            return
        who = _("{name} ({no})").format(name=record.name, no=record.employee_no)
        if record.active:
            title = _("Deactivate staff member")
            question = _(
                "Deactivate {who}?\n\nNothing is deleted: their history is kept "
                "and they can be reactivated at any time."
            ).format(who=who)
        else:
            title = _("Reactivate staff member")
            question = _("Reactivate {who}?").format(who=who)
        if not widgets.confirm(self, question, title):
            return
        try:
            with self.store.transaction() as session:
                staff.set_active(session, self.actor, record.id, not record.active)
        except ServiceError as exc:
            self._warn(str(exc))
            return
        self._refresh_one(record.id)
        self.staff_changed.emit()

    def set_pin_selected(self) -> None:
        record = self.selected_record()
        if record is None or not self.editable:
            return
        self._open(
            PinDialog(self.store, self.actor, record, self), lambda: self._refresh_one(record.id)
        )

    def reset_password_selected(self) -> None:
        record = self.selected_record()
        if record is None or not self.editable or record.sign_in is None:
            return
        from app.ui.password_dialog import ResetPasswordDialog

        dialog = ResetPasswordDialog(self.store, self.actor, record, self)

        def done() -> None:
            widgets.show_info(
                self,
                _("{name}'s password was reset; they can sign in as “{user}” with it now.").format(
                    name=record.name, user=record.sign_in
                ),
                _("Password reset"),
            )

        self._open(dialog, done)

    def create_sign_in_selected(self) -> None:
        record = self.selected_record()
        if record is None or not self.editable:
            return
        dialog = SignInDialog(self.store, self.actor, record, self)

        def created() -> None:
            self._refresh_one(record.id)  # "Reset password…" now applies
            widgets.show_info(
                self,
                _("{name} can now sign in as “{user}”.").format(
                    name=record.name, user=dialog.created_username
                ),
                _("Sign-in created"),
            )

        self._open(dialog, created)

    # --- import ---------------------------------------------------------------------
    def import_roster(self) -> None:
        if not self.editable:
            return
        name, _selected = QFileDialog.getOpenFileName(
            self,
            _("Import staff roster"),
            str(self._folder),
            _("Roster files (*.xlsx *.csv *.txt);;All files (*)"),
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """Read `path` off the GUI thread, then show the preview of every row."""
        self._folder = path.parent
        store, actor = self.store, self.actor

        def work(report: Report) -> list[PreviewRow]:
            # Imported late: openpyxl is slow to load and only needed here.
            from app.importers.staff import read_roster

            return preview_rows(store, actor, read_roster(path).rows, report)

        BackgroundOp(self, work, _("Reading {file}…").format(file=path.name)).success(
            lambda rows: self._show_preview(path, rows)
        ).failure(lambda exc: self._import_failed(path, exc)).run()

    def _import_failed(self, path: Path, exc: Exception) -> None:
        from app.importers import ImportFileError

        if isinstance(exc, ImportCancelled):
            return
        if isinstance(exc, ImportFileError | ServiceError):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = _("Cannot read {file}: {reason}").format(
                file=path, reason=exc.strerror or exc
            )
        else:
            raise exc
        widgets.show_error(self, message + "\n\n" + _("Nothing was imported."), _("Cannot import"))

    def _show_preview(self, path: Path, rows: list[PreviewRow]) -> None:
        dialog = ImportPreviewDialog(path, rows, self)
        self._open(dialog, lambda: self._apply_import(dialog))

    def _apply_import(self, dialog: ImportPreviewDialog) -> None:
        rows = dialog.good_rows()
        try:
            with self.store.transaction() as session:
                outcome = staff.apply_import(session, self.actor, rows)
        except ServiceError as exc:
            self._warn(str(exc) + "\n\n" + _("Nothing was imported."))
            return
        self.reload()
        self.staff_changed.emit()
        widgets.show_info(
            self,
            _(
                "{file}:\n{added} added\n{updated} updated\n{unchanged} unchanged\n"
                "{rejected} rejected (not imported)"
            ).format(
                file=dialog.path.name,
                added=outcome.added,
                updated=outcome.updated,
                unchanged=outcome.unchanged,
                rejected=dialog.counts.rejected,
            ),
            _("Import finished"),
        )

    # --- export ---------------------------------------------------------------------
    def export_roster(self) -> None:
        if not self.editable:
            return
        records = self.visible_records()
        suggested = self._folder / "{name}-{day}.xlsx".format(
            name=_("staff-roster"), day=clock.branch_today().isoformat()
        )
        name, _selected = QFileDialog.getSaveFileName(
            self, _("Export staff roster"), str(suggested), _("Excel workbook (*.xlsx)")
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self._folder = path.parent

        def work(_report: Report) -> None:
            from app.reports.roster_xlsx import write_roster

            write_roster(records, path)

        def done(_result: object) -> None:
            widgets.show_info(
                self,
                _("{n} people written to {path}").format(n=len(records), path=path),
                _("Export finished"),
            )

        def failed(exc: Exception) -> None:
            if not isinstance(exc, OSError):
                raise exc
            widgets.show_error(
                self,
                _(
                    "Cannot write {path}: {reason}\n\nIf the file is open in Excel, "
                    "close it and try again."
                ).format(path=path, reason=exc.strerror or exc),
                _("Cannot export"),
            )

        BackgroundOp(self, work, _("Writing {file}…").format(file=path.name)).success(done).failure(
            failed
        ).run()
