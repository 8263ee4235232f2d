"""Starting the desktop app: one instance, logging, crash reports, theme, then the main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import APP_NAME, __version__
from app.engine.connection import Endpoint
from app.hosts.host_option import UnknownHost, resolve_host
from app.hosts.profiles import ProfileStore
from app.logs import setup_logging
from app.qt.icons import app_icon
from app.settings import SettingsStore
from app.ui.crash import CrashReporter
from app.ui.main_window import MainWindow, apply_theme
from app.ui.single_instance import InstanceServer, ask_running_instance_to_show


def _starting_engine(host: str, profiles: ProfileStore) -> tuple[Endpoint, str]:
    """The engine to open: --host, else the last saved profile, else the environment's (DOCKER_HOST)."""
    if host:
        candidate = resolve_host(host, profiles)
        if profiles.get(candidate.name) is not None:
            profiles.mark_used(candidate.name)
        return candidate.to_endpoint(), candidate.name
    last = profiles.last_used
    if last is not None:
        return last.to_candidate().to_endpoint(), last.name
    return Endpoint.from_environment(), ""


def run(host: str = "") -> int:
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

    profiles = ProfileStore()
    first_run = not profiles.path.exists()
    try:
        endpoint, label = _starting_engine(host, profiles)
    except UnknownHost as error:
        print(f"eris-desktop: {error}", file=sys.stderr)
        return 2
    window = MainWindow(endpoint, store, profiles, label)
    if first_run and not host:
        window.open_setup()
    elif not host:
        window.offer_setup_on_failure = True
    crashes = CrashReporter(log_path, window)
    crashes.install()
    instance.show_requested.connect(window.bring_to_front)
    window.show()
    smoke_seconds = os.environ.get("ERIS_DESKTOP_SMOKE_SECONDS")
    if smoke_seconds:  # packaging/smoke-linux.sh: open the window, then quit as a person would
        QTimer.singleShot(int(float(smoke_seconds) * 1000), window.quit_app)
    try:
        return int(application.exec())
    finally:
        crashes.uninstall()
        instance.close()
        window.shutdown()
