"""Run the private engine's processes at a lower CPU priority for a while (a bench option).

On a two-core machine, starting containers keeps both cores busy in dockerd, containerd, the
shims and the kernel; any other process then waits its turn, the app's GUI thread and a bare Qt
process alike. Renicing the engine shows what the app does when the scheduler lets it run.
Nice values are per thread on Linux, so every thread of every engine process is set; threads and
processes the engine starts later inherit the value from the thread that starts them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def process_tree(roots: list[int]) -> list[int]:
    seen: list[int] = []
    pending = list(roots)
    while pending:
        pid = pending.pop()
        if pid in seen or not Path(f"/proc/{pid}").exists():
            continue
        seen.append(pid)
        pending += _children(pid)
    return seen


def _set_nice(pids: list[int], value: int) -> int:
    threads = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                os.setpriority(os.PRIO_PROCESS, int(task.name), value)
                threads += 1
            except OSError:
                continue  # the thread ended meanwhile
    return threads


def engine_pids(root: Path) -> list[int]:
    pids = []
    for name in ("pid", "containerd.pid"):
        try:
            pids.append(int((root / name).read_text().strip()))
        except (OSError, ValueError):
            continue
    return pids


@contextmanager
def engine_niced(root: Path, value: int) -> Iterator[int]:
    """Within the block the engine (dockerd, containerd, their children) runs at nice ``value``."""
    if value == 0:
        yield 0
        return
    pids = process_tree(engine_pids(root))
    threads = _set_nice(pids, value)
    try:
        yield threads
    finally:
        _set_nice(process_tree(engine_pids(root)), 0)
