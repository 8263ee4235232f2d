"""Pulls through the manager against the private engine and registry: the outcomes a person sees."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import docker
import private_engine
import pytest

from app.engine.connection import Endpoint
from app.engine.pulls.errors import ImageNotFound
from app.engine.pulls.layers import LayerPhase
from app.engine.pulls.manager import PullManager
from app.engine.pulls.preview import preview_pull
from app.engine.pulls.pull import Pull, PullState
from app.engine.reference import InvalidReference
from tests.pulls import forge
from tests.pulls.conftest import MB, Forger, PullRecorder, remove_local


def _short(layer: forge.Layer) -> str:
    return layer.digest.split(":")[1][:12]


def _wait(manager: PullManager, *pulls: Pull, timeout: float = 60.0) -> None:
    for pull in pulls:
        assert manager.wait(pull, timeout), f"{pull} did not finish"
    assert manager.flush()


def test_a_shared_base_is_not_downloaded_and_the_preview_said_so(
    manager: PullManager, recorder: PullRecorder, forged: Forger, endpoint: Endpoint, base: forge.Base
) -> None:
    image = forged((3 * MB, 1 * MB))
    new_layers = image.new_layers([base.layer])
    preview = preview_pull(endpoint, image.ref)
    assert preview.to_download_layers == 2
    assert preview.to_download_bytes == sum(layer.size for layer in new_layers)
    assert preview.already_here_bytes == base.layer.size
    assert "eris/base:latest" in preview.shared_with[base.layer.diff_id]
    assert preview.sentence().startswith(f"{preview.to_download_bytes / 1e6:.3g} MB to download in 2 layers; ")
    assert "already here, shared with eris/base:latest" in preview.sentence()

    pull = manager.pull(image.ref, known_sizes=preview.known_sizes)
    _wait(manager, pull)
    assert pull.state is PullState.DONE and pull.error is None
    outcome = pull.progress
    assert outcome.phase == "Downloaded newer image" and outcome.fraction == 1.0
    # The preview's claims, checked against what the engine's stream said.
    already = {layer.layer_id for layer in outcome.layers if layer.phase is LayerPhase.ALREADY_EXISTS}
    assert already == {layer.short_id for layer in preview.layers if layer.already_here} == {_short(base.layer)}
    assert outcome.done_bytes == outcome.total_bytes == preview.to_download_bytes
    downloaded = {layer.layer_id: layer.download_total for layer in outcome.layers if not layer.already_here}
    assert downloaded == {layer.short_id: layer.size for layer in preview.layers if not layer.already_here}
    assert outcome.saved_bytes == preview.already_here_bytes

    kinds = recorder.kinds(pull)
    assert kinds[0] == "added" and kinds[-1] == "finished" and "changed" in kinds
    after = preview_pull(endpoint, image.ref)
    assert after.to_download_layers == 0 and image.ref in after.shared_with[new_layers[-1].diff_id]


def test_a_seeded_image_already_here_is_up_to_date(
    manager: PullManager, engine: private_engine.PrivateEngine, endpoint: Endpoint
) -> None:
    ref = engine.registry_ref("eris/ipfs:latest")
    preview = preview_pull(endpoint, ref)
    assert preview.to_download_bytes == 0 and preview.already_here_layers == 3
    assert preview.sentence().startswith("Nothing to download: all 3 layers")
    assert "eris/base:latest" in preview.sharing_images()
    pull = manager.pull(ref, known_sizes=preview.known_sizes)
    _wait(manager, pull)
    assert pull.state is PullState.DONE and pull.progress.phase == "Image is up to date"


def test_two_pulls_run_at_once(manager: PullManager, forged: Forger) -> None:
    first, second = forged((4 * MB, 4 * MB)), forged((4 * MB, 4 * MB))
    pulls = [manager.pull(first.ref), manager.pull(second.ref)]
    assert all(pull.state is PullState.RUNNING for pull in pulls)
    _wait(manager, *pulls)
    assert all(pull.state is PullState.DONE for pull in pulls)
    assert pulls[1].started_at is not None and pulls[0].finished_at is not None
    assert pulls[1].started_at < pulls[0].finished_at  # overlapping, not one after the other


def test_pulls_beyond_the_limit_wait_their_turn(endpoint: Endpoint, recorder: PullRecorder, forged: Forger) -> None:
    first, second = forged((2 * MB,)), forged((1 * MB,))
    manager = PullManager(endpoint, recorder, max_parallel=1)
    try:
        running, queued = manager.pull(first.ref), manager.pull(second.ref)
        assert (running.state, queued.state) == (PullState.RUNNING, PullState.QUEUED)
        _wait(manager, running, queued)
        assert queued.state is PullState.DONE
        assert queued.started_at is not None and running.finished_at is not None
        assert queued.started_at >= running.finished_at
    finally:
        manager.close()


def test_the_same_image_asked_twice_is_one_pull(manager: PullManager, recorder: PullRecorder, forged: Forger) -> None:
    image = forged((3 * MB,))
    pull = manager.pull(image.ref)
    assert manager.pull(f"  {image.ref}") is pull
    assert manager.pull(f"{image.registry}/{image.repository}:{image.tag}") is pull
    _wait(manager, pull)
    assert [call.kind for call in recorder.calls].count("added") == 1
    again = manager.pull(image.ref)  # finished: asking again is a new pull
    assert again is not pull
    _wait(manager, again)
    assert again.progress.phase == "Image is up to date"


def test_a_missing_tag_fails_readably(manager: PullManager, engine: private_engine.PrivateEngine) -> None:
    pull = manager.pull(engine.registry_ref("eris/ipfs:no-such-tag"))
    _wait(manager, pull)
    assert pull.state is PullState.FAILED
    assert isinstance(pull.error, ImageNotFound)
    assert pull.error.what == f"Could not pull {engine.registry}/eris/ipfs:no-such-tag"
    assert "no image by that name and tag" in pull.error.message and pull.error.hint
    assert "manifest unknown" in pull.error.engine_message
    assert pull.phase == pull.error.what and pull.progress.outcome.value == "failed"


def test_a_malformed_reference_is_refused_before_any_request(recorder: PullRecorder) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ep-", dir="/tmp"))
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listening.bind(str(folder / "engine.sock"))
    listening.listen(1)
    listening.setblocking(False)
    manager = PullManager(Endpoint(url=f"unix://{folder / 'engine.sock'}"), recorder)
    try:
        for text in ("Eris/IPFS", "eris/ipfs:bad tag", "", "eris//ipfs", "http://registry/eris"):
            with pytest.raises(InvalidReference):
                manager.pull(text)
        with pytest.raises(InvalidReference, match="lowercase"):
            preview_pull(Endpoint(url=f"unix://{folder / 'engine.sock'}"), "eris/IPFS")
        assert manager.pulls == [] and recorder.calls == []
        with pytest.raises(BlockingIOError):
            listening.accept()  # nobody knocked
    finally:
        manager.close()
        listening.close()
        (folder / "engine.sock").unlink()
        folder.rmdir()


def test_retry_starts_a_failed_pull_again(
    manager: PullManager,
    recorder: PullRecorder,
    registry: forge.Registry,
    base: forge.Base,
    forged: Forger,
    api: docker.APIClient,
) -> None:
    image = forged((1 * MB,))
    later_tag = image.tag + "-later"
    later_ref = f"{image.registry}/{image.repository}:{later_tag}"
    pull = manager.pull(later_ref)
    _wait(manager, pull)
    assert pull.state is PullState.FAILED
    pushed = forge.forge(registry, image.repository, later_tag, base, (1 * MB,))
    try:
        assert manager.retry(pull) is pull
        _wait(manager, pull)
        assert pull.state is PullState.DONE and pull.error is None and pull.attempt == 2
        assert recorder.kinds(pull).count("finished") == 2
    finally:
        manager.remove(pull)
        remove_local(api, later_ref)
        forge.remove(registry, pushed, base)
    assert recorder.kinds(pull)[-1] == "removed" and pull not in manager.pulls
