"""Pulling from the loopback registry: the app's PullManager against `docker pull`, and the GUI thread meanwhile.

1. Wall time of pulling eris/big (~210 MB in 4 layers on top of eris/base) from the private
   registry through ``app.engine.pulls.PullManager`` (no Qt) and through ``docker pull``,
   alternating (who goes first changes every round), 7 rounds each: one pull varies by
   some ±10 %, more than the target's margin. Before every pull both local names of the image are removed, so
   each pull downloads the 4 big layers (the base layer stays: "Already exists").
   Target: median app / median CLI <= 1.05.
2. The GUI thread's longest stall while the full main window runs four pulls at once (eris/big
   and three images eris/bench-pull-N made here: eris/base plus ~30 MB of random data, pushed to
   the registry and removed locally), started one per event-loop turn as four Pull dialogs would
   start them (``--together``: all four in one GUI callback). A 5 ms QTimer heartbeat on the GUI thread; baseline: the
   same heartbeat in the same process while the loaded window idles for 2 s; for context, a bare
   Qt process with the same heartbeat (heartbeat_probe.py) during the pulls.
   Target: longest stall <= 50 ms.

At the end eris/big is pulled once more and tagged eris/big:latest again (the seeded state),
and the bench-pull images are removed from the engine (the registry keeps them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import common

TARGET_RATIO = 1.05
TARGET_STALL = 0.050
ROUNDS = 7
HEARTBEAT_MS = 5
BASELINE_SECONDS = 2.0
TAIL_SECONDS = 2.0
PULL_TIMEOUT = 900.0
DERIVED_COUNT = 3
DERIVED_LAYERS_MB = (15, 15)  # two layers of random data, ~30 MB per image
WORST_GAPS = 5
MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json"
)

Engine = common.private_engine.PrivateEngine


# --------------------------------------------------------------------------- setup


def engine_setup() -> Engine:
    """The private engine and its registry with the seed images (no bench containers wanted here)."""
    common.isolate_environment()
    try:
        engine = common.private_engine.ensure_running()  # ERIS_PRIVATE_ENGINE_ROOT picks another one
    except common.private_engine.PrivateEngineError as error:
        raise common.SetupError(f"the private engine is not available: {error}") from error
    os.environ["DOCKER_HOST"] = engine.docker_host  # only ever the private engine's socket
    # The app and the CLI read the same (empty) client config: no credential helpers of the person's.
    os.environ["DOCKER_CONFIG"] = common.cli_env(engine)["DOCKER_CONFIG"]
    return engine


def derived_name(number: int) -> str:
    return f"eris/bench-pull-{number}:latest"


def registry_has(engine: Engine, image: str) -> bool:
    repository, tag = image.rsplit(":", 1)
    request = urllib.request.Request(f"http://{engine.registry}/v2/{repository}/manifests/{tag}", method="HEAD",
                                     headers={"Accept": MANIFEST_TYPES})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def present_locally(engine: Engine, name: str) -> bool:
    return bool(common.docker(engine, "images", "-q", name).strip())


def remove_locally(engine: Engine, *names: str) -> None:
    """``docker rmi`` every name given, ignoring the ones that are not there; fail if one stays."""
    common.docker(engine, "rmi", *names, check=False, timeout=180)
    left = [name for name in names if present_locally(engine, name)]
    if left:
        raise common.SetupError(f"could not remove {', '.join(left)} (a container uses it?): a pull would not "
                                "download anything")


def make_derived_images(engine: Engine) -> list[str]:
    """eris/bench-pull-N in the registry (built and pushed unless there already), none of them here."""
    refs = []
    for number in range(1, DERIVED_COUNT + 1):
        name = derived_name(number)
        remote = engine.registry_ref(name)
        refs.append(remote)
        if not registry_has(engine, name):
            common.say(f"building and pushing {remote}")
            context = common.isolate_environment() / f"build-pull-{number}"
            context.mkdir(exist_ok=True)
            lines = [f"FROM {engine.base_image}"]
            for layer, size_mb in enumerate(DERIVED_LAYERS_MB, start=1):
                file = context / f"data-{layer}.bin"
                with open(file, "wb") as out:
                    for _ in range(size_mb):
                        out.write(os.urandom(1 << 20))  # random bytes: no compression on the wire
                lines.append(f"ADD {file.name} /data/{file.name}")
            (context / "Dockerfile").write_text("\n".join(lines) + "\n")
            common.docker(engine, "build", "--network", "none", "-q", "-t", remote, str(context))
            common.docker(engine, "push", remote)
        remove_locally(engine, remote, name)
    return refs


def restore(engine: Engine, derived: list[str]) -> None:
    """eris/big back under both names, as seeded; the bench-pull images off the engine."""
    big_remote = engine.registry_ref(engine.big_image)
    try:
        common.docker(engine, "pull", "-q", big_remote)
        common.docker(engine, "tag", big_remote, engine.big_image)
    except (common.SetupError, subprocess.TimeoutExpired) as error:
        common.say(f"could not restore {engine.big_image}: {error}")
    if derived:
        common.docker(engine, "rmi", *derived, check=False)
    common.say(f"restored {engine.big_image}; removed {len(derived)} bench-pull images from the engine")


# ---------------------------------------------------------------- 1: app vs CLI


@dataclass
class PullTimes:
    app: list[float]
    cli: list[float]
    app_bytes: int  # what the app's progress counted as downloaded in its last round
    cli_layers: str  # what the CLI said about the layers in its last round


def pull_with_manager(manager: Any, ref: str) -> tuple[float, Any]:
    from app.engine.pulls import PullState

    began = time.monotonic()
    pull = manager.pull(ref)
    if not manager.wait(pull, PULL_TIMEOUT):
        raise common.SetupError(f"the app's pull of {ref} took over {PULL_TIMEOUT:.0f} s")
    took = time.monotonic() - began
    if pull.state is not PullState.DONE:
        raise common.SetupError(f"the app's pull of {ref} ended {pull.state.value}: {pull.error}")
    return took, pull


def pull_with_cli(engine: Engine, ref: str) -> tuple[float, str]:
    began = time.monotonic()
    out = common.docker(engine, "pull", ref, timeout=PULL_TIMEOUT)
    took = time.monotonic() - began
    complete = sum(1 for line in out.splitlines() if line.endswith("Pull complete"))
    exists = sum(1 for line in out.splitlines() if line.endswith("Already exists"))
    return took, f"{complete} pulled, {exists} already here"


def compare_pulls(engine: Engine, rounds: int) -> PullTimes:
    from app.engine.pulls import PullManager

    big, remote = engine.big_image, engine.registry_ref(engine.big_image)
    manager = PullManager(common.endpoint_for(engine), max_parallel=1)
    times = PullTimes([], [], 0, "")
    try:
        for number in range(1, rounds + 1):
            # Who goes first changes every round, so that neither always gets the engine as the
            # other one left it (its caches, the layers it is still deleting).
            for side in ("app", "cli") if number % 2 else ("cli", "app"):
                remove_locally(engine, remote, big)
                if side == "app":
                    took, pull = pull_with_manager(manager, remote)
                    times.app.append(took)
                    times.app_bytes = pull.progress.done_bytes
                    common.say(f"round {number}: app {common.seconds(took)} "
                               f"({pull.progress.done_bytes / 1e6:.0f} MB downloaded, "
                               f"{pull.progress.layers_already_here} layer(s) already here)")
                else:
                    took, times.cli_layers = pull_with_cli(engine, remote)
                    times.cli.append(took)
                    common.say(f"round {number}: CLI {common.seconds(took)} ({times.cli_layers})")
    finally:
        manager.close()
    return times


# --------------------------------------------------------- 2: GUI during pulls


@dataclass
class GuiPulls:
    baseline: common.StallStats
    baseline_probe: float
    during: common.StallStats
    during_probe: float
    probe_over: int
    tail: common.StallStats
    wall: float
    overlapped: bool
    images: int


def wait_for_load(window: Any, engine: Engine) -> None:
    from app.engine.rows import Kind

    containers = common.container_count(engine)
    model = window.models.model(Kind.CONTAINER)
    common.spin_until(lambda: len(model.rows()) >= containers and window.models.pending() == 0, 300,
                      f"the window to load {containers} containers", poll_ms=100)
    common.spin_for(3.0)  # the one-off requests after the load


def report_worst_gaps(heartbeat: common.Heartbeat, probe: common.HeartbeatProbe, start: float, end: float) -> None:
    ticks = sorted((t for t in heartbeat.ticks if start <= t.at <= end), key=lambda t: -t.stall)[:WORST_GAPS]
    common.say(f"the {len(ticks)} longest gaps during the pulls:")
    for tick in ticks:
        gap_start = tick.at - tick.stall - heartbeat.interval
        common.say(f"  {common.seconds(tick.stall)} at +{tick.at - start:.1f} s: GUI thread CPU "
                   f"{tick.gui_cpu * 1000:.1f} ms, app CPU {tick.process_cpu * 1000:.1f} ms, bare probe "
                   f"{common.seconds(probe.max_stall(gap_start, tick.at))}")


def start_pulls(window: Any, refs: list[str], together: bool) -> list[Any]:
    """Start the pulls as people do, one Pull dialog (one event) each; or all in one GUI callback."""
    from PySide6.QtCore import QTimer

    if together:
        return [window.start_pull(ref) for ref in refs]
    pulls: list[Any] = []

    def start_next() -> None:
        pulls.append(window.start_pull(refs[len(pulls)]))
        if len(pulls) < len(refs):
            QTimer.singleShot(0, start_next)

    start_next()
    common.spin_until(lambda: len(pulls) == len(refs), 10, "the pulls to start")
    return pulls


def gui_during_pulls(engine: Engine, refs: list[str], together: bool) -> GuiPulls:
    from app.engine.pulls import PullState
    from app.ui.main_window import MainWindow

    remove_locally(engine, *refs, engine.big_image)
    common.qt_app()
    window = MainWindow(common.endpoint_for(engine))
    window.show()
    window.pulls.set_max_parallel(len(refs))  # all of them at once (the setting's default is 3)
    heartbeat = common.Heartbeat(HEARTBEAT_MS)
    probe = common.HeartbeatProbe(HEARTBEAT_MS)
    finished: list[Any] = []
    window.pulls.finished.connect(finished.append)
    try:
        wait_for_load(window, engine)
        heartbeat.start()
        idle_from = time.monotonic()
        common.spin_for(BASELINE_SECONDS)
        idle_to = time.monotonic()
        began = time.monotonic()
        pulls = start_pulls(window, refs, together)
        if any(pull is None for pull in pulls):
            raise common.SetupError("the window refused a pull")
        shown = common.spin_until(lambda: len(finished) >= len(refs), PULL_TIMEOUT,
                                  f"{len(refs)} pulls to finish", signals=[window.pulls.finished], poll_ms=50)
        common.spin_for(TAIL_SECONDS)  # the images view catching up with the new images
        tail_to = time.monotonic()
        heartbeat.stop()
    finally:
        heartbeat.stop()
        probe.finish()
        window.shutdown()
    failed = [pull for pull in pulls if pull is not None and pull.state is not PullState.DONE]
    if failed:
        raise common.SetupError("pulls failed: " + "; ".join(f"{p.name} {p.state.value}: {p.error}" for p in failed))
    started = [pull.started_at or 0.0 for pull in pulls if pull is not None]
    ended = [pull.finished_at or 0.0 for pull in pulls if pull is not None]
    result = GuiPulls(
        baseline=heartbeat.stats(TARGET_STALL, idle_from, idle_to),
        baseline_probe=probe.max_stall(idle_from, idle_to),
        during=heartbeat.stats(TARGET_STALL, began, shown),
        during_probe=probe.max_stall(began, shown),
        probe_over=probe.over(TARGET_STALL, began, shown),
        tail=heartbeat.stats(TARGET_STALL, shown, tail_to),
        wall=shown - began,
        overlapped=max(started) < min(ended),
        images=len(refs),
    )
    report_worst_gaps(heartbeat, probe, began, shown)
    return result


# ------------------------------------------------------------------------ main


def main() -> common.Result:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"pulls of each kind (default {ROUNDS})")
    parser.add_argument("--together", action="store_true",
                        help="start the four pulls in one GUI callback (default: one per event-loop turn, "
                             "as four Pull dialogs would)")
    args = parser.parse_args()

    engine = engine_setup()
    load = os.getloadavg()
    print(f"pulls: {engine.big_image} from {engine.registry} through the app and the CLI; the GUI thread during "
          f"{DERIVED_COUNT + 1} concurrent pulls (engine {engine.root}, load average {load[0]:.1f})", flush=True)
    derived: list[str] = []
    try:
        derived = make_derived_images(engine)
        times = compare_pulls(engine, args.rounds)
        gui = gui_during_pulls(engine, [engine.registry_ref(engine.big_image), *derived], args.together)
    finally:
        restore(engine, derived)

    app_median, cli_median = common.median(times.app), common.median(times.cli)
    ratio = app_median / cli_median
    common.say(f"pull of {engine.big_image} ({times.app_bytes / 1e6:.0f} MB to download; CLI: {times.cli_layers}): "
               f"app median {common.seconds(app_median)} ({', '.join(common.seconds(t) for t in times.app)}), "
               f"CLI median {common.seconds(cli_median)} ({', '.join(common.seconds(t) for t in times.cli)}), "
               f"app/CLI {ratio:.2f} (target <= {TARGET_RATIO:.2f}) {common.verdict(ratio <= TARGET_RATIO)}")
    d = gui.during
    common.say(f"GUI thread, idle loaded window ({BASELINE_SECONDS:.0f} s): longest stall "
               f"{common.seconds(gui.baseline.max_stall)}, p99 {common.seconds(gui.baseline.p99)} over "
               f"{gui.baseline.ticks} ticks; bare Qt process meanwhile {common.seconds(gui.baseline_probe)}")
    common.say(f"GUI thread during {gui.images} pulls ({common.seconds(gui.wall)}, all at once: "
               f"{'yes' if gui.overlapped else 'no'}): longest stall {common.seconds(d.max_stall)}, p99 "
               f"{common.seconds(d.p99)}, {d.over_target} of {d.ticks} ticks over {TARGET_STALL * 1000:.0f} ms; "
               f"CPU in the worst gap: GUI thread {common.seconds(d.max_gui_busy)}, whole app "
               f"{common.seconds(d.max_process_busy)}; bare Qt process meanwhile {common.seconds(gui.during_probe)} "
               f"({gui.probe_over} ticks over {TARGET_STALL * 1000:.0f} ms) "
               f"{common.verdict(d.max_stall <= TARGET_STALL)}")
    common.say(f"GUI thread in the {TAIL_SECONDS:.0f} s after the pulls: longest stall "
               f"{common.seconds(gui.tail.max_stall)}")
    load = os.getloadavg()
    common.say(f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores")

    summary = (
        f"pull {engine.big_image}: app {common.seconds(app_median)} vs CLI {common.seconds(cli_median)}, "
        f"ratio {ratio:.2f} (target <= {TARGET_RATIO:.2f}, {common.verdict(ratio <= TARGET_RATIO)}); "
        f"longest GUI stall during {gui.images} pulls {common.seconds(d.max_stall)} (target <= "
        f"{TARGET_STALL * 1000:.0f} ms, {common.verdict(d.max_stall <= TARGET_STALL)}), idle baseline "
        f"{common.seconds(gui.baseline.max_stall)}, bare Qt process meanwhile {common.seconds(gui.during_probe)}"
    )
    figures = {
        "app_pull_s": times.app, "cli_pull_s": times.cli, "app_median_s": app_median, "cli_median_s": cli_median,
        "ratio": ratio, "target_ratio": TARGET_RATIO, "downloaded_bytes": times.app_bytes,
        "max_stall_s": d.max_stall, "p99_stall_s": d.p99, "baseline_stall_s": gui.baseline.max_stall,
        "probe_max_stall_s": gui.during_probe, "max_app_busy_s": d.max_process_busy,
        "tail_stall_s": gui.tail.max_stall, "concurrent_wall_s": gui.wall, "overlapped": gui.overlapped,
        "target_stall_s": TARGET_STALL, "load_average": list(load), "engine_root": str(engine.root),
    }
    passed = ratio <= TARGET_RATIO and d.max_stall <= TARGET_STALL
    return common.Result("pulls", summary, passed, figures)


if __name__ == "__main__":
    raise SystemExit(common.run_main(main))
