"""File → Audit trail (supervisor): who changed which record, when, from what to what.

The list is read once when the dialog opens (newest first, the last 5,000 entries of the
chosen kind); the search box filters it as you type; Export writes the whole trail of the
kind, not only what is shown, as XLSX.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import N_, _
from app.services import audit
from app.services.audit import EntryRecord
from app.services.auth import Actor
from app.ui import widgets
from app.ui.printing import save_file
from app.ui.table_models import RECORD_ROLE, SORT_ROLE, Column, RecordTableModel, fit_columns

SHOWN_LIMIT = 5000
XLSX_FILTER = N_("Excel workbooks (*.xlsx)")

COLUMNS: list[Column[EntryRecord]] = [
    Column(N_("Time"), lambda e: e.at.strftime("%Y-%m-%d %H:%M:%S"), lambda e: e.seq),
    Column(N_("By"), lambda e: e.user_name),
    Column(N_("Record"), lambda e: e.entity_label),
    Column(N_("Action"), lambda e: e.action_label),
    Column(N_("ID"), lambda e: str(e.entity_id), lambda e: e.entity_id),
    Column(N_("Concerns"), lambda e: e.person),
    Column(N_("Changes"), lambda e: e.summary, tooltip=lambda e: "\n".join(e.summary.split("; "))),
]


class AuditDialog(QDialog):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.setWindowTitle(_("Audit trail"))
        self.resize(1100, 620)
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(_("Audit trail"), 1.3, self))
        layout.addWidget(
            widgets.muted(
                _(
                    "Every change to punches, requests, approvals, meetings and their minutes, "
                    "weekly summary reviews and user accounts: who, when, before and after. "
                    "Entries are chained by SHA-256, so File → Check data finds any entry or "
                    "record changed outside the app."
                ),
                self,
            )
        )
        bar = QHBoxLayout()
        self.kind = QComboBox(self)
        self.kind.addItem(_("All records"), None)
        for name, label in audit.ENTITY_LABELS.items():
            self.kind.addItem(_(label), name)
        self.kind.currentIndexChanged.connect(self.reload)
        bar.addWidget(QLabel(_("Record:"), self))
        bar.addWidget(self.kind)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search (name, field, value)…"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.count = QLabel(self)
        bar.addWidget(self.count)
        layout.addLayout(bar)

        self.model: RecordTableModel[EntryRecord] = RecordTableModel(COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self._filter)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        layout.addWidget(self.table, 3)
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(130)
        layout.addWidget(self.detail, 1)

        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton(_("Export…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def _entity(self) -> str | None:
        value = self.kind.currentData()
        return str(value) if value else None

    def reload(self) -> None:
        with self.store.reading() as session:
            records = audit.list_entries(
                session, self.actor, entity=self._entity(), limit=SHOWN_LIMIT
            )
        self.model.set_records(records)
        fit_columns(self.table, range(len(COLUMNS) - 1))
        self._update_count()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(
            _("{shown} of {total} entries").format(shown=shown, total=total)
            if shown != total
            else _("{total} entries").format(total=total)
        )

    def _show_detail(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.detail.clear()
            return
        e: EntryRecord = index.data(RECORD_ROLE)
        lines = [
            f"#{e.seq}  {e.at:%Y-%m-%d %H:%M:%S}  {e.user_name}  "
            f"{e.entity_label} {e.entity_id} {e.action_label}",
            *(
                f"  {c.field}: {'' if c.before is None else c.before} → "
                f"{'' if c.after is None else c.after}"
                for c in e.changes
            ),
            f"SHA-256 {e.hash}",
        ]
        self.detail.setPlainText("\n".join(lines))

    def export(self) -> None:
        with self.store.reading() as session:
            data = audit.export_xlsx(session, self.actor, entity=self._entity())
        save_file(self, data, _("Audit trail"), ".xlsx", _("Export"), _(XLSX_FILTER))
