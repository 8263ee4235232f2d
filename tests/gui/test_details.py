"""The details pane: inspect tree, a followed and bounded log with search, an image's layers."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.engine.rows import Kind
from app.ui import log_view
from app.ui.main_window import MainWindow
from tests.conftest import DockerCLI


def _top_level_keys(main: MainWindow) -> list[str]:
    tree = main.details.inspect.tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_inspect_tree_and_copy(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot) -> None:
    key = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-inspect",
                     "-e", "GREETING=hello", "eris/base:latest")
    window.show_kind(Kind.CONTAINER)
    pane = window.panes[Kind.CONTAINER]
    qtbot.waitUntil(lambda: pane.source.index_of(key).isValid(), timeout=10_000)
    pane.select_key(key)
    qtbot.waitUntil(lambda: "Config" in _top_level_keys(window), timeout=10_000)
    window.details.inspect.copy()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["Id"] == key
    assert "GREETING=hello" in copied["Config"]["Env"]


def _item(main: MainWindow, key: str):  # type: ignore[no-untyped-def]
    tree = main.details.inspect.tree
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == key)


def test_the_inspect_tree_keeps_what_was_opened_and_asks_again_only_for_real_changes(
        window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    key = docker_cli("run", "-d", "--label", "eris-test=1", "--network", "none", "--name", "gui-inspect-live",
                     "eris/base:latest", "sleep", "300")
    window.show_kind(Kind.CONTAINER)
    pane = window.panes[Kind.CONTAINER]
    model = window.models.model(Kind.CONTAINER)
    qtbot.waitUntil(lambda: getattr(model.row_by_key(key), "state", "") == "running", timeout=10_000)
    pane.select_key(key)
    qtbot.waitUntil(lambda: window.details.inspect._document.get("State", {}).get("Running") is True,
                    timeout=10_000)
    qtbot.wait(500)  # the row's last change, if any, has been shown
    state = _item(window, "State")
    state.setExpanded(True)
    window.details.inspect.tree.setCurrentItem(state)
    inspected: list[str] = []
    runner = window.details._runner
    original_run = runner.run

    def counting_run(*args, slot: str = "", **kwargs):  # type: ignore[no-untyped-def]
        inspected.append(slot)
        return original_run(*args, slot=slot, **kwargs)

    monkeypatch.setattr(runner, "run", counting_run)

    # The clock redraws "Up 3 minutes" for every row: no reason to inspect the container again.
    window.models.model(Kind.CONTAINER).refresh_aging_columns()
    qtbot.wait(600)
    assert "inspect" not in inspected

    docker_cli("pause", key)
    qtbot.waitUntil(lambda: window.details.inspect._document.get("State", {}).get("Paused") is True, timeout=10_000)
    assert inspected.count("inspect") == 1
    state = _item(window, "State")
    assert state.isExpanded()  # opened by the person, still open after the refresh
    assert window.details.inspect.tree.currentItem() is state
    docker_cli("unpause", key)


def test_log_follows_new_output_and_searches(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot) -> None:
    key = docker_cli("run", "-d", "--label", "eris-test=1", "--network", "none", "--name", "gui-logs",
                     "eris/base:latest", "sh", "-c", "echo first-line; sleep 1; echo needle-line; sleep 300")
    window.show_kind(Kind.CONTAINER)
    pane = window.panes[Kind.CONTAINER]
    qtbot.waitUntil(lambda: pane.source.index_of(key).isValid(), timeout=10_000)
    pane.select_key(key)
    logs = window.details.logs
    qtbot.waitUntil(lambda: "first-line" in logs.text.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: "needle-line" in logs.text.toPlainText(), timeout=10_000)  # arrived while following
    logs.search_box.setText("needle")
    assert logs.find_next()
    assert logs.text.textCursor().selectedText() == "needle"
    logs.search_box.setText("not in this log")
    assert not logs.find_next()
    assert "is not in the log" in logs.state_label.text()

    logs.timestamps_box.setChecked(True)
    qtbot.waitUntil(lambda: logs.text.toPlainText().startswith("20"), timeout=10_000)  # RFC 3339 timestamps


def test_a_chatty_container_cannot_grow_the_log_without_limit(window: MainWindow, docker_cli: DockerCLI,
                                                              qtbot: QtBot) -> None:
    """The view's own limit (the newest 5,000 lines), with more than that arriving while it follows."""
    lines = log_view.MAX_LINES + 3_000
    key = docker_cli("run", "-d", "--label", "eris-test=1", "--network", "none", "--name", "gui-chatty",
                     "eris/base:latest", "sh", "-c",
                     f"sleep 2; i=0; while [ $i -lt {lines} ]; do echo line-$i; i=$((i+1)); done; sleep 300")
    logs = window.details.logs
    window.show_kind(Kind.CONTAINER)
    pane = window.panes[Kind.CONTAINER]
    qtbot.waitUntil(lambda: pane.source.index_of(key).isValid(), timeout=10_000)
    pane.select_key(key)  # following before the first line: every line comes through the follower
    qtbot.waitUntil(lambda: f"line-{lines - 1}" in logs.text.toPlainText(), timeout=30_000)
    assert logs.text.blockCount() <= log_view.MAX_LINES
    text = logs.text.toPlainText()
    assert "line-0\n" not in text and f"line-{lines - log_view.MAX_LINES + 10}\n" in text


def test_image_layers_show_their_history(window: MainWindow, qtbot: QtBot, docker_cli: DockerCLI) -> None:
    image_key = docker_cli("image", "inspect", "-f", "{{.Id}}", "eris/ipfs:latest")
    window.show_kind(Kind.IMAGE)
    pane = window.panes[Kind.IMAGE]
    qtbot.waitUntil(lambda: pane.source.index_of(image_key).isValid(), timeout=10_000)
    pane.select_key(image_key)
    history = window.details.history
    qtbot.waitUntil(lambda: history.topLevelItemCount() >= 3, timeout=10_000)
    commands = [history.topLevelItem(i).text(0) for i in range(history.topLevelItemCount())]
    assert any(command.startswith("ADD") for command in commands)
    assert window.details.isTabVisible(window.details.indexOf(history))
    assert not window.details.isTabVisible(window.details.indexOf(window.details.logs))
