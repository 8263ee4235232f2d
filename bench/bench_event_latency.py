"""Event-to-view latency: a container started by the docker CLI shows "running" in the app.

With the full main window connected and loaded, ``docker start ID`` runs in a helper thread
(so the GUI thread keeps spinning its event loop while the CLI runs). The latency is the time
the container's row first shows state "running" (seen in a dataChanged/applied slot on the GUI
thread) minus the time ``docker start`` returned; the conservative figure counts from just
before the command was invoked. Baseline in the same run: the CLI's own round trip.
Target: median <= 100 ms over ~20 starts.
"""

from __future__ import annotations

import threading
import time

import common

STARTS = 20
LABEL = "eris-bench-latency=1"
TARGET = 0.100
ROW_TIMEOUT = 15.0


def remove_leftovers(engine: common.private_engine.PrivateEngine) -> None:
    ids = common.docker(engine, "ps", "-aq", "--filter", f"label={LABEL}").split()
    if ids:
        common.docker(engine, "rm", "-f", *ids)


def main() -> common.Result:
    from app.engine.rows import ContainerRow, Kind
    from app.ui.main_window import MainWindow

    engine = common.engine_setup()
    print("event_latency: docker start -> row shows running", flush=True)
    remove_leftovers(engine)
    ids = [
        common.docker(engine, "create", "--network", "none", "--label", LABEL, engine.base_image,
                      "sleep", "600").strip()
        for _ in range(STARTS)
    ]
    common.qt_app()
    window = MainWindow(common.endpoint_for(engine))
    window.show()
    model = window.models.model(Kind.CONTAINER)
    try:
        common.spin_until(lambda: all(model.row_by_key(key) is not None for key in ids) and
                          window.models.pending() == 0, 120, "the test containers in the view",
                          signals=[window.models.applied])
        common.spin_for(3.0)  # let the one-off shared-size request and image rows settle

        def running(key: str) -> bool:
            row = model.row_by_key(key)
            return isinstance(row, ContainerRow) and row.state == "running"

        latencies: list[float] = []
        conservative: list[float] = []
        cli_times: list[float] = []
        for key in ids:
            marks: dict[str, float] = {}

            def start(key: str = key, marks: dict[str, float] = marks) -> None:
                marks["before"] = time.monotonic()
                common.docker(engine, "start", key)
                marks["after"] = time.monotonic()

            worker = threading.Thread(target=start, name="docker-start")
            worker.start()
            shown = common.spin_until(lambda key=key: running(key), ROW_TIMEOUT, f"{key[:12]} to show running",
                                      signals=[model.dataChanged, window.models.applied], poll_ms=2)
            worker.join()
            latencies.append(shown - marks["after"])
            conservative.append(shown - marks["before"])
            cli_times.append(marks["after"] - marks["before"])
            common.spin_for(0.15)  # keep the starts apart: one event burst at a time
    finally:
        window.shutdown()
        remove_leftovers(engine)

    latency = common.median(latencies)
    from_invocation = common.median(conservative)
    cli = common.median(cli_times)
    common.say("per start, ms after `docker start` returned: " + " ".join(f"{v * 1000:.0f}" for v in latencies))
    common.say(f"max {common.seconds(max(latencies))}; from before invocation: median "
               f"{common.seconds(from_invocation)}, max {common.seconds(max(conservative))}")
    summary = (
        f"median {common.seconds(latency)} after `docker start` returned (target <= {TARGET * 1000:.0f} ms), "
        f"{common.seconds(from_invocation)} from before it was invoked; the CLI round trip itself "
        f"{common.seconds(cli)} (n={len(latencies)})"
    )
    figures = {"median_s": latency, "max_s": max(latencies), "from_invocation_s": from_invocation,
               "cli_s": cli, "samples_s": latencies}
    return common.Result("event_latency", summary, latency <= TARGET, figures)


if __name__ == "__main__":
    raise SystemExit(common.run_main(main))
