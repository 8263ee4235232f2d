"""The GUI thread's longest stall while 2,000 containers start and then stop in a burst.

The full main window is connected and loaded; a QTimer heartbeat on the GUI thread ticks every
5 ms and records how late each tick came. The burst comes from another process (burst_driver.py,
8 threads of docker SDK calls) so that its work does not hold this process's GIL; ``--driver
thread`` runs the same pool inside this process instead. Baseline in the same run: the stall
of the idle, loaded window. Also shown: how long the view took to catch up after the engine
finished. At the end every bench container is stopped again (they stay created).
Target: longest stall <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common

TARGET = 0.050
HEARTBEAT_MS = 5
BASELINE_SECONDS = 2.0
PHASE_TIMEOUT = 900.0
DRIVER = Path(__file__).resolve().parent / "burst_driver.py"


@dataclass
class Phase:
    action: str
    engine_s: float  # first call to last reply, as the driver saw it
    catch_up_s: float  # from the driver's last reply until the view showed every row's new state
    max_stall_s: float
    p99_stall_s: float
    over_target: int
    ticks: int
    max_pending: int
    failed: int


class Burst:
    """One burst, in a subprocess or a thread, that the GUI thread can poll without blocking."""

    def __init__(self, engine: common.private_engine.PrivateEngine, action: str, ids_file: Path, mode: str) -> None:
        self.result: dict[str, Any] | None = None
        self._process: subprocess.Popen[str] | None = None
        self._thread: threading.Thread | None = None
        if mode == "process":
            self._process = subprocess.Popen(
                [sys.executable, str(DRIVER), action, "--host", engine.docker_host, "--ids-file", str(ids_file)],
                stdout=subprocess.PIPE, text=True, env=common.cli_env(engine),
            )
        else:
            import burst_driver

            ids = ids_file.read_text().split()

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


def main() -> common.Result:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--driver", choices=("process", "thread"), default="process",
                        help="where the burst runs: another process (default) or a thread pool in this one")
    args = parser.parse_args()

    from app.engine.rows import ContainerRow, Kind
    from app.ui.main_window import MainWindow

    engine = common.engine_setup()
    print(f"burst_stall: GUI stalls while 2,000 containers start and stop (driver: {args.driver})", flush=True)
    work = common.isolate_environment()
    ids_file = work / "burst-ids.txt"
    stop_running_bench(engine, ids_file)
    ids = common.bench_container_ids(engine)
    keys = set(ids)
    ids_file.write_text("\n".join(ids) + "\n")
    common.say(f"{len(ids)} bench containers")

    common.qt_app()
    window = MainWindow(common.endpoint_for(engine))
    window.show()
    model = window.models.model(Kind.CONTAINER)
    heartbeat = common.Heartbeat(HEARTBEAT_MS)
    phases: list[Phase] = []
    try:
        common.spin_until(lambda: all(model.row_by_key(key) is not None for key in ids)
                          and window.models.pending() == 0, 120, "the initial load", poll_ms=100)
        common.spin_for(3.0)  # the one-off shared-size request
        heartbeat.start()
        common.spin_for(BASELINE_SECONDS)
        baseline = heartbeat.max_stall
        baseline_p99 = heartbeat.percentile(0.99)
        common.say(f"idle, loaded window: longest stall {common.seconds(baseline)}, p99 {common.seconds(baseline_p99)} "
                   f"over {len(heartbeat.stalls)} ticks")

        for action, wanted in (("start", {"running"}), ("stop", {"exited", "dead"})):
            def settled(wanted: set[str] = wanted) -> int:
                return sum(1 for row in model.rows()
                           if isinstance(row, ContainerRow) and row.key in keys and row.state in wanted)

            pending_peak = [0]

            def done(burst: Burst, settled: Any = settled) -> bool:
                pending_peak[0] = max(pending_peak[0], window.models.pending())
                return burst.finished() and settled() >= len(ids)

            heartbeat.reset()
            burst = Burst(engine, action, ids_file, args.driver)
            shown = common.spin_until(lambda burst=burst: done(burst), PHASE_TIMEOUT,
                                      f"every bench container to show the {action}", poll_ms=50)
            assert burst.result is not None
            phase = Phase(
                action=action,
                engine_s=burst.result["ended"] - burst.result["began"],
                catch_up_s=shown - burst.result["ended"],
                max_stall_s=heartbeat.max_stall,
                p99_stall_s=heartbeat.percentile(0.99),
                over_target=heartbeat.over(TARGET),
                ticks=len(heartbeat.stalls),
                max_pending=pending_peak[0],
                failed=int(burst.result["failed"]),
            )
            phases.append(phase)
            common.say(f"{action}: engine {common.seconds(phase.engine_s)} for {len(ids)} containers "
                       f"({phase.failed} failed{', ' + burst.result['first_error'] if phase.failed else ''}); "
                       f"view caught up {common.seconds(phase.catch_up_s)} after the last reply")
            common.say(f"{action}: longest stall {common.seconds(phase.max_stall_s)}, p99 "
                       f"{common.seconds(phase.p99_stall_s)}, {phase.over_target} stalls over "
                       f"{TARGET * 1000:.0f} ms in {phase.ticks} ticks, up to {phase.max_pending} changes queued")
            common.spin_for(2.0)
        heartbeat.stop()
    finally:
        heartbeat.stop()
        window.shutdown()
        stop_running_bench(engine, ids_file)

    worst = max(phase.max_stall_s for phase in phases)
    start, stop = phases
    summary = (
        f"longest GUI stall {common.seconds(worst)} (start burst {common.seconds(start.max_stall_s)}, "
        f"stop burst {common.seconds(stop.max_stall_s)}; target <= {TARGET * 1000:.0f} ms), idle baseline "
        f"{common.seconds(baseline)}; view caught up {common.seconds(start.catch_up_s)} / "
        f"{common.seconds(stop.catch_up_s)} after the engine ({args.driver} driver)"
    )
    figures = {"max_stall_s": worst, "baseline_stall_s": baseline, "driver": args.driver,
               "phases": [phase.__dict__ for phase in phases]}
    return common.Result("burst_stall", summary, worst <= TARGET, figures)


if __name__ == "__main__":
    raise SystemExit(common.run_main(main))
