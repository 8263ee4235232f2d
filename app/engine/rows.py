"""One row per engine object, built from what the list endpoints return.

Rows are immutable snapshots; a change on the engine produces a new row with
the same key, which the Qt models compare to decide what changed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from app import humanize


class Kind(str, Enum):
    CONTAINER = "container"
    IMAGE = "image"
    VOLUME = "volume"
    NETWORK = "network"


@dataclass(frozen=True)
class PortBinding:
    private_port: int
    protocol: str
    public_port: int | None = None
    host_ip: str = ""

    def __str__(self) -> str:
        if self.public_port is None:
            return f"{self.private_port}/{self.protocol}"
        host = f"{self.host_ip}:" if self.host_ip and self.host_ip not in ("0.0.0.0", "::") else ""
        return f"{host}{self.public_port}→{self.private_port}/{self.protocol}"


@dataclass(frozen=True)
class ContainerRow:
    key: str  # full container id
    name: str
    image: str
    image_id: str
    state: str  # created, running, paused, restarting, removing, exited, dead
    status: str  # the engine's own words: "Up 3 minutes", "Exited (0) 2 hours ago"
    ports: tuple[PortBinding, ...]
    created: int  # seconds since the epoch
    command: str
    labels: tuple[tuple[str, str], ...]
    volume_names: tuple[str, ...]
    # When the status's duration began, so the view can keep "Up 3 minutes" current without asking
    # the engine again; not compared, since it moves with the moment the row was fetched.
    status_anchor: float = field(default=0.0, compare=False)

    @property
    def ports_text(self) -> str:
        return ", ".join(sorted({str(port) for port in self.ports}))


@dataclass(frozen=True)
class ImageRow:
    key: str  # sha256:…
    tags: tuple[str, ...]
    size: int
    shared_size: int  # -1 while unknown
    created: int

    @property
    def name(self) -> str:
        if self.tags:
            return self.tags[0]
        return f"<none> {short_id(self.key)}"


@dataclass(frozen=True)
class VolumeRow:
    key: str  # the volume's name
    driver: str
    mountpoint: str
    created: str

    @property
    def name(self) -> str:
        return self.key


@dataclass(frozen=True)
class NetworkRow:
    key: str  # full network id
    name: str
    driver: str
    scope: str
    internal: bool


Row = ContainerRow | ImageRow | VolumeRow | NetworkRow


def short_id(object_id: str) -> str:
    return object_id.split(":", 1)[-1][:12]


def _ports(raw: list[dict[str, Any]] | None) -> tuple[PortBinding, ...]:
    return tuple(
        PortBinding(
            private_port=int(port.get("PrivatePort", 0)),
            protocol=str(port.get("Type", "tcp")),
            public_port=int(port["PublicPort"]) if port.get("PublicPort") else None,
            host_ip=str(port.get("IP", "")),
        )
        for port in raw or []
    )


def container_from_list(item: dict[str, Any]) -> ContainerRow:
    names = item.get("Names") or []
    name = names[0].lstrip("/") if names else short_id(item["Id"])
    mounts = item.get("Mounts") or []
    return ContainerRow(
        key=item["Id"],
        name=name,
        image=str(item.get("Image", "")),
        image_id=str(item.get("ImageID", "")),
        state=str(item.get("State", "")),
        status=str(item.get("Status", "")),
        ports=_ports(item.get("Ports")),
        created=int(item.get("Created", 0)),
        command=str(item.get("Command", "")),
        labels=tuple(sorted((item.get("Labels") or {}).items())),
        volume_names=tuple(m["Name"] for m in mounts if m.get("Type") == "volume" and m.get("Name")),
        status_anchor=humanize.status_anchor(str(item.get("Status", "")), time.time()),
    )


def _names_a_registry(tag: str) -> bool:
    first, slash, _ = tag.partition("/")
    return bool(slash) and ("." in first or ":" in first or first == "localhost")


def _tags(repo_tags: list[str] | None) -> tuple[str, ...]:
    """The image's names, the one a person would type first (no registry host, shortest)."""
    tags = [tag for tag in repo_tags or [] if tag != "<none>:<none>"]
    return tuple(sorted(tags, key=lambda tag: (_names_a_registry(tag), len(tag), tag)))


def image_from_list(item: dict[str, Any]) -> ImageRow:
    shared = item.get("SharedSize", -1)
    return ImageRow(
        key=item["Id"],
        tags=_tags(item.get("RepoTags")),
        size=int(item.get("Size", 0)),
        shared_size=int(shared) if shared is not None else -1,
        created=int(item.get("Created", 0)),
    )


_ENGINE_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def parse_engine_time(text: str) -> int:
    """Seconds since the epoch from the engine's RFC 3339 time, whose nanoseconds Python cannot parse."""
    match = _ENGINE_TIME.match(text.strip())
    if not match:
        return 0
    zone = match.group(2) or "Z"
    return int(datetime.fromisoformat(match.group(1) + ("+00:00" if zone == "Z" else zone)).timestamp())


def image_from_inspect(item: dict[str, Any], shared_size: int = -1) -> ImageRow:
    return ImageRow(
        key=item["Id"],
        tags=_tags(item.get("RepoTags")),
        size=int(item.get("Size", 0)),
        shared_size=shared_size,
        created=parse_engine_time(str(item.get("Created", ""))),
    )


def volume_from_api(item: dict[str, Any]) -> VolumeRow:
    return VolumeRow(
        key=item["Name"],
        driver=str(item.get("Driver", "")),
        mountpoint=str(item.get("Mountpoint", "")),
        created=str(item.get("CreatedAt", "")),
    )


def network_from_api(item: dict[str, Any]) -> NetworkRow:
    return NetworkRow(
        key=item["Id"],
        name=str(item.get("Name", "")),
        driver=str(item.get("Driver", "")),
        scope=str(item.get("Scope", "")),
        internal=bool(item.get("Internal", False)),
    )
