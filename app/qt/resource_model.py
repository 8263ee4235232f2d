"""A table of engine rows keyed by object id that changes row by row, never by reset.

Selection and scroll position in the views survive every update because rows
are only inserted, changed (dataChanged on the changed range) or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.engine.rows import Row
from app.qt import row_order

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
KEY_ROLE = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_SERVED_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ALIGNMENT, int(SORT_ROLE), int(ROW_ROLE), int(KEY_ROLE)})
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column:
    title: str
    display: Callable[[Any], str]
    sort_key: Callable[[Any], Any] | None = None  # defaults to the displayed text
    decoration: Callable[[Any], Any] | None = None
    tooltip: Callable[[Any], str] | None = None
    align_right: bool = False
    width: int = 150
    ages: bool = False  # the text depends on the clock ("3 minutes ago") and is redrawn as time passes


def _ranges(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) runs of sorted positions, so that one signal covers each run."""
    runs: list[tuple[int, int]] = []
    for position in sorted(positions):
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


MAX_INSERT_RUNS = 32  # more separate places than this: append, then re-sort once


class ResourceModel(QAbstractTableModel):
    # Keys of rows the engine changed; dataChanged also fires for the clock and derived counts,
    # which must not make a details pane ask the engine again.
    rows_changed = Signal(list)

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []
        self._positions: dict[str, int] = {}
        self._sort_column = -1  # -1: the order rows arrived in
        self._descending = False

    # -- read

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks for a dozen roles per painted cell; most are never served, so they cost one lookup.
        if role not in _SERVED_ROLES or not index.isValid():
            return None
        row_number, column_number = index.row(), index.column()
        if row_number >= len(self._rows) or column_number >= len(self._columns):
            return None
        row = self._rows[row_number]
        column = self._columns[column_number]
        if role == _DISPLAY:
            return column.display(row)
        if role == SORT_ROLE:
            return column.sort_key(row) if column.sort_key else column.display(row)
        if role == ROW_ROLE:
            return row
        if role == KEY_ROLE:
            return row.key
        if role == _DECORATION:
            return column.decoration(row) if column.decoration is not None else None
        if role == _TOOLTIP:
            return column.tooltip(row) if column.tooltip is not None else None
        return _RIGHT_ALIGNED if column.align_right else None  # the alignment role

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_by_key(self, key: str) -> Row | None:
        position = self._positions.get(key)
        return None if position is None else self._rows[position]

    def index_of(self, key: str, column: int = 0) -> QModelIndex:
        position = self._positions.get(key)
        return QModelIndex() if position is None else self.index(position, column)

    # -- change, row by row

    def upsert(self, rows: Iterable[Row]) -> None:
        """Replace the rows whose key is known, insert the others where the sort order puts them."""
        changed: list[int] = []
        moved = False
        fresh: dict[str, Row] = {}
        for row in rows:
            position = self._positions.get(row.key)
            if position is None:
                fresh[row.key] = row
            elif self._rows[position] != row:
                if self._sort_column >= 0 and not moved:
                    moved = self._sort_key(self._rows[position]) != self._sort_key(row)
                self._rows[position] = row
                changed.append(position)
        for first, last in _ranges(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._columns) - 1))
        if changed:
            self.rows_changed.emit([self._rows[position].key for position in changed])
        if moved:
            self._resort()
        if fresh:
            self._insert(list(fresh.values()))

    def _insert(self, fresh: list[Row]) -> None:
        if self._sort_column < 0:
            self._insert_at(len(self._rows), fresh)
            return
        keys = [self._sort_key(row) for row in self._rows]
        runs = row_order.insertion_runs(keys, [self._sort_key(row) for row in fresh], self._descending)
        if len(runs) > MAX_INSERT_RUNS:
            self._insert_at(len(self._rows), fresh)
            self._resort()
            return
        for position, indexes in sorted(runs, key=lambda run: -run[0]):
            self._insert_at(position, [fresh[index] for index in indexes])

    def _insert_at(self, position: int, rows: list[Row]) -> None:
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        self._rows[position:position] = rows
        for number in range(position, len(self._rows)):
            self._positions[self._rows[number].key] = number
        self.endInsertRows()

    # -- order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is a layout change of this model; the views' filter proxy only filters."""
        self._sort_column = column if 0 <= column < len(self._columns) else -1
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._resort()

    def sort_order(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order

    def _sort_key(self, row: Row) -> row_order.SortKey:
        column = self._columns[self._sort_column]
        value = column.sort_key(row) if column.sort_key else column.display(row)
        return row_order.normalised(value), row.key

    def _resort(self) -> None:
        if self._sort_column < 0 or len(self._rows) < 2:
            return
        order = row_order.sorted_positions([self._sort_key(row) for row in self._rows], self._descending)
        if all(old == new for new, old in enumerate(order)):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        keys = [self._rows[index.row()].key for index in persistent]
        self._rows = [self._rows[old] for old in order]
        self._positions = {row.key: number for number, row in enumerate(self._rows)}
        moved_to = [self.index(self._positions[key], index.column())
                    for key, index in zip(keys, persistent, strict=True)]
        self.changePersistentIndexList(persistent, moved_to)
        self.layoutChanged.emit()

    def remove(self, keys: Iterable[str]) -> None:
        positions = {self._positions[key] for key in keys if key in self._positions}
        if not positions:
            return
        for first, last in reversed(_ranges(positions)):
            self.beginRemoveRows(QModelIndex(), first, last)
            for row in self._rows[first : last + 1]:
                del self._positions[row.key]
            del self._rows[first : last + 1]
            # Listeners of rowsRemoved may look rows up by key: the index must be right before they run.
            for position in range(first, len(self._rows)):
                self._positions[self._rows[position].key] = position
            self.endRemoveRows()

    def replace_all(self, rows: Iterable[Row]) -> None:
        """Make the model hold exactly ``rows`` (after a reconnect) by removals, changes and inserts."""
        incoming = {row.key: row for row in rows}
        self.remove([key for key in self._positions if key not in incoming])
        self.upsert(incoming.values())

    def clear(self) -> None:
        self.remove(list(self._positions))

    def columns(self) -> list[Column]:
        return list(self._columns)

    def refresh_aging_columns(self) -> None:
        """One signal per clock-dependent column, so "Up 3 minutes" keeps up without asking the engine."""
        if not self._rows:
            return
        for number, column in enumerate(self._columns):
            if column.ages:
                self.dataChanged.emit(self.index(0, number), self.index(len(self._rows) - 1, number),
                                      [Qt.ItemDataRole.DisplayRole])

    def refresh_columns(self, keys: Iterable[str], columns: Sequence[int]) -> None:
        """Announce that derived values (counts from other models) changed for these rows."""
        positions = [self._positions[key] for key in keys if key in self._positions]
        for first, last in _ranges(positions):
            for column in columns:
                self.dataChanged.emit(self.index(first, column), self.index(last, column))
        if positions and self._sort_column in columns:
            self._resort()
