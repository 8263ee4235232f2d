"""The live tracker against the real private engine: changes made outside the app reach its rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.engine.connection import Endpoint
from app.engine.errors import EngineUnreachable
from app.engine.rows import ContainerRow, ImageRow, Kind
from app.engine.tracker import LiveTracker, Status
from tests.conftest import DockerCLI
from tests.recorder import Recorder


@pytest.fixture
def tracked(endpoint: Endpoint) -> Iterator[Recorder]:
    recorder = Recorder()
    tracker = LiveTracker(endpoint, recorder)
    tracker.start()
    recorder.wait_for(lambda: recorder.status() is Status.CONNECTED, what="connected")
    yield recorder
    tracker.stop()


def _container(recorder: Recorder, key: str) -> ContainerRow | None:
    row = recorder.rows[Kind.CONTAINER].get(key)
    assert row is None or isinstance(row, ContainerRow)
    return row


def test_connected_state_names_the_engine(tracked: Recorder, engine) -> None:  # type: ignore[no-untyped-def]
    info = tracked.states[-1].info
    assert info is not None
    assert info.address == engine.docker_host
    assert info.server_version and info.api_version
    images = tracked.rows[Kind.IMAGE].values()
    assert any(isinstance(row, ImageRow) and "eris/base:latest" in row.tags for row in images)
    assert {row.name for row in tracked.rows[Kind.NETWORK].values()} >= {"host", "none"}


def test_container_lifecycle_from_the_cli_reaches_the_rows(tracked: Recorder, docker_cli: DockerCLI) -> None:
    key = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "tracked-web",
                     "eris/base:latest", "sleep", "300")
    tracked.wait_for(lambda: _container(tracked, key) is not None, what="created row")
    row = _container(tracked, key)
    assert row is not None and row.name == "tracked-web" and row.state == "created"

    docker_cli("start", key)
    tracked.wait_for(lambda: getattr(_container(tracked, key), "state", "") == "running", what="running")
    docker_cli("pause", key)
    tracked.wait_for(lambda: getattr(_container(tracked, key), "state", "") == "paused", what="paused")
    docker_cli("unpause", key)
    docker_cli("kill", key)
    tracked.wait_for(lambda: getattr(_container(tracked, key), "state", "") == "exited", what="exited")
    docker_cli("rename", key, "tracked-renamed")
    tracked.wait_for(lambda: getattr(_container(tracked, key), "name", "") == "tracked-renamed", what="renamed")
    docker_cli("rm", key)
    tracked.wait_for(lambda: _container(tracked, key) is None, what="row removed")


def test_image_tags_and_volumes_follow_the_engine(tracked: Recorder, docker_cli: DockerCLI) -> None:
    def tags() -> set[str]:
        return {tag for row in tracked.rows[Kind.IMAGE].values() if isinstance(row, ImageRow) for tag in row.tags}

    docker_cli("tag", "eris/base:latest", "eris/tracked:1")
    try:
        tracked.wait_for(lambda: "eris/tracked:1" in tags(), what="new tag")
    finally:
        docker_cli("rmi", "eris/tracked:1")
    tracked.wait_for(lambda: "eris/tracked:1" not in tags(), what="tag removed")
    assert "eris/base:latest" in tags()

    docker_cli("volume", "create", "--label", "eris-test=1", "tracked-data")
    tracked.wait_for(lambda: "tracked-data" in tracked.rows[Kind.VOLUME], what="volume")
    docker_cli("volume", "rm", "tracked-data")
    tracked.wait_for(lambda: "tracked-data" not in tracked.rows[Kind.VOLUME], what="volume removed")


def test_shared_sizes_arrive_for_images_built_on_a_shared_base(tracked: Recorder) -> None:
    def derived() -> ImageRow | None:
        for row in tracked.rows[Kind.IMAGE].values():
            if isinstance(row, ImageRow) and "eris/ipfs:latest" in row.tags:
                return row
        return None

    tracked.wait_for(lambda: (derived() or ImageRow("", (), 0, -1, 0)).shared_size > 0, what="shared size")
    row = derived()
    assert row is not None and 0 < row.shared_size < row.size


def test_an_engine_that_is_not_there_is_explained() -> None:
    recorder = Recorder()
    tracker = LiveTracker(Endpoint(url="unix:///tmp/eris-no-engine-here/docker.sock"), recorder)
    tracker.start()
    try:
        recorder.wait_for(lambda: recorder.status() is Status.LOST, what="lost")
    finally:
        tracker.stop()
    state = next(state for state in recorder.states if state.status is Status.LOST)
    assert isinstance(state.error, EngineUnreachable)
    assert "/tmp/eris-no-engine-here/docker.sock" in state.error.message
    assert "There is no Docker socket at" in state.error.message
    assert "Start Docker" in state.error.message
    assert state.retry_in > 0


def test_a_failed_request_for_an_event_is_tried_again(tracked: Recorder, docker_cli: DockerCLI,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A list call that times out (a busy engine) must not leave the row stale until the next reconnect."""
    import requests

    from app.engine import listing

    real_list = listing.list_containers
    failures: list[int] = []

    def list_that_times_out_once(api, keys=None):  # type: ignore[no-untyped-def]
        if keys and not failures:
            failures.append(1)
            raise requests.exceptions.ReadTimeout("the engine took too long")
        return real_list(api, keys)

    key = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "tracked-retry",
                     "eris/base:latest", "sleep", "300")
    tracked.wait_for(lambda: _container(tracked, key) is not None, what="created row")
    monkeypatch.setattr(listing, "list_containers", list_that_times_out_once)
    docker_cli("start", key)
    tracked.wait_for(lambda: getattr(_container(tracked, key), "state", "") == "running", what="running after a retry")
    assert failures == [1]
    assert tracked.status() is Status.CONNECTED
    docker_cli("rm", "-f", key)
