"""The disk usage dialog and the image family view, against the real private engine."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import docker
import pytest
from pytestqt.qtbot import QtBot

from app import humanize
from app.engine.connection import Endpoint
from app.engine.disk_usage import DiskUsage, ImageRule, KindTotals, UsageKind
from app.engine.layer_family import FamilyNode, ImageLayers, LayerCache, build_family, fetch_family
from app.qt.operations import OperationRunner
from app.qt.resource_model import ROW_ROLE
from app.ui.disk_usage_dialog import DiskUsageDialog
from app.ui.family_layout import MAX_VISIBLE_CHILDREN, layout_blocks
from app.ui.image_family_view import ImageFamilyDialog, ImageFamilyView
from app.ui.prune_dialog import PruneDialog
from tests.conftest import DockerCLI

CLI_KINDS = {"Images": UsageKind.IMAGES, "Containers": UsageKind.CONTAINERS, "Local Volumes": UsageKind.VOLUMES,
             "Build Cache": UsageKind.BUILD_CACHE}
UNITS = {"B": 1, "kB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4}


@pytest.fixture
def runner(endpoint: Endpoint) -> Iterator[OperationRunner]:
    runner = OperationRunner(endpoint)
    yield runner
    runner.shutdown()


@pytest.fixture
def api(endpoint: Endpoint) -> Iterator[docker.APIClient]:
    client = docker.APIClient(base_url=endpoint.url, version="auto")
    yield client
    client.close()


def _open(qtbot: QtBot, runner: OperationRunner, **options: Any) -> DiskUsageDialog:
    dialog = DiskUsageDialog(runner, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait_loaded(qtbot, dialog)
    return dialog


def _wait_loaded(qtbot: QtBot, dialog: DiskUsageDialog) -> DiskUsage:
    qtbot.waitUntil(lambda: dialog.usage is not None and not dialog.busy, timeout=20_000)
    assert dialog.last_error is None, dialog.last_error
    assert dialog.usage is not None
    return dialog.usage


def _bytes(text: str) -> int:
    """The docker CLI's size ("229.5MB", "0B", "211.7MB (92%)") in bytes, to its 4 significant digits."""
    match = re.match(r"\s*([\d.]+)\s*([kMGT]?B)", text)
    assert match, text
    return round(float(match.group(1)) * UNITS[match.group(2)])


def _cli_totals(docker_cli: DockerCLI) -> dict[UsageKind, tuple[int, int, int, int]]:
    lines = [json.loads(line) for line in docker_cli("system", "df", "--format", "{{json .}}").splitlines()]
    return {CLI_KINDS[line["Type"]]: (int(line["TotalCount"]), int(line["Active"]), _bytes(line["Size"]),
                                      _bytes(line["Reclaimable"])) for line in lines}


def _close(size: int, cli: int) -> bool:
    return abs(size - cli) <= max(1, cli * 0.001)  # the CLI keeps 4 significant digits


def _agrees(totals: KindTotals, cli: tuple[int, int, int, int]) -> bool:
    count, active, size, reclaimable = cli
    return (totals.count, totals.active) == (count, active) and _close(totals.size, size) and _close(
        totals.reclaimable, reclaimable)


def test_totals_agree_with_docker_system_df(qtbot: QtBot, runner: OperationRunner, docker_cli: DockerCLI) -> None:
    dialog = _open(qtbot, runner)
    # Other tests change the shared engine meanwhile: compare a snapshot taken between two equal CLI answers.
    for _attempt in range(6):
        before = _cli_totals(docker_cli)
        dialog.refresh()
        usage = _wait_loaded(qtbot, dialog)
        if before != _cli_totals(docker_cli):
            continue
        if all(_agrees(usage.totals[kind], before[kind]) for kind in UsageKind):
            break
    else:
        pytest.fail(f"disk usage {dict(usage.totals)} differs from docker system df {before}")
    images = usage.totals[UsageKind.IMAGES]
    label = dialog.summary_labels[UsageKind.IMAGES].text()
    assert humanize.size(images.size) in label and f"{humanize.size(images.reclaimable)} reclaimable" in label
    assert dialog.summary_text(UsageKind.IMAGES) == images.summary
    assert dialog.summary_text(UsageKind.IMAGES).startswith(f"Images {humanize.size(images.size)} (")
    assert dialog.tabs.tabText(0) == f"Images ({len(usage.images)})"


