"""Where the engine's disk goes, from one system df request, and what a prune would give back.

Everything here but :func:`fetch_disk_usage` and :func:`prune` is a pure function
over the df answer, so it is tested with recorded answers.

Totals are counted the way ``docker system df`` counts them, so the numbers agree
with the command line:

- Images: size = the engine's ``LayersSize`` (every layer once); active = images a
  container uses; reclaimable = size − the unique bytes of the images in use. That
  figure is an upper bound: layers an unused image shares with an image in use are
  counted as reclaimable although a prune keeps them.
- Containers: size = Σ writable layers (SizeRw); active = running, paused or
  restarting; reclaimable = the writable layers of the others (stopped containers).
- Volumes: size = Σ UsageData.Size where known; active = RefCount > 0; reclaimable =
  the size of volumes no container uses.
- Build cache: size = Σ records not shared with images; reclaimable = those not in use.

A prune plan (:func:`plan_prune`) lists the very objects the engine's prune would
remove and the bytes that are certainly freed: for images, their own (unique) bytes,
since shared layers stay while any remaining image uses them.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import docker

from app import humanize
from app.engine.rows import parse_engine_time, short_id

UNKNOWN = -1

# Container states in which the engine's container prune keeps a container (docker's "active").
ACTIVE_STATES = frozenset({"running", "paused", "restarting"})


class UsageKind(str, Enum):
    IMAGES = "images"
    CONTAINERS = "containers"
    VOLUMES = "volumes"
    BUILD_CACHE = "build cache"

    @property
    def heading(self) -> str:
        return {"images": "Images", "containers": "Containers", "volumes": "Volumes",
                "build cache": "Build cache"}[self.value]


class ImageRule(str, Enum):
    """Which images an image prune removes."""

    UNUSED = "unused"  # every image no container uses, tagged or not (docker image prune -a)
    DANGLING = "dangling"  # only untagged images no container uses (docker image prune)

    @property
    def description(self) -> str:
        if self is ImageRule.UNUSED:
            return "Images no container uses, tagged or not (docker image prune -a)"
        return "Untagged (dangling) images no container uses (docker image prune)"


@dataclass(frozen=True)
class ImageUsage:
    key: str  # sha256:…
    tags: tuple[str, ...]
    size: int  # every layer of the image
    shared_size: int  # bytes in layers other images use too; UNKNOWN when the engine did not say
    containers: int  # how many containers use it; UNKNOWN when the engine did not say
    container_names: tuple[str, ...]  # those found in the df container list
    created: int
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return self.tags[0] if self.tags else f"<none> {short_id(self.key)}"

    @property
    def unique_size(self) -> int:
        """Bytes only this image holds: what removing it frees for sure."""
        if self.size < 0 or self.shared_size < 0:
            return UNKNOWN
        return max(0, self.size - self.shared_size)

    @property
    def dangling(self) -> bool:
        return not self.tags

    @property
    def in_use(self) -> bool:
        return self.containers > 0 or bool(self.container_names)


@dataclass(frozen=True)
class ContainerUsage:
    key: str
    name: str
    image: str
    image_id: str
    state: str
    status: str
    size_rw: int  # the writable layer; UNKNOWN when not reported
    size_root_fs: int  # the image's layers plus the writable layer
    created: int
    labels: tuple[tuple[str, str], ...]
    volume_names: tuple[str, ...]

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


@dataclass(frozen=True)
class VolumeUsage:
    key: str  # the volume's name
    driver: str
    size: int  # UNKNOWN when the driver does not say (or the engine did not measure)
    ref_count: int  # containers that mount it; UNKNOWN when not reported
    users: tuple[str, ...]  # names of the containers that mount it
    created: int
    labels: tuple[tuple[str, str], ...]
    mountpoint: str = ""

    @property
    def name(self) -> str:
        return self.key

    @property
    def in_use(self) -> bool:
        return self.ref_count > 0 or bool(self.users)


@dataclass(frozen=True)
class BuildCacheUsage:
    key: str
    kind: str  # regular, source.local, exec.cachemount, …
    description: str
    size: int
    in_use: bool
    shared: bool
    created: int
    last_used: int
    usage_count: int

    @property
    def name(self) -> str:
        return self.description or short_id(self.key)


@dataclass(frozen=True)
class KindTotals:
    kind: UsageKind
    count: int
    active: int
    size: int
    reclaimable: int

    @property
    def summary(self) -> str:
        """"Images 229.5 MB (211.7 MB reclaimable)"."""
        return f"{self.kind.heading} {humanize.size(self.size)} ({humanize.size(self.reclaimable)} reclaimable)"


@dataclass(frozen=True)
class DiskUsage:
    images: tuple[ImageUsage, ...]
    containers: tuple[ContainerUsage, ...]
    volumes: tuple[VolumeUsage, ...]
    build_cache: tuple[BuildCacheUsage, ...]
    layers_size: int
    api_version: str = "1.41"
    taken_at: int = 0  # the engine's clock when it answered (seconds since the epoch); 0 unknown
    totals: Mapping[UsageKind, KindTotals] = field(default_factory=dict)

    @property
    def total_size(self) -> int:
        return sum(total.size for total in self.totals.values())

    @property
    def total_reclaimable(self) -> int:
        return sum(total.reclaimable for total in self.totals.values())


# -- from the df answer


def _int(value: Any, default: int = UNKNOWN) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _labels(raw: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(key), str(value)) for key, value in (raw or {}).items()))


def _names_a_registry(tag: str) -> bool:
    first, slash, _ = tag.partition("/")
    return bool(slash) and ("." in first or ":" in first or first == "localhost")


def _tags(repo_tags: Iterable[str] | None) -> tuple[str, ...]:
    tags = [tag for tag in repo_tags or [] if tag and tag != "<none>:<none>"]
    return tuple(sorted(tags, key=lambda tag: (_names_a_registry(tag), len(tag), tag)))


def _time(value: Any) -> int:
    if isinstance(value, int | float):
        return int(value)
    return parse_engine_time(str(value or ""))


def container_from_df(item: Mapping[str, Any]) -> ContainerUsage:
    names = item.get("Names") or []
    mounts = item.get("Mounts") or []
    return ContainerUsage(
        key=str(item["Id"]),
        name=names[0].lstrip("/") if names else short_id(str(item["Id"])),
        image=str(item.get("Image", "")),
        image_id=str(item.get("ImageID", "")),
        state=str(item.get("State", "")),
        status=str(item.get("Status", "")),
        size_rw=_int(item.get("SizeRw"), 0),  # the engine leaves out a zero size
        size_root_fs=_int(item.get("SizeRootFs"), 0),
        created=_int(item.get("Created"), 0),
        labels=_labels(item.get("Labels")),
        volume_names=tuple(str(m["Name"]) for m in mounts if m.get("Type") == "volume" and m.get("Name")),
    )


def image_from_df(item: Mapping[str, Any], users: Mapping[str, Sequence[str]]) -> ImageUsage:
    key = str(item["Id"])
    return ImageUsage(
        key=key,
        tags=_tags(item.get("RepoTags")),
        size=_int(item.get("Size")),
        shared_size=_int(item.get("SharedSize")),
        containers=_int(item.get("Containers")),
        container_names=tuple(sorted(users.get(key, ()))),
        created=_int(item.get("Created"), 0),
        labels=_labels(item.get("Labels")),
    )


def volume_from_df(item: Mapping[str, Any], users: Mapping[str, Sequence[str]]) -> VolumeUsage:
    usage = item.get("UsageData") or {}
    name = str(item["Name"])
    return VolumeUsage(
        key=name,
        driver=str(item.get("Driver", "")),
        size=_int(usage.get("Size")),
        ref_count=_int(usage.get("RefCount")),
        users=tuple(sorted(users.get(name, ()))),
        created=_time(item.get("CreatedAt")),
        labels=_labels(item.get("Labels")),
        mountpoint=str(item.get("Mountpoint", "")),
    )


def build_cache_from_df(item: Mapping[str, Any]) -> BuildCacheUsage:
    return BuildCacheUsage(
        key=str(item.get("ID", "")),
        kind=str(item.get("Type", "")),
        description=str(item.get("Description", "")),
        size=_int(item.get("Size"), 0),
        in_use=bool(item.get("InUse", False)),
        shared=bool(item.get("Shared", False)),
        created=_time(item.get("CreatedAt")),
        last_used=_time(item.get("LastUsedAt")),
        usage_count=_int(item.get("UsageCount"), 0),
    )


def image_totals(images: Sequence[ImageUsage], layers_size: int) -> KindTotals:
    used = [image for image in images if image.containers > 0]
    held = sum(image.unique_size for image in used if image.unique_size >= 0)
    size = layers_size if layers_size >= 0 else sum(max(0, image.size) for image in images)
    return KindTotals(UsageKind.IMAGES, len(images), len(used), size, max(0, size - held))


def container_totals(containers: Sequence[ContainerUsage]) -> KindTotals:
    size = sum(max(0, c.size_rw) for c in containers)
    reclaimable = sum(max(0, c.size_rw) for c in containers if not c.active)
    active = sum(1 for c in containers if c.active)
    return KindTotals(UsageKind.CONTAINERS, len(containers), active, size, reclaimable)


def volume_totals(volumes: Sequence[VolumeUsage]) -> KindTotals:
    size = sum(v.size for v in volumes if v.size >= 0)
    reclaimable = sum(v.size for v in volumes if v.size >= 0 and v.ref_count == 0)
    active = sum(1 for v in volumes if v.ref_count > 0)
    return KindTotals(UsageKind.VOLUMES, len(volumes), active, size, reclaimable)


def build_cache_totals(records: Sequence[BuildCacheUsage]) -> KindTotals:
    size = sum(r.size for r in records if not r.shared)
    reclaimable = sum(r.size for r in records if not r.shared and not r.in_use)
    active = sum(1 for r in records if r.in_use)
    return KindTotals(UsageKind.BUILD_CACHE, len(records), active, size, reclaimable)


def disk_usage_from_df(df: Mapping[str, Any], *, api_version: str = "1.41", taken_at: int = 0) -> DiskUsage:
    """Read the answer of ``GET /system/df`` (docker SDK: ``api.df()``)."""
    containers = tuple(container_from_df(item) for item in df.get("Containers") or [])
    image_users: dict[str, list[str]] = {}
    volume_users: dict[str, list[str]] = {}
    for container in containers:
        image_users.setdefault(container.image_id, []).append(container.name)
        for volume in container.volume_names:
            volume_users.setdefault(volume, []).append(container.name)
    images = tuple(image_from_df(item, image_users) for item in df.get("Images") or [])
    volumes = tuple(volume_from_df(item, volume_users) for item in df.get("Volumes") or [])
    build_cache = tuple(build_cache_from_df(item) for item in df.get("BuildCache") or [])
    layers_size = _int(df.get("LayersSize"))
    totals = {
        UsageKind.IMAGES: image_totals(images, layers_size),
        UsageKind.CONTAINERS: container_totals(containers),
        UsageKind.VOLUMES: volume_totals(volumes),
        UsageKind.BUILD_CACHE: build_cache_totals(build_cache),
    }
    return DiskUsage(images, containers, volumes, build_cache, layers_size, api_version, taken_at, totals)


def fetch_disk_usage(api: docker.APIClient) -> DiskUsage:
    """One system df request; the engine's own clock (the answer's Date) dates the snapshot."""
    response = api._get(api._url("/system/df"))
    df = api._result(response, json=True)
    taken_at = 0
    date = response.headers.get("Date")
    if date:
        parsed = email.utils.parsedate_to_datetime(date)
        taken_at = int(parsed.timestamp())
    return disk_usage_from_df(df, api_version=str(api.api_version), taken_at=taken_at)


# -- what a prune would remove


def labels_match(labels: Iterable[tuple[str, str]], label: str | None) -> bool:
    """The engine's ``label`` filter: ``key`` (present) or ``key=value`` (equal)."""
    if not label:
        return True
    key, has_value, value = label.partition("=")
    found = dict(labels)
    if key not in found:
        return False
    return not has_value or found[key] == value


