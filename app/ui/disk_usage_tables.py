"""The disk usage tables: the words for each kind of object and the columns of its table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from app import humanize
from app.engine.disk_usage import UsageKind
from app.engine.rows import short_id
from app.qt.resource_model import SORT_ROLE, Column, ResourceModel

KIND_NAMES = {UsageKind.IMAGES: "images", UsageKind.CONTAINERS: "containers", UsageKind.VOLUMES: "volumes",
              UsageKind.BUILD_CACHE: "buildCache"}
SINGULAR = {UsageKind.IMAGES: "image", UsageKind.CONTAINERS: "container", UsageKind.VOLUMES: "volume",
            UsageKind.BUILD_CACHE: "cache record"}
ACTIVE_WORD = {UsageKind.IMAGES: "in use", UsageKind.CONTAINERS: "running", UsageKind.VOLUMES: "in use",
               UsageKind.BUILD_CACHE: "in use"}


def plural(count: int, word: str) -> str:
    if word == "cache record":
        return f"{count} cache record{'' if count == 1 else 's'}"
    return f"{count} {word}{'' if count == 1 else 's'}"


def _names(names: Sequence[str], most: int = 3) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} +{len(names) - most}"


def _count_or(value: int, names: Sequence[str]) -> str:
    if names:
        return f"{len(names)}: {_names(names)}"
    return "—" if value < 0 else "none" if value == 0 else str(value)


def usage_columns(kind: UsageKind) -> list[Column]:
    size = humanize.size
    if kind is UsageKind.IMAGES:
        return [
            Column("Image", lambda r: r.name, tooltip=lambda r: "\n".join(r.tags) or r.key, width=230),
            Column("ID", lambda r: short_id(r.key), width=105),
            Column("Size", lambda r: size(r.size), sort_key=lambda r: r.size, align_right=True, width=85),
            Column("Shared", lambda r: size(r.shared_size), sort_key=lambda r: r.shared_size, align_right=True,
                   width=85, tooltip=lambda r: "Bytes in layers other images use too"),
            Column("Unique", lambda r: size(r.unique_size), sort_key=lambda r: r.unique_size, align_right=True,
                   width=85, tooltip=lambda r: "Bytes only this image holds: what removing it frees"),
            Column("Containers", lambda r: _count_or(r.containers, r.container_names),
                   sort_key=lambda r: max(r.containers, len(r.container_names)),
                   tooltip=lambda r: "\n".join(r.container_names) or "No container uses this image", width=170),
            Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110),
        ]
    if kind is UsageKind.CONTAINERS:
        return [
            Column("Container", lambda r: r.name, tooltip=lambda r: r.key, width=220),
            Column("Image", lambda r: humanize.short_image(r.image), width=150),
            Column("State", lambda r: r.state, width=85),
            Column("Writable layer", lambda r: size(r.size_rw), sort_key=lambda r: r.size_rw, align_right=True,
                   width=110, tooltip=lambda r: "Bytes the container wrote on top of its image"),
            Column("Root FS", lambda r: size(r.size_root_fs), sort_key=lambda r: r.size_root_fs, align_right=True,
                   width=90, tooltip=lambda r: "The image's layers plus the writable layer"),
            Column("Volumes", lambda r: ", ".join(r.volume_names), width=130),
            Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110),
        ]
    if kind is UsageKind.VOLUMES:
        return [
            Column("Volume", lambda r: r.name, tooltip=lambda r: r.mountpoint or r.name, width=260),
            Column("Driver", lambda r: r.driver, width=70),
            Column("Size", lambda r: size(r.size), sort_key=lambda r: r.size, align_right=True, width=85),
            Column("Used by", lambda r: _count_or(r.ref_count, r.users),
                   sort_key=lambda r: max(r.ref_count, len(r.users)),
                   tooltip=lambda r: "\n".join(r.users) or "No container mounts this volume", width=220),
            Column("Created", lambda r: humanize.ago(r.created), sort_key=lambda r: r.created, width=110),
        ]
    return [
        Column("Cache record", lambda r: r.name, tooltip=lambda r: r.key, width=260),
        Column("Type", lambda r: r.kind, width=110),
        Column("Size", lambda r: size(r.size), sort_key=lambda r: r.size, align_right=True, width=85),
        Column("In use", lambda r: "yes" if r.in_use else "", width=60),
        Column("Shared", lambda r: "yes" if r.shared else "", width=60),
        Column("Uses", lambda r: str(r.usage_count), sort_key=lambda r: r.usage_count, align_right=True, width=55),
        Column("Last used", lambda r: humanize.ago(r.last_used), sort_key=lambda r: r.last_used, width=110),
    ]


def usage_table(kind: UsageKind, owner: QObject, parent: QWidget) -> tuple[ResourceModel, QTreeView]:
    """A sortable table of ``kind``'s objects, largest first: its model (owned by ``owner``) and its view."""
    model = ResourceModel(usage_columns(kind), owner)
    proxy = QSortFilterProxyModel(owner)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setDynamicSortFilter(True)
    view = QTreeView(parent)
    view.setObjectName(f"{KIND_NAMES[kind]}UsageView")
    view.setModel(proxy)
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(True)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.header().setStretchLastSection(True)
    for number, column in enumerate(model.columns()):
        view.header().resizeSection(number, column.width)
    sort_column = 2 if kind is not UsageKind.CONTAINERS else 3  # the size column, largest first
    view.sortByColumn(sort_column, Qt.SortOrder.DescendingOrder)
    return model, view
