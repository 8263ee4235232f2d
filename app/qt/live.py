"""The engine's objects as four Qt models, kept live by a LiveTracker.

The tracker calls back on its own threads; ``_Bridge`` turns each call into a
queued signal, and the GUI thread applies the queued changes in slices of a
few milliseconds, so a burst of thousands of events never freezes the window.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.engine.connection import Endpoint
from app.engine.incidents import Incident, IncidentWatch
from app.engine.rows import ContainerRow, Kind, Row
from app.engine.tracker import ConnectionState, LiveTracker, Status
from app.qt import columns
from app.qt.resource_model import ResourceModel

SLICE_SECONDS = 0.012  # GUI time spent applying changes before the event loop gets a turn
SLICE_ROWS = 250  # rows applied at once; bigger batches are split
SETTLE_AFTER_LIST_MS = 500
AGING_REFRESH_MS = 15_000  # "Up 3 minutes" and "2 hours ago" are redrawn this often, without a request


def settle_long_lived_objects() -> None:
    """Move what exists now (thousands of listed rows) out of the garbage collector's generations.

    A full collection walks every tracked object and runs on whichever thread happens to
    allocate, the GUI thread included; with the rows frozen it walks only what came later.
    Unfreezing first and collecting once lets garbage from an earlier connection go.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class _Bridge(QObject):
    """Receives tracker callbacks on any thread; its signals queue them to the GUI thread."""

    state = Signal(object)
    change = Signal(object)
    incident = Signal(object)
    cleared = Signal(str)

    def connection_changed(self, state: ConnectionState) -> None:
        self.state.emit(state)

    def rows_listed(self, kind: Kind, rows: list[Row]) -> None:
        self.change.emit(("listed", kind, rows))

    def rows_changed(self, kind: Kind, rows: list[Row]) -> None:
        for start in range(0, len(rows), SLICE_ROWS):
            self.change.emit(("changed", kind, rows[start : start + SLICE_ROWS]))

    def rows_removed(self, kind: Kind, keys: list[str]) -> None:
        self.change.emit(("removed", kind, keys))


