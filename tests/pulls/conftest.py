"""Fixtures for pulls against the private engine: forged images, a listener that remembers, clean-up."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import docker
import private_engine
import pytest

from app.engine.connection import Endpoint
from app.engine.pulls.manager import PullManager
from app.engine.pulls.pull import Pull, PullState
from tests.pulls import forge
from tests.pulls.own_registry import OwnRegistry

MB = 1 << 20
BIG_LAYERS = (50 * MB,) * 4  # ~200 MB, like the seeded eris/big, but never on the engine before


@dataclass(frozen=True)
class Call:
    kind: str
    pull: Pull
    state: PullState
    at: float


class PullRecorder:
    """A PullListener that keeps every call, checks they never overlap, and lets tests wait."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        self._inside = False
        self.overlapped = False
        self.on_change: Callable[[Pull], None] | None = None

    def _record(self, kind: str, pull: Pull) -> None:
        if self._inside:
            self.overlapped = True
        self._inside = True
        try:
            if kind == "changed" and self.on_change is not None:
                self.on_change(pull)
            with self._changed:
                self.calls.append(Call(kind, pull, pull.state, time.monotonic()))
                self._changed.notify_all()
        finally:
            self._inside = False

    def pull_added(self, pull: Pull) -> None:
        self._record("added", pull)

    def pull_changed(self, pull: Pull) -> None:
        self._record("changed", pull)

    def pull_finished(self, pull: Pull) -> None:
        self._record("finished", pull)

    def pull_removed(self, pull: Pull) -> None:
        self._record("removed", pull)

    def kinds(self, pull: Pull) -> list[str]:
        return [call.kind for call in self.calls if call.pull is pull]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or predicate}")
                self._changed.wait(left)


@pytest.fixture
def recorder() -> PullRecorder:
    return PullRecorder()


@pytest.fixture
def manager(endpoint: Endpoint, recorder: PullRecorder) -> Iterator[PullManager]:
    pulls = PullManager(endpoint, recorder)
    yield pulls
    pulls.close()
    assert not recorder.overlapped, "the listener was called from two threads at once"


@pytest.fixture(scope="session")
def api(engine: private_engine.PrivateEngine) -> Iterator[docker.APIClient]:
    client = docker.APIClient(base_url=engine.docker_host, version="auto")
    yield client
    client.close()


@pytest.fixture(scope="session")
def registry() -> Iterator[forge.Registry]:
    """A registry of this session's own for forged images.

    A registry frees a deleted blob's bytes only when garbage-collected while
    stopped, which the shared one never is; forged images, hundreds of MB per
    run, go here instead, and its folder is deleted at the end.
    """
    folder = Path(tempfile.mkdtemp(prefix="eris-pulls-registry-"))
    own = OwnRegistry(folder)
    yield forge.Registry(own.address)
    own.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def base(engine: private_engine.PrivateEngine) -> forge.Base:
    """The seeded eris/base, as the shared registry holds it; forged images are built on it."""
    return forge.read_base(forge.Registry(engine.registry))


def remove_local(api: docker.APIClient, *refs: str) -> None:
    for ref in refs:
        with contextlib.suppress(docker.errors.NotFound):
            api.remove_image(ref, force=True)


Forger = Callable[..., forge.ForgedImage]


@pytest.fixture
def pulled() -> list[str]:
    """Further references a test pulled; removed from the engine with the forged images."""
    return []


@pytest.fixture
def forged(
    registry: forge.Registry,
    base: forge.Base,
    api: docker.APIClient,
    pulled: list[str],
    request: pytest.FixtureRequest,
) -> Iterator[Forger]:
    """Make images in a registry (the private one unless told); they leave the engine and the registry after."""
    made: list[tuple[forge.Registry, forge.ForgedImage]] = []

    def make(
        layer_sizes: Sequence[int] = (2 * MB, 1 * MB), *, into: forge.Registry | None = None, **options: object
    ) -> forge.ForgedImage:
        target = into or registry
        name = request.node.name.split("[")[0].removeprefix("test_")[:40].replace("_", "-").strip("-")
        image = forge.forge(target, f"eris-pulls/{name}", uuid.uuid4().hex[:10], base, layer_sizes, **options)  # type: ignore[arg-type]
        made.append((target, image))
        return image

    yield make
    remove_local(api, *pulled)
    for target, image in made:
        remove_local(api, image.ref)
        with contextlib.suppress(Exception):
            forge.remove(target, image, base)


@pytest.fixture(scope="session")
def big_image(registry: forge.Registry, base: forge.Base, api: docker.APIClient) -> Iterator[forge.ForgedImage]:
    """~200 MB in four layers, like the seeded eris/big but never on the engine before; made once per session."""
    image = forge.forge(registry, "eris-pulls/big", uuid.uuid4().hex[:10], base, BIG_LAYERS)
    yield image
    remove_local(api, image.ref)
    forge.remove(registry, image, base)


@pytest.fixture
def own_registry(tmp_path: Path) -> Iterator[Callable[..., OwnRegistry]]:
    started: list[OwnRegistry] = []

    def start(users: dict[str, str] | None = None) -> OwnRegistry:
        folder = tmp_path / f"registry-{len(started)}"
        folder.mkdir()
        own = OwnRegistry(folder, users)
        started.append(own)
        return own

    yield start
    for own in started:
        own.stop()
