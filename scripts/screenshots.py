#!/usr/bin/env python3
"""Make the README's screenshots: each main view of the real window against a private engine.

Run it as root (the private engine needs root) under a virtual screen, with the project's
virtual environment::

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py

It starts a private Docker Engine of its own (``--root``, default /tmp/eris-shots, so the
pictures show no one else's test containers; ``--root /tmp/eris-pe`` reuses the tests'
engine), seeded with images that share a base layer. It creates a few service and data
containers (network ``none``) and volumes, all labelled ``eris-screenshot=1``, opens the
main window with private settings, saves one PNG per view in docs/screenshots/ (and one of
the in-window notifications after a pull and a killed service, and one of the About dialog),
then removes what it created and stops the engine if it started it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import docker  # noqa: E402
import private_engine  # noqa: E402 - lives next to this script

LABEL = "eris-screenshot"
DEFAULT_ROOT = Path("/tmp/eris-shots")
WINDOW_SIZE = (1280, 780)
SETTLE_SECONDS = 1.5  # lets late cells (shared sizes, status durations, the log) fill in


@dataclass(frozen=True)
class Scene:
    """One container of the pictured setup."""

    name: str
    image: str
    state: str  # created | running | paused | exited
    command: list[str] = field(default_factory=list)
    volumes: dict[str, str] = field(default_factory=dict)  # volume name → mount point
    volumes_from: list[str] = field(default_factory=list)
    service: str = ""
    kind: str = "service"  # eris:TYPE
    exposed: list[int] = field(default_factory=list)  # exposed only: nothing is published with network none


def _log_script(*lines: str, then: str = "exec sleep 86400") -> list[str]:
    body = "; ".join(f"echo {line!r}; sleep 0.05" for line in lines)
    return ["sh", "-c", f"{body}; {then}"]


SCENES = (
    Scene("eris_data_ipfs_1", "eris/data:latest", "created", [], {"ipfs-repo": "/home/eris/.ipfs"},
          service="ipfs", kind="data"),
    Scene("eris_service_ipfs_1", "eris/ipfs:latest", "running", _log_script(
        "Initializing daemon...",
        "go-ipfs version: 0.4.2",
        "Repo version: 3",
        "System version: amd64/linux",
        "Swarm listening on /ip4/127.0.0.1/tcp/4001",
        "API server listening on /ip4/127.0.0.1/tcp/5001",
        "Gateway (readonly) server listening on /ip4/127.0.0.1/tcp/8080",
        "Daemon is ready",
    ), volumes_from=["eris_data_ipfs_1"], service="ipfs", exposed=[4001, 5001, 8080]),
    Scene("eris_data_keys_1", "eris/data:latest", "created", [], {"keys-store": "/home/eris/.eris/keys"},
          service="keys", kind="data"),
    Scene("eris_service_keys_1", "eris/keys:latest", "running", _log_script(
        "eris-keys: key server listening on 127.0.0.1:4767",
        "eris-keys: 3 keys loaded from /home/eris/.eris/keys",
    ), volumes_from=["eris_data_keys_1"], service="keys", exposed=[4767]),
    Scene("eris_service_compilers_1", "eris/base:latest", "paused", _log_script(
        "compilers: serving on 127.0.0.1:9090",
    ), {"compilers-cache": "/cache"}, service="compilers", exposed=[9090]),
    Scene("eris_service_btcd_1", "eris/base:latest", "exited", _log_script(
        "btcd: loading block database from /home/eris/.btcd/data",
        "btcd: unable to open the database: no such file or directory",
        then="exit 1",
    ), service="btcd"),
)
VOLUMES = ("ipfs-repo", "keys-store", "compilers-cache")
# view name → (tab, the row to select, details tab to show)
PICTURES = {
    "containers": ("CONTAINER", "eris_service_ipfs_1", "Logs"),
    "images": ("IMAGE", "eris/ipfs:latest", "Layers"),
    "volumes": ("VOLUME", "ipfs-repo", "Inspect"),
    "networks": ("NETWORK", "none", "Inspect"),
}


# ------------------------------------------------------------------ the engine side


def _labels(scene: Scene) -> dict[str, str]:
    return {LABEL: "1", "eris:ERIS": "true", "eris:NAME": scene.service, "eris:TYPE": scene.kind}


def remove_scene(client: docker.DockerClient) -> None:
    """Remove every container and volume labelled eris-screenshot=1 (also a crashed run's)."""
    for container in client.containers.list(all=True, filters={"label": f"{LABEL}=1"}):
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True, v=True)
    for volume in client.volumes.list(filters={"label": f"{LABEL}=1"}):
        with contextlib.suppress(docker.errors.NotFound):
            volume.remove(force=True)


def create_scene(client: docker.DockerClient) -> None:
    api = client.api
    for name in VOLUMES:
        api.create_volume(name, labels={LABEL: "1"})
    for scene in SCENES:
        host_config = api.create_host_config(
            network_mode="none",
            binds={volume: {"bind": path, "mode": "rw"} for volume, path in scene.volumes.items()},
            volumes_from=scene.volumes_from or None,
        )
        created = api.create_container(
            scene.image,
            scene.command or None,
            name=scene.name,
            labels=_labels(scene),
            ports=scene.exposed or None,
            volumes=list(scene.volumes.values()) or None,
            entrypoint=["true"] if scene.kind == "data" else None,
            host_config=host_config,
        )
        key = created["Id"]
        if scene.state in ("running", "paused", "exited"):
            api.start(key)
        if scene.state == "paused":
            time.sleep(0.3)  # its log line first
            api.pause(key)
        if scene.state == "exited":
            api.wait(key, timeout=30)


