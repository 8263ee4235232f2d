"""GUI fixtures: the real main window against the real private engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint
from app.engine.rows import Kind
from app.engine.tracker import Status
from app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, endpoint: Endpoint) -> Iterator[MainWindow]:
    main = MainWindow(endpoint)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.models.state.status is Status.CONNECTED, timeout=15_000)
    qtbot.waitUntil(lambda: main.models.model(Kind.IMAGE).rowCount() > 0, timeout=15_000)
    yield main
    main.shutdown()


def names_in(main: MainWindow, kind: Kind) -> list[str]:
    """Column 0 of the view's own model, as a person sees it (after filter and sort)."""
    model = main.panes[kind].view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]
