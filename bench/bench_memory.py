"""Peak RSS with all four views loaded against 2,000 containers and 500 images.

Baseline in the same process, measured first: a bare QApplication with an empty QMainWindow
shown. Then the full main window is shown offscreen, loaded, and each of the four tabs is shown
in turn (so every view lays out and paints its rows). Peak RSS is getrusage's ru_maxrss (KB on
Linux). For context, the peak RSS of the docker CLI listing the same containers.
Target: <= 200 MB.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
from pathlib import Path

import common

TARGET_MB = 200.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cli_peak_mb(engine: common.private_engine.PrivateEngine) -> float:
    """Peak RSS of ``docker ps -a --no-trunc``, via GNU time (a child forked from us would count our pages)."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if gnu_time is None:
        return float("nan")
    out = common.isolate_environment() / "cli-rss.txt"
    done = subprocess.run([gnu_time, "-f", "%M", "-o", str(out), "docker", "-H", engine.docker_host, "ps", "-a",
                           "--no-trunc"], env=common.cli_env(engine), capture_output=True, timeout=120)
    if done.returncode != 0:
        return float("nan")
    return int(out.read_text().split()[-1]) / 1024


def main() -> common.Result:
    engine = common.engine_setup()
    print("memory: peak RSS with all four views loaded", flush=True)
    expected = len(common.bench_container_ids(engine))

    from PySide6.QtWidgets import QMainWindow

    common.qt_app()
    bare = QMainWindow()
    bare.resize(1280, 780)
    bare.show()
    common.spin_for(0.5)
    baseline = peak_mb()
    common.say(f"bare QApplication + empty QMainWindow: peak {baseline:.0f} MB (current {current_mb():.0f} MB)")
    bare.close()
    bare.deleteLater()

    cli = cli_peak_mb(engine)

    from app.engine.rows import Kind
    from app.ui.main_window import MainWindow

    common.say(f"after importing the app: {current_mb():.0f} MB")
    window = MainWindow(common.endpoint_for(engine))
    window.show()
    try:
        models = window.models
        common.spin_until(
            lambda: models.model(Kind.CONTAINER).rowCount() >= expected
            and models.model(Kind.IMAGE).rowCount() >= common.BENCH_IMAGES and models.pending() == 0,
            120, "all four views to load", signals=[models.applied])
        for kind in (Kind.CONTAINER, Kind.IMAGE, Kind.VOLUME, Kind.NETWORK):
            window.show_kind(kind)
            common.spin_for(0.5)
        window.show_kind(Kind.CONTAINER)
        common.spin_for(3.0)  # the shared-size request, a repaint
        counts = {kind.value: models.model(kind).rowCount() for kind in Kind}
        peak = peak_mb()
        now = current_mb()
    finally:
        window.shutdown()

    common.say(f"rows: {counts}")
    common.say(f"full window loaded: peak {peak:.0f} MB, current {now:.0f} MB; the app's share over the bare "
               f"window {peak - baseline:.0f} MB")
    common.say(f"(context) docker ps -a --no-trunc peak RSS: {cli:.0f} MB")
    summary = (f"peak RSS {peak:.0f} MB with all four views loaded (target <= {TARGET_MB:.0f} MB); bare Qt window "
               f"{baseline:.0f} MB, so the app adds {peak - baseline:.0f} MB")
    figures = {"peak_mb": peak, "current_mb": now, "baseline_mb": baseline, "cli_mb": cli, "rows": counts}
    return common.Result("memory", summary, peak <= TARGET_MB, figures)


if __name__ == "__main__":
    raise SystemExit(common.run_main(main))
