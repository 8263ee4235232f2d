"""Shared helpers for the benchmarks: the private engine, the docker CLI, Qt spinning, result lines.

Every benchmark talks only to the private test engine started by ``scripts/private_engine.py``
(never to the default docker socket) and prints its figures next to a baseline measured in the
same run. A final machine-readable line ``RESULT {json}`` lets ``run_all.py`` build its table.
"""

from __future__ import annotations

import bisect
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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


_QUIET_MESSAGES = ("This plugin does not support propagateSizeHints",)  # the offscreen platform's chatter


def qt_app() -> QApplication:
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if not message.startswith(_QUIET_MESSAGES):
            print(f"qt: {message}", file=sys.stderr, flush=True)

    if QApplication.instance() is None:
        qInstallMessageHandler(handler)
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
    failures: list[BaseException] = []

    def check(*_: object) -> None:
        # An exception must end the wait: raised inside a Qt slot it would only be printed, at every poll.
        try:
            if not seen and not failures and predicate():
                seen.append(time.monotonic())
                loop.quit()
        except Exception as error:  # noqa: BLE001 - re-raised below, outside the event loop
            failures.append(error)
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
    if failures:
        raise failures[0]
    if not seen:
        raise SetupError(f"timed out after {timeout:.0f} s waiting for {what}")
    return seen[0]


def spin_for(seconds: float) -> None:
    """Run the Qt event loop for ``seconds`` (no busy waiting: the loop sleeps between events)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


@dataclass(frozen=True)
class Tick:
    at: float  # time.monotonic() of the tick
    stall: float  # how much later than the interval it came, seconds
    gui_cpu: float  # CPU the GUI thread used since the previous tick
    process_cpu: float  # CPU every thread of this process used since the previous tick


@dataclass(frozen=True)
class StallStats:
    ticks: int
    max_stall: float
    p99: float
    over_target: int
    max_gui_busy: float  # longest stall counting only the GUI thread's own CPU time in it
    max_process_busy: float  # longest stall counting the CPU of all this process's threads in it


class Heartbeat:
    """A timer on the GUI thread that records how late each tick came: the longest stall of the loop.

    Each tick also records the CPU time used since the previous one, by the GUI thread and by the
    whole process: a long gap with little CPU means the process was starved (the machine was busy
    or another thread held the GIL in C code), not that the GUI thread was working.
    The ticks are kept in float arrays, not objects: a 30-minute burst makes 300,000 of them, and
    as objects they would make the measured process's full garbage collections slower (a 100 ms
    collection on any thread holds the GUI thread too).
    """

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval = interval_ms / 1000
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._columns = _TickColumns()
        self._last = (0.0, 0.0, 0.0)

    def start(self) -> None:
        self.reset()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self) -> None:
        self._columns = _TickColumns()
        self._last = (time.monotonic(), time.thread_time(), time.process_time())

    def _tick(self) -> None:
        now = (time.monotonic(), time.thread_time(), time.process_time())
        last = self._last
        self._columns.add(now[0], max(0.0, now[0] - last[0] - self.interval), now[1] - last[1], now[2] - last[2])
        self._last = now

    @property
    def ticks(self) -> list[Tick]:
        """Every tick as an object (made on each call: for reports after the measurement)."""
        return self._columns.between(0.0, float("inf"))

    @property
    def last_at(self) -> float:
        """When the latest tick came (0.0 before the first)."""
        return self._columns.at[-1] if self._columns.at else 0.0

    @property
    def max_stall(self) -> float:
        return max(self._columns.stall, default=0.0)

    def stats(self, target: float, start: float = 0.0, end: float = float("inf")) -> StallStats:
        first, last = self._columns.span(start, end)
        columns = self._columns
        stalls = sorted(columns.stall[first:last])
        gui_busy = map(min, columns.stall[first:last], columns.gui_cpu[first:last])
        process_busy = map(min, columns.stall[first:last], columns.process_cpu[first:last])
        return StallStats(
            ticks=len(stalls),
            max_stall=stalls[-1] if stalls else 0.0,
            p99=stalls[min(len(stalls) - 1, int(0.99 * len(stalls)))] if stalls else 0.0,
            over_target=len(stalls) - bisect.bisect_right(stalls, target),
            max_gui_busy=max(gui_busy, default=0.0),
            max_process_busy=max(process_busy, default=0.0),
        )


class _TickColumns:
    """The heartbeat's ticks as four float arrays, in time order."""

    def __init__(self) -> None:
        self.at = array("d")
        self.stall = array("d")
        self.gui_cpu = array("d")
        self.process_cpu = array("d")

    def add(self, at: float, stall: float, gui_cpu: float, process_cpu: float) -> None:
        self.at.append(at)
        self.stall.append(stall)
        self.gui_cpu.append(gui_cpu)
        self.process_cpu.append(process_cpu)

    def span(self, start: float, end: float) -> tuple[int, int]:
        """The slice of ticks with start <= at <= end."""
        return bisect.bisect_left(self.at, start), bisect.bisect_right(self.at, end)

    def between(self, start: float, end: float) -> list[Tick]:
        first, last = self.span(start, end)
        return [Tick(*values) for values in zip(self.at[first:last], self.stall[first:last],
                                                 self.gui_cpu[first:last], self.process_cpu[first:last],
                                                 strict=True)]


