"""Keeping the services model current: definitions from the files, states from the engine.

Definitions are read (``load_all``) on a worker thread, statuses come from one list
request through the OperationRunner in the slot ``services-status`` (a newer refresh
drops an older answer). It refreshes when eris containers change in the EngineModels'
container model and when files in the services folder change, both debounced so that
a burst costs one refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import docker
from PySide6.QtCore import QFileSystemWatcher, QModelIndex, QObject, QRunnable, QThreadPool, QTimer, Signal

from app.engine.errors import EngineError, EnginePermissionDenied, EngineTimeout, EngineUnreachable
from app.engine.rows import ContainerRow, Kind
from app.engine.tracker import ConnectionState, Status
from app.qt.live import EngineModels
from app.qt.operations import OperationRunner, Relay
from app.qt.resource_model import AnyIndex, ResourceModel
from app.qt.services_model import ServiceRow, ServicesModel
from app.services.home import eris_home, services_folder
from app.services.lifecycle import ServiceManager
from app.services.naming import Snapshot
from app.services.parsing import SUFFIXES
from app.services.status import ServiceStatus, all_statuses
from app.services.validation import Catalog, load_all

STATUS_SLOT = "services-status"
DEBOUNCE_MS = 200
_ERIS_PREFIXES = ("eris_service_", "eris_data_")
_CONNECTION_ERRORS = (EngineUnreachable, EngineTimeout, EnginePermissionDenied)


def is_eris_container(row: object) -> bool:
    """Whether a container row is one of eris's (by name or label): its change may change a service."""
    if not isinstance(row, ContainerRow):
        return False
    return row.name.startswith(_ERIS_PREFIXES) or any(key.startswith("eris:") for key, _ in row.labels)


def _statuses(api: docker.APIClient, catalog: Catalog) -> list[ServiceStatus]:
    return ServiceManager(api, catalog).statuses()


class _LoadCatalog(QRunnable):
    def __init__(self, relay: Relay, home: Path) -> None:
        super().__init__()
        self._relay = relay
        self._home = home

    def run(self) -> None:
        if self._relay.cancelled.is_set():
            return
        try:
            catalog = load_all(self._home)
        except Exception as error:  # noqa: BLE001 - load_all never raises for a bad file; a bad folder may
            if not self._relay.cancelled.is_set():
                self._relay.failed.emit(error)
            return
        if not self._relay.cancelled.is_set():
            self._relay.succeeded.emit(catalog)


