"""Pulls that do not end well: cancelled, registry gone, engine connection cut, login needed."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import docker
import private_engine
import pytest

from app.engine.connection import Endpoint
from app.engine.pulls.errors import AccessDenied, EngineConnectionLost, RegistryUnreachable
from app.engine.pulls.manager import PullManager
from app.engine.pulls.preview import preview_pull
from app.engine.pulls.progress import Outcome
from app.engine.pulls.pull import Pull, PullState
from tests.pulls import forge
from tests.pulls.conftest import BIG_LAYERS, MB, Forger, PullRecorder, remove_local
from tests.pulls.engine_proxy import EngineRelay
from tests.pulls.own_registry import OwnRegistry


def _when_bytes_arrive(recorder: PullRecorder, action: Callable[[Pull], None]) -> None:
    """Run ``action`` once, from the listener, as soon as a pull reports downloaded bytes."""
    done: list[Pull] = []

    def check(pull: Pull) -> None:
        if not done and pull.progress.done_bytes > 0:
            done.append(pull)
            action(pull)

    recorder.on_change = check


def _image_exists(api: docker.APIClient, ref: str) -> bool:
    try:
        api.inspect_image(ref)
    except docker.errors.NotFound:
        return False
    return True


def test_cancel_mid_pull_of_a_big_image(
    manager: PullManager, recorder: PullRecorder, big_image: forge.ForgedImage, api: docker.APIClient
) -> None:
    _when_bytes_arrive(recorder, manager.cancel)
    started = time.monotonic()
    pull = manager.pull(big_image.ref)
    assert manager.wait(pull, 30)
    assert time.monotonic() - started < 10
    manager.flush()
    assert pull.state is PullState.CANCELLED and pull.error is None and pull.phase == "Cancelled"
    assert 0 < pull.progress.done_bytes < sum(BIG_LAYERS)
    assert recorder.kinds(pull)[-1] == "finished"
    assert not _image_exists(api, big_image.ref)


def test_a_queued_pull_is_cancelled_at_once(endpoint: Endpoint, recorder: PullRecorder, forged: Forger) -> None:
    first, second = forged((2 * MB,)), forged((1 * MB,))
    manager = PullManager(endpoint, recorder, max_parallel=1)
    try:
        running, queued = manager.pull(first.ref), manager.pull(second.ref)
        manager.cancel(queued)
        assert queued.state is PullState.CANCELLED
        assert manager.wait(running, 30) and running.state is PullState.DONE
        manager.flush()
        assert recorder.kinds(queued) == ["added", "finished"]
    finally:
        manager.close()


def test_the_registry_stopping_mid_pull_is_a_clear_error(
    manager: PullManager,
    recorder: PullRecorder,
    own_registry: Callable[..., OwnRegistry],
    base: forge.Base,
    api: docker.APIClient,
) -> None:
    registry = own_registry()
    image = forge.forge(forge.Registry(registry.address), "eris-pulls/big", "doomed", base, BIG_LAYERS)
    _when_bytes_arrive(recorder, lambda pull: registry.kill())
    started = time.monotonic()
    try:
        pull = manager.pull(image.ref)
        assert manager.wait(pull, 60)
    finally:
        remove_local(api, image.ref)
    # The engine would retry for over a minute; the manager checks the registry and says so sooner.
    assert time.monotonic() - started < 15
    assert pull.state is PullState.FAILED
    assert isinstance(pull.error, RegistryUnreachable)
    assert pull.error.message.startswith(f"Could not pull {image.ref}. The registry {registry.address} stopped")
    assert "connection refused" in pull.error.message
    manager.flush()
    assert recorder.calls[-1].kind == "finished" and recorder.calls[-1].state is PullState.FAILED


def test_a_registry_not_running_at_all(manager: PullManager, own_registry: Callable[..., OwnRegistry]) -> None:
    registry = own_registry()
    registry.kill()
    pull = manager.pull(f"{registry.address}/eris/ipfs:latest")
    assert manager.wait(pull, 30)
    assert isinstance(pull.error, RegistryUnreachable)
    assert f"could not reach the registry {registry.address}" in pull.error.message


def test_losing_the_engine_connection_mid_pull(
    engine: private_engine.PrivateEngine, recorder: PullRecorder, big_image: forge.ForgedImage, api: docker.APIClient
) -> None:
    relay = EngineRelay(engine.socket_path)
    manager = PullManager(Endpoint(url=relay.url), recorder)
    try:
        _when_bytes_arrive(recorder, lambda pull: relay.cut())
        pull = manager.pull(big_image.ref)
        assert manager.wait(pull, 30)
        assert pull.state is PullState.FAILED and isinstance(pull.error, EngineConnectionLost)
        assert f"connection to the Docker Engine at {relay.url}" in pull.error.message
        assert pull.progress.outcome is Outcome.FAILED and pull.progress.rate is None
    finally:
        manager.close()
        relay.close()
    assert not _image_exists(api, big_image.ref)


def _log_in(registry: str, user: str, password: str) -> None:
    config = Path(os.environ["HOME"]) / ".docker" / "config.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    config.write_text(json.dumps({"auths": {f"http://{registry}": {"auth": auth}}}))


def test_a_registry_that_needs_a_login(
    manager: PullManager,
    own_registry: Callable[..., OwnRegistry],
    endpoint: Endpoint,
    base: forge.Base,
    api: docker.APIClient,
) -> None:
    try:
        registry = own_registry(users={"eris": "s3cret"})
    except RuntimeError as error:
        pytest.skip(str(error))
    client = forge.Registry(registry.address)
    client.session.auth = ("eris", "s3cret")
    image = forge.forge(client, "team/app", "1.0", base, (1 * MB,))
    try:
        refused = manager.pull(image.ref)
        assert manager.wait(refused, 30)
        assert isinstance(refused.error, AccessDenied)
        assert f"docker login {registry.address}" in refused.error.hint

        _log_in(registry.address, "eris", "s3cret")
        preview = preview_pull(endpoint, image.ref)
        assert preview.to_download_layers == 1 and preview.already_here_layers == 1
        pull = manager.pull(image.ref, known_sizes=preview.known_sizes)
        assert manager.wait(pull, 30) and pull.state is PullState.DONE, pull.error
        assert pull.progress.done_bytes == preview.to_download_bytes
    finally:
        remove_local(api, image.ref)


def test_removing_a_running_pull_cancels_it_without_waiting(
    manager: PullManager, recorder: PullRecorder, big_image: forge.ForgedImage, api: docker.APIClient
) -> None:
    removed_at: list[float] = []

    def remove(pull: Pull) -> None:
        started = time.monotonic()
        manager.remove(pull)  # from the listener, as a view would on a click
        removed_at.append(time.monotonic() - started)

    _when_bytes_arrive(recorder, remove)
    pull = manager.pull(big_image.ref)
    recorder.wait_for(lambda: "removed" in recorder.kinds(pull), timeout=30, what="removed")
    assert removed_at and removed_at[0] < 0.5  # it did not wait for the pull to stop
    assert pull.state is PullState.CANCELLED and manager.pulls == []
    assert recorder.kinds(pull)[-2:] == ["finished", "removed"]
    assert not _image_exists(api, big_image.ref)


def test_clearing_keeps_what_still_runs(manager: PullManager, recorder: PullRecorder, forged: Forger) -> None:
    image = forged((1 * MB,))
    failed = manager.pull(f"{image.registry}/{image.repository}:missing")
    assert manager.wait(failed, 30)
    done = manager.pull(image.ref)
    assert manager.wait(done, 30)
    assert manager.clear_finished() == [failed, done] and manager.pulls == []
    manager.flush()
    assert recorder.kinds(failed)[-1] == recorder.kinds(done)[-1] == "removed"
