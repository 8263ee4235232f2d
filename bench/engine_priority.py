"""Run the private engine's processes at a lower CPU priority, or on some cores only (bench options).

On a two-core machine, starting containers keeps both cores busy in dockerd, containerd, the
shims and the kernel; any other process then waits its turn, the app's GUI thread and a bare Qt
process alike. Renicing the engine shows what the app does when the scheduler lets it run; on a
kernel without preemption that is not enough (a thread inside a long system call keeps its core),
so the engine can also be confined to some cores, the way Docker Desktop keeps it inside a VM
with CPUs of its own. Nice values and CPU affinity are per thread on Linux, so every thread of
every engine process is set; threads and processes the engine starts later inherit both from the
thread that starts them.
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


def _set_affinity(pids: list[int], cpus: set[int]) -> int:
    threads = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                os.sched_setaffinity(int(task.name), cpus)
                threads += 1
            except OSError:
                continue  # the thread ended meanwhile
    return threads


def parse_cpus(text: str) -> set[int]:
    """"1" or "1,3" or "2-3" as a set of core numbers; empty text is no restriction (an empty set)."""
    cpus: set[int] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return cpus


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


@contextmanager
def engine_pinned(root: Path, cpus: set[int], also: list[int] | None = None) -> Iterator[int]:
    """Within the block the engine's processes (and the processes in ``also``) run on ``cpus`` only."""
    if not cpus:
        yield 0
        return
    everyone = set(range(os.cpu_count() or 1))
    threads = _set_affinity(process_tree(engine_pids(root) + (also or [])), cpus)
    try:
        yield threads
    finally:
        _set_affinity(process_tree(engine_pids(root)), everyone)


def _mask(cpus: set[int]) -> str:
    return format(sum(1 << cpu for cpu in cpus), "x")


def _kernel_affinity_files() -> list[Path]:
    # Unbound work queues (writeback, cgroup and namespace teardown, …) and device interrupts:
    # the kernel's own work that no process affinity moves.
    return [Path("/sys/devices/virtual/workqueue/cpumask"), *sorted(Path("/proc/irq").glob("*/smp_affinity"))]


@contextmanager
def kernel_work_on(cpus: set[int]) -> Iterator[int]:
    """Within the block the kernel's unbound work and interrupts go to ``cpus`` where it allows; yields how many."""
    if not cpus:
        yield 0
        return
    before: dict[Path, str] = {}
    for path in _kernel_affinity_files():
        try:
            old = path.read_text().strip()
            path.write_text(_mask(cpus))
            before[path] = old
        except OSError:
            continue  # an interrupt the kernel keeps where it is, or no permission
    try:
        yield len(before)
    finally:
        for path, old in before.items():
            try:
                path.write_text(old)
            except OSError:
                continue
