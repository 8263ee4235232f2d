"""Which local images hold which layers, to tell a preview what a pull would not download.

The engine skips a layer ("Already exists") when it has the same layer on the
same stack below it: it keys layers by *chain id*, a digest of the layer's
diff id and everything under it. So a preview compares chain ids, not bare diff
ids; a layer that exists locally on another base is downloaded again, and the
preview says so too.

Layers of an image are only in its inspect data (``RootFS.Layers``); the image
list has none. Inspecting every local image on every preview would be one
request per image, so results are cached by image id (content-addressed: an
id's layers never change) and each refresh inspects at most ``max_inspections``
new images, newest first. A preview says when its comparison was partial.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import docker

log = logging.getLogger(__name__)

MAX_INSPECTIONS = 400


def chain_ids(diff_ids: Sequence[str]) -> list[str]:
    """The chain id of each layer: its own diff id for the bottom one, then digests of "below diff_id"."""
    chains: list[str] = []
    for diff_id in diff_ids:
        if not chains:
            chains.append(diff_id)
        else:
            chains.append("sha256:" + hashlib.sha256(f"{chains[-1]} {diff_id}".encode()).hexdigest())
    return chains


def image_names(listed: dict[str, Any]) -> list[str]:
    tags = [tag for tag in listed.get("RepoTags") or [] if tag and tag != "<none>:<none>"]
    if tags:
        return tags
    image_id = str(listed.get("Id", ""))
    return [image_id.removeprefix("sha256:")[:12]] if image_id else []


@dataclass(frozen=True)
class LocalLayerIndex:
    """chain id → the local images that have it, each as its tags; ``complete`` is False if some were not looked at."""

    holders: dict[str, list[tuple[str, ...]]]
    images_compared: int
    complete: bool


class LocalLayers:
    """A cache of local images' layer chains, shared by previews (thread-safe)."""

    def __init__(self, max_inspections: int = MAX_INSPECTIONS) -> None:
        self._max_inspections = max_inspections
        self._lock = threading.Lock()
        self._chains: dict[str, list[str]] = {}  # image id → chain ids

    def index(self, api: docker.APIClient, extra_image_ids: Sequence[str] = ()) -> LocalLayerIndex:
        """List local images (one request), inspect the ones not seen before (up to the cap)."""
        listed: list[dict[str, Any]] = api.images()
        listed.sort(key=lambda image: image.get("Created", 0), reverse=True)
        wanted = list(dict.fromkeys([*extra_image_ids, *(str(image["Id"]) for image in listed)]))
        with self._lock:
            unseen = [image_id for image_id in wanted if image_id not in self._chains]
        for image_id in unseen[: self._max_inspections]:
            layers = self._inspect_layers(api, image_id)
            with self._lock:
                self._chains[image_id] = chain_ids(layers)
        present = {str(image["Id"]) for image in listed}
        with self._lock:
            for image_id in [known for known in self._chains if known not in present]:
                del self._chains[image_id]  # removed meanwhile
            chains = dict(self._chains)
        holders: dict[str, list[tuple[str, ...]]] = {}
        for image in listed:
            names = tuple(image_names(image))
            for chain in chains.get(str(image["Id"]), []):
                holders.setdefault(chain, []).append(names)
        return LocalLayerIndex(holders, len(chains), complete=len(unseen) <= self._max_inspections)

    @staticmethod
    def _inspect_layers(api: docker.APIClient, image_id: str) -> list[str]:
        try:
            inspected: dict[str, Any] = api.inspect_image(image_id)
        except docker.errors.NotFound:
            return []  # removed between the list and now
        return list((inspected.get("RootFS") or {}).get("Layers") or [])
