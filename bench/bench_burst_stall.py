"""The GUI thread's longest stall while 2,000 containers start and then stop in a burst.

The full main window is connected and loaded; a QTimer heartbeat on the GUI thread ticks every
5 ms and records how late each tick came. The burst comes from another process (burst_driver.py,
8 threads of docker SDK calls) so that its work does not hold this process's GIL; ``--driver
thread`` runs the same pool inside this process instead. Baseline in the same run: the stall
of the idle, loaded window. Also shown: how long the view took to catch up after the engine
finished. At the end every bench container is stopped again (they stay created).
``--events rename`` renames the containers and back instead (issue 6's "burst of 1,000 events",
with ``--count 1000``): events the engine answers in microseconds, so the machine stays free and
the figure is the app's own.
Target: longest stall <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
import engine_priority

TARGET = 0.050
HEARTBEAT_MS = 5
BASELINE_SECONDS = 2.0
PHASE_TIMEOUT = 1800.0
WORST_GAPS = 5
CATCH_UP_TIMEOUT = 120.0  # the view must show every change this soon after the engine finished
DRIVER = Path(__file__).resolve().parent / "burst_driver.py"
RENAMED = "-renamed"  # still matches the bench containers' name filter


@dataclass
class Phase:
    action: str
    engine_s: float  # first call to last reply, as the driver saw it
    catch_up_s: float  # from the driver's last reply until the view showed every row's new state
    stalls: common.StallStats  # the app's GUI thread, from the burst's start until the view caught up
    probe_max_s: float  # a bare Qt process's longest stall in the same window
    probe_over: int
    max_pending: int
    failed: int


class Burst:
    """One burst, in a subprocess or a thread, that the GUI thread can poll without blocking."""

    def __init__(self, engine: common.private_engine.PrivateEngine, action: str, ids_file: Path, mode: str,
                 cpus: str = "") -> None:
        self.result: dict[str, Any] | None = None
        self._process: subprocess.Popen[str] | None = None
        self._thread: threading.Thread | None = None
        if mode == "process":
            pinned = ["taskset", "-c", cpus] if cpus else []
            self._process = subprocess.Popen(
                [*pinned, sys.executable, str(DRIVER), action, "--host", engine.docker_host, "--ids-file",
                 str(ids_file)],
                stdout=subprocess.PIPE, text=True, env=common.cli_env(engine),
            )
        else:
            import burst_driver

            ids = [line for line in ids_file.read_text().splitlines() if line.strip()]

            def run() -> None:
                self.result = burst_driver.run_burst(engine.docker_host, action, ids)

            self._thread = threading.Thread(target=run, name=f"burst-{action}")
            self._thread.start()

    def finished(self) -> bool:
        if self._process is not None:
            if self._process.poll() is None:
                return False
            if self.result is None:
                out = self._process.stdout.read() if self._process.stdout else ""
                if self._process.returncode != 0 or not out.strip():
                    raise common.SetupError(f"the burst driver failed (exit {self._process.returncode})")
                self.result = json.loads(out.strip().splitlines()[-1])
            return True
        assert self._thread is not None
        return not self._thread.is_alive()


def stop_running_bench(engine: common.private_engine.PrivateEngine, ids_file: Path) -> None:
    running = common.docker(engine, "ps", "-q", "--no-trunc", "--filter", f"label={common.BENCH_LABEL}",
                            "--filter", "name=eris-bench-").split()
    if running:
        common.say(f"stopping {len(running)} bench containers left running")
        ids_file.write_text("\n".join(running) + "\n")
        subprocess.run([sys.executable, str(DRIVER), "stop", "--host", engine.docker_host, "--ids-file",
                        str(ids_file)], check=True, capture_output=True, env=common.cli_env(engine), timeout=900)


def bench_names(engine: common.private_engine.PrivateEngine, ids: list[str]) -> dict[str, str]:
    out = common.docker(engine, "ps", "-a", "--no-trunc", "--filter", f"label={common.BENCH_LABEL}",
                        "--format", "{{.ID}} {{.Names}}")
    found = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    return {key: found[key] for key in ids}


def renamed(name: str) -> str:
    """The other name of a bench container: with the suffix added, or taken off (a run stopped halfway)."""
    return name.removesuffix(RENAMED) if name.endswith(RENAMED) else name + RENAMED


BurstPlan = tuple[str, str, list[str], Callable[[Any], bool]]


def bursts(events: str, ids: list[str], names: dict[str, str]) -> list[BurstPlan]:
    """(phase name, driver action, its input lines, what a row shows once the action reached it) per phase."""
    if events == "state":
        return [("start", "start", ids, lambda row: row.state == "running"),
                ("stop", "stop", ids, lambda row: row.state in ("exited", "dead"))]
    return [("rename", "rename", [f"{key} {renamed(names[key])}" for key in ids],
             lambda row: row.name == renamed(names[row.key])),
            ("rename back", "rename", [f"{key} {names[key]}" for key in ids], lambda row: row.name == names[row.key])]


def run_phase(window: Any, engine: common.private_engine.PrivateEngine, action: str,
              shows: Callable[[Any], bool], ids_file: Path, keys: set[str], mode: str,
              heartbeat: common.Heartbeat, cpus: str = "") -> tuple[Phase, float, float]:
    """Run one burst; ``shows(row)`` tells whether a container's row shows what the burst did to it."""
    from app.engine.rows import ContainerRow, Kind

    model = window.models.model(Kind.CONTAINER)
    pending_peak = 0

    def done(burst: Burst) -> bool:
        nonlocal pending_peak
        pending_peak = max(pending_peak, window.models.pending())
        if not burst.finished():
            return False
        shown = sum(1 for row in model.rows()
                    if isinstance(row, ContainerRow) and row.key in keys and shows(row))
        if shown >= len(keys):
            return True
        assert burst.result is not None
        if time.monotonic() - burst.result["ended"] > CATCH_UP_TIMEOUT:
            actual = common.docker(engine, "ps", "-q", "--no-trunc", "--filter", f"label={common.BENCH_LABEL}",
                                   check=False, timeout=60).split()
            raise common.SetupError(
                f"{CATCH_UP_TIMEOUT:.0f} s after the burst ended only {shown} of {len(keys)} rows show the {action} "
                f"({burst.result['failed']} engine calls failed, the first: {burst.result['first_error'] or '-'}; "
                f"the engine lists {len(actual)} bench containers running)"
            )
        return False

    began = time.monotonic()
    burst = Burst(engine, action, ids_file, mode, cpus)
    shown = common.spin_until(lambda: done(burst), PHASE_TIMEOUT, f"every bench container to show the {action}",
                              poll_ms=50)
    assert burst.result is not None
    phase = Phase(
        action=action,
        engine_s=burst.result["ended"] - burst.result["began"],
        catch_up_s=shown - burst.result["ended"],
        stalls=heartbeat.stats(TARGET, began, shown),
        probe_max_s=0.0,
        probe_over=0,
        max_pending=pending_peak,
        failed=int(burst.result["failed"]),
    )
    if phase.failed:
        common.say(f"{action}: {phase.failed} calls failed, the first: {burst.result['first_error']}")
    return phase, began, shown


