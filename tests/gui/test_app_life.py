"""One instance per person, window state remembered, and crashes that become dialogs."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint
from app.engine.rows import Kind
from app.ui.crash import CrashReporter
from app.ui.main_window import MainWindow
from app.ui.single_instance import InstanceServer, ask_running_instance_to_show


def test_a_second_launch_raises_the_first(qtbot: QtBot) -> None:
    assert not ask_running_instance_to_show()  # nobody runs yet
    owner = QWidget()
    qtbot.addWidget(owner)
    server = InstanceServer(owner)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.show_requested, timeout=5_000):
            assert ask_running_instance_to_show()
    finally:
        server.close()


def test_window_geometry_columns_and_view_are_remembered(qtbot: QtBot, endpoint: Endpoint) -> None:
    first = MainWindow(endpoint)
    qtbot.addWidget(first)
    first.resize(701, 501)  # the offscreen screen is 800 × 600
    first.show_kind(Kind.VOLUME)
    first.panes[Kind.CONTAINER].view.header().resizeSection(0, 321)
    first.shutdown()

    second = MainWindow(endpoint)
    qtbot.addWidget(second)
    try:
        assert (second.width(), second.height()) == (701, 501)
        assert second.current_pane().kind is Kind.VOLUME
        assert second.panes[Kind.CONTAINER].view.header().sectionSize(0) == 321
    finally:
        second.shutdown()


def test_an_exception_in_a_worker_becomes_a_dialog(qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    reporter = CrashReporter(tmp_path / "eris-desktop.log", parent)
    reporter.install()
    try:
        def fail() -> None:
            raise RuntimeError("boom in a worker")

        worker = threading.Thread(target=fail)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(reporter.shown) == 1, timeout=5_000)
        assert "boom in a worker" in reporter.shown[0]
        dialog = parent.findChild(QMessageBox, "crashDialog")
        assert dialog is not None and dialog.isVisible()
        assert str(tmp_path / "eris-desktop.log") in dialog.informativeText()
        dialog.close()
    finally:
        reporter.uninstall()
