"""A reusable read-only table model over a list of service records (frozen dataclasses).

A page declares its columns once (title msgid, text, sort key) and hands the model the
list a service returned; the model tells its views about every change (reset or
dataChanged), so nothing is ever shown stale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from app.i18n import _
from app.ui.widgets import ERROR_COLOR, MUTED_COLOR

T = TypeVar("T")

# Proxies sort on this role: plain str/int keys, because Qt cannot order Python objects.
SORT_ROLE = Qt.ItemDataRole.UserRole
# The record behind a row, for code that works through a proxy.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex: TypeAlias = QModelIndex | QPersistentModelIndex

MUTED = QColor(MUTED_COLOR)
ERROR_TEXT = QColor(ERROR_COLOR)
ERROR_BACKGROUND = QColor("#fdecea")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: `title` is an English msgid (marked with N_), translated when shown."""

    title: str
    text: Callable[[T], str]
    sort_key: Callable[[T], str | int] | None = None
    tooltip: Callable[[T], str] | None = None


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Rows are records, columns are `Column`s; subclasses may colour rows."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: list[T] = []

    # --- data in -------------------------------------------------------------
    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def replace_record(self, row: int, record: T) -> None:
        self._records[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def records(self) -> list[T]:
        return list(self._records)

    def record(self, row: int) -> T:
        return self._records[row]

    def find_row(self, predicate: Callable[[T], bool]) -> int | None:
        for row, record in enumerate(self._records):
            if predicate(record):
                return row
        return None

    # --- hooks for subclasses ----------------------------------------------------
    def foreground(self, record: T, column: int) -> QColor | None:
        return None

    def background(self, record: T, column: int) -> QColor | None:
        return None

    # --- QAbstractTableModel -----------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == SORT_ROLE:
            return column.sort_key(record) if column.sort_key else column.text(record)
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(record) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self.foreground(record, index.column())
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.BackgroundRole:
            color = self.background(record, index.column())
            return QBrush(color) if color is not None else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return _(self._columns[section].title)
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def selected_record(view: QTableView) -> Any:
    """The record of the view's selected row (through any proxy), or None."""
    selection = view.selectionModel()
    rows = selection.selectedRows() if selection is not None else []
    return rows[0].data(RECORD_ROLE) if rows else None


def visible_records(view: QTableView) -> list[Any]:
    """The records as shown: filtered and in the view's order."""
    model = view.model()
    return [model.index(row, 0).data(RECORD_ROLE) for row in range(model.rowCount())]


def select_record(view: QTableView, wanted: Callable[[Any], bool]) -> bool:
    """Select and show the first row whose record is `wanted`; False when none is shown."""
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if wanted(index.data(RECORD_ROLE)):
            view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            view.scrollTo(index)
            return True
    return False


def change_filter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Apply `change` to a proxy's filter state and re-filter.

    Qt 6.10 deprecated invalidateFilter() (and PySide warns, which the tests treat as
    an error) in favour of begin/endFilterChange; older Qt only has the former.
    """
    if hasattr(proxy, "endFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange()
    else:  # Qt < 6.10
        change()
        proxy.invalidateFilter()


def fit_columns(view: QTableView, columns: range | None = None, air: int = 16) -> None:
    """Size columns to their content and header, plus some air between them.

    Unlike ResizeToContents the user can still drag them; measuring stops after the
    header's resizeContentsPrecision rows, so long lists stay quick.
    """
    header = view.horizontalHeader()
    model = view.model()
    for column in columns if columns is not None else range(model.columnCount()):
        width = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
        header.resizeSection(column, width + air)
