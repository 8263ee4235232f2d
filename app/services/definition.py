"""An eris service definition as data: the keys of eris's definition files, unknown keys kept."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

# A command or entry point: eris wrote them as one string; a list is taken word for word.
Command = str | list[str]

# [service] keys and the value each has when the file leaves it out, in eris's order.
SERVICE_DEFAULTS: dict[str, Any] = {
    "name": "",
    "image": "",
    "data_container": False,
    "ports": [],
    "volumes": [],
    "environment": [],
    "env_file": [],
    "command": "",
    "entry_point": "",
    "links": [],
    "expose": [],
    "volumes_from": [],
    "net": "",
    "pid": "",
    "dns": [],
    "dns_search": [],
    "work_dir": "",
    "host_name": "",
    "domain_name": "",
    "user": "",
    "cpu_shares": 0,
    "memory": 0,
    "restart": "",
    "exec_host": "",
}

TOP_LEVEL_TEXT_KEYS = ("name", "description", "status", "chain")
TOP_LEVEL_TABLES = ("service", "dependencies", "maintainer", "location", "machine")

# Dependency modes: what a service gets from a dependency it names as NAME[:ALIAS[:MODE]].
MODE_ALL = "all"  # a link and its volumes, as eris always did
MODE_LINK = "link"
MODE_VOLUMES = "volumes"
_MODE_SPELLINGS = {
    "": MODE_ALL,
    "a": MODE_ALL,
    "all": MODE_ALL,
    "lv": MODE_ALL,
    "l": MODE_LINK,
    "link": MODE_LINK,
    "v": MODE_VOLUMES,
    "m": MODE_VOLUMES,
    "volumes": MODE_VOLUMES,
}


def dependency_mode(text: str) -> str | None:
    """The canonical mode for how the file spells it, or None if it is no mode."""
    return _MODE_SPELLINGS.get(text.strip().lower())


@dataclass(frozen=True)
class Dependency:
    name: str
    alias: str = ""
    mode: str = ""  # as written in the file; dependency_mode() tells what it means

    @classmethod
    def parse(cls, text: str) -> Dependency:
        name, _, rest = text.strip().partition(":")
        alias, _, mode = rest.partition(":")
        return cls(name=name.strip(), alias=alias.strip(), mode=mode.strip())

    @property
    def link_alias(self) -> str:
        return self.alias or self.name

    @property
    def links(self) -> bool:
        return dependency_mode(self.mode) in (MODE_ALL, MODE_LINK)

    @property
    def mounts_volumes(self) -> bool:
        return dependency_mode(self.mode) in (MODE_ALL, MODE_VOLUMES)

    def __str__(self) -> str:
        parts = [self.name, self.alias, self.mode]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return ":".join(parts)


@dataclass
class Dependencies:
    services: list[Dependency] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ServiceSpec:
    """The ``[service]`` table: what the container is made of."""

    name: str = ""  # the older style kept the service's name here
    image: str = ""
    data_container: bool = False
    ports: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    env_file: list[str] = field(default_factory=list)
    command: Command = ""
    entry_point: Command = ""
    links: list[str] = field(default_factory=list)
    expose: list[str] = field(default_factory=list)
    volumes_from: list[str] = field(default_factory=list)
    net: str = ""
    pid: str = ""
    dns: list[str] = field(default_factory=list)
    dns_search: list[str] = field(default_factory=list)
    work_dir: str = ""
    host_name: str = ""
    domain_name: str = ""
    user: str = ""
    cpu_shares: int = 0
    memory: int | str = 0  # bytes, or Docker's "512m" style
    restart: str = ""
    exec_host: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def known_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}


@dataclass
class ServiceDefinition:
    """One definition file. ``name`` is never empty: the file's top-level name, else the
    name inside ``[service]``, else the file's name without its suffix."""

    name: str
    service: ServiceSpec = field(default_factory=ServiceSpec)
    description: str = ""
    status: str = ""
    chain: str = ""
    dependencies: Dependencies = field(default_factory=Dependencies)
    maintainer: dict[str, Any] = field(default_factory=dict)
    location: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # Whether the file itself had a top-level name (saving then keeps the older style).
    name_at_top: bool = True
    path: Path | None = field(default=None, compare=False)

    @property
    def image(self) -> str:
        return self.service.image

    @property
    def dependency_names(self) -> list[str]:
        return [dependency.name for dependency in self.dependencies.services]


def to_mapping(definition: ServiceDefinition) -> dict[str, Any]:
    """The definition laid out as its file is, every known key present (defaults included)."""
    top: dict[str, Any] = {}
    if definition.name_at_top or not definition.service.name:
        top["name"] = definition.name
    top["description"] = definition.description
    top["status"] = definition.status
    top["chain"] = definition.chain
    top.update(definition.extra)
    service = definition.service.known_values()
    service.update(definition.service.extra)
    top["service"] = service
    dependencies: dict[str, Any] = {
        "services": [str(dependency) for dependency in definition.dependencies.services],
        "chains": list(definition.dependencies.chains),
    }
    dependencies.update(definition.dependencies.extra)
    top["dependencies"] = dependencies
    top["maintainer"] = dict(definition.maintainer)
    top["location"] = dict(definition.location)
    top["machine"] = dict(definition.machine)
    return top


def definition_hash(definition: ServiceDefinition) -> str:
    """A digest of everything that shapes the service's container.

    Stored as a container label, it tells whether the container still matches its
    file. Descriptions, maintainers and unknown keys do not change the container,
    so editing them does not mark the service as changed.
    """
    service = definition.service.known_values()
    service.pop("name", None)  # the name is in the container's name already
    shape = {"service": service, "dependencies": [str(dependency) for dependency in definition.dependencies.services]}
    canonical = json.dumps(shape, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