class ServicesFeed(QObject):
    """Keeps a ServicesModel current: definitions from the files, states from the engine."""

    refreshed = Signal()  # new statuses reached the model
    catalog_loaded = Signal(object)  # Catalog
    problem = Signal(str)  # why the last refresh failed, in words; "" once one succeeds

    def __init__(
        self,
        runner: OperationRunner,
        model: ServicesModel,
        models: EngineModels | None = None,
        home: Path | None = None,
        parent: QObject | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.model = model
        self.home = home if home is not None else eris_home()
        self._models = models
        self._catalog: Catalog | None = None
        self._busy: dict[str, str] = {}
        self._settling: set[str] = set()
        self._generation = 0
        self._loads: set[Relay] = set()
        self._closed = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

        self._refresh_timer = self._debouncer(debounce_ms, self.refresh_now)
        self._reload_timer = self._debouncer(debounce_ms, self.reload)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._files_changed)
        self.watcher.fileChanged.connect(self._files_changed)

        if models is not None:
            containers = models.model(Kind.CONTAINER)
            containers.rowsInserted.connect(partial(self._container_rows, containers))
            containers.rowsAboutToBeRemoved.connect(partial(self._container_rows, containers))
            containers.dataChanged.connect(partial(self._container_changed, containers))
            models.state_changed.connect(self._state_changed)

    def _debouncer(self, interval: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    # ------------------------------------------------------------------ what it knows

    @property
    def catalog(self) -> Catalog | None:
        return self._catalog

    @property
    def folder(self) -> Path:
        return services_folder(self.home)

    def connected(self) -> bool:
        return self._models is None or self._models.state.status is Status.CONNECTED

    def watched_paths(self) -> list[str]:
        return [*self.watcher.directories(), *self.watcher.files()]

    # ------------------------------------------------------------------ asking for work

    def start(self) -> None:
        """Read the definitions and the states for the first time."""
        self.reload()

    def request_refresh(self) -> None:
        """States again soon: calls within the debounce interval become one refresh."""
        if not self._closed and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def request_reload(self) -> None:
        if not self._closed and not self._reload_timer.isActive():
            self._reload_timer.start()

    def reload(self) -> None:
        """Read the definition files again (on a worker), then refresh the states."""
        if self._closed:
            return
        self._reload_timer.stop()
        self._generation += 1
        for relay in self._loads:
            relay.cancel()
        self._loads.clear()
        relay = Relay()
        generation = self._generation
        relay.succeeded.connect(lambda catalog: self._catalog_ready(relay, generation, catalog))
        relay.failed.connect(lambda error: self._catalog_failed(relay, error))
        self._loads.add(relay)
        self._pool.start(_LoadCatalog(relay, self.home))

    def refresh_now(self) -> None:
        """Ask the engine for the states now (one list request)."""
        if self._closed:
            return
        self._refresh_timer.stop()
        catalog = self._catalog
        if catalog is None:
            return  # the load under way refreshes when it ends
        if not self.connected():
            self.runner.cancel_slot(STATUS_SLOT)
            self._show(all_statuses(catalog, Snapshot()), connected=False)
            return
        self.runner.run(partial(_statuses, catalog=catalog), "Could not read the states of the services",
                        self._statuses_ready, self._statuses_failed, slot=STATUS_SLOT)

    # ------------------------------------------------------------------ busy rows

    def mark_busy(self, name: str, words: str) -> None:
        """Show ``words`` ("starting…") as the state of ``name`` until ``finish`` and the refresh after it."""
        self._busy[name] = words
        self._settling.discard(name)
        row = self.model.service(name)
        if row is not None:
            self.model.update_row(replace(row, busy=words))

    def finish(self, name: str) -> None:
        """The action on ``name`` ended: its busy words go with the next states, asked for now."""
        if name in self._busy:
            self._settling.add(name)
        self.refresh_now()

    def busy(self, name: str) -> str:
        return self._busy.get(name, "")

    # ------------------------------------------------------------------ results

    def _catalog_ready(self, relay: Relay, generation: int, catalog: Catalog) -> None:
        self._loads.discard(relay)
        if generation != self._generation or self._closed:
            return
        self._catalog = catalog
        self._watch()
        self.catalog_loaded.emit(catalog)
        self.refresh_now()

    def _catalog_failed(self, relay: Relay, error: Exception) -> None:
        self._loads.discard(relay)
        self.problem.emit(f"Could not read the service definitions in {self.folder}: {error}")

    def _statuses_ready(self, statuses: list[ServiceStatus]) -> None:
        self._show(statuses, connected=True)
        self.problem.emit("")

    def _statuses_failed(self, error: EngineError) -> None:
        if isinstance(error, _CONNECTION_ERRORS) and self._catalog is not None:
            self._show(all_statuses(self._catalog, Snapshot()), connected=False)
        self.problem.emit(error.message)

    def _show(self, statuses: list[ServiceStatus], *, connected: bool) -> None:
        for name in self._settling:
            self._busy.pop(name, None)
        self._settling.clear()
        definitions = self._catalog.definitions if self._catalog is not None else {}
        rows = [
            ServiceRow(
                status,
                wants_data=status.name in definitions and definitions[status.name].service.data_container,
                busy=self._busy.get(status.name, ""),
                connected=connected,
            )
            for status in statuses
        ]
        self.model.set_rows(rows)
        self.refreshed.emit()

    # ------------------------------------------------------------------ what changes them

    def _container_rows(self, model: ResourceModel, _parent: QModelIndex, first: int, last: int) -> None:
        rows = model.rows()[first : last + 1]
        if any(is_eris_container(row) for row in rows):
            self.request_refresh()

    def _container_changed(self, model: ResourceModel, top_left: AnyIndex, bottom_right: AnyIndex,
                           roles: list[int] | None = None) -> None:
        if roles:
            return  # the clock redrawing "Up 3 minutes", not a change on the engine
        self._container_rows(model, QModelIndex(), top_left.row(), bottom_right.row())

    def _state_changed(self, state: ConnectionState) -> None:
        if state.status in (Status.CONNECTED, Status.LOST, Status.STOPPED):
            self.request_refresh()

    def _files_changed(self, _path: str) -> None:
        self.request_reload()

    def _watch(self) -> None:
        """Watch the services folder (or the folder it will appear in) and each definition file.

        A file replaced by a rename (every atomic save) drops out of the watcher, so the
        list is made again after each reload.
        """
        wanted: list[str] = []
        folder = self.folder
        if folder.is_dir():
            wanted.append(str(folder))
            wanted += [str(path) for path in sorted(folder.iterdir())
                       if path.suffix.lower() in SUFFIXES and path.is_file()]
        else:
            # Until the folder exists, the nearest folder that does: eris home may not exist yet either.
            nearest = next((parent for parent in (self.home, *self.home.parents) if parent.is_dir()), None)
            if nearest is not None:
                wanted.append(str(nearest))
        current = set(self.watched_paths())
        stale = [path for path in current if path not in wanted]
        if stale:
            self.watcher.removePaths(stale)
        fresh = [path for path in wanted if path not in current]
        if fresh:
            self.watcher.addPaths(fresh)

    def shutdown(self) -> None:
        """Stop watching and drop answers still on their way; waits for a definition load under way."""
        self._closed = True
        self._refresh_timer.stop()
        self._reload_timer.stop()
        for relay in self._loads:
            relay.cancel()
        self._loads.clear()
        self.runner.cancel_slot(STATUS_SLOT)
        paths = self.watched_paths()
        if paths:
            self.watcher.removePaths(paths)
        self._pool.waitForDone(5_000)
