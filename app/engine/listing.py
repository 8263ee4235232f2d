"""Rows from the engine's list endpoints: one request per resource kind, never an inspect per row."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import docker
import docker.errors

from app.engine.rows import (
    ContainerRow,
    ImageRow,
    Kind,
    NetworkRow,
    Row,
    VolumeRow,
    container_from_list,
    image_from_inspect,
    image_from_list,
    network_from_api,
    volume_from_api,
)

# Beyond this many ids one full list is cheaper than a long filter (and keeps the URL short).
_MAX_FILTERED_IDS = 100


def _get_json(api: docker.APIClient, path: str, params: dict[str, Any] | None = None) -> Any:
    return api._result(api._get(api._url(path), params=params or {}), json=True)


def list_containers(api: docker.APIClient, ids: Collection[str] = ()) -> list[ContainerRow]:
    if ids and len(ids) <= _MAX_FILTERED_IDS:
        items = api.containers(all=True, filters={"id": list(ids)})
    else:
        items = api.containers(all=True)
    rows = [container_from_list(item) for item in items]
    if ids:
        wanted = set(ids)
        rows = [row for row in rows if row.key in wanted]
    return rows


def list_images(api: docker.APIClient) -> list[ImageRow]:
    return [image_from_list(item) for item in _get_json(api, "/images/json")]


def shared_image_sizes(api: docker.APIClient) -> dict[str, int]:
    """Bytes each image shares with others, from system df (images/json has it only from API 1.42)."""
    usage = _get_json(api, "/system/df", {"type": "image"})
    return {item["Id"]: int(item.get("SharedSize", -1)) for item in usage.get("Images") or []}


def fetch_image(api: docker.APIClient, reference: str) -> ImageRow | None:
    """The image an event names (by id or reference), or None when it no longer exists."""
    try:
        return image_from_inspect(api.inspect_image(reference))
    except docker.errors.NotFound:
        return None


def list_volumes(api: docker.APIClient) -> list[VolumeRow]:
    return [volume_from_api(item) for item in api.volumes().get("Volumes") or []]


def fetch_volume(api: docker.APIClient, name: str) -> VolumeRow | None:
    try:
        return volume_from_api(api.inspect_volume(name))
    except docker.errors.NotFound:
        return None


def list_networks(api: docker.APIClient, ids: Collection[str] = ()) -> list[NetworkRow]:
    items = api.networks(ids=list(ids)) if ids else api.networks()
    rows = [network_from_api(item) for item in items]
    if ids:
        wanted = set(ids)
        rows = [row for row in rows if row.key in wanted]
    return rows


LISTS: dict[Kind, Callable[[docker.APIClient], list[Row]]] = {
    Kind.CONTAINER: list_containers,  # type: ignore[dict-item]
    Kind.IMAGE: list_images,  # type: ignore[dict-item]
    Kind.VOLUME: list_volumes,  # type: ignore[dict-item]
    Kind.NETWORK: list_networks,  # type: ignore[dict-item]
}