def test_the_base_image_size_is_shared_by_its_children(qtbot: QtBot, runner: OperationRunner,
                                                       api: docker.APIClient) -> None:
    dialog = _open(qtbot, runner)
    base_size = int(api.inspect_image("eris/base:latest")["Size"])
    view = dialog.views[UsageKind.IMAGES]
    model = view.model()
    shown: dict[str, tuple[Any, str, str]] = {}
    for row in range(model.rowCount()):
        image = model.index(row, 0).data(ROW_ROLE)
        for tag in image.tags:
            shown[tag] = (image, model.index(row, 3).data(), model.index(row, 4).data())
    base, base_shared, base_unique = shown["eris/base:latest"]
    assert base.shared_size == base.size == base_size and base_unique == "0 B"
    assert base_shared == humanize.size(base_size)
    # What else shares a child's layers, from the layers themselves (inspect and history, not system df):
    # only the base, unless an image was built on the child (then all its layers are shared).
    family = fetch_family(api, LayerCache())
    for tag in ("eris/data:latest", "eris/ipfs:latest", "eris/keys:latest"):
        child, shared_text, unique_text = shown[tag]
        node = family.node_of(tag)
        assert node is not None and node.parent is not None and node.parent.images[0].name == "eris/base:latest"
        expected = base_size + (node.size if node.shared_by > 1 else 0)
        assert child.shared_size == expected, tag
        assert shared_text == humanize.size(expected), tag
        assert unique_text == humanize.size(child.size - expected), tag


def _prune_dialog(qtbot: QtBot, dialog: DiskUsageDialog, kind: UsageKind) -> PruneDialog:
    dialog.prune_buttons[kind].click()
    qtbot.waitUntil(lambda: dialog.prune_dialog is not None and dialog.prune_dialog.isVisible(), timeout=20_000)
    assert dialog.prune_dialog is not None
    return dialog.prune_dialog


def _exists(docker_cli: DockerCLI, key: str) -> bool:
    return bool(docker_cli("ps", "-aq", "--no-trunc", "--filter", f"id={key}"))


def test_containers_are_pruned_only_after_confirmation(qtbot: QtBot, runner: OperationRunner,
                                                       docker_cli: DockerCLI) -> None:
    # Not labelled eris-test=1: other sessions on the shared engine remove those when their tests end.
    token = uuid.uuid4().hex[:10]
    scope = f"eris-test-prune={token}"
    stopped = docker_cli("create", "--label", scope, "--network", "none", "--name", f"prune-me-{token}",
                         "eris/base:latest", "true")
    bystander = docker_cli("create", "--label", f"eris-test-bystander={token}", "--network", "none",
                           "eris/base:latest", "true")
    try:
        dialog = _open(qtbot, runner, prune_label=scope)  # a person's window prunes everything; a test its own
        confirm = _prune_dialog(qtbot, dialog, UsageKind.CONTAINERS)
        listed = [confirm.items.topLevelItem(row).text(0) for row in range(confirm.items.topLevelItemCount())]
        assert listed == [f"prune-me-{token}"]
        assert confirm.headline.text().startswith("Remove 1 container and free")
        assert confirm.prune_button.text() == "Remove 1 container"
        confirm.cancel_button.click()
        qtbot.waitUntil(lambda: dialog.prune_dialog is None, timeout=5_000)
        qtbot.wait(300)
        assert _exists(docker_cli, stopped), "cancelling the confirmation removed the container"
        assert dialog.last_result is None

        confirm = _prune_dialog(qtbot, dialog, UsageKind.CONTAINERS)
        assert confirm.plan.items[0].key == stopped
        confirm.prune_button.click()
        qtbot.waitUntil(lambda: dialog.last_result is not None and not dialog.busy, timeout=20_000)
        assert dialog.last_result is not None
        assert dialog.last_result.removed == (stopped,)
        assert not _exists(docker_cli, stopped)
        assert _exists(docker_cli, bystander), "the prune reached beyond its label"
        assert dialog.status.text().startswith("Removed 1 container, freed")
        assert stopped not in {row.key for row in dialog.models[UsageKind.CONTAINERS].rows()}
    finally:
        docker_cli("rm", "-f", stopped, bystander, check=False)


def test_volumes_and_images_are_pruned_within_the_label(qtbot: QtBot, runner: OperationRunner,
                                                        docker_cli: DockerCLI) -> None:
    token = uuid.uuid4().hex[:10]
    scope = f"eris-test-prune={token}"
    volume = docker_cli("volume", "create", "--label", scope, f"prune-volume-{token}")
    source = docker_cli("create", "--network", "none", "eris/base:latest", "true")
    image = docker_cli("commit", "--change", f"LABEL {scope}", source)  # untagged: a dangling image
    docker_cli("rm", source)
    try:
        dialog = _open(qtbot, runner, prune_label=scope)
        confirm = _prune_dialog(qtbot, dialog, UsageKind.VOLUMES)
        assert [item.name for item in confirm.plan.items] == [volume]
        # Made after the person looked: what was shown is what goes, this one stays.
        late = docker_cli("volume", "create", "--label", scope, f"late-volume-{token}")
        confirm.prune_button.click()
        qtbot.waitUntil(lambda: dialog.last_result is not None and not dialog.busy, timeout=20_000)
        assert dialog.last_result is not None and dialog.last_result.removed == (volume,)
        assert docker_cli("volume", "ls", "-q", "--filter", f"label={scope}").split() == [late]

        confirm = _prune_dialog(qtbot, dialog, UsageKind.IMAGES)
        assert confirm.rule_choice is not None
        confirm.rule_choice.setCurrentIndex(confirm.rule_choice.findData(ImageRule.DANGLING))
        assert [item.key for item in confirm.plan.items] == [image]
        confirm.prune_button.click()
        qtbot.waitUntil(lambda: dialog.last_result is not None and dialog.last_result.kind is UsageKind.IMAGES
                        and not dialog.busy, timeout=20_000)
        assert not docker_cli("images", "-q", "--filter", f"label={scope}")
    finally:
        docker_cli("volume", "rm", "-f", volume, f"late-volume-{token}", check=False)
        docker_cli("rmi", "-f", image, check=False)