def report_worst_gaps(heartbeat: common.Heartbeat, windows: list[tuple[float, float]], probe: common.HeartbeatProbe,
                      requests: common.RequestLog, sampler: common.StallSampler | None, collections: common.GcWatch,
                      count: int = WORST_GAPS) -> None:
    """Within the bursts, the longest gaps and those where the GUI thread itself worked longest.

    Gaps between the bursts are left out: the benchmark's own bookkeeping runs there.
    """
    inside = [tick for tick in heartbeat.ticks if any(start <= tick.at <= end for start, end in windows)]
    orders = (
        ("longest gaps of the GUI thread", lambda tick: -tick.stall),
        ("gaps in which the GUI thread used the most CPU (its own work)", lambda tick: -min(tick.stall, tick.gui_cpu)),
    )
    for title, order in orders:
        common.say(f"the {count} {title}:")
        for tick in sorted(inside, key=order)[:count]:
            start = tick.at - tick.stall - heartbeat.interval
            answered = common.describe_requests(requests.answered_between(start, tick.at))
            common.say(f"  {common.seconds(tick.stall)}: GUI thread CPU {tick.gui_cpu * 1000:.1f} ms, app CPU "
                       f"{tick.process_cpu * 1000:.1f} ms, bare probe "
                       f"{common.seconds(probe.max_stall(start, tick.at))}; answered meanwhile: {answered}")
            if sampler is not None:
                common.say(f"      GUI thread seen in: {sampler.top(start, tick.at)}")
            common.say(f"      garbage collections: {collections.within(start, tick.at)}")


