"""Which images share which layers: the image family tree.

An image is a chain of layers, bottom first (the inspect's ``RootFS.Layers``, diff
ids). Two images store a layer once when their chains agree up to and including it,
so the chains form a trie: each node here is a *run* of layers that the same set of
images has in common (a radix tree, runs of single-child links merged). A node with
several children is a base: its layers are on disk once, under every image above it.

Where the numbers come from:

- Layers: ``GET /images/json`` once, then an inspect per image. That is one request
  per image, which the live lists never do; it is acceptable here because this view
  is opened on demand, it reads at most ``limit`` images (the largest first), and
  both answers are cached by image id (an image id names immutable content), so a
  refresh only reads new images.
- Sizes: the image history (``GET /images/{id}/history``, newest entry first) gives
  each step's ``Size``; steps that made no layer (ENV, CMD, …) have size 0 and are
  matched away (see :func:`layer_sizes_from_history`). The size of a layer is then
  the size of its diff, the same in every image that has it, so it is cached by diff
  id and a history is read only for images with a layer of unknown size. Where the
  steps cannot be matched to the layers, a layer's size is unknown (-1) unless it is
  the only unknown one, when it is the image's size minus the others.
- A node's size is the sum of its layers' sizes: bytes stored once however many
  images share them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import docker
import docker.errors

from app.engine.rows import short_id

UNKNOWN = -1
DEFAULT_LIMIT = 300

# Dockerfile instructions that only change the image's configuration, never its files.
_METADATA_INSTRUCTIONS = ("ENV", "CMD", "LABEL", "EXPOSE", "ENTRYPOINT", "USER", "ARG", "VOLUME", "STOPSIGNAL",
                          "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER")


@dataclass(frozen=True)
class ImageLayers:
    key: str  # sha256:…
    tags: tuple[str, ...]
    size: int
    created: int
    layers: tuple[str, ...]  # diff ids, bottom first
    layer_sizes: tuple[int, ...]  # one per layer; UNKNOWN where not known

    @property
    def name(self) -> str:
        return self.tags[0] if self.tags else f"<none> {short_id(self.key)}"


@dataclass(eq=False)
class FamilyNode:
    """A run of layers that exactly the images of this subtree have in common."""

    layers: tuple[str, ...]
    layer_sizes: tuple[int, ...]
    images: list[ImageLayers] = field(default_factory=list)  # the images whose chain ends here
    children: list[FamilyNode] = field(default_factory=list)
    parent: FamilyNode | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        """Bytes of this run, stored once (known layers only; see ``size_known``)."""
        return sum(size for size in self.layer_sizes if size >= 0)

    @property
    def size_known(self) -> bool:
        return all(size >= 0 for size in self.layer_sizes)

    @property
    def depth(self) -> int:
        depth, node = 0, self.parent
        while node is not None:
            depth, node = depth + 1, node.parent
        return depth

    @property
    def below(self) -> int:
        """Bytes of the layers under this run (its ancestors)."""
        total, node = 0, self.parent
        while node is not None:
            total, node = total + node.size, node.parent
        return total

    def members(self) -> list[ImageLayers]:
        """Every image that has these layers: those ending here and above."""
        found: list[ImageLayers] = []
        for node in self.walk():
            found.extend(node.images)
        return found

    @property
    def shared_by(self) -> int:
        return len(self.members())

    @property
    def subtree_size(self) -> int:
        """Bytes of this run and of every run above it, each once."""
        return sum(node.size for node in self.walk())

    @property
    def title(self) -> str:
        """The names of the images that end here, or "" for a run only shared."""
        return ", ".join(image.name for image in self.images)

    def walk(self) -> Iterator[FamilyNode]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Family:
    roots: tuple[FamilyNode, ...]
    images: tuple[ImageLayers, ...]
    total_images: int = 0  # how many images the engine listed
    skipped: tuple[str, ...] = ()  # names of images left out beyond the limit

    def nodes(self) -> Iterator[FamilyNode]:
        for root in self.roots:
            yield from root.walk()

    def node_of(self, name_or_key: str) -> FamilyNode | None:
        """The node where the image (by a tag or its id) ends."""
        for node in self.nodes():
            for image in node.images:
                if image.key == name_or_key or name_or_key in image.tags:
                    return node
        return None

    @property
    def stored_size(self) -> int:
        """Bytes on disk for these images: every layer once."""
        return sum(node.size for node in self.nodes())

    @property
    def apparent_size(self) -> int:
        """What the images would take if they shared nothing: the sum of their sizes."""
        return sum(sum(size for size in image.layer_sizes if size >= 0) for image in self.images)


# -- pure functions


def _makes_layer(step: Mapping[str, Any]) -> bool:
    """Whether a history step may have made a layer (a step that changed only configuration did not)."""
    if int(step.get("Size") or 0) > 0:
        return True
    created_by = str(step.get("CreatedBy") or "").strip()
    if "#(nop)" in created_by:  # the classic builder marks configuration-only steps so
        instruction = created_by.split("#(nop)", 1)[1].split(None, 1)
        return bool(instruction) and instruction[0].upper() in ("ADD", "COPY")
    first = created_by.split(None, 1)[0].upper() if created_by else ""
    return first not in _METADATA_INSTRUCTIONS


def layer_sizes_from_history(layer_count: int, history: Sequence[Mapping[str, Any]]) -> tuple[int, ...]:
    """Each layer's size (bottom first) from an image history (newest step first).

    Steps and layers pair up one to one when the counts agree; otherwise steps that
    made no layer are dropped: first all steps of size 0 (safe when every layer has
    bytes), then only configuration-only steps. When neither leaves one step per
    layer, the sizes are UNKNOWN.
    """
    steps = list(reversed(history))
    for candidates in (steps, [s for s in steps if int(s.get("Size") or 0) > 0], [s for s in steps if _makes_layer(s)]):
        if len(candidates) == layer_count:
            return tuple(max(0, int(step.get("Size") or 0)) for step in candidates)
    return (UNKNOWN,) * layer_count


def fill_unknown(sizes: Sequence[int], total: int) -> tuple[int, ...]:
    """With one size unknown and the image's total known, the unknown one is the rest."""
    unknown = [position for position, size in enumerate(sizes) if size < 0]
    if len(unknown) != 1 or total < 0:
        return tuple(sizes)
    rest = total - sum(size for size in sizes if size >= 0)
    if rest < 0:
        return tuple(sizes)
    filled = list(sizes)
    filled[unknown[0]] = rest
    return tuple(filled)


