"""First full load of the containers view with 2,000 containers and 500 images.

App: wall time from ``MainWindow(endpoint)`` until the containers model (and so the view's
proxy) holds every bench container, with the Qt event loop running. Baselines in the same
run: ``docker ps -a --no-trunc`` (the CLI) and the docker SDK's plain
``DockerClient.containers.list(all=True)``, which inspects every container.
Targets: app <= 1.5x the CLI, and >= 10x faster than the plain SDK list.
"""

from __future__ import annotations

import time

import common

REPEATS = 5
CLI_REPEATS = 5
LOAD_TIMEOUT = 120.0
CLI_TARGET = 1.5
SDK_TARGET = 10.0


def time_cli(engine: common.private_engine.PrivateEngine) -> tuple[float, int]:
    common.docker(engine, "ps", "-a", "--no-trunc")  # warm the page cache and the engine
    times: list[float] = []
    lines = 0
    for _ in range(CLI_REPEATS):
        started = time.monotonic()
        out = common.docker(engine, "ps", "-a", "--no-trunc")
        times.append(time.monotonic() - started)
        lines = len(out.splitlines()) - 1  # minus the header
    return common.median(times), lines


def time_app_once(engine: common.private_engine.PrivateEngine, expected: int) -> tuple[float, float, int]:
    """Seconds until the containers view is full, until all four views are, and the rows shown."""
    from app.engine.rows import Kind
    from app.ui.main_window import MainWindow

    common.qt_app()
    bench_ids = set(common.bench_container_ids(engine))
    started = time.monotonic()
    window = MainWindow(common.endpoint_for(engine))
    window.show()
    containers = window.models.model(Kind.CONTAINER)
    view = window.panes[Kind.CONTAINER].view
    try:
        full = common.spin_until(
            lambda: view.model().rowCount() >= expected,
            LOAD_TIMEOUT,
            f"{expected} rows in the containers view",
            signals=[window.models.applied],
        )
        images = window.models.model(Kind.IMAGE)
        everything = common.spin_until(
            lambda: images.rowCount() >= common.BENCH_IMAGES and window.models.pending() == 0,
            LOAD_TIMEOUT,
            "the images view",
            signals=[window.models.applied],
        )
        shown = {row.key for row in containers.rows()}
        missing = bench_ids - shown
        if missing:
            raise common.SetupError(f"{len(missing)} bench containers never reached the model")
        return full - started, everything - started, view.model().rowCount()
    finally:
        window.shutdown()
        window.deleteLater()
        common.spin_for(0.3)


def time_plain_sdk(engine: common.private_engine.PrivateEngine) -> tuple[float, int]:
    import docker

    client = docker.DockerClient(base_url=engine.docker_host, version="auto", timeout=600)
    try:
        started = time.monotonic()
        found = client.containers.list(all=True)
        return time.monotonic() - started, len(found)
    finally:
        client.close()


def time_sdk_list_endpoint(engine: common.private_engine.PrivateEngine) -> float:
    """For context: one GET /containers/json through the low-level SDK client (what the app uses)."""
    import docker

    api = docker.APIClient(base_url=engine.docker_host, version="auto")
    try:
        times = []
        for _ in range(CLI_REPEATS):
            started = time.monotonic()
            api.containers(all=True)
            times.append(time.monotonic() - started)
        return common.median(times)
    finally:
        api.close()


def main() -> common.Result:
    engine = common.engine_setup()
    print("containers_load: first full load of the containers view", flush=True)
    expected = len(common.bench_container_ids(engine))
    total = common.container_count(engine)
    common.say(f"engine holds {total} containers ({expected} bench), "
               f"{len(common.docker(engine, 'images', '-q').split())} images")

    cli, cli_rows = time_cli(engine)
    common.say(f"docker ps -a --no-trunc: median {common.seconds(cli)} over {CLI_REPEATS} runs ({cli_rows} rows)")
    list_endpoint = time_sdk_list_endpoint(engine)
    common.say(f"(context) one GET /containers/json via docker.APIClient: median {common.seconds(list_endpoint)}")

    app_times: list[float] = []
    all_views: list[float] = []
    for attempt in range(1, REPEATS + 1):
        full, everything, rows = time_app_once(engine, expected)
        app_times.append(full)
        all_views.append(everything)
        common.say(f"app run {attempt}: containers view full ({rows} rows) after {common.seconds(full)}, "
                   f"all four views after {common.seconds(everything)}")
    app = common.median(app_times)

    common.say("plain SDK containers.list(all=True) (one inspect per container), measured once …")
    sdk, sdk_rows = time_plain_sdk(engine)
    common.say(f"plain SDK: {common.seconds(sdk)} for {sdk_rows} containers")

    cli_ratio = app / cli
    sdk_speedup = sdk / app
    passed = cli_ratio <= CLI_TARGET and sdk_speedup >= SDK_TARGET
    summary = (
        f"app {common.seconds(app)} (median of {REPEATS}; first window {common.seconds(app_times[0])}), "
        f"docker CLI {common.seconds(cli)} ({cli_ratio:.2f}x, target <= {CLI_TARGET}x), "
        f"plain SDK {common.seconds(sdk)} ({sdk_speedup:.1f}x faster, target >= {SDK_TARGET:.0f}x)"
    )
    figures = {
        "app_s": app, "app_runs_s": app_times, "all_views_s": common.median(all_views), "cli_s": cli,
        "cli_ratio": cli_ratio, "plain_sdk_s": sdk, "sdk_speedup": sdk_speedup, "list_endpoint_s": list_endpoint,
        "rows": expected, "total_containers": total,
    }
    return common.Result("containers_load", summary, passed, figures)


if __name__ == "__main__":
    raise SystemExit(common.run_main(main))
