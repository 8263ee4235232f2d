"""Actions taken in the window change the real engine; refusals are explained, not tracebacks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.engine.rows import Kind
from app.ui.main_window import MainWindow
from tests.conftest import DockerCLI
from tests.gui.conftest import names_in


def _answer_next_question(qtbot: QtBot, role: QMessageBox.ButtonRole, seen: list[str]) -> None:
    """Click a button of the confirmation dialog that is about to open, as a person would."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(f"{box.text()} {box.informativeText()}")
        button = next(b for b in box.buttons() if box.buttonRole(b) == role)
        button.click()

    QTimer.singleShot(0, click)


def _error_text(main: MainWindow) -> str:
    boxes = [box for box in main.findChildren(QMessageBox, "errorDialog") if box.isVisible()]
    return f"{boxes[-1].text()} {boxes[-1].informativeText()}" if boxes else ""


def _state(docker_cli: DockerCLI, key: str) -> str:
    return docker_cli("inspect", "-f", "{{.State.Status}}", key, check=False)


def _select(main: MainWindow, qtbot: QtBot, kind: Kind, key: str) -> None:
    main.show_kind(kind)
    pane = main.panes[kind]
    qtbot.waitUntil(lambda: pane.source.index_of(key).isValid(), timeout=10_000)
    pane.select_key(key)


def _wait_engine(qtbot: QtBot, condition: Callable[[], bool]) -> None:
    qtbot.waitUntil(condition, timeout=15_000)


def test_start_pause_stop_and_remove_from_the_toolbar(window: MainWindow, docker_cli: DockerCLI,
                                                      qtbot: QtBot) -> None:
    key = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-act",
                     "eris/base:latest", "sleep", "300")
    _select(window, qtbot, Kind.CONTAINER, key)
    actions = window.controller.container_actions
    assert not actions[next(a for a in actions if a.value == "stop")].isEnabled()

    window.findChild(object, "startAction").trigger()
    _wait_engine(qtbot, lambda: _state(docker_cli, key) == "running")
    # the view follows the engine, and the actions follow the state
    qtbot.waitUntil(lambda: window.findChild(object, "pauseAction").isEnabled(), timeout=10_000)
    window.findChild(object, "pauseAction").trigger()
    _wait_engine(qtbot, lambda: _state(docker_cli, key) == "paused")
    qtbot.waitUntil(lambda: window.findChild(object, "unpauseAction").isEnabled(), timeout=10_000)
    window.findChild(object, "unpauseAction").trigger()
    _wait_engine(qtbot, lambda: _state(docker_cli, key) == "running")

    # removing a running container asks first and says it will be killed
    qtbot.waitUntil(lambda: window.controller.selection()[0].state == "running", timeout=10_000)  # type: ignore[union-attr]
    questions: list[str] = []
    _answer_next_question(qtbot, QMessageBox.ButtonRole.RejectRole, questions)
    window.findChild(object, "removeAction").trigger()
    assert "is running and will be killed" in questions[0]
    assert _state(docker_cli, key) == "running"  # cancelled: nothing happened

    _answer_next_question(qtbot, QMessageBox.ButtonRole.DestructiveRole, questions)
    window.findChild(object, "removeAction").trigger()
    _wait_engine(qtbot, lambda: _state(docker_cli, key) == "")
    qtbot.waitUntil(lambda: "gui-act" not in names_in(window, Kind.CONTAINER), timeout=10_000)


def test_an_image_in_use_is_refused_with_the_reason(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot) -> None:
    docker_cli("tag", "eris/keys:latest", "eris/in-use:1")  # an image no other container uses
    try:
        user = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-image-user",
                          "eris/in-use:1")
        image_key = docker_cli("image", "inspect", "-f", "{{.Id}}", "eris/in-use:1")
        _select(window, qtbot, Kind.IMAGE, image_key)
        qtbot.waitUntil(lambda: user in window.models.usage.image_users.get(image_key, set()), timeout=10_000)
        window.findChild(object, "removeAction").trigger()
        qtbot.waitUntil(lambda: "gui-image-user" in _error_text(window), timeout=5_000)
        assert "Could not remove image" in _error_text(window)
        assert "Force remove" in _error_text(window)
        assert docker_cli("image", "inspect", "-f", "{{.Id}}", "eris/in-use:1") == image_key
        docker_cli("rm", user)
    finally:
        docker_cli("rmi", "eris/in-use:1", check=False)


def test_a_volume_in_use_is_refused_and_a_free_one_removed(window: MainWindow, docker_cli: DockerCLI,
                                                           qtbot: QtBot) -> None:
    docker_cli("volume", "create", "--label", "eris-test=1", "gui-vol")
    user = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "gui-vol-user",
                      "-v", "gui-vol:/data", "eris/base:latest")
    _select(window, qtbot, Kind.VOLUME, "gui-vol")
    qtbot.waitUntil(lambda: window.models.usage.volume_user_names("gui-vol") == "gui-vol-user", timeout=10_000)
    window.findChild(object, "removeAction").trigger()
    qtbot.waitUntil(lambda: "gui-vol-user" in _error_text(window), timeout=5_000)
    assert "Could not remove volume gui-vol" in _error_text(window)

    docker_cli("rm", user)
    qtbot.waitUntil(lambda: window.models.usage.volume_user_names("gui-vol") == "", timeout=10_000)
    questions: list[str] = []
    _answer_next_question(qtbot, QMessageBox.ButtonRole.DestructiveRole, questions)
    window.findChild(object, "removeAction").trigger()
    assert "deleted for good" in questions[0]
    qtbot.waitUntil(lambda: "gui-vol" not in names_in(window, Kind.VOLUME), timeout=10_000)
    assert docker_cli("volume", "ls", "-q", "--filter", "name=gui-vol") == ""


def test_an_engine_refusal_reaches_the_person(window: MainWindow, docker_cli: DockerCLI, qtbot: QtBot) -> None:
    """A predefined network cannot be removed: the engine's own reason is shown."""
    network_key = docker_cli("network", "inspect", "-f", "{{.Id}}", "none")
    _select(window, qtbot, Kind.NETWORK, network_key)
    questions: list[str] = []
    _answer_next_question(qtbot, QMessageBox.ButtonRole.DestructiveRole, questions)
    window.findChild(object, "removeAction").trigger()
    qtbot.waitUntil(lambda: "Could not remove network none" in _error_text(window), timeout=10_000)
    assert "pre-defined" in _error_text(window)
