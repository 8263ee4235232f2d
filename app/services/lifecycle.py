"""Starting, stopping, updating and removing eris services on an engine.

A ServiceManager holds a docker APIClient (from app.engine.connection.open_client) and
the definitions (validation.load_all). Each operation takes a fresh snapshot of the
eris containers (one list request) and raises typed, readable errors.
"""

from __future__ import annotations

import docker

from app.engine.errors import translate
from app.services import images
from app.services.creation import create_service_container, ensure_data_container
from app.services.definition import ServiceDefinition
from app.services.dependency_graph import DependencyCycle, start_order
from app.services.errors import ServiceError, ServiceNotRunning, UnknownService
from app.services.naming import ErisContainer, Snapshot, take_snapshot
from app.services.status import ServiceStatus, all_statuses, invalid_status, orphan_status, service_status
from app.services.validation import Catalog

DEFAULT_STOP_TIMEOUT = 10
_REPLACED_SUFFIX = "_replaced"


def _unknown(name: str) -> UnknownService:
    return UnknownService(
        f'There is no service "{name}"',
        "No definition file in the eris home's services folder has that name.",
        f"List the services with `services ls`, or create services/{name}.toml.",
    )


class ServiceManager:
    """Eris services on one engine. Every method talks to the engine: call it from a worker thread.

    ``ensure_image`` (pull when missing) and ``pull_image`` (always pull, for update
    with pull) are plain pulls by default; the pull manager passes its own.
    """

    def __init__(
        self,
        api: docker.APIClient,
        catalog: Catalog,
        *,
        ensure_image: images.ImageFetcher = images.ensure_image,
        pull_image: images.ImageFetcher = images.pull_image,
        stop_timeout: int = DEFAULT_STOP_TIMEOUT,
    ) -> None:
        self.api = api
        self.catalog = catalog
        self.ensure_image = ensure_image
        self.pull_image = pull_image
        self.stop_timeout = stop_timeout

    # ------------------------------------------------------------------ looking

    def snapshot(self) -> Snapshot:
        return take_snapshot(self.api)

    def definition(self, name: str) -> ServiceDefinition:
        """The usable definition of ``name``; DefinitionError if it has errors, UnknownService if none."""
        if name in self.catalog.definitions:
            return self.catalog.definitions[name]
        errors = self.catalog.invalid().get(name)
        if errors:
            raise errors[0]
        raise _unknown(name)

    def statuses(self) -> list[ServiceStatus]:
        return all_statuses(self.catalog, self.snapshot())

    def status(self, name: str) -> ServiceStatus:
        snapshot = self.snapshot()
        if name in self.catalog.definitions:
            return service_status(self.catalog.definitions[name], snapshot)
        errors = self.catalog.invalid().get(name)
        if errors:
            return invalid_status(name, errors, snapshot)
        if name in snapshot.names():
            return orphan_status(name, snapshot)
        raise _unknown(name)

    def container_of(self, name: str, snapshot: Snapshot | None = None) -> ErisContainer | None:
        """The service container of ``name`` (None if there is none); UnknownService if nothing knows the name."""
        snapshot = snapshot if snapshot is not None else self.snapshot()
        container = snapshot.services.get(name)
        if container is None and name not in snapshot.names() and name not in self.catalog.invalid():
            self.definition(name)
        return container

    def running_container(self, name: str, doing: str) -> ErisContainer:
        """The running service container of ``name``; ServiceNotRunning (worded with ``doing``) if it is not."""
        container = self.container_of(name)
        if container is None or not container.running:
            raise ServiceNotRunning(doing, f"{name} is not running.", f"Start it first: services start {name}.")
        return container

    # ------------------------------------------------------------------ starting

    def _order(self, name: str) -> list[ServiceDefinition]:
        self.definition(name)
        try:
            names = start_order(self.catalog.graph(), name)
        except DependencyCycle as cycle:
            raise ServiceError(
                f"Could not start {name}",
                f"Its dependencies form a cycle: {cycle}.",
                "Remove one of them from [dependencies] services.",
            ) from cycle
        return [self.definition(service) for service in names]

    def _dependencies(self, definition: ServiceDefinition) -> list[ServiceDefinition]:
        return [self.definition(name) for name in definition.dependency_names]

    def _create(self, definition: ServiceDefinition, snapshot: Snapshot) -> str:
        return create_service_container(
            self.api, definition, self._dependencies(definition), snapshot, self.ensure_image
        )

    def _start_container(self, container_id: str, name: str) -> None:
        try:
            self.api.start(container_id)
        except Exception as error:
            raise translate(error, f"Could not start {name}", self.api.base_url) from error

    def _bring_up(self, order: list[ServiceDefinition], snapshot: Snapshot, *, run: bool) -> list[str]:
        """Create what is missing in ``order``, and start what is not running when ``run``; names started."""
        started: list[str] = []
        for definition in order:
            container = snapshot.services.get(definition.name)
            key = container.row.key if container else self._create(definition, snapshot)
            if run and not (container is not None and container.running):
                self._start_container(key, definition.name)
                started.append(definition.name)
        return started

    def start(self, name: str) -> list[str]:
        """Start ``name`` and, first, what it depends on; the services actually started, in order.

        A service already running is left alone.
        """
        return self._bring_up(self._order(name), self.snapshot(), run=True)

    def create(self, name: str) -> None:
        """Create ``name``'s containers (and its dependencies') without starting them."""
        self._bring_up(self._order(name), self.snapshot(), run=False)

    # ------------------------------------------------------------------ stopping

    def stop(self, name: str, timeout: int | None = None) -> bool:
        """Stop ``name``; False when it was not running."""
        container = self.container_of(name)
        if container is None or not container.running:
            return False
        self._stop(container, name, timeout)
        return True

    def _stop(self, container: ErisContainer, name: str, timeout: int | None) -> None:
        try:
            self.api.stop(container.row.key, timeout=self.stop_timeout if timeout is None else timeout)
        except Exception as error:
            raise translate(error, f"Could not stop {name}", self.api.base_url) from error

    def restart(self, name: str, timeout: int | None = None) -> None:
        container = self.container_of(name)
        if container is None:
            self.start(name)
            return
        try:
            self.api.restart(container.row.key, timeout=self.stop_timeout if timeout is None else timeout)
        except Exception as error:
            raise translate(error, f"Could not restart {name}", self.api.base_url) from error

    def remove(self, name: str, *, delete_data: bool = False) -> list[str]:
        """Remove the service container; the data container too only with ``delete_data``. Names removed."""
        snapshot = self.snapshot()
        container = self.container_of(name, snapshot)
        targets: list[tuple[ErisContainer, bool]] = []
        if container is not None:
            targets.append((container, False))
        targets += [(other, False) for other in snapshot.others if other.service == name and other.kind == "service"]
        data = snapshot.data.get(name)
        if delete_data and data is not None:
            targets.append((data, True))
        removed: list[str] = []
        for target, with_volumes in targets:
            try:
                self.api.remove_container(target.row.key, force=True, v=with_volumes)
            except Exception as error:
                raise translate(error, f"Could not remove {target.row.name}", self.api.base_url) from error
            removed.append(target.row.name)
        return removed

    def data_loss(self, name: str) -> str:
        """What deleting ``name``'s data would destroy, in words for a confirmation; "" if nothing."""
        data = self.snapshot().data.get(name)
        if data is None:
            return ""
        names = ", ".join(volume[:12] for volume in data.row.volume_names)
        volumes = f" with its volume(s) {names}" if names else ""
        return f"the data container {data.row.name}{volumes}: every file of {name}'s data"

    # ------------------------------------------------------------------ updating

    def update(self, name: str, *, pull: bool = False) -> None:
        """Recreate ``name`` from its current definition, keeping its data; running again if it was.

        The old container is stopped and renamed, not removed, until the new one exists:
        if creating fails it is put back as it was.
        """
        definition = self.definition(name)
        order = self._order(name)
        (self.pull_image if pull else self.ensure_image)(self.api, definition.image)
        snapshot = self.snapshot()
        old = snapshot.services.get(name)
        was_running = bool(old and old.running)
        # Links and volumes-from need the dependencies' containers; a running service needs them running.
        self._bring_up(order[:-1], snapshot, run=was_running)
        ensure_data_container(self.api, definition, snapshot, self.ensure_image)
        snapshot = self.snapshot()  # the data container may be new
        if old is not None:
            if was_running:
                self._stop(old, name, None)
            self._rename(old.row.key, old.row.name + _REPLACED_SUFFIX, name)
        try:
            key = self._create(definition, snapshot)
        except Exception:
            if old is not None:
                self._rename(old.row.key, old.row.name, name)
                if was_running:
                    self._start_container(old.row.key, name)
            raise
        if old is not None:
            try:
                self.api.remove_container(old.row.key, force=True, v=False)
            except Exception as error:
                doing = f"Could not remove the replaced container of {name}"
                raise translate(error, doing, self.api.base_url) from error
        if was_running:
            self._start_container(key, name)

    def _rename(self, key: str, new_name: str, service: str) -> None:
        try:
            self.api.rename(key, new_name)
        except Exception as error:
            raise translate(error, f"Could not update {service}", self.api.base_url) from error
