"""The image family tree from recorded layers and histories, and layer sizes from histories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.engine.layer_family import (
    UNKNOWN,
    ImageLayers,
    build_family,
    fill_unknown,
    layer_sizes_from_history,
)

DATA = Path(__file__).parent / "data"
MB = 1 << 20
BASE = 1_984_241


def _recorded() -> list[ImageLayers]:
    """What fetch_family makes of the engine's answers, from layers.json."""
    images = []
    for entry in json.loads((DATA / "layers.json").read_text()):
        listed, chain = entry["list"], tuple(entry["rootfs"]["Layers"])
        sizes = layer_sizes_from_history(len(chain), entry["history"])
        tags = tuple(sorted((t for t in listed["RepoTags"] or [] if t != "<none>:<none>"), key=len))
        images.append(ImageLayers(listed["Id"], tags, listed["Size"], listed["Created"], chain, sizes))
    return images


@pytest.fixture
def images() -> list[ImageLayers]:
    return _recorded()


def _by_name(images: list[ImageLayers], name: str) -> ImageLayers:
    return next(image for image in images if image.name == name)


def test_history_sizes_add_up_to_each_image(images: list[ImageLayers]) -> None:
    for image in images:
        assert UNKNOWN not in image.layer_sizes, image.name
        assert sum(image.layer_sizes) == image.size, image.name
    assert _by_name(images, "eris/ipfs:latest").layer_sizes == (BASE, 8 * MB, 2 * MB)  # bottom first


def test_the_base_is_one_node_under_its_children(images: list[ImageLayers]) -> None:
    roots = build_family(images)
    assert len(roots) == 1
    base = roots[0]
    assert [image.name for image in base.images] == ["eris/base:latest"]
    assert base.size == BASE and base.shared_by == len(images)
    children = {child.title: child for child in base.children}
    assert {"eris/data:latest", "eris/ipfs:latest", "eris/keys:latest", "eris/big:latest"} <= set(children)
    ipfs = children["eris/ipfs:latest"]
    assert len(ipfs.layers) == 2 and ipfs.size == 10 * MB  # one run: two layers only eris/ipfs has
    assert ipfs.below == BASE and ipfs.parent is base and ipfs.depth == 1
    assert children["eris/big:latest"].size == 200 * MB
    assert base.children[0].title == "eris/big:latest"  # equally shared: the largest first
    # Every layer once: the base's bytes count once however many images stand on it.
    stored = sum(node.size for node in base.walk())
    assert stored == sum(image.size for image in images) - (len(images) - 1) * BASE


def test_runs_merge_and_identical_chains_end_at_one_node() -> None:
    def image(name: str, layers: str, sizes: tuple[int, ...]) -> ImageLayers:
        return ImageLayers(f"sha256:{name}", (name,), sum(sizes), 0, tuple(layers), sizes)

    roots = build_family([
        image("a", "xyz", (1, 2, 3)),
        image("b", "xyw", (1, 2, 4)),
        image("c", "xy", (1, 2)),
        image("c-copy", "xy", (1, 2)),
        image("other", "pq", (5, 6)),
    ])
    assert [root.layers for root in roots] == [("x", "y"), ("p", "q")]  # merged runs; most shared first
    shared = roots[0]
    assert shared.title == "c, c-copy" and shared.size == 3 and shared.shared_by == 4
    assert sorted(child.title for child in shared.children) == ["a", "b"]
    assert roots[1].title == "other" and roots[1].size == 11 and not roots[1].children


def test_a_layer_size_unknown_in_one_image_is_taken_from_another() -> None:
    roots = build_family([
        ImageLayers("sha256:a", ("a",), -1, 0, ("x", "y"), (UNKNOWN, UNKNOWN)),
        ImageLayers("sha256:b", ("b",), 3, 0, ("x",), (3,)),
    ])
    assert roots[0].layer_sizes == (3,) and roots[0].size_known
    assert not roots[0].children[0].size_known


CLASSIC: list[dict[str, Any]] = [  # newest first, as GET /images/{id}/history answers
    {"CreatedBy": '/bin/sh -c #(nop)  CMD ["serve"]', "Size": 0},
    {"CreatedBy": "/bin/sh -c touch /ready", "Size": 0},  # a layer with no bytes
    {"CreatedBy": "/bin/sh -c #(nop) COPY file:abc in /app ", "Size": 4000},
    {"CreatedBy": "/bin/sh -c #(nop)  ENV A=1", "Size": 0},
    {"CreatedBy": "/bin/sh -c #(nop) ADD file:def in / ", "Size": 1000},
]

BUILDKIT: list[dict[str, Any]] = [
    {"CreatedBy": 'ENTRYPOINT ["/app"]', "Comment": "buildkit.dockerfile.v0", "Size": 0},
    {"CreatedBy": "RUN /bin/sh -c mkdir -p /x # buildkit", "Comment": "buildkit.dockerfile.v0", "Size": 0},
    {"CreatedBy": "COPY app /app # buildkit", "Comment": "buildkit.dockerfile.v0", "Size": 7000},
    {"CreatedBy": "WORKDIR /app", "Comment": "buildkit.dockerfile.v0", "Size": 0},
    {"CreatedBy": "/bin/sh -c #(nop) ADD file:def in / ", "Size": 1000},
]


def test_history_steps_are_matched_to_layers() -> None:
    assert layer_sizes_from_history(2, CLASSIC) == (1000, 4000)  # every layer has bytes: drop size-0 steps
    assert layer_sizes_from_history(3, CLASSIC) == (1000, 4000, 0)  # drop configuration-only steps
    assert layer_sizes_from_history(4, BUILDKIT) == (1000, 0, 7000, 0)  # WORKDIR made a layer here
    assert layer_sizes_from_history(3, BUILDKIT) == (UNKNOWN,) * 3  # cannot tell which step it was
    assert layer_sizes_from_history(5, CLASSIC) == (1000, 0, 4000, 0, 0)
    assert layer_sizes_from_history(1, []) == (UNKNOWN,)


def test_one_unknown_size_is_the_rest_of_the_total() -> None:
    assert fill_unknown([1000, UNKNOWN, 500], 4000) == (1000, 2500, 500)
    assert fill_unknown([UNKNOWN, UNKNOWN], 4000) == (UNKNOWN, UNKNOWN)
    assert fill_unknown([5000, UNKNOWN], 4000) == (5000, UNKNOWN)  # inconsistent: leave it unknown
    assert fill_unknown([1, 2], 3) == (1, 2)