def main() -> common.Result:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--driver", choices=("process", "thread"), default="process",
                        help="where the burst runs: another process (default) or a thread pool in this one")
    parser.add_argument("--count", type=int, default=common.BENCH_CONTAINERS,
                        help="how many bench containers take part (default: all 2,000)")
    parser.add_argument("--events", choices=("state", "rename"), default="state",
                        help="state: start then stop the containers (the default); rename: rename each and back, "
                             "events that cost the engine and the kernel almost nothing")
    parser.add_argument("--engine-nice", type=int, default=0, metavar="N",
                        help="run the engine's processes at nice N during the bursts (default 0: as they are)")
    parser.add_argument("--engine-cpus", default="", metavar="LIST",
                        help="run the engine's processes and the burst driver on these cores only, and this "
                             "process and the bare Qt probe on the others, e.g. 1 (default: everything anywhere)")
    parser.add_argument("--kernel-cpus", default="", metavar="LIST",
                        help="during the bursts, send the kernel's unbound work queues and device interrupts to "
                             "these cores, e.g. 1 with --engine-cpus 1 (default: where the kernel puts them)")
    parser.add_argument("--sample", action="store_true",
                        help="sample the GUI thread's stack during stalls and show where it was (costs a little)")
    args = parser.parse_args()
    engine_cpus = engine_priority.parse_cpus(args.engine_cpus)
    if engine_cpus and not os.sched_getaffinity(0) - engine_cpus:
        parser.error(f"--engine-cpus {args.engine_cpus} leaves no core for the app")
    kernel_cpus = engine_priority.parse_cpus(args.kernel_cpus)
    if engine_cpus:
        # Before any thread or child exists, so that all of them inherit the desktop's cores.
        os.sched_setaffinity(0, os.sched_getaffinity(0) - engine_cpus)

    from app.engine.rows import Kind
    from app.ui.main_window import MainWindow

    engine = common.engine_setup()
    doing = "start and stop" if args.events == "state" else "are renamed and renamed back"
    print(f"burst_stall: GUI stalls while {args.count} containers {doing} (driver: {args.driver})", flush=True)
    work = common.isolate_environment()
    ids_file = work / "burst-ids.txt"
    stop_running_bench(engine, ids_file)
    ids = common.bench_container_ids(engine)[: args.count]
    names = bench_names(engine, ids) if args.events == "rename" else {}

    requests = common.RequestLog().install()
    common.qt_app()
    window = MainWindow(common.endpoint_for(engine))
    window.show()
    model = window.models.model(Kind.CONTAINER)
    heartbeat = common.Heartbeat(HEARTBEAT_MS)
    probe = common.HeartbeatProbe(HEARTBEAT_MS)
    phases: list[Phase] = []
    windows: list[tuple[float, float]] = []
    sampler: common.StallSampler | None = None
    collections = common.GcWatch()
    try:
        common.spin_until(lambda: all(model.row_by_key(key) is not None for key in ids)
                          and window.models.pending() == 0, 120, "the initial load", poll_ms=100)
        common.spin_for(3.0)  # the one-off shared-size request
        heartbeat.start()
        sampler = common.StallSampler(heartbeat).start() if args.sample else None
        collections.start()
        common.spin_for(BASELINE_SECONDS)
        baseline = heartbeat.stats(TARGET)
        common.say(f"idle, loaded window: longest stall {common.seconds(baseline.max_stall)}, "
                   f"p99 {common.seconds(baseline.p99)} over {baseline.ticks} ticks")
        for label, action, lines, shows in bursts(args.events, ids, names):
            ids_file.write_text("\n".join(lines) + "\n")
            with engine_priority.engine_niced(engine.root, args.engine_nice) as threads, \
                    engine_priority.engine_pinned(engine.root, engine_cpus) as pinned, \
                    engine_priority.kernel_work_on(kernel_cpus) as kernel_files:
                if kernel_files:
                    common.say(f"{action}: {kernel_files} kernel affinities (unbound work queues, interrupts) "
                               f"on cores {args.kernel_cpus} only")
                if threads:
                    common.say(f"{action}: {threads} engine threads at nice {args.engine_nice}")
                if pinned:
                    common.say(f"{action}: {pinned} engine threads on cores {args.engine_cpus} only")
                phase, began, shown = run_phase(window, engine, action, shows, ids_file, set(ids), args.driver,
                                                heartbeat, args.engine_cpus)
            phase.action = label
            phases.append(phase)
            windows.append((began, shown))
            common.spin_for(2.0)
        heartbeat.stop()
    finally:
        heartbeat.stop()
        if sampler is not None:
            sampler.stop()
        collections.stop()
        probe.finish()
        window.shutdown()
        stop_running_bench(engine, ids_file)

    for phase, (began, shown) in zip(phases, windows, strict=True):
        phase.probe_max_s = probe.max_stall(began, shown)
        phase.probe_over = probe.over(TARGET, began, shown)
        st = phase.stalls
        common.say(f"{phase.action}: engine {common.seconds(phase.engine_s)} for {len(ids)} containers, "
                   f"view caught up {common.seconds(phase.catch_up_s)} after the last reply, "
                   f"up to {phase.max_pending} changes queued")
        common.say(f"{phase.action}: app GUI thread: longest stall {common.seconds(st.max_stall)}, p99 "
                   f"{common.seconds(st.p99)}, {st.over_target} of {st.ticks} ticks over {TARGET * 1000:.0f} ms; "
                   f"CPU in the worst gap: GUI thread {common.seconds(st.max_gui_busy)}, whole app "
                   f"{common.seconds(st.max_process_busy)}")
        common.say(f"{phase.action}: bare Qt process meanwhile: longest stall {common.seconds(phase.probe_max_s)}, "
                   f"{phase.probe_over} ticks over {TARGET * 1000:.0f} ms")
        common.say(f"{phase.action}: the app's requests: {common.describe_requests(requests.between(began, shown))}")
    report_worst_gaps(heartbeat, windows, probe, requests, sampler, collections)
    common.say(f"garbage collections during the bursts: {collections.summary()}")

    worst = max(phase.stalls.max_stall for phase in phases)
    busy = max(phase.stalls.max_process_busy for phase in phases)
    machine = max(phase.probe_max_s for phase in phases)
    first, second = phases
    summary = (
        f"longest GUI stall {common.seconds(worst)} ({first.action} {common.seconds(first.stalls.max_stall)}, "
        f"{second.action} {common.seconds(second.stalls.max_stall)}; target <= {TARGET * 1000:.0f} ms); idle baseline "
        f"{common.seconds(baseline.max_stall)}, bare Qt process in the same bursts {common.seconds(machine)}, "
        f"the most CPU the app used within one gap {common.seconds(busy)} ({common.verdict(busy <= TARGET)} if only "
        f"the app's own work counted); view caught up {common.seconds(first.catch_up_s)} / "
        f"{common.seconds(second.catch_up_s)} after the engine ({len(ids)} containers, {args.events} events, "
        f"{args.driver} driver"
        f"{f', engine at nice {args.engine_nice}' if args.engine_nice else ''}"
        f"{f', engine and driver on cores {args.engine_cpus}' if args.engine_cpus else ''}"
        f"{f', kernel work on cores {args.kernel_cpus}' if args.kernel_cpus else ''})"
    )
    figures = {
        "max_stall_s": worst, "baseline_stall_s": baseline.max_stall, "probe_max_stall_s": machine,
        "max_app_busy_s": busy, "driver": args.driver, "count": len(ids), "events": args.events,
        "engine_nice": args.engine_nice, "engine_cpus": args.engine_cpus,
        "phases": [{**phase.__dict__, "stalls": phase.stalls.__dict__} for phase in phases],
    }
    return common.Result("burst_stall", summary, worst <= TARGET, figures)


if __name__ == "__main__":
    raise SystemExit(common.run_main(main))
