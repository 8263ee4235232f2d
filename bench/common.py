"""Shared helpers for the benchmarks: the private engine, the docker CLI, Qt spinning, result lines.

Every benchmark talks only to the private test engine started by ``scripts/private_engine.py``
(never to the default docker socket) and prints its figures next to a baseline measured in the
same run. A final machine-readable line ``RESULT {json}`` lets ``run_all.py`` build its table.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

import private_engine  # noqa: E402 - lives in scripts/, found through the path above

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QApplication

BENCH_CONTAINERS = 2000
BENCH_IMAGES = 500
BENCH_LABEL = "eris-bench=1"

_private_dirs: tempfile.TemporaryDirectory[str] | None = None


class SetupError(RuntimeError):
    """The benchmark could not even be set up (engine missing, CLI failing, timeout)."""


# --------------------------------------------------------------------------- engine


def isolate_environment() -> Path:
    """Point HOME, eris home and the app's settings at a temporary folder, like the tests do."""
    global _private_dirs
    if _private_dirs is None:
        _private_dirs = tempfile.TemporaryDirectory(prefix="eris-bench-")
        base = Path(_private_dirs.name)
        for name in ("eris", "config", "home"):
            (base / name).mkdir()
        os.environ["ERIS"] = str(base / "eris")
        os.environ["ERIS_DESKTOP_CONFIG"] = str(base / "config")
        for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
            os.environ.pop(name, None)
    return Path(_private_dirs.name)


def engine_setup(containers: int = BENCH_CONTAINERS, images: int = BENCH_IMAGES) -> private_engine.PrivateEngine:
    """The running private engine with at least ``containers`` bench containers and ``images`` bench images."""
    isolate_environment()
    try:
        engine = private_engine.ensure_running(seed=True)
    except private_engine.PrivateEngineError as error:
        raise SetupError(f"the private engine is not available: {error}") from error
    os.environ["DOCKER_HOST"] = engine.docker_host  # only ever the private engine's socket
    have_containers = len(docker(engine, "ps", "-aq", "--filter", f"label={BENCH_LABEL}").split())
    have_images = len(docker(engine, "images", "-q", "--filter", f"label={BENCH_LABEL}").split())
    if have_containers < containers or have_images < images:
        say(f"seeding: {have_containers} bench containers, {have_images} bench images present; "
            f"wanted {containers} and {images}")
        started = time.monotonic()
        private_engine.seed_many(engine, containers=containers, images=images)
        say(f"seeded in {time.monotonic() - started:.1f} s")
    return engine


def endpoint_for(engine: private_engine.PrivateEngine) -> Any:
    from app.engine.connection import Endpoint

    return Endpoint(url=engine.docker_host)


def cli_env(engine: private_engine.PrivateEngine) -> dict[str, str]:
    env = engine.env()
    env["DOCKER_HOST"] = engine.docker_host
    # A client config folder of our own: no credential helpers, contexts or plugins of the person's.
    config = isolate_environment() / "docker-config"
    config.mkdir(exist_ok=True)
    env["DOCKER_CONFIG"] = str(config)
    return env


def docker(engine: private_engine.PrivateEngine, *args: str, timeout: float = 600, check: bool = True) -> str:
    """Run the docker CLI against the private engine and return its stdout."""
    done = subprocess.run(
        ["docker", "-H", engine.docker_host, *args],
        env=cli_env(engine),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise SetupError(f"docker {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def container_count(engine: private_engine.PrivateEngine) -> int:
    return len(docker(engine, "ps", "-aq").split())


def bench_container_ids(engine: private_engine.PrivateEngine) -> list[str]:
    out = docker(engine, "ps", "-aq", "--no-trunc", "--filter", f"label={BENCH_LABEL}",
                 "--filter", "name=eris-bench-")
    return out.split()


# ------------------------------------------------------------------------------ Qt


def qt_app() -> QApplication:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["eris-bench"])
    assert isinstance(app, QApplication)
    return app


def spin_until(
    predicate: Callable[[], bool],
    timeout: float,
    what: str,
    signals: Iterable[SignalInstance] = (),
    poll_ms: int = 10,
) -> float:
    """Run the Qt event loop until ``predicate()`` holds; return the time.monotonic() when it first did.

    The predicate is checked after every emission of ``signals`` (so the moment is exact, not
    rounded up to the poll interval) and on a timer. Raises SetupError after ``timeout`` seconds.
    """
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    if predicate():
        return time.monotonic()
    loop = QEventLoop()
    seen: list[float] = []

    def check(*_: object) -> None:
        if not seen and predicate():
            seen.append(time.monotonic())
            loop.quit()

    poll = QTimer()
    poll.setTimerType(Qt.TimerType.PreciseTimer)
    poll.setInterval(poll_ms)
    poll.timeout.connect(check)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    connected: list[SignalInstance] = []
    for signal in signals:
        signal.connect(check)
        connected.append(signal)
    poll.start()
    deadline.start(int(timeout * 1000))
    try:
        loop.exec()
    finally:
        poll.stop()
        deadline.stop()
        for signal in connected:
            signal.disconnect(check)
    if not seen:
        raise SetupError(f"timed out after {timeout:.0f} s waiting for {what}")
    return seen[0]


def spin_for(seconds: float) -> None:
    """Run the Qt event loop for ``seconds`` (no busy waiting: the loop sleeps between events)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


class Heartbeat:
    """A timer on the GUI thread that records how late each tick came: the longest stall of the loop."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval = interval_ms / 1000
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.stalls: list[float] = []  # per tick: gap minus interval, seconds

    def start(self) -> None:
        self.stalls = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self) -> None:
        self.stalls = []
        self._last = time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.stalls.append(max(0.0, now - self._last - self.interval))
        self._last = now

    @property
    def max_stall(self) -> float:
        return max(self.stalls, default=0.0)

    def percentile(self, fraction: float) -> float:
        if not self.stalls:
            return 0.0
        ordered = sorted(self.stalls)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def over(self, threshold: float) -> int:
        return sum(1 for stall in self.stalls if stall > threshold)


# ------------------------------------------------------------------------- output


def say(message: str) -> None:
    print(f"  {message}", flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def seconds(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    if abs(value) < 1.0:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


@dataclass
class Result:
    """One benchmark's outcome: the summary line and its figures for run_all's table."""

    name: str
    summary: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)

    def emit(self) -> None:
        print(f"{self.name}: {self.summary} {verdict(self.passed)}", flush=True)
        record = {"name": self.name, "summary": self.summary, "passed": self.passed, "figures": self.figures}
        print("RESULT " + json.dumps(record), flush=True)


def run_main(body: Callable[[], Result]) -> int:
    """Run one benchmark: exit 0 whether the target is met or not, 2 when the setup failed."""
    try:
        result = body()
    except (SetupError, private_engine.PrivateEngineError, subprocess.TimeoutExpired) as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
        return 2
    result.emit()
    return 0
