"""The columns each resource view shows, and the cross-model usage they derive from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from app import humanize
from app.engine.rows import ContainerRow, short_id
from app.qt.icons import state_icon
from app.qt.resource_model import Column


@dataclass
class Usage:
    """Which containers use each image and volume, derived from the container rows alone."""

    image_users: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    volume_users: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, str] = field(default_factory=dict)

    def forget(self, row: ContainerRow) -> None:
        self.image_users[row.image_id].discard(row.key)
        for volume in row.volume_names:
            self.volume_users[volume].discard(row.key)
        self.names.pop(row.key, None)

    def add(self, row: ContainerRow) -> None:
        self.image_users[row.image_id].add(row.key)
        for volume in row.volume_names:
            self.volume_users[volume].add(row.key)
        self.names[row.key] = row.name

    def containers_of_image(self, image_key: str) -> int:
        return len(self.image_users.get(image_key, ()))

    def volume_user_names(self, volume_key: str) -> str:
        return ", ".join(sorted(self.names.get(key, key[:12]) for key in self.volume_users.get(volume_key, ())))


def container_columns() -> list[Column]:
    return [
        Column("Name", lambda r: r.name, width=200),
        Column("Image", lambda r: humanize.short_image(r.image), width=150),
        Column("State", lambda r: r.state, decoration=lambda r: state_icon(r.state), width=95),
        Column("Status", lambda r: humanize.live_status(r.status, r.status_anchor), width=150, ages=True,
               sort_key=lambda r: (r.state, -r.status_anchor)),
        Column("Ports", lambda r: r.ports_text, width=130, tooltip=lambda r: r.ports_text),
        Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110, ages=True),
    ]


def image_columns(usage: Usage) -> list[Column]:
    return [
        Column("Repository:tag", lambda r: r.name, tooltip=lambda r: "\n".join(r.tags) or r.key, width=210),
        Column("ID", lambda r: short_id(r.key), width=105),
        Column("Size", lambda r: humanize.size(r.size), sort_key=lambda r: r.size, align_right=True, width=80),
        Column(
            "Shared size",
            lambda r: humanize.size(r.shared_size),
            sort_key=lambda r: r.shared_size,
            align_right=True,
            tooltip=lambda r: "Bytes in layers that other images use too",
            width=90,
        ),
        Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110, ages=True),
        Column(
            "Containers",
            lambda r: str(usage.containers_of_image(r.key)),
            sort_key=lambda r: usage.containers_of_image(r.key),
            align_right=True,
            width=80,
        ),
    ]


IMAGE_USAGE_COLUMN = 5


def volume_columns(usage: Usage) -> list[Column]:
    return [
        Column("Name", lambda r: r.name, width=220),
        Column("Driver", lambda r: r.driver, width=80),
        Column("Mount point", lambda r: r.mountpoint, width=260, tooltip=lambda r: r.mountpoint),
        Column("In use by", lambda r: usage.volume_user_names(r.key)),
    ]


VOLUME_USAGE_COLUMN = 3


def network_columns() -> list[Column]:
    return [
        Column("Name", lambda r: r.name, width=200),
        Column("ID", lambda r: short_id(r.key), width=110),
        Column("Driver", lambda r: r.driver, width=90),
        Column("Scope", lambda r: r.scope, width=80),
        Column("Internal", lambda r: "yes" if r.internal else "", width=70),
    ]