@dataclass(frozen=True)
class PruneItem:
    key: str
    name: str
    detail: str
    size: int  # bytes this object certainly frees; UNKNOWN when not known


@dataclass(frozen=True)
class PrunePlan:
    kind: UsageKind
    rule: str  # in a person's words
    items: tuple[PruneItem, ...]
    frees: int  # bytes certainly freed
    note: str = ""
    label: str | None = None  # only objects with this label (tests scope prunes to their own objects)
    # Only objects created before this engine time (0: no limit), so one made after the person looked
    # is not removed unseen (volumes, which no such filter narrows, are removed by name instead).
    until: int = 0
    image_rule: ImageRule = ImageRule.UNUSED

    @property
    def empty(self) -> bool:
        return not self.items


def _version_at_least(version: str, wanted: tuple[int, int]) -> bool:
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= wanted


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _frees(items: Iterable[PruneItem]) -> int:
    return sum(max(0, item.size) for item in items)


def plan_prune(
    usage: DiskUsage,
    kind: UsageKind,
    *,
    image_rule: ImageRule = ImageRule.UNUSED,
    label: str | None = None,
) -> PrunePlan:
    """What a prune of ``kind`` would remove now, and the bytes it certainly frees.

    ``label`` ("key" or "key=value") narrows the prune to objects carrying that label,
    as the engine's prune filter does; the window prunes everything, tests their own.
    """
    if kind is UsageKind.IMAGES:
        images = [
            image for image in usage.images
            if not image.in_use and (image_rule is ImageRule.UNUSED or image.dangling)
            and labels_match(image.labels, label)
        ]
        items = tuple(
            PruneItem(image.key, image.name, f"{humanize.size(image.size)} in all, "
                      f"{humanize.size(image.shared_size)} of it shared", image.unique_size)
            for image in sorted(images, key=lambda image: (-image.unique_size, image.name))
        )
        shared = sum(max(0, image.shared_size) for image in images)
        note = ("Only the images' own layers are counted. Layers they share with other images"
                f" ({humanize.size(shared)}, summed per image) are freed only where no remaining image uses them."
                if shared else "")
        return PrunePlan(kind, image_rule.description, items, _frees(items), note, label=label,
                         image_rule=image_rule, until=_just_after(usage))
    if kind is UsageKind.CONTAINERS:
        containers = [c for c in usage.containers if not c.active and labels_match(c.labels, label)]
        items = tuple(
            PruneItem(c.key, c.name, f"{c.state}, from {humanize.short_image(c.image)}", c.size_rw)
            for c in sorted(containers, key=lambda c: (-c.size_rw, c.name))
        )
        note = "Their writable layers are deleted; the images they were made from stay."
        return PrunePlan(kind, "Containers that are not running (created, exited or dead)", items, _frees(items),
                         note, label=label, until=_just_after(usage))
    if kind is UsageKind.VOLUMES:
        volumes = [v for v in usage.volumes if not v.in_use and labels_match(v.labels, label)]
        items = tuple(
            PruneItem(v.key, v.name, f"{v.driver} volume", v.size)
            for v in sorted(volumes, key=lambda v: (-v.size, v.name))
        )
        unknown = sum(1 for item in items if item.size < 0)
        note = "The data in these volumes is deleted for good."
        if unknown:
            note += f" The size of {_plural(unknown, 'volume')} is not known."
        return PrunePlan(kind, "Volumes no container uses, named or anonymous", items, _frees(items), note,
                         label=label)
    records = [r for r in usage.build_cache if not r.in_use and not r.shared]
    items = tuple(
        PruneItem(r.key, r.name, r.kind, r.size) for r in sorted(records, key=lambda r: (-r.size, r.name))
    )
    return PrunePlan(kind, "Build cache records no build uses", items, _frees(items),
                     "Later builds may take longer.", until=_just_after(usage))


