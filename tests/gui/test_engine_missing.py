"""No engine: the window says so in words, with what to do, and keeps running."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint
from app.engine.tracker import Status
from app.ui.main_window import MainWindow


def test_missing_engine_is_explained_in_the_window(qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    address = f"unix://{tmp_path}/docker.sock"
    main = MainWindow(Endpoint(url=address))
    qtbot.addWidget(main)
    main.show()
    try:
        qtbot.waitUntil(lambda: main.models.state.status is Status.LOST, timeout=10_000)
        text = main.banner.text.text()
        assert main.banner.isVisible()
        assert f"Cannot reach the Docker Engine at {address}" in text
        assert "There is no Docker socket" in text and "Start Docker" in text
        assert main.status.state_label.text() == "Engine unreachable"
        for pane in main.panes.values():
            assert pane.showing_empty_state()
            assert pane.empty_label.text() == "Not connected to a Docker Engine."
    finally:
        main.shutdown()
