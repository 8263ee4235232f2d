"""The list of pulls as a Qt tree: one row per pull, its layers as children.

The PullManager owns the list (after qutebrowser's download manager); this
model only forwards its added / changed / finished / removed calls, queued to
the GUI thread, as row inserts, data changes and row removals.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal

from app import humanize
from app.engine.pulls import LayerProgress, Pull, PullState
from app.engine.pulls.layers import LayerPhase
from app.qt.icons import state_icon

AnyIndex = QModelIndex | QPersistentModelIndex
PULL_ROLE = Qt.ItemDataRole.UserRole + 10
FRACTION_ROLE = Qt.ItemDataRole.UserRole + 11  # float 0..1, or None while no size is known
COLUMNS = ("Image", "Phase", "Progress", "Bytes", "Rate", "Time left")
PROGRESS_COLUMN = 2
RATE_COLUMN, TIME_LEFT_COLUMN = 4, 5
QUIET_SECONDS = 3.0  # no line from the engine for this long: the shown rate is no longer true
_TOP = 0  # internal id of pull rows; a layer row's internal id is its pull's id
_STATE_ICONS = {PullState.QUEUED: "created", PullState.RUNNING: "restarting", PullState.DONE: "running",
                PullState.FAILED: "exited", PullState.CANCELLED: "removing"}


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def _bytes(pull: Pull) -> str:
    progress = pull.progress
    if progress.total_bytes <= 0:
        return ""
    text = f"{humanize.size(progress.done_bytes)} of {humanize.size(progress.total_bytes)}"
    if progress.waiting_for_size:
        waiting = progress.waiting_for_size
        text += f" ({waiting} {'layer' if waiting == 1 else 'layers'} waiting for size)"
    if progress.saved_bytes:
        text += f", {humanize.size(progress.saved_bytes)} already here"
    return text


def _rate_and_time_left(pull: Pull, now: float) -> tuple[str, str]:
    """A stream that went quiet says so, rather than keep showing the speed it last had."""
    progress = pull.progress
    if pull.state is not PullState.RUNNING:
        return "", ""
    quiet = now - progress.heard_at if progress.heard_at is not None else 0.0
    if quiet >= QUIET_SECONDS:
        return f"nothing for {int(quiet)} s", ""
    return (f"{humanize.size(int(progress.rate))}/s" if progress.rate else ""), _eta(progress.eta)


def _layer_bytes(layer: LayerProgress) -> str:
    if layer.phase is LayerPhase.EXTRACTING and layer.extract_total:
        return f"extracting {humanize.size(layer.extract_current)} of {humanize.size(layer.extract_total)}"
    if layer.download_total:
        return f"{humanize.size(layer.download_current)} of {humanize.size(layer.download_total)}"
    return ""


class PullsBridge(QObject):
    """A PullListener whose calls, from the manager's notifier thread, become queued signals."""

    added = Signal(object)
    changed = Signal(object)
    finished = Signal(object)
    removed = Signal(object)

    def pull_added(self, pull: Pull) -> None:
        self.added.emit(pull)

    def pull_changed(self, pull: Pull) -> None:
        self.changed.emit(pull)

    def pull_finished(self, pull: Pull) -> None:
        self.finished.emit(pull)

    def pull_removed(self, pull: Pull) -> None:
        self.removed.emit(pull)


class PullsModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pulls: list[Pull] = []
        self._layer_counts: dict[int, int] = {}  # pull id → layer rows shown
        # While a pull runs, its rate and time left are redrawn each second even when the engine is quiet.
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)

    # -- forwarding the manager's calls

    def add(self, pull: Pull) -> None:
        if any(existing is pull for existing in self._pulls):
            self.change(pull)
            return
        self.beginInsertRows(QModelIndex(), len(self._pulls), len(self._pulls))
        self._pulls.append(pull)
        self._layer_counts[pull.id] = 0
        self.endInsertRows()
        self.change(pull)

    def change(self, pull: Pull) -> None:
        row = self._row_of(pull)
        if row < 0:
            return
        parent = self.index(row, 0)
        shown = self._layer_counts[pull.id]
        layers = len(pull.progress.layers)
        if layers > shown:
            self.beginInsertRows(parent, shown, layers - 1)
            self._layer_counts[pull.id] = layers
            self.endInsertRows()
        elif layers < shown:  # a retry starts the layer list over
            self.beginRemoveRows(parent, layers, shown - 1)
            self._layer_counts[pull.id] = layers
            self.endRemoveRows()
        last = len(COLUMNS) - 1
        self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if layers:
            self.dataChanged.emit(self.index(0, 0, parent), self.index(layers - 1, last, parent))
        self._keep_ticking()

    def _keep_ticking(self) -> None:
        running = any(pull.state is PullState.RUNNING for pull in self._pulls)
        if running and not self._ticker.isActive():
            self._ticker.start()
        elif not running and self._ticker.isActive():
            self._ticker.stop()

    def _tick(self) -> None:
        for row, pull in enumerate(self._pulls):
            if pull.state is PullState.RUNNING:
                self.dataChanged.emit(self.index(row, RATE_COLUMN), self.index(row, TIME_LEFT_COLUMN),
                                      [Qt.ItemDataRole.DisplayRole])
        self._keep_ticking()

    def remove(self, pull: Pull) -> None:
        row = self._row_of(pull)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._pulls[row]
        self._layer_counts.pop(pull.id, None)
        self.endRemoveRows()
        self._keep_ticking()

    def pulls(self) -> list[Pull]:
        return list(self._pulls)

    def _row_of(self, pull: Pull) -> int:
        return next((row for row, existing in enumerate(self._pulls) if existing is pull), -1)

    def _pull_by_id(self, pull_id: int) -> tuple[int, Pull | None]:
        for row, pull in enumerate(self._pulls):
            if pull.id == pull_id:
                return row, pull
        return -1, None

    # -- the tree

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP) if row < len(self._pulls) else QModelIndex()
        if parent.internalId() != _TOP:
            return QModelIndex()
        pull = self._pulls[parent.row()]
        if row >= self._layer_counts.get(pull.id, 0):
            return QModelIndex()
        return self.createIndex(row, column, pull.id)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        row, pull = self._pull_by_id(index.internalId())
        return self.createIndex(row, 0, _TOP) if pull is not None else QModelIndex()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        if not parent.isValid():
            return len(self._pulls)
        if parent.internalId() != _TOP or parent.column() != 0:
            return 0
        return self._layer_counts.get(self._pulls[parent.row()].id, 0)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._pull_data(self._pulls[index.row()], index.column(), role)
        _row, pull = self._pull_by_id(index.internalId())
        if pull is None or index.row() >= len(pull.progress.layers):
            return None
        return self._layer_data(pull.progress.layers[index.row()], index.column(), role)

    def _pull_data(self, pull: Pull, column: int, role: int) -> Any:
        if role == PULL_ROLE:
            return pull
        if role == FRACTION_ROLE and column == PROGRESS_COLUMN:
            if pull.state is PullState.DONE:
                return 1.0
            # An ended pull holds its bar still where it stopped: a busy bar would say it still works.
            return pull.progress.fraction or 0.0 if pull.finished else pull.progress.fraction
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return state_icon(_STATE_ICONS[pull.state])
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and pull.error is not None:
            return pull.error.message
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        phase = (pull.error.why or pull.error.what) if pull.error is not None else pull.phase
        rate, time_left = _rate_and_time_left(pull, time.monotonic())
        values = [pull.name, phase, "", _bytes(pull), rate, time_left]
        return values[column]

    def _layer_data(self, layer: LayerProgress, column: int, role: int) -> Any:
        if role == FRACTION_ROLE and column == PROGRESS_COLUMN:
            return layer.work_fraction
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = [layer.layer_id, layer.phase.value, "", _layer_bytes(layer), "", ""]
        return values[column]
