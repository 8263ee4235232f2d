"""Starting the desktop app: one instance, logging, crash reports, theme, then the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from app import APP_NAME, __version__
from app.engine.connection import Endpoint
from app.logs import setup_logging
from app.qt.icons import app_icon
from app.settings import SettingsStore
from app.ui.crash import CrashReporter
from app.ui.main_window import MainWindow, apply_theme
from app.ui.single_instance import InstanceServer, ask_running_instance_to_show


def run(endpoint: Endpoint | None = None) -> int:
    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)
    application.setApplicationName(APP_NAME)
    application.setApplicationVersion(__version__)
    application.setDesktopFileName("eris-desktop")
    application.setWindowIcon(app_icon())
    application.setQuitOnLastWindowClosed(False)  # the tray keeps the app when the window hides

    if ask_running_instance_to_show():
        print(f"{APP_NAME} is already running; its window was brought to the front.")
        return 0
    instance = InstanceServer(application)
    instance.listen()

    store = SettingsStore()
    settings, _problem = store.load()  # the window reports the problem itself
    log_path = setup_logging(settings.log_level)
    apply_theme(settings.theme)

    window = MainWindow(endpoint or Endpoint.from_environment(), store)
    crashes = CrashReporter(log_path, window)
    crashes.install()
    instance.show_requested.connect(window.bring_to_front)
    window.show()
    try:
        return int(application.exec())
    finally:
        crashes.uninstall()
        instance.close()
        window.shutdown()
