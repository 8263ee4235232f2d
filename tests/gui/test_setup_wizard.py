"""The setup wizard, driven like a person would, from first run to a saved profile and a live window."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint
from app.engine.rows import Kind
from app.engine.tracker import Status
from app.hosts.profiles import ProfileStore
from app.ui.main_window import MainWindow
from app.ui.setup_wizard import MANUAL_PAGE, SAVE_PAGE, SetupWizard
from tests.gui.conftest import names_in


def _window(qtbot: QtBot, endpoint: Endpoint) -> MainWindow:
    main = MainWindow(endpoint, profiles=ProfileStore())
    qtbot.addWidget(main)
    main.show()
    return main


def _working_row(wizard: SetupWizard, url: str) -> int:
    engines = wizard.detect_page.list
    for index in range(engines.topLevelItemCount()):
        item = engines.topLevelItem(index)
        if item is not None and item.text(1) == url and item.text(2) == "Works":
            return index
    return -1


def test_first_run_finds_the_engine_and_saves_it(qtbot: QtBot, endpoint: Endpoint, engine) -> None:  # type: ignore[no-untyped-def]
    # A first run in an empty HOME where DOCKER_HOST names the engine: the window starts elsewhere.
    main = _window(qtbot, Endpoint(url="unix:///tmp/eris-nowhere/docker.sock"))
    try:
        wizard = main.open_setup()
        assert wizard.objectName() == "setupWizard"
        qtbot.waitUntil(lambda: _working_row(wizard, engine.docker_host) >= 0, timeout=15_000)
        engines = wizard.detect_page.list
        engines.setCurrentItem(engines.topLevelItem(_working_row(wizard, engine.docker_host)))
        assert "containers" in wizard.detect_page.details.text()  # the engine's own description
        assert wizard.detect_page.isComplete()

        wizard.next()
        assert wizard.currentId() == SAVE_PAGE
        wizard.save_page.name.setText("private engine")
        wizard.accept()

        store = ProfileStore()
        assert [p.name for p in store.profiles] == ["private engine"]
        assert store.last_used is not None and store.last_used.url == engine.docker_host
        assert main.host_label == "private engine"
        assert main.host_switcher.currentText() == "private engine"
        qtbot.waitUntil(lambda: main.models.state.status is Status.CONNECTED, timeout=15_000)
        qtbot.waitUntil(lambda: "eris/base:latest" in names_in(main, Kind.IMAGE), timeout=15_000)
    finally:
        main.shutdown()


def test_a_dead_engine_is_explained_in_the_list(qtbot: QtBot, endpoint: Endpoint) -> None:
    main = _window(qtbot, endpoint)
    try:
        wizard = main.open_setup()
        engines = wizard.detect_page.list

        def default_socket_row() -> int:
            for index in range(engines.topLevelItemCount()):
                item = engines.topLevelItem(index)
                if item is not None and item.text(1) == "unix:///var/run/docker.sock" and item.text(2) != "Checking…":
                    return index
            return -1

        qtbot.waitUntil(lambda: default_socket_row() >= 0, timeout=15_000)
        engines.setCurrentItem(engines.topLevelItem(default_socket_row()))
        details = wizard.detect_page.details.text()
        assert "What to do:" in details
        assert not wizard.detect_page.isComplete()  # a broken engine cannot be chosen
        wizard.reject()
    finally:
        main.shutdown()


def test_manual_entry_validates_live_and_tests_the_connection(qtbot: QtBot, endpoint: Endpoint,
                                                              engine) -> None:  # type: ignore[no-untyped-def]
    main = _window(qtbot, endpoint)
    try:
        wizard = main.open_setup()
        wizard.detect_page.manual_box.setChecked(True)
        wizard.next()
        assert wizard.currentId() == MANUAL_PAGE
        page = wizard.manual_page
        qtbot.keyClicks(page.url, "not an address")
        assert page.validation.text() and not page.test_button.isEnabled()
        page.url.setText("unix:///tmp/eris-nowhere/docker.sock")
        page.test_button.click()
        qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
        assert "✗" in page.outcome.text() and not page.isComplete()

        page.url.setText(engine.docker_host)
        assert page.result is None  # a changed address forgets the last test
        page.test_button.click()
        qtbot.waitUntil(lambda: page.isComplete(), timeout=10_000)
        assert "✓" in page.outcome.text()
        wizard.next()
        wizard.save_page.name.setText("typed in")
        wizard.accept()
        assert ProfileStore().get("typed in") is not None
        assert main.host_label == "typed in"
    finally:
        main.shutdown()
