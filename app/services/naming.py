"""How eris names and labels its containers, and recognising them in one list of the engine's.

eris 0.10 named containers ``eris_service_<name>_1`` and ``eris_data_<name>_1``; later
versions added labels (``eris:ERIS``, ``eris:NAME``, ``eris:TYPE``, ``eris:SERVICE``).
Both are recognised; labels win when they are there. We make containers with both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import docker

from app.engine.errors import translate
from app.engine.rows import ContainerRow, container_from_list

LABEL_ERIS = "eris:ERIS"
LABEL_NAME = "eris:NAME"
LABEL_TYPE = "eris:TYPE"
LABEL_SERVICE = "eris:SERVICE"  # on a data container: the service container it belongs to
LABEL_HASH = "eris:DEFINITION_HASH"

TYPE_SERVICE = "service"
TYPE_DATA = "data"
CONTAINER_NUMBER = 1

# Every eris container name starts like this, whatever its generation; the engine matches
# name filters as regular expressions against "/name".
NAME_FILTER = r"^/?eris_(service|data)_"
_NAME = re.compile(r"^/?eris_(service|data)_(.+?)(?:_(\d+))?$")


def service_container_name(name: str) -> str:
    return f"eris_service_{name}_{CONTAINER_NUMBER}"


def data_container_name(name: str) -> str:
    return f"eris_data_{name}_{CONTAINER_NUMBER}"


def service_labels(name: str, definition_hash: str) -> dict[str, str]:
    return {LABEL_ERIS: "true", LABEL_NAME: name, LABEL_TYPE: TYPE_SERVICE, LABEL_HASH: definition_hash}


def data_labels(name: str) -> dict[str, str]:
    return {LABEL_ERIS: "true", LABEL_NAME: name, LABEL_TYPE: TYPE_DATA, LABEL_SERVICE: service_container_name(name)}


@dataclass(frozen=True)
class ErisContainer:
    """One container eris (or we) made, read from the list endpoint."""

    service: str
    kind: str  # TYPE_SERVICE or TYPE_DATA
    row: ContainerRow
    number: int | None = None

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.row.labels)

    @property
    def definition_hash(self) -> str:
        return self.labels.get(LABEL_HASH, "")

    @property
    def running(self) -> bool:
        return self.row.state in ("running", "restarting", "paused")

    @property
    def canonical(self) -> bool:
        """Named exactly as this version of eris names it (what update keeps)."""
        if self.kind == TYPE_SERVICE:
            return self.row.name == service_container_name(self.service)
        return self.row.name == data_container_name(self.service)


def _identify(name: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """(service, kind) of an eris container, by its labels or else its name; None when it is someone else's."""
    if labels.get(LABEL_ERIS) == "true" and labels.get(LABEL_NAME) and labels.get(LABEL_TYPE) in (
        TYPE_SERVICE,
        TYPE_DATA,
    ):
        return labels[LABEL_NAME], labels[LABEL_TYPE]
    match = _NAME.match(name)
    return (match.group(2), match.group(1)) if match else None


def service_of(name: str, labels: dict[str, str]) -> str | None:
    """The eris service whose service container this is, else None."""
    found = _identify(name, labels)
    return found[0] if found and found[1] == TYPE_SERVICE else None


def classify(item: dict[str, Any]) -> ErisContainer | None:
    """The eris container in one list item, or None when it is someone else's."""
    row = container_from_list(item)
    found = _identify(row.name, dict(row.labels))
    if found is None:
        return None
    match = _NAME.match(row.name)
    number = int(match.group(3)) if match and match.group(3) else None
    return ErisContainer(*found, row, number)


@dataclass
class Snapshot:
    """The eris containers on the engine at one moment, by service name."""

    services: dict[str, ErisContainer] = field(default_factory=dict)
    data: dict[str, ErisContainer] = field(default_factory=dict)
    # Further containers of the same service (other numbers, leftovers of an interrupted update).
    others: list[ErisContainer] = field(default_factory=list)

    def add(self, container: ErisContainer) -> None:
        table = self.services if container.kind == TYPE_SERVICE else self.data
        current = table.get(container.service)
        if current is None or (container.canonical and not current.canonical):
            if current is not None:
                self.others.append(current)
            table[container.service] = container
        else:
            self.others.append(container)

    def names(self) -> set[str]:
        return set(self.services) | set(self.data)


def take_snapshot(api: docker.APIClient) -> Snapshot:
    """One list request, filtered by name on the engine: never an inspect per container."""
    try:
        items = api.containers(all=True, filters={"name": NAME_FILTER})
    except Exception as error:
        raise translate(error, "Could not list the eris containers", api.base_url) from error
    snapshot = Snapshot()
    for item in items:
        container = classify(item)
        if container is not None:
            snapshot.add(container)
    return snapshot
