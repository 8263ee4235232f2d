"""Notifications reach the person: in the window where there is no tray, once per event, and a click opens it."""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint
from app.engine.rows import Kind
from app.engine.tracker import Status
from app.qt.notifications import Category
from app.settings import SettingsStore
from app.ui.main_window import MainWindow
from tests.conftest import DockerCLI


def _texts(main: MainWindow) -> list[str]:
    return [f"{n.title}: {n.text}" for n in main.notifications.history]


def test_a_container_killed_by_a_signal_is_one_notification(window: MainWindow, docker_cli: DockerCLI,
                                                             qtbot: QtBot) -> None:
    key = docker_cli("run", "-d", "--label", "eris-test=1", "--network", "none", "--name", "gui-victim",
                     "eris/base:latest", "sleep", "300")
    pid = int(docker_cli("inspect", "-f", "{{.State.Pid}}", key))
    os.kill(pid, signal.SIGKILL)  # from outside the engine, as the OOM killer or a crash would
    qtbot.waitUntil(lambda: any("gui-victim exited unexpectedly" in text for text in _texts(window)), timeout=10_000)
    qtbot.wait(1500)  # nothing more may follow for the same death
    assert sum("gui-victim" in text for text in _texts(window)) == 1
    assert "killed by signal 9" in _texts(window)[-1]

    # Without a tray the window shows it; its button opens the container.
    assert window.notification_bar.isVisible()
    assert "gui-victim" in window.notification_bar.text.text()
    window.show_kind(Kind.IMAGE)
    window.notification_bar.open_button.click()
    assert window.current_pane().kind is Kind.CONTAINER
    assert [row.key for row in window.panes[Kind.CONTAINER].selected_rows()] == [key]


def test_a_service_container_that_dies_is_named_as_the_service(window: MainWindow, docker_cli: DockerCLI,
                                                                qtbot: QtBot) -> None:
    key = docker_cli("run", "-d", "--label", "eris-test=1", "--label", "eris:ERIS=true", "--label",
                     "eris:TYPE=service", "--label", "eris:NAME=gui-doomed", "--network", "none", "--name",
                     "eris_service_gui-doomed_1", "eris/base:latest", "sleep", "300")
    os.kill(int(docker_cli("inspect", "-f", "{{.State.Pid}}", key)), signal.SIGKILL)
    qtbot.waitUntil(lambda: any(n.title == "Service gui-doomed stopped" for n in window.notifications.history),
                    timeout=10_000)
    note = next(n for n in window.notifications.history if n.title == "Service gui-doomed stopped")
    assert "exited unexpectedly with code 137 (killed by signal 9)" in note.text


def test_stopping_through_the_engine_is_not_news(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot) -> None:
    key = docker_cli("run", "-d", "--label", "eris-test=1", "--network", "none", "--name", "gui-calm",
                     "eris/base:latest", "sleep", "300")
    docker_cli("kill", key)
    qtbot.waitUntil(lambda: str(window.models.model(Kind.CONTAINER).index_of(key, 2).data()) == "exited",
                    timeout=10_000)
    qtbot.wait(500)
    assert not any("gui-calm" in text for text in _texts(window))


def test_a_turned_off_category_stays_quiet(window: MainWindow) -> None:
    import logging
    from dataclasses import replace

    from app.qt.notifications import Notification

    level = logging.getLogger().level
    try:
        window.apply_settings(replace(window.settings, notify_pulls=False, log_level="DEBUG"))
        assert logging.getLogger().level == logging.DEBUG  # the log level takes effect at once
    finally:
        logging.getLogger().setLevel(level)
    assert not window.notifications.post(Notification(Category.PULL, "Pulled", "eris/base:latest"))
    assert window.notifications.post(Notification(Category.ENGINE, "Engine", "fine"))


def test_a_corrupt_settings_file_is_reported_and_kept(qtbot: QtBot, endpoint: Endpoint, private_folders: Path) -> None:
    store = SettingsStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text('{"parallel_pulls": "three"', encoding="utf-8")
    main = MainWindow(endpoint, store)
    qtbot.addWidget(main)
    try:
        assert main.settings.parallel_pulls == 3
        assert any("Settings reset" in text and "could not be used" in text for text in _texts(main))
        kept = list(store.path.parent.glob("settings.json.corrupt-*"))
        assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"parallel_pulls": "three"'
        qtbot.waitUntil(lambda: main.models.state.status is Status.CONNECTED, timeout=15_000)
    finally:
        main.shutdown()


def test_the_tray_tells_the_state_and_offers_services_pulls_and_engines(window: MainWindow, docker_cli: DockerCLI,
                                                                        qtbot: QtBot) -> None:
    from app.qt.icons import STATE_COLOURS

    qtbot.waitUntil(lambda: window.tray.badge == STATE_COLOURS["connected"], timeout=10_000)
    assert window.tray.state_action.text().startswith("Connected to unix://")
    name = f"tray{uuid.uuid4().hex[:8]}"
    definition = Path(os.environ["ERIS"]) / "services" / f"{name}.toml"
    definition.parent.mkdir(parents=True, exist_ok=True)
    definition.write_text(f'name = "{name}"\n[service]\nimage = "eris/base:latest"\n', encoding="utf-8")
    qtbot.waitUntil(lambda: any(row.name == name for row in window.services_pane.source.services()),
                    timeout=10_000)
    window.tray.menu.aboutToShow.emit()  # builds the menu as when a person opens it
    assert window.tray.hosts_menu.actions()[-1].text() == "Engine setup…"
    assert window.tray.toggle_action.text() == "Hide window"  # the window is shown
    entry = next(action for action in window.tray.services_menu.actions() if action.text().startswith(name))
    assert entry.text() == f"{name} — not created"
    start, stop = entry.menu().actions()
    assert (start.text(), start.isEnabled(), stop.text(), stop.isEnabled()) == ("Start", True, "Stop", False)
    assert not window.tray.pulls_menu.isEnabled() and window.tray.pulls_menu.title() == "Pulls"  # none running

    key = docker_cli("run", "-d", "--network", "none", "--name", "gui-tray-victim", "eris/base:latest", "sleep", "300")
    os.kill(int(docker_cli("inspect", "-f", "{{.State.Pid}}", key)), signal.SIGKILL)
    qtbot.waitUntil(lambda: window.tray.badge == STATE_COLOURS["paused"], timeout=10_000)  # amber: one down
    assert "gui-tray-victim" in window.tray.icon.toolTip()
    docker_cli("start", key)
    qtbot.waitUntil(lambda: window.tray.badge == STATE_COLOURS["connected"], timeout=10_000)