class EngineModels(QObject):
    """Owns the four resource models and the tracker that feeds them."""

    state_changed = Signal(object)  # ConnectionState
    incident = Signal(object)  # app.engine.incidents.Incident: a container stopped without being asked
    incident_over = Signal(str)  # a container's key: started again, healthy again, or removed
    relisted = Signal(object)  # a Kind whose full list reached its model (after each (re)connect)
    applied = Signal()  # a slice of changes reached the models (benchmarks time this)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.usage = columns.Usage()
        self.models: dict[Kind, ResourceModel] = {
            Kind.CONTAINER: ResourceModel(columns.container_columns(), self),
            Kind.IMAGE: ResourceModel(columns.image_columns(self.usage), self),
            Kind.VOLUME: ResourceModel(columns.volume_columns(self.usage), self),
            Kind.NETWORK: ResourceModel(columns.network_columns(), self),
        }
        self.state = ConnectionState(Status.STOPPED, "")
        self._tracker: LiveTracker | None = None
        self._bridge: _Bridge | None = None
        self._queue: deque[tuple[str, Kind, list]] = deque()  # type: ignore[type-arg]
        self._listed_since_freeze = False
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_AFTER_LIST_MS)
        self._settle_timer.timeout.connect(settle_long_lived_objects)
        self._drain_timer = QTimer(self)
        self._drain_timer.setSingleShot(True)
        self._drain_timer.setInterval(0)
        self._drain_timer.timeout.connect(self._drain)
        self._clock = QTimer(self)
        self._clock.setInterval(AGING_REFRESH_MS)
        self._clock.timeout.connect(self._redraw_aging_columns)  # runs while an engine is followed

    def model(self, kind: Kind) -> ResourceModel:
        return self.models[kind]

    @property
    def endpoint(self) -> Endpoint | None:
        return self._tracker.endpoint if self._tracker else None

    def connect_to(self, endpoint: Endpoint) -> None:
        """Follow ``endpoint`` from now on; the old engine's rows leave row by row."""
        self.disconnect_engine()
        self._bridge = _Bridge()
        self._bridge.state.connect(self._on_state)
        self._bridge.change.connect(self._on_change)
        self._bridge.incident.connect(self._on_incident)
        self._bridge.cleared.connect(self._on_incident_over)
        watch = IncidentWatch(self._bridge.incident.emit, cleared=self._bridge.cleared.emit)
        self._tracker = LiveTracker(endpoint, self._bridge, observers=(watch.observe,))
        self._tracker.start()
        self._clock.start()

    def disconnect_engine(self, wait: float = 0.0) -> None:
        """Stop following the engine; ``wait`` bounds how long the GUI waits for the threads."""
        tracker, bridge = self._tracker, self._bridge
        self._tracker = self._bridge = None
        if bridge is not None:
            bridge.state.disconnect()
            bridge.change.disconnect()
            bridge.incident.disconnect()
            bridge.cleared.disconnect()
        self._clock.stop()
        self._settle_timer.stop()
        if tracker is not None:
            tracker.stop(wait)
        self._queue.clear()
        self._clear_models()

    def _clear_models(self) -> None:
        self.usage.image_users.clear()
        self.usage.volume_users.clear()
        self.usage.names.clear()
        for model in self.models.values():
            model.clear()

    def _from_this_engine(self) -> bool:
        # A signal the old engine's bridge queued before it was let go is still delivered.
        return self.sender() is self._bridge

    def _on_incident(self, incident: Incident) -> None:
        if self._from_this_engine():
            self.incident.emit(incident)

    def _on_incident_over(self, key: str) -> None:
        if self._from_this_engine():
            self.incident_over.emit(key)

    def _on_state(self, state: ConnectionState) -> None:
        if not self._from_this_engine():
            return
        self.state = state
        if state.status is Status.LOST:
            # Stale rows would invite actions that cannot work; the reconnect lists afresh.
            self._queue.clear()
            self._clear_models()
        self.state_changed.emit(state)

    def _on_change(self, change: tuple[str, Kind, list]) -> None:  # type: ignore[type-arg]
        if not self._from_this_engine():
            return
        self._queue.append(change)
        if not self._drain_timer.isActive():
            self._drain_timer.start()

    def _drain(self) -> None:
        deadline = time.perf_counter() + SLICE_SECONDS
        while self._queue and time.perf_counter() < deadline:
            what, kind, payload = self._queue.popleft()
            self._apply(what, kind, payload)
            self._listed_since_freeze |= what == "listed"
        self.applied.emit()
        if self._queue:
            self._drain_timer.start()
        elif self._listed_since_freeze:
            self._listed_since_freeze = False
            self._settle_timer.start()  # once the rows are painted

    def _apply(self, what: str, kind: Kind, payload: list) -> None:  # type: ignore[type-arg]
        model = self.models[kind]
        if kind is Kind.CONTAINER:
            self._track_usage(what, payload)
        actions: dict[str, Callable[[list], None]] = {  # type: ignore[type-arg]
            "listed": model.replace_all,
            "changed": model.upsert,
            "removed": model.remove,
        }
        actions[what](payload)
        if what == "listed":
            self.relisted.emit(kind)

    def _track_usage(self, what: str, payload: list) -> None:  # type: ignore[type-arg]
        containers = self.models[Kind.CONTAINER]
        if what == "listed":
            old: list[Row] = containers.rows()
            self.usage.image_users.clear()
            self.usage.volume_users.clear()
            self.usage.names.clear()
            new: list[Row] = list(payload)
        else:
            keys = [row.key for row in payload] if what == "changed" else payload
            old = [row for row in map(containers.row_by_key, keys) if row is not None]
            new = list(payload) if what == "changed" else []
        images: set[str] = set()
        volumes: set[str] = set()
        for row in old:
            if isinstance(row, ContainerRow):
                self.usage.forget(row)
                images.add(row.image_id)
                volumes.update(row.volume_names)
        for row in new:
            if isinstance(row, ContainerRow):
                self.usage.add(row)
                images.add(row.image_id)
                volumes.update(row.volume_names)
        self.models[Kind.IMAGE].refresh_columns(images, [columns.IMAGE_USAGE_COLUMN])
        self.models[Kind.VOLUME].refresh_columns(volumes, [columns.VOLUME_USAGE_COLUMN])

    def _redraw_aging_columns(self) -> None:
        for model in self.models.values():
            model.refresh_aging_columns()

    def pending(self) -> int:
        return len(self._queue)
