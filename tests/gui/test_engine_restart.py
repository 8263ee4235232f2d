"""The engine is killed and comes back mid-session: the window says so each way and is right again after.

Uses its own private engine (not the shared one) since the test kills it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import private_engine
import pytest
from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint
from app.engine.errors import EngineError
from app.engine.rows import Kind
from app.engine.tracker import Status
from app.qt.icons import STATE_COLOURS
from app.ui.main_window import MainWindow

ROOT = Path("/tmp/eris-rst")


@pytest.fixture
def own_engine() -> Iterator[private_engine.PrivateEngine]:
    engine = private_engine.ensure_running(ROOT, seed=False)
    yield engine
    private_engine.stop(ROOT)


def _volumes(main: MainWindow) -> set[str]:
    model = main.models.model(Kind.VOLUME)
    return {str(model.index(row, 0).data()) for row in range(model.rowCount())}


def test_engine_lost_and_back(qtbot: QtBot, own_engine: private_engine.PrivateEngine) -> None:
    env = {**os.environ, **own_engine.env()}

    def cli(*args: str) -> str:
        done = subprocess.run(["docker", *args], env=env, check=True, capture_output=True, text=True, timeout=60)
        return done.stdout.strip()

    cli("volume", "create", "before-outage")
    private_engine.import_base(own_engine)
    # An earlier run's objects outlive its engine (the data folder is kept): without them the
    # volumes made later can only come from this run.
    subprocess.run(["docker", "rm", "-f", "dies-before-outage"], env=env, capture_output=True, timeout=60)
    subprocess.run(["docker", "volume", "rm", "-f", "after-outage", "live-again"], env=env, capture_output=True,
                   timeout=60)
    cli("run", "-d", "--network", "none", "--name", "dies-before-outage", own_engine.base_image, "sleep", "300")
    main = MainWindow(Endpoint(url=own_engine.docker_host))
    qtbot.addWidget(main)
    main.show()
    try:
        qtbot.waitUntil(lambda: "before-outage" in _volumes(main), timeout=15_000)
        os.kill(int(cli("inspect", "-f", "{{.State.Pid}}", "dies-before-outage")), signal.SIGKILL)
        qtbot.waitUntil(lambda: bool(main.notifications.history), timeout=10_000)
        assert [n.title for n in main.notifications.history] == ["Container stopped"]
        assert main.tray.badge == STATE_COLOURS["paused"] and "dies-before-outage" in main.tray.icon.toolTip()

        # Killed, as a crash would end it: no orderly shutdown, its socket file left behind.
        os.kill(int((ROOT / "pid").read_text().strip()), signal.SIGKILL)
        killed_at = time.monotonic()
        qtbot.waitUntil(lambda: main.models.state.status is Status.LOST, timeout=5_000)
        assert time.monotonic() - killed_at < 2.0
        assert main.banner.isVisible() and "Cannot reach the Docker Engine" in main.banner.text.text()
        assert _volumes(main) == set()  # no stale rows to act on
        assert [n.title for n in main.notifications.history][1:] == ["Lost the Docker Engine"]

        # An action tried meanwhile fails with a message a person can act on, and nothing hangs.
        errors: list[EngineError] = []
        main.runner.run(lambda api: api.create_volume("during-outage"), "Could not create volume during-outage",
                        on_failure=errors.append)
        qtbot.waitUntil(lambda: bool(errors), timeout=15_000)
        assert errors[0].what == "Could not create volume during-outage"
        assert errors[0].why and errors[0].hint

        private_engine.ensure_running(ROOT, seed=False)
        cli("volume", "create", "after-outage")  # made while the app was away: the re-list must bring it
        qtbot.waitUntil(lambda: main.models.state.status is Status.CONNECTED, timeout=20_000)
        qtbot.waitUntil(lambda: {"before-outage", "after-outage"} <= _volumes(main), timeout=10_000)
        assert [n.title for n in main.notifications.history][1:] == ["Lost the Docker Engine", "Docker Engine is back"]
        assert not main.banner.isVisible()

        # Still down after the outage, and the re-list is not news again.
        assert main.tray.badge == STATE_COLOURS["paused"] and "dies-before-outage" in main.tray.icon.toolTip()
        cli("start", "dies-before-outage")  # and up again: its start event says so
        qtbot.waitUntil(lambda: main.tray.badge == STATE_COLOURS["connected"], timeout=10_000)
        assert [n.title for n in main.notifications.history][1:] == ["Lost the Docker Engine", "Docker Engine is back"]

        cli("volume", "create", "live-again")  # and the event stream is followed again
        qtbot.waitUntil(lambda: "live-again" in _volumes(main), timeout=10_000)
    finally:
        main.shutdown()
