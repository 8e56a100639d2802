"""The book of customers (客户名册).

Confidential: a manager sees and edits only their own customers (the service filters
and refuses); the supervisor sees the whole branch, with an owner column and filter,
and chooses the owner when adding. Customers are retired, never deleted: the visit
history points at them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
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
from app.services import weekly
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.weekly import CustomerRecord, Grade
from app.ui import table_models, widgets
from app.ui.table_models import (
    MUTED,
    SORT_ROLE,
    Column,
    RecordTableModel,
    change_filter,
    fit_columns,
)
from app.ui.weekly_dialogs import CustomerDialog

KEY_COLOR = QColor("#9a3412")


def _columns(with_owner: bool) -> list[Column[CustomerRecord]]:
    columns: list[Column[CustomerRecord]] = [
        Column(N_("Name"), lambda c: c.name),
        Column(N_("Company"), lambda c: c.company, tooltip=lambda c: c.company),
        Column(N_("Telephone"), lambda c: c.phone),
        Column(
            N_("Grade"),
            lambda c: weekly.grade_label(c.grade),
            sort_key=lambda c: 0 if c.grade == Grade.KEY else 1,
        ),
        Column(
            N_("Birthday"),
            lambda c: c.birthday.isoformat() if c.birthday else "",
            # By month and day: whose birthday comes next matters, not the year.
            sort_key=lambda c: c.birthday.strftime("%m%d") if c.birthday else "9999",
        ),
        Column(N_("Note"), lambda c: c.note.replace("\n", " "), tooltip=lambda c: c.note),
    ]
    if with_owner:
        columns.insert(0, Column(N_("Account manager"), lambda c: c.owner_name))
    return columns


class CustomerTableModel(RecordTableModel[CustomerRecord]):
    def __init__(self, with_owner: bool, parent: QWidget | None = None) -> None:
        super().__init__(_columns(with_owner), parent)
        self.grade_column = 4 if with_owner else 3

    def foreground(self, record: CustomerRecord, column: int) -> QColor | None:
        if not record.active:
            return MUTED
        if column == self.grade_column and record.grade == Grade.KEY:
            return KEY_COLOR
        return None


def matches(record: CustomerRecord, text: str) -> bool:
    """Every word is found in the name, company, phone, note or owner."""
    phone = record.phone.replace("-", "").replace(" ", "")
    haystack = " ".join((record.name, record.company, record.note, record.owner_name)).casefold()
    for word in text.casefold().split():
        digits = word.replace("-", "")
        if not (word in haystack or (digits and digits in phone)):
            return False
    return True


class CustomerFilterProxy(QSortFilterProxyModel):
    """Filter by text and owner; hide retired customers unless asked."""

    def __init__(self, source: CustomerTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.text = ""
        self.owner: int | None = None
        self.show_retired = False
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)

    def set_text(self, text: str) -> None:
        change_filter(self, lambda: setattr(self, "text", text.strip()))

    def set_owner(self, owner: int | None) -> None:
        change_filter(self, lambda: setattr(self, "owner", owner))

    def set_show_retired(self, on: bool) -> None:
        change_filter(self, lambda: setattr(self, "show_retired", on))

    def filterAcceptsRow(
        self, source_row: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        record = self.source.record(source_row)
        if not record.active and not self.show_retired:
            return False
        if self.owner is not None and record.owner_staff_id != self.owner:
            return False
        return matches(record, self.text)


class CustomersView(QWidget):
    """The 客户名册 tab."""

    customers_changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.whole_branch = actor.sees_whole_branch
        self.current_dialog: QDialog | None = None
        self.buttons: dict[QAction, QToolButton] = {}

        self.model = CustomerTableModel(self.whole_branch, self)
        self.proxy = CustomerFilterProxy(self.model, self)
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
        self.table.setAccessibleName(_("Book of customers"))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._edit_index)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_selected)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.retire_selected)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(_("Search by name, company, phone or note"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(280)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.owner_filter = QComboBox()
        self.owner_filter.setMinimumWidth(160)
        self.owner_filter.currentIndexChanged.connect(self._owner_changed)
        self.owner_filter.setVisible(self.whole_branch)
        self.show_retired = QCheckBox(_("Show retired"))
        self.show_retired.toggled.connect(self._show_retired_changed)
        self.summary = widgets.muted("", self)
        self.summary.setWordWrap(False)

        self.add_action = self._action(_("Add…"), self.add_customer, QKeySequence.StandardKey.New)
        self.edit_action = self._action(_("Edit…"), self.edit_selected)
        self.edit_action.setToolTip(_("Edit the selected customer (Enter or double-click)"))
        self.active_action = self._action(_("Retire…"), self.retire_selected)
        self.active_action.setToolTip(_("Retire the selected customer (Delete)"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 8, 8)
        layout.setSpacing(10)
        title = widgets.heading(_("Book of customers"), 1.3, self)
        layout.addWidget(title)
        layout.addWidget(
            widgets.muted(
                _("The whole branch's customers, by account manager. Confidential.")
                if self.whole_branch
                else _("Your own customers; other managers cannot see them."),
                self,
            )
        )
        toolbar = QHBoxLayout()
        for action in (self.add_action, self.edit_action, self.active_action):
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.buttons[action] = b
            toolbar.addWidget(b)
        toolbar.addSpacing(12)
        toolbar.addWidget(self.filter_edit)
        toolbar.addWidget(self.owner_filter)
        toolbar.addWidget(self.show_retired)
        toolbar.addStretch(1)
        toolbar.addWidget(self.summary)
        layout.addLayout(toolbar)
        layout.addWidget(self.table, 1)

        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.reload()
        fit_columns(self.table)

    def refresh(self) -> None:
        self.reload()

    def _action(
        self,
        text: str,
        slot: Callable[[], None],
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = widgets.page_action(self, text, slot, shortcut)
        self.addAction(action)
        return action

    # --- reading ----------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        current = self.selected_record()
        keep = select_id if select_id is not None else (current.id if current else None)
        with self.store.reading() as session:
            records = weekly.list_customers(session, self.actor, include_inactive=True)
        self.model.set_records(records)
        if self.whole_branch:
            self._fill_owners(records)
        if keep is not None:
            self.select_customer(keep)
        self._update_summary()
        self._update_actions()

    def _fill_owners(self, records: list[CustomerRecord]) -> None:
        chosen = self.owner_filter.currentData()
        owners = sorted({(r.owner_name, r.owner_staff_id) for r in records})
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItem(_("All account managers"), None)
        for name, staff_id in owners:
            self.owner_filter.addItem(name, staff_id)
        index = self.owner_filter.findData(chosen) if chosen is not None else 0
        self.owner_filter.setCurrentIndex(max(index, 0))
        self.owner_filter.blockSignals(False)
        self.proxy.set_owner(self.owner_filter.currentData())

    def selected_record(self) -> CustomerRecord | None:
        record: CustomerRecord | None = table_models.selected_record(self.table)
        return record

    def select_customer(self, customer_id: int) -> bool:
        return table_models.select_record(self.table, lambda r: r.id == customer_id)

    def visible_records(self) -> list[CustomerRecord]:
        """The rows as shown: filtered and in the table's order."""
        return table_models.visible_records(self.table)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_summary()
        self._update_actions()

    def _owner_changed(self, _index: int) -> None:
        self.proxy.set_owner(self.owner_filter.currentData())
        self._update_summary()
        self._update_actions()

    def _show_retired_changed(self, on: bool) -> None:
        self.proxy.set_show_retired(on)
        self._update_summary()
        self._update_actions()

    def _update_summary(self) -> None:
        records = self.model.records()
        if not records:
            self.summary.setText(_("No customers yet: add one with Ctrl+N."))
            return
        active = [r for r in records if r.active]
        key = sum(1 for r in active if r.grade == Grade.KEY)
        text = _("{n} customers ({key} key), {retired} retired").format(
            n=len(active), key=key, retired=len(records) - len(active)
        )
        if self.filter_edit.text().strip() or self.proxy.owner is not None:
            text = _("{shown} shown · ").format(shown=self.proxy.rowCount()) + text
        self.summary.setText(text)

    def _update_actions(self, *_args: object) -> None:
        record = self.selected_record()
        self.edit_action.setEnabled(record is not None)
        self.active_action.setEnabled(record is not None)
        retired = record is not None and not record.active
        self.active_action.setText(_("Reactivate…") if retired else _("Retire…"))

    # --- changing ---------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        widgets.open_dialog(self, dialog, on_accepted)

    def add_customer(self) -> None:
        owner = self.owner_filter.currentData() if self.whole_branch else None
        dialog = CustomerDialog(self.store, self.actor, None, owner, self)
        self._open(dialog, lambda: self._saved(dialog))

    def edit_selected(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        dialog = CustomerDialog(self.store, self.actor, record, None, self)
        self._open(dialog, lambda: self._saved(dialog))

    def _edit_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_selected()

    def _saved(self, dialog: CustomerDialog) -> None:
        if dialog.saved is None:
            return
        if dialog.record is None:
            self.filter_edit.clear()  # a new customer may be hidden by the filter
        self.reload(select_id=dialog.saved.id)
        self.customers_changed.emit()

    def retire_selected(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        if record.active:
            title = _("Retire customer")
            question = _(
                "Retire {name}?\n\nNothing is deleted: the visit history is kept and "
                "the customer can be reactivated at any time."
            ).format(name=record.name)
        else:
            title = _("Reactivate customer")
            question = _("Reactivate {name}?").format(name=record.name)
        if not widgets.confirm(self, question, title):
            return
        try:
            with self.store.transaction() as session:
                weekly.set_customer_active(session, self.actor, record.id, not record.active)
        except ServiceError as exc:
            widgets.show_error(self, str(exc), _("Book of customers"))
            return
        self.reload(select_id=record.id)
        self.customers_changed.emit()