def _just_after(usage: DiskUsage) -> int:
    """A second past the snapshot (its Date header drops the fraction); 0 when its time is unknown."""
    return usage.taken_at + 1 if usage.taken_at else 0


# -- pruning


@dataclass(frozen=True)
class PruneResult:
    kind: UsageKind
    removed: tuple[str, ...]  # ids (or names, for volumes) the engine reported
    reclaimed: int  # the engine's SpaceReclaimed

    @property
    def summary(self) -> str:
        word = {UsageKind.IMAGES: "image", UsageKind.CONTAINERS: "container", UsageKind.VOLUMES: "volume",
                UsageKind.BUILD_CACHE: "cache record"}[self.kind]
        return f"Removed {_plural(len(self.removed), word)}, freed {humanize.size(self.reclaimed)}."


def prune_containers(api: docker.APIClient, *, label: str | None = None, until: int = 0) -> PruneResult:
    filters: dict[str, Any] = {}
    if label:
        filters["label"] = [label]
    if until > 0:
        filters["until"] = str(until)
    answer = api.prune_containers(filters=filters or None) or {}
    return PruneResult(UsageKind.CONTAINERS, tuple(answer.get("ContainersDeleted") or ()),
                       _int(answer.get("SpaceReclaimed"), 0))


def prune_images(api: docker.APIClient, *, rule: ImageRule = ImageRule.UNUSED, label: str | None = None,
                 until: int = 0) -> PruneResult:
    filters: dict[str, Any] = {"dangling": ["true" if rule is ImageRule.DANGLING else "false"]}
    if label:
        filters["label"] = [label]
    if until > 0:
        filters["until"] = str(until)
    answer = api.prune_images(filters=filters) or {}
    removed = tuple(str(item.get("Deleted")) for item in answer.get("ImagesDeleted") or () if item.get("Deleted"))
    return PruneResult(UsageKind.IMAGES, removed, _int(answer.get("SpaceReclaimed"), 0))


