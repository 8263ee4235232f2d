"""What each service is doing, from its definition and one snapshot of the engine's containers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from app.services.definition import ServiceDefinition, definition_hash
from app.services.errors import DefinitionError
from app.services.naming import ErisContainer, Snapshot
from app.services.validation import Catalog


class ServiceState(str, Enum):
    NOT_CREATED = "not created"
    STOPPED = "stopped"
    RUNNING = "running"
    CHANGED = "changed"  # its container was made from another version of the definition
    INVALID = "invalid"  # the definition has errors; see ServiceStatus.reason


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    state: ServiceState
    running: bool = False
    reason: str = ""
    image: str = ""
    ports: tuple[str, ...] = ()  # as the definition declares them
    published: tuple[str, ...] = ()  # as the engine bound them
    container: str = ""
    container_id: str = ""
    data_container: str = ""
    path: Path | None = None
    errors: tuple[DefinitionError, ...] = field(default=(), compare=False)

    @property
    def has_definition(self) -> bool:
        return self.path is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state.value,
            "running": self.running,
            "reason": self.reason,
            "image": self.image,
            "ports": list(self.ports),
            "published": list(self.published),
            "container": self.container,
            "container_id": self.container_id,
            "data_container": self.data_container,
            "definition": str(self.path) if self.path else None,
            "errors": [
                {"file": str(error.path), "line": error.line, "key": error.key, "message": error.reason}
                for error in self.errors
            ],
        }


def _engine_side(container: ErisContainer | None, data: ErisContainer | None) -> dict[str, Any]:
    return {
        "running": bool(container and container.running),
        "container": container.row.name if container else "",
        "container_id": container.row.key if container else "",
        "published": tuple(str(port) for port in container.row.ports) if container else (),
        "data_container": data.row.name if data else "",
    }


def _state_of(definition: ServiceDefinition, container: ErisContainer | None) -> tuple[ServiceState, str]:
    if container is None:
        return ServiceState.NOT_CREATED, ""
    stored = container.definition_hash
    # Containers the eris tool made carry no hash; nothing says they differ, so they do not.
    if stored and stored != definition_hash(definition):
        return ServiceState.CHANGED, "The definition changed since the container was made; update to apply it."
    if container.running:
        return ServiceState.RUNNING, ""
    return ServiceState.STOPPED, ""


def service_status(definition: ServiceDefinition, snapshot: Snapshot) -> ServiceStatus:
    container = snapshot.services.get(definition.name)
    data = snapshot.data.get(definition.name)
    state, reason = _state_of(definition, container)
    return ServiceStatus(
        name=definition.name,
        state=state,
        reason=reason,
        image=definition.image,
        ports=tuple(definition.service.ports),
        path=definition.path,
        **_engine_side(container, data),
    )


def invalid_status(name: str, errors: list[DefinitionError], snapshot: Snapshot) -> ServiceStatus:
    container = snapshot.services.get(name)
    return ServiceStatus(
        name=name,
        state=ServiceState.INVALID,
        reason="; ".join(error.message for error in errors),
        image=container.row.image if container else "",
        path=errors[0].path,
        errors=tuple(errors),
        **_engine_side(container, snapshot.data.get(name)),
    )


def orphan_status(name: str, snapshot: Snapshot) -> ServiceStatus:
    """A service the engine has containers for but no file defines (e.g. made by the eris tool elsewhere)."""
    container = snapshot.services.get(name)
    if container is None:
        state = ServiceState.NOT_CREATED
    else:
        state = ServiceState.RUNNING if container.running else ServiceState.STOPPED
    return ServiceStatus(
        name=name,
        state=state,
        reason="No definition file in the eris home describes this service.",
        image=container.row.image if container else "",
        **_engine_side(container, snapshot.data.get(name)),
    )


def all_statuses(catalog: Catalog, snapshot: Snapshot) -> list[ServiceStatus]:
    """Every defined service, every invalid definition and every eris container without a file, by name."""
    statuses = {name: service_status(definition, snapshot) for name, definition in catalog.definitions.items()}
    for name, errors in catalog.invalid().items():
        statuses.setdefault(name, invalid_status(name, errors, snapshot))
    for name in snapshot.names():
        statuses.setdefault(name, orphan_status(name, snapshot))
    return [statuses[name] for name in sorted(statuses)]
