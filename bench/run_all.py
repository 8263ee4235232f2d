"""Run every benchmark, each in its own process (so RSS figures stay independent), and tabulate them.

    .venv/bin/python bench/run_all.py                      # all five, ~20 min on 2 cores
    .venv/bin/python bench/run_all.py --burst-count 300    # a shorter burst
    .venv/bin/python bench/run_all.py --only containers_load memory

Exits 0 when every benchmark ran (met its target or not), 1 when one could not be set up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("containers_load", "event_latency", "idle_requests", "memory", "burst_stall")
SCRIPTS = {
    "containers_load": "bench_containers_load.py",
    "event_latency": "bench_event_latency.py",
    "idle_requests": "bench_idle_requests.py",
    "memory": "bench_memory.py",
    "burst_stall": "bench_burst_stall.py",
}
TIMEOUT = 3600.0


@dataclass
class Outcome:
    name: str
    seconds: float
    returncode: int
    record: dict[str, Any] | None


def run_one(name: str, extra: Sequence[str]) -> Outcome:
    print(f"\n=== {name} ===", flush=True)
    started = time.monotonic()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    record: dict[str, Any] | None = None
    with subprocess.Popen([sys.executable, str(HERE / SCRIPTS[name]), *extra], stdout=subprocess.PIPE, text=True,
                          env=env) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("RESULT "):
                record = json.loads(line[len("RESULT "):])
            else:
                print(line, end="", flush=True)
        try:
            returncode = process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            returncode = -9
    return Outcome(name, time.monotonic() - started, returncode, record)


def table(outcomes: Sequence[Outcome]) -> str:
    width = max(len(outcome.name) for outcome in outcomes)
    lines = [f"{'benchmark':<{width}}  result  took   figures", f"{'-' * width}  ------  -----  -------"]
    for outcome in outcomes:
        if outcome.record is None:
            verdict, summary = "FAILED", f"setup failed (exit {outcome.returncode}); see its output above"
        else:
            verdict = "PASS" if outcome.record["passed"] else "MISS"
            summary = outcome.record["summary"]
        lines.append(f"{outcome.name:<{width}}  {verdict:<6}  {outcome.seconds:4.0f}s  {summary}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run just these")
    parser.add_argument("--burst-count", type=int, help="containers in the start/stop burst (default 2,000)")
    parser.add_argument("--burst-driver", choices=("process", "thread"), default="process")
    args = parser.parse_args(argv)

    outcomes: list[Outcome] = []
    for name in args.only or BENCHMARKS:
        extra: list[str] = []
        if name == "burst_stall":
            extra = ["--driver", args.burst_driver]
            if args.burst_count:
                extra += ["--count", str(args.burst_count)]
        outcomes.append(run_one(name, extra))
    print("\n" + table(outcomes), flush=True)
    return 0 if all(outcome.record is not None for outcome in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