# ---------------------------------------------------------------------- the window


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out waiting for {what}")
        QCoreApplication.processEvents()
        time.sleep(0.02)


def _settle(seconds: float) -> None:
    end = time.monotonic() + seconds
    _wait_until(lambda: time.monotonic() > end, "the window to settle", seconds + 5)


def _notifications_picture(window: Any, docker_host: str, registry_image: str, out: Path) -> Path:
    """No tray on the virtual screen: a pull that ends and a service killed from outside show in the window."""
    from app.qt.notifications import Category

    window.show_kind(_kind("CONTAINER"))
    pull = window.start_pull(registry_image)
    _wait_until(lambda: pull is not None and pull.finished, "the pull to finish", 120)
    _wait_until(lambda: any(n.category is Category.PULL for n in window.notifications.history), "its notification")
    client = docker.APIClient(base_url=docker_host, timeout=30)
    try:
        pid = client.inspect_container("eris_service_keys_1")["State"]["Pid"]
        os.kill(pid, signal.SIGKILL)  # as a crash or the OOM killer would: not through the engine
    finally:
        client.close()
    _wait_until(lambda: window.notification_bar.isVisible() and "keys" in window.notification_bar.text.text(),
                "the service's notification")
    window.notification_history.toggleViewAction().trigger()  # View → Notifications, as a person opens it
    _settle(SETTLE_SECONDS)
    path = out / "notifications.png"
    window.grab().save(str(path))
    window.notification_history.toggleViewAction().trigger()
    return path


def _kind(name: str) -> Any:
    from app.engine.rows import Kind

    return Kind[name]


def take_pictures(docker_host: str, out: Path, theme: str, registry_image: str) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app import APP_NAME
    from app.engine.connection import Endpoint
    from app.engine.rows import Kind
    from app.engine.tracker import Status
    from app.qt.resource_model import KEY_ROLE
    from app.settings import SettingsStore
    from app.ui.about_dialog import AboutDialog
    from app.ui.main_window import MainWindow, apply_theme

    application = QApplication.instance() or QApplication([APP_NAME])
    assert isinstance(application, QApplication)
    application.setApplicationName(APP_NAME)
    application.setDesktopFileName("eris-desktop")
    apply_theme(theme)
    window = MainWindow(Endpoint(url=docker_host), SettingsStore())
    saved: list[Path] = []
    try:
        window.resize(*WINDOW_SIZE)
        window.show()
        models = window.models
        _wait_until(lambda: models.state.status is Status.CONNECTED, "the engine connection")
        _wait_until(lambda: models.model(Kind.CONTAINER).rowCount() >= len(SCENES), "the containers")
        _wait_until(lambda: models.model(Kind.VOLUME).rowCount() >= len(VOLUMES), "the volumes")
        _wait_until(lambda: models.model(Kind.IMAGE).rowCount() > 0, "the images")
        _wait_until(lambda: models.model(Kind.NETWORK).rowCount() > 0, "the networks")
        out.mkdir(parents=True, exist_ok=True)
        for picture, (kind_name, row_name, details_tab) in PICTURES.items():
            kind = Kind[kind_name]
            window.show_kind(kind)
            pane = window.panes[kind]
            pane.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
            model = pane.view.model()
            for row in range(model.rowCount()):
                if model.index(row, 0).data() == row_name:
                    pane.select_key(str(model.index(row, 0).data(KEY_ROLE)))
                    break
            else:
                raise SystemExit(f"No {row_name} in the {picture} view")
            for index in range(window.details.count()):
                if window.details.tabText(index) == details_tab:
                    window.details.setCurrentIndex(index)
            _settle(SETTLE_SECONDS)
            path = out / f"{picture}.png"
            window.grab().save(str(path))
            saved.append(path)

        saved.append(_notifications_picture(window, docker_host, registry_image, out))

        dialog = AboutDialog(models.state.info, window)
        dialog.show()
        _settle(0.3)
        path = out / "about.png"
        dialog.grab().save(str(path))
        saved.append(path)
        dialog.close()
    finally:
        window.shutdown()
        window.deleteLater()
        application.processEvents()
    return saved


# --------------------------------------------------------------------------- main


@contextlib.contextmanager
def private_settings() -> Iterator[None]:
    """Settings, window state and eris home in a temporary folder, never the person's own."""
    with tempfile.TemporaryDirectory(prefix="eris-shots-") as folder:
        for name, sub in (("HOME", "home"), ("ERIS", "eris"), ("ERIS_DESKTOP_CONFIG", "config")):
            Path(folder, sub).mkdir()
            os.environ[name] = str(Path(folder, sub))
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the README's screenshots (run under xvfb-run, as root).")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the private engine's folder")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--keep-engine", action="store_true", help="leave an engine this script started running")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM", "") != "offscreen":
        print("No DISPLAY: run this under xvfb-run (see --help).", file=sys.stderr)
        return 2

    started_here = private_engine.status(args.root) is None
    engine = private_engine.ensure_running(args.root, seed=True)
    try:
        client = docker.DockerClient(base_url=engine.docker_host, timeout=60)
        remove_scene(client)
        try:
            create_scene(client)
            with private_settings():
                saved = take_pictures(engine.docker_host, args.out, args.theme,
                                      engine.registry_ref("eris/data:latest"))
        finally:
            remove_scene(client)
            client.close()
    finally:
        if started_here and not args.keep_engine:
            private_engine.stop(args.root, purge=True)
    for path in saved:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