def test_a_failure_reads_as_a_message(qtbot: QtBot, tmp_path: Any) -> None:
    runner = OperationRunner(Endpoint(url=f"unix://{tmp_path}/no-engine.sock"))
    try:
        dialog = DiskUsageDialog(runner)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.last_error is not None, timeout=20_000)
        assert dialog.status.isVisibleTo(dialog)
        assert dialog.status.text().startswith("Could not read the engine's disk usage. There is no Docker socket")
        assert "Traceback" not in dialog.status.text()
        assert not dialog.busy and not dialog.progress.isVisibleTo(dialog)
        assert not any(button.isEnabled() for button in dialog.prune_buttons.values())
    finally:
        runner.shutdown()


def test_the_family_shows_the_base_as_one_block_under_its_children(qtbot: QtBot, runner: OperationRunner,
                                                                   api: docker.APIClient) -> None:
    cache = LayerCache()
    view = ImageFamilyView(runner, cache=cache)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(lambda: view.family is not None and not view.busy, timeout=30_000)
    family = view.family
    assert family is not None and view.last_error is None
    base = family.node_of("eris/base:latest")
    assert base is not None and base.parent is None
    assert base.size == int(api.inspect_image("eris/base:latest")["Size"])
    above = {image.name for child in base.children for image in child.images}
    assert {"eris/data:latest", "eris/ipfs:latest", "eris/keys:latest"} <= above
    for name in ("eris/data:latest", "eris/ipfs:latest", "eris/keys:latest"):
        node = family.node_of(name)
        assert node is not None and node.parent is base
        image = next(image for image in node.images if image.name == name)
        assert node.below + node.size == image.size == int(api.inspect_image(name)["Size"])

    # Drawn: one block for the base, the children's blocks on top of it and within its width.
    blocks = [block for block in view.chart.blocks if block.node is base]
    assert len(blocks) == 1
    floor = blocks[0]
    assert floor.depth == 0 and floor.width >= 3
    for child in base.children[: MAX_VISIBLE_CHILDREN - 1]:
        block = next(block for block in view.chart.blocks if block.node is child)
        assert block.depth == 1 and floor.x <= block.x < floor.x + floor.width
    assert "eris/base:latest" in floor.tooltip and "shared by" in floor.tooltip.lower()
    assert base.layers[0].split(":")[1][:12] in floor.tooltip

    # The tree says the same.
    item = view.item_of(base)
    assert item is not None
    children = {item.child(number).text(0) for number in range(item.childCount())}
    assert {"eris/data:latest", "eris/ipfs:latest", "eris/keys:latest"} <= children
    view.chart.grab()  # paints without a warning

    # Clicking a child's block selects its row; a refresh reads nothing again.
    data = family.node_of("eris/data:latest")
    assert data is not None
    view._block_clicked(data)
    assert view.tree.currentItem() is view.item_of(data) and view.chart.selected is data
    requests = cache.requests
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy, timeout=30_000)
    assert cache.requests == requests
    view.shutdown()


def test_many_children_are_grouped_to_stay_readable() -> None:
    def image(number: int) -> ImageLayers:
        return ImageLayers(f"sha256:{number}", (f"eris/bench-{number:04d}:latest",), 1000 + number, 0,
                           ("base", f"own-{number}"), (1000, number))

    roots = build_family([image(number) for number in range(1, 41)])
    blocks, columns, rows = layout_blocks(roots)
    assert (columns, rows) == (MAX_VISIBLE_CHILDREN, 2)
    floor = next(block for block in blocks if isinstance(block.node, FamilyNode) and block.node is roots[0])
    assert floor.width == MAX_VISIBLE_CHILDREN
    group = [block for block in blocks if block.node is None]
    assert len(group) == 1 and group[0].title == f"+{40 - (MAX_VISIBLE_CHILDREN - 1)} more"
    assert "eris/bench-0001:latest" in group[0].tooltip  # the smallest are grouped


def test_the_disk_usage_dialog_opens_the_family(qtbot: QtBot, runner: OperationRunner) -> None:
    dialog = _open(qtbot, runner)
    dialog.families_button.click()
    family = dialog.findChild(ImageFamilyDialog, "imageFamilyDialog")
    assert family is not None and family.view.objectName() == "imageFamilyView"
    qtbot.waitUntil(lambda: family.view.family is not None and not family.view.busy, timeout=30_000)
    family.reject()
