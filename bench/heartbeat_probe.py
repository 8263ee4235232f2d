"""A bare Qt process with the same 5 ms heartbeat as the benchmark: the machine's own stalls.

Started next to a benchmark, it shows how late a timer comes in a process that does nothing
else, so a stall measured in the app can be told apart from the machine being saturated (two
cores busy starting containers). Runs until SIGTERM or ``--seconds``, then prints one JSON line:
``{"interval": s, "ticks": n, "stalls": [[monotonic, stall_s], ...]}`` (stalls over 1 ms only).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from collections.abc import Sequence

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, Qt, QTimer

RECORD_OVER = 0.001


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval-ms", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3600.0)
    args = parser.parse_args(argv)

    app = QCoreApplication(["heartbeat-probe"])
    interval = args.interval_ms / 1000
    stalls: list[tuple[float, float]] = []
    ticks = 0
    last = time.monotonic()
    stopping = False

    def tick() -> None:
        nonlocal last, ticks
        now = time.monotonic()
        stall = now - last - interval
        if stall > RECORD_OVER:
            stalls.append((now, stall))
        last = now
        ticks += 1
        if stopping:
            app.quit()

    def on_term(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True  # the next tick quits: Python handlers run only between Python calls

    signal.signal(signal.SIGTERM, on_term)
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(args.interval_ms)
    timer.timeout.connect(tick)
    timer.start()
    QTimer.singleShot(int(args.seconds * 1000), app.quit)
    app.exec()
    print(json.dumps({"interval": interval, "ticks": ticks, "stalls": stalls}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
