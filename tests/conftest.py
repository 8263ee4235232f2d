"""Fixtures shared by every test: private folders always, the private engine when asked for."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Real widgets, no screen needed; set before pytest-qt creates the application.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import private_engine  # noqa: E402 - lives in scripts/, found through the path above

from app.engine.connection import Endpoint  # noqa: E402


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the person's real eris home, settings or docker config."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ERIS", str(tmp_path / "eris"))
    monkeypatch.setenv("ERIS_DESKTOP_CONFIG", str(tmp_path / "config"))
    for name in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a thread of its own running (a stuck worker or follower)."""
    before = set(threading.enumerate())
    yield
    deadline = 5.0
    leaked: list[threading.Thread] = []
    for thread in set(threading.enumerate()) - before:
        thread.join(deadline)
        deadline = 0.5
        if thread.is_alive():
            leaked.append(thread)
    assert not leaked, f"threads still running after the test: {[t.name for t in leaked]}"


def _active_timers() -> list[object]:
    """Every QTimer made from Python that is alive and running (none before Qt is imported)."""
    if "PySide6.QtCore" not in sys.modules:
        return []
    import shiboken6
    from PySide6.QtCore import QTimer

    found = []
    for candidate in gc.get_objects():
        if isinstance(candidate, QTimer) and shiboken6.isValid(candidate) and candidate.isActive():
            found.append(candidate)
    return found


@pytest.fixture(autouse=True)
def no_leaked_timers() -> Iterator[None]:
    """Fail a test that leaves a timer of its own running after its widgets and windows are gone."""
    before = {id(timer) for timer in _active_timers()}
    yield
    if "PySide6.QtCore" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is None:
        return
    for _ in range(3):  # windows closed by the test's end are deleted on the next turns of the loop
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    leaked = [timer for timer in _active_timers() if id(timer) not in before]
    described = [f"{type(timer.parent()).__name__ if timer.parent() else 'no parent'}/"  # type: ignore[attr-defined]
                 f"{timer.objectName() or '?'} every {timer.interval()} ms" for timer in leaked]  # type: ignore[attr-defined]
    assert not leaked, f"timers still running after the test: {described}"


@pytest.fixture(scope="session")
def engine() -> private_engine.PrivateEngine:
    """The private Docker Engine and registry (started once, seeded, never the person's own)."""
    return private_engine.ensure_running(seed=True)


@pytest.fixture
def endpoint(engine: private_engine.PrivateEngine, monkeypatch: pytest.MonkeyPatch) -> Endpoint:
    monkeypatch.setenv("DOCKER_HOST", engine.docker_host)
    return Endpoint(url=engine.docker_host)


class DockerCLI:
    """The docker command line pointed at the private engine: the outside world for the app.

    Everything it creates carries a label unique to this test, so that the clean-up removes
    this test's containers and volumes only, even while other test runs share the engine.
    """

    def __init__(self, engine: private_engine.PrivateEngine) -> None:
        self.env = {**os.environ, **engine.env()}
        self.label = f"eris-test-run={uuid.uuid4().hex[:12]}"

    def __call__(self, *args: str, check: bool = True) -> str:
        command = list(args)
        if command[:1] in (["create"], ["run"]) or command[:2] == ["volume", "create"]:
            at = 2 if command[0] == "volume" else 1
            command[at:at] = ["--label", self.label]
        result = subprocess.run(["docker", *command], env=self.env, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def clean_up(self) -> None:
        ids = self("ps", "-aq", "--filter", f"label={self.label}").split()
        if ids:
            self("rm", "-f", *ids, check=False)
        volumes = self("volume", "ls", "-q", "--filter", f"label={self.label}").split()
        if volumes:
            self("volume", "rm", "-f", *volumes, check=False)


@pytest.fixture
def docker_cli(engine: private_engine.PrivateEngine) -> Iterator[DockerCLI]:
    """The docker CLI; what it created during the test is removed after it."""
    cli = DockerCLI(engine)
    yield cli
    cli.clean_up()
