"""Start, stop or rename many containers at once, from a pool of threads: the burst for bench_burst_stall.

Runs as its own process (so that its work does not hold the benchmark's GIL) or in-process via
``run_burst``. Container ids come in a file or on stdin, one a line; the result is one JSON line on stdout
with time.monotonic() marks, which are comparable across processes on Linux (CLOCK_MONOTONIC).
For ``rename`` each line is "id new-name".

    python bench/burst_driver.py start --host unix:///tmp/eris-pe/docker.sock --ids-file ids.txt
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WORKERS = 8


def run_burst(host: str, action: str, ids: Sequence[str], workers: int = WORKERS) -> dict[str, Any]:
    """Start, stop (no grace period) or rename ("id new-name") every container in ``ids``; timings, failures."""
    import docker

    local = threading.local()
    clients: list[docker.APIClient] = []
    clients_lock = threading.Lock()
    failures: list[str] = []

    def client() -> docker.APIClient:
        api = getattr(local, "api", None)
        if api is None:
            api = docker.APIClient(base_url=host, version="auto", timeout=120)
            local.api = api
            with clients_lock:
                clients.append(api)
        return api

    def one(line: str) -> None:
        key, _, new_name = line.partition(" ")
        try:
            if action == "start":
                client().start(key)
            elif action == "rename":
                client().rename(key, new_name)
            else:
                client().stop(key, timeout=0)
        except Exception as error:  # noqa: BLE001 - reported, the burst goes on
            failures.append(f"{key[:12]}: {error}")

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"burst-{action}") as pool:
        list(pool.map(one, ids))
    ended = time.monotonic()
    for api in clients:
        api.close()
    return {
        "action": action,
        "began": began,
        "ended": ended,
        "count": len(ids),
        "failed": len(failures),
        "first_error": failures[0] if failures else "",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("start", "stop", "rename"))
    parser.add_argument("--host", required=True, help="the engine, e.g. unix:///tmp/eris-pe/docker.sock")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--ids-file", help="container ids, one a line (default: stdin)")
    args = parser.parse_args(argv)
    source = open(args.ids_file) if args.ids_file else sys.stdin  # noqa: SIM115 - closed below
    with source:
        ids = [line.strip() for line in source if line.strip()]
    print(json.dumps(run_burst(args.host, args.action, ids, args.workers)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