class StallSampler:
    """Samples the GUI thread's Python stack while the heartbeat is late: what the app was doing in a stall.

    A daemon thread looks every ``every`` seconds; once the last tick is older than ``late`` it records
    the GUI thread's innermost frames under ``app/``. The samples need the GIL, so a GUI thread busy in
    Python is seen at the interpreter's switch interval; one waiting in C++ shows the frame that called it.
    """

    def __init__(self, heartbeat: Heartbeat, late: float = 0.02, every: float = 0.002) -> None:
        self._heartbeat = heartbeat
        self._late = late
        self._every = every
        self._gui = threading.main_thread().ident
        self._stop = threading.Event()
        self.samples: list[tuple[float, str]] = []  # (time.monotonic(), "file:line function < caller …")
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)

    def start(self) -> StallSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1.0)

    def _run(self) -> None:
        app_root = str(ROOT / "app") + os.sep
        while not self._stop.wait(self._every):
            last = self._heartbeat.last_at
            now = time.monotonic()
            if not last or now - last < self._late:
                continue
            frame = sys._current_frames().get(self._gui)  # the only way to see another thread
            where: list[str] = []
            while frame is not None and len(where) < 3:
                filename = frame.f_code.co_filename
                if filename.startswith(app_root):
                    where.append(f"{filename[len(app_root):]}:{frame.f_lineno} {frame.f_code.co_name}")
                frame = frame.f_back
            self.samples.append((now, " < ".join(where) or "(Qt, outside the app's Python code)"))

    def top(self, start: float, end: float, count: int = 3) -> str:
        found = Counter(where for at, where in self.samples if start <= at <= end)
        return "; ".join(f"{n}x {where}" for where, n in found.most_common(count)) or "no samples"


class GcWatch:
    """Records every garbage collection in this process: when, how long, which generation, on which thread."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int, str]] = []  # (ended at, seconds, generation, thread name)
        self._began: dict[int, float] = {}

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.monotonic()
        ident = threading.get_ident()
        if phase == "start":
            self._began[ident] = now
        elif ident in self._began:
            began = self._began.pop(ident)
            self.pauses.append((now, now - began, info.get("generation", -1), threading.current_thread().name))

    def start(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def stop(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def within(self, start: float, end: float) -> str:
        found = [pause for pause in self.pauses if start <= pause[0] and pause[0] - pause[1] <= end]
        return ", ".join(f"gen{generation} {seconds * 1000:.1f} ms on {thread}"
                         for _, seconds, generation, thread in found) or "none"

    def summary(self) -> str:
        if not self.pauses:
            return "no collections"
        longest = max(self.pauses, key=lambda pause: pause[1])
        full = [pause for pause in self.pauses if pause[2] == 2]
        return (f"{len(self.pauses)} collections ({len(full)} full), longest {longest[1] * 1000:.1f} ms "
                f"(gen{longest[2]} on {longest[3]})")


class HeartbeatProbe:
    """heartbeat_probe.py in its own process: how late a bare Qt timer comes on this machine meanwhile."""

    def __init__(self, interval_ms: int = 5) -> None:
        probe = Path(__file__).resolve().parent / "heartbeat_probe.py"
        self._process = subprocess.Popen([sys.executable, str(probe), "--interval-ms", str(interval_ms)],
                                         stdout=subprocess.PIPE, text=True)
        self.stalls: list[tuple[float, float]] = []

    def finish(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
        out, _ = self._process.communicate(timeout=30)
        if out.strip():
            self.stalls = [(at, stall) for at, stall in json.loads(out.strip().splitlines()[-1])["stalls"]]

    def max_stall(self, start: float = 0.0, end: float = float("inf")) -> float:
        return max((stall for at, stall in self.stalls if start <= at <= end), default=0.0)

    def over(self, threshold: float, start: float = 0.0, end: float = float("inf")) -> int:
        return sum(1 for at, stall in self.stalls if start <= at <= end and stall > threshold)


# ------------------------------------------------------------------------ requests


@dataclass(frozen=True)
class Request:
    at: float  # time.monotonic() when it was sent
    answered: float  # when its response headers came back (the body may follow)
    method: str
    path: str
    thread: str


class RequestLog:
    """Records every HTTP request of this process, by wrapping requests' HTTPAdapter.send.

    The docker SDK's unix-socket and TLS adapters inherit that method, so this sees all of the
    app's engine requests. Install it before the app opens its clients.
    """

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    def install(self) -> RequestLog:
        import requests.adapters

        original = requests.adapters.HTTPAdapter.send
        log = self

        def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            sent = time.monotonic()
            try:
                return original(adapter, request, *args, **kwargs)
            finally:
                url = urlsplit(request.url)
                path = url.path + (f"?{url.query}" if url.query else "")
                with log._lock:
                    log.requests.append(Request(sent, time.monotonic(), request.method, path,
                                                threading.current_thread().name))

        requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]
        return self

    def between(self, start: float, end: float) -> list[Request]:
        """Requests sent from ``start`` until ``end``."""
        with self._lock:
            return [r for r in self.requests if start <= r.at < end]

    def answered_between(self, start: float, end: float) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if start <= r.answered <= end]


def api_path(path: str) -> str:
    """/v1.41/containers/json?all=1 -> /containers/json: what a request asked for, without version or query."""
    parts = path.split("?", 1)[0].split("/")
    if len(parts) > 1 and parts[1].startswith("v1."):
        parts.pop(1)
    return "/".join(parts)


def describe_requests(requests: Iterable[Request]) -> str:
    counts = Counter(f"{r.method} {api_path(r.path)}" for r in requests)
    return ", ".join(f"{n}x {what}" for what, n in counts.most_common(8)) or "none"


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