def _order(node: FamilyNode) -> tuple[int, int, str]:
    members = node.members()
    first = min((image.name for image in members), default="")
    return (-len(members), -node.subtree_size, first)


def build_family(images: Sequence[ImageLayers]) -> list[FamilyNode]:
    """The trie of the images' layer chains, runs merged; roots and children most shared first."""
    # One node per layer first (keyed by the chain up to it), then merge single-child runs.
    root = FamilyNode((), ())
    for image in images:
        node = root
        for position, diff_id in enumerate(image.layers):
            child = next((c for c in node.children if c.layers[0] == diff_id), None)
            if child is None:
                child = FamilyNode((diff_id,), (image.layer_sizes[position],), parent=node)
                node.children.append(child)
            elif child.layer_sizes[0] < 0 <= image.layer_sizes[position]:
                child.layer_sizes = (image.layer_sizes[position],)
            node = child
        if node is not root:
            node.images.append(image)
    _merge_runs(root)
    for node in root.walk():
        node.children.sort(key=_order)
        node.images.sort(key=lambda image: image.name)
    for child in root.children:
        child.parent = None
    return list(root.children)


def _merge_runs(node: FamilyNode) -> None:
    for child in node.children:
        while len(child.children) == 1 and not child.images:
            only = child.children[0]
            child.layers += only.layers
            child.layer_sizes += only.layer_sizes
            child.images = only.images
            child.children = only.children
            for grandchild in child.children:
                grandchild.parent = child
        _merge_runs(child)


# -- reading the engine


def _names_a_registry(tag: str) -> bool:
    first, slash, _ = tag.partition("/")
    return bool(slash) and ("." in first or ":" in first or first == "localhost")


def _tags(repo_tags: Sequence[str] | None) -> tuple[str, ...]:
    tags = [tag for tag in repo_tags or [] if tag and tag != "<none>:<none>"]
    return tuple(sorted(tags, key=lambda tag: (_names_a_registry(tag), len(tag), tag)))


class LayerCache:
    """Layer chains by image id and layer sizes by diff id, kept between refreshes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chains: dict[str, tuple[str, ...]] = {}
        self._sizes: dict[str, int] = {}
        self.requests = 0  # inspects and histories sent, for tests and the curious

    def chain(self, api: docker.APIClient, image_id: str) -> tuple[str, ...]:
        with self._lock:
            known = self._chains.get(image_id)
        if known is not None:
            return known
        inspect = api.inspect_image(image_id)
        chain = tuple(str(layer) for layer in (inspect.get("RootFS") or {}).get("Layers") or ())
        with self._lock:
            self.requests += 1
            self._chains[image_id] = chain
        return chain

    def sizes(self, api: docker.APIClient, image_id: str, chain: tuple[str, ...], total: int) -> tuple[int, ...]:
        with self._lock:
            sizes = tuple(self._sizes.get(diff_id, UNKNOWN) for diff_id in chain)
        if all(size >= 0 for size in sizes):
            return sizes
        history = api.history(image_id)
        read = layer_sizes_from_history(len(chain), history)
        merged = fill_unknown([known if known >= 0 else new for known, new in zip(sizes, read, strict=True)], total)
        with self._lock:
            self.requests += 1
            for diff_id, size in zip(chain, merged, strict=True):
                if size >= 0:
                    self._sizes.setdefault(diff_id, size)
        return merged


_shared_cache = LayerCache()


def fetch_family(
    api: docker.APIClient,
    cache: LayerCache | None = None,
    limit: int = DEFAULT_LIMIT,
    progress: Callable[[int, int], None] | None = None,
) -> Family:
    """Read the family of the ``limit`` largest images (ties: the oldest first, so bases come before copies)."""
    cache = cache or _shared_cache
    listed: list[dict[str, Any]] = api.images()
    ordered = sorted(listed, key=lambda item: (-int(item.get("Size") or 0), int(item.get("Created") or 0),
                                               str(item.get("Id"))))
    chosen, rest = ordered[:limit], ordered[limit:]
    images: list[ImageLayers] = []
    for number, item in enumerate(chosen, start=1):
        key = str(item["Id"])
        size = int(item["Size"]) if item.get("Size") is not None else UNKNOWN
        try:
            chain = cache.chain(api, key)
            sizes = cache.sizes(api, key, chain, size)
        except docker.errors.NotFound:
            continue  # removed while we read; the next refresh will not list it
        images.append(ImageLayers(key, _tags(item.get("RepoTags")), size, int(item.get("Created") or 0), chain,
                                  sizes))
        if progress is not None:
            progress(number, len(chosen))
    skipped = tuple(
        _tags(item.get("RepoTags"))[0] if _tags(item.get("RepoTags")) else short_id(str(item["Id"])) for item in rest
    )
    return Family(tuple(build_family(images)), tuple(images), len(listed), skipped)
