"""Disk usage from a recorded system df answer (tests/unit/data/record_disk_usage.py made it)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from app.engine.disk_usage import (
    UNKNOWN,
    DiskUsage,
    ImageRule,
    UsageKind,
    disk_usage_from_df,
    labels_match,
    plan_prune,
)

DATA = Path(__file__).parent / "data"
MB = 1 << 20
BASE = 1_984_241  # eris/base: the busybox tarball's one layer
# Unique bytes of the images containers use: eris/keys 4 MB, eris/ipfs 8 + 2 MB, eris/data 3 MB, eris/base 0.
IN_USE_UNIQUE = (4 + 10 + 3) * MB


@pytest.fixture
def df() -> dict[str, Any]:
    return json.loads((DATA / "system_df.json").read_text())


@pytest.fixture
def usage(df: dict[str, Any]) -> DiskUsage:
    return disk_usage_from_df(df, taken_at=1_796_315_600)


def _image(usage: DiskUsage, tag: str) -> Any:
    return next(image for image in usage.images if tag in image.tags)


def test_totals_are_counted_as_docker_system_df_counts_them(usage: DiskUsage, df: dict[str, Any]) -> None:
    images = usage.totals[UsageKind.IMAGES]
    assert (images.count, images.active) == (6, 4)  # eris/big and the dangling image are unused
    assert images.size == df["LayersSize"] == 229_825_233
    assert images.reclaimable == df["LayersSize"] - IN_USE_UNIQUE

    containers = usage.totals[UsageKind.CONTAINERS]
    assert (containers.count, containers.active) == (6, 2)  # ipfs runs, compilers is paused
    assert containers.size == containers.reclaimable == 300_000  # the stopped writer's 300 kB

    volumes = usage.totals[UsageKind.VOLUMES]
    assert (volumes.count, volumes.active) == (3, 2)
    assert volumes.size == 10 * MB + 200_000
    assert volumes.reclaimable == 200_000

    cache = usage.totals[UsageKind.BUILD_CACHE]
    assert (cache.count, cache.size, cache.reclaimable) == (0, 0, 0)
    assert usage.total_size == images.size + containers.size + volumes.size
    assert images.summary == "Images 230 MB (212 MB reclaimable)"


def test_images_have_unique_and_shared_size_and_their_containers(usage: DiskUsage) -> None:
    base = _image(usage, "eris/base:latest")
    assert base.name == "eris/base:latest"  # the registry-qualified tag comes second
    assert base.size == base.shared_size == BASE and base.unique_size == 0
    assert "compilers" in base.container_names
    for tag, own in (("eris/data:latest", 3 * MB), ("eris/ipfs:latest", 10 * MB), ("eris/keys:latest", 4 * MB),
                     ("eris/big:latest", 200 * MB)):
        image = _image(usage, tag)
        assert image.shared_size == BASE, tag
        assert image.unique_size == own, tag
    assert _image(usage, "eris/ipfs:latest").container_names == ("ipfs",)
    assert not _image(usage, "eris/big:latest").in_use
    dangling = next(image for image in usage.images if image.dangling)
    assert dangling.name.startswith("<none> ") and dangling.unique_size == 300_000


def test_containers_have_their_writable_layer_and_root_fs(usage: DiskUsage) -> None:
    by_name = {container.name: container for container in usage.containers}
    writer = by_name["record-stopped-writer"]
    assert (writer.state, writer.size_rw, writer.size_root_fs) == ("exited", 300_000, BASE + 300_000)
    assert by_name["keys"].size_rw == 0  # the engine leaves a zero size out
    assert by_name["ipfs"].volume_names == ("ipfs-data",)
    assert by_name["compilers"].active and not by_name["keys"].active


def test_volumes_have_size_and_users_by_name(usage: DiskUsage) -> None:
    by_name = {volume.name: volume for volume in usage.volumes}
    assert by_name["ipfs-data"].users == ("ipfs",) and by_name["ipfs-data"].size == 10 * MB
    assert by_name["record-used-volume"].users == ("record-volume-user",)
    assert by_name["record-used-volume"].ref_count == 1
    unused = by_name["record-unused-volume"]
    assert (unused.size, unused.ref_count, unused.users, unused.in_use) == (200_000, 0, (), False)
    assert unused.created > 0


def test_unknown_sizes_stay_unknown_and_out_of_the_sums(df: dict[str, Any]) -> None:
    changed = copy.deepcopy(df)
    changed["Volumes"].append({"Name": "remote", "Driver": "nfs", "UsageData": {"Size": -1, "RefCount": 0}})
    changed["Images"][0]["SharedSize"] = -1
    usage = disk_usage_from_df(changed)
    remote = next(volume for volume in usage.volumes if volume.name == "remote")
    assert remote.size == UNKNOWN
    assert usage.totals[UsageKind.VOLUMES].size == 10 * MB + 200_000
    assert usage.images[0].unique_size == UNKNOWN
    plan = plan_prune(usage, UsageKind.VOLUMES)
    assert "remote" in [item.name for item in plan.items]
    assert plan.frees == 200_000 and "not known" in plan.note


def test_build_cache_records_as_the_api_describes_them() -> None:
    usage = disk_usage_from_df({
        "LayersSize": 0,
        "BuildCache": [
            {"ID": "a1", "Type": "regular", "Description": "mount / from exec /bin/sh -c make", "InUse": False,
             "Shared": False, "Size": 5_000_000, "CreatedAt": "2026-12-01T10:00:00.123456789Z",
             "LastUsedAt": "2026-12-02T10:00:00Z", "UsageCount": 3},
            {"ID": "b2", "Type": "exec.cachemount", "Description": "cached mount /root/.cache", "InUse": True,
             "Shared": False, "Size": 2_000_000, "UsageCount": 1},
            {"ID": "c3", "Type": "regular", "Description": "pulled layer", "InUse": False, "Shared": True,
             "Size": 9_000_000, "UsageCount": 1},
        ],
    })
    cache = usage.totals[UsageKind.BUILD_CACHE]
    assert (cache.count, cache.active, cache.size, cache.reclaimable) == (3, 1, 7_000_000, 5_000_000)
    plan = plan_prune(usage, UsageKind.BUILD_CACHE)
    assert [item.key for item in plan.items] == ["a1"] and plan.frees == 5_000_000
    assert usage.build_cache[0].last_used > usage.build_cache[0].created > 0


def test_an_image_prune_plan_follows_its_rule(usage: DiskUsage) -> None:
    unused = plan_prune(usage, UsageKind.IMAGES, image_rule=ImageRule.UNUSED)
    assert unused.items[0].name == "eris/big:latest"
    assert len(unused.items) == 2  # eris/big and the dangling commit; every other image is in use
    assert unused.frees == 200 * MB + 300_000  # their own layers; the shared base stays
    assert "freed only where no remaining image uses them" in unused.note
    dangling = plan_prune(usage, UsageKind.IMAGES, image_rule=ImageRule.DANGLING)
    assert [item.size for item in dangling.items] == [300_000]
    assert "prune -a" in ImageRule.UNUSED.description


def test_a_container_prune_plan_lists_stopped_containers_up_to_the_snapshot(usage: DiskUsage) -> None:
    plan = plan_prune(usage, UsageKind.CONTAINERS)
    assert sorted(item.name for item in plan.items) == ["eris_data_ipfs_1", "keys", "record-stopped-writer",
                                                        "record-volume-user"]
    assert plan.frees == 300_000
    assert plan.until == 1_796_315_601  # the snapshot's Date has whole seconds
    scoped = plan_prune(usage, UsageKind.CONTAINERS, label="eris-record=1")
    assert sorted(item.name for item in scoped.items) == ["record-stopped-writer", "record-volume-user"]
    assert scoped.label == "eris-record=1"


def test_a_volume_prune_plan_lists_only_unmounted_volumes(usage: DiskUsage) -> None:
    plan = plan_prune(usage, UsageKind.VOLUMES)
    assert [(item.name, item.size) for item in plan.items] == [("record-unused-volume", 200_000)]
    assert plan_prune(usage, UsageKind.VOLUMES, label="nobody=here").empty


def test_labels_match_as_the_engine_filter_does() -> None:
    labels = (("eris-test", "1"), ("tier", "db"))
    assert labels_match(labels, None)
    assert labels_match(labels, "tier")
    assert labels_match(labels, "tier=db")
    assert not labels_match(labels, "tier=web")
    assert not labels_match(labels, "missing")