def prune_volumes(api: docker.APIClient, *, label: str | None = None) -> PruneResult:
    filters: dict[str, Any] = {}
    if label:
        filters["label"] = [label]
    if _version_at_least(str(api.api_version), (1, 42)):
        filters["all"] = ["true"]
    answer = api.prune_volumes(filters=filters or None) or {}
    return PruneResult(UsageKind.VOLUMES, tuple(answer.get("VolumesDeleted") or ()),
                       _int(answer.get("SpaceReclaimed"), 0))


def remove_volumes(api: docker.APIClient, names: Iterable[str], sizes: Mapping[str, int]) -> PruneResult:
    """Remove exactly the volumes that were shown; one that came into use meanwhile stays."""
    removed: list[str] = []
    for name in names:
        try:
            api.remove_volume(name)
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as error:
            if error.status_code == 409:  # a container took it up after the person looked
                continue
            raise
        removed.append(name)
    return PruneResult(UsageKind.VOLUMES, tuple(removed), sum(max(0, sizes.get(name, 0)) for name in removed))


def prune_build_cache(api: docker.APIClient, until: int = 0) -> PruneResult:
    # Older engines know no filters here: they prune all unused cache, as the plan said.
    narrowed = until > 0 and _version_at_least(str(api.api_version), (1, 39))
    answer = api.prune_builds(filters={"until": str(until)} if narrowed else None, all=True) or {}
    return PruneResult(UsageKind.BUILD_CACHE, tuple(answer.get("CachesDeleted") or ()),
                       _int(answer.get("SpaceReclaimed"), 0))


def prune(api: docker.APIClient, plan: PrunePlan) -> PruneResult:
    """Carry out a plan the person confirmed, with the same scope it was shown with."""
    if plan.kind is UsageKind.CONTAINERS:
        return prune_containers(api, label=plan.label, until=plan.until)
    if plan.kind is UsageKind.IMAGES:
        return prune_images(api, rule=plan.image_rule, label=plan.label, until=plan.until)
    if plan.kind is UsageKind.VOLUMES:
        return remove_volumes(api, [item.key for item in plan.items], {item.key: item.size for item in plan.items})
    return prune_build_cache(api, plan.until)
