"""API requests the connected app makes while the engine is idle: none (no polling).

Every HTTP request of the process goes through ``requests.adapters.HTTPAdapter.send`` (the
docker SDK's unix-socket adapter inherits it); a counting wrapper is installed before the
window exists. Counting starts ~3 s after the initial load (so that the one-off shared-size
``system df`` is done) and lasts 10 s with the event loop running; the long-lived event stream
request, opened before, does not count. For context the requests of the initial load are shown.
Because the private engine may be shared, the engine's own event log for the window is read
afterwards: requests that such events explain are reported apart. Target: 0.
"""

from __future__ import annotations

import time

import common

SETTLE_SECONDS = 3.0
IDLE_SECONDS = 10.0
TARGET = 0


def event_driven(path: str) -> bool:
    """A request the tracker makes for an event: a filtered list, one inspect, or system df after image events."""
    plain = common.api_path(path)
    query = path.split("?", 1)[1] if "?" in path else ""
    if plain in ("/containers/json", "/networks") and "filters" in query:
        return True
    if plain == "/system/df":
        return True
    if plain.startswith("/volumes/"):
        return True
    return plain.startswith("/images/") and plain.endswith("/json")


def engine_events(engine: common.private_engine.PrivateEngine, start_wall: float, end_wall: float) -> list[str]:
    out = common.docker(engine, "events", "--since", f"{start_wall:.3f}", "--until", f"{end_wall:.3f}",
                        "--format", "{{.Type}} {{.Action}}", timeout=30)
    return [line for line in out.splitlines() if line.strip()]


def main() -> common.Result:
    from app.engine.rows import Kind
    from app.engine.tracker import Status
    from app.ui.main_window import MainWindow

    engine = common.engine_setup()
    print("idle_requests: API requests while the engine is idle", flush=True)
    counter = common.RequestLog().install()
    common.qt_app()
    expected = len(common.bench_container_ids(engine))

    started = time.monotonic()
    window = MainWindow(common.endpoint_for(engine))
    window.show()
    try:
        images = window.models.model(Kind.IMAGE)
        containers = window.models.model(Kind.CONTAINER)
        loaded = common.spin_until(
            lambda: window.models.state.status is Status.CONNECTED and containers.rowCount() >= expected
            and images.rowCount() >= common.BENCH_IMAGES and window.models.pending() == 0,
            120, "the initial load", signals=[window.models.applied])
        common.spin_for(SETTLE_SECONDS)
        settled = time.monotonic()
        load_requests = counter.between(started, settled)
        common.say(f"initial load: {common.seconds(loaded - started)}, {len(load_requests)} requests "
                   f"until {SETTLE_SECONDS:.0f} s after it ({common.describe_requests(load_requests)})")

        wall_start = time.time()
        idle_start = time.monotonic()
        common.spin_for(IDLE_SECONDS)
        idle_end = time.monotonic()
        wall_end = time.time()
        idle_requests = counter.between(idle_start, idle_end)
    finally:
        window.shutdown()

    events = engine_events(engine, wall_start, wall_end)
    common.say(f"idle {IDLE_SECONDS:.0f} s: {len(idle_requests)} requests ({common.describe_requests(idle_requests)})")
    for request in idle_requests[:10]:
        common.say(f"  +{request.at - idle_start:6.3f} s {request.method} {request.path} [{request.thread}]")
    if events:
        common.say(f"the engine was not idle: {len(events)} events from other clients in the window "
                   f"({', '.join(sorted(set(events))[:6])})")
    # With events from other clients, the fetches of the objects they name are expected; the rest is polling.
    unexplained = [r for r in idle_requests if not (events and event_driven(r.path))]
    passed = len(unexplained) <= TARGET
    summary = f"{len(idle_requests)} requests in {IDLE_SECONDS:.0f} s idle (target {TARGET})"
    if events:
        summary += (f" while {len(events)} engine events came from other clients; "
                    f"{len(unexplained)} not explained by them")
    summary += f"; initial load for context: {len(load_requests)} requests"
    figures = {"idle_requests": len(idle_requests), "unexplained": len(unexplained), "engine_events": len(events),
               "load_requests": len(load_requests), "idle_paths": [f"{r.method} {r.path}" for r in idle_requests]}
    return common.Result("idle_requests", summary, passed, figures)


if __name__ == "__main__":
    raise SystemExit(common.run_main(main))
