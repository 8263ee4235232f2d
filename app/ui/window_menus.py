"""The main window's toolbars and menus, and the small commands only the menus give."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar

from app import APP_NAME
from app.engine.rows import Kind
from app.ui.about_dialog import AboutDialog
from app.ui.disk_usage_dialog import open_disk_usage
from app.ui.host_switcher import HostSwitcher
from app.ui.image_family_view import open_image_family

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

TAB_TITLES = {Kind.CONTAINER: "Containers", Kind.IMAGE: "Images", Kind.VOLUME: "Volumes", Kind.NETWORK: "Networks"}


def build_toolbar_and_menus(window: MainWindow) -> tuple[QAction, HostSwitcher]:
    """Add the toolbars and the menu bar to ``window``; its pull action and engine switcher, which it keeps."""
    pull_action = QAction("&Pull image…", window)
    pull_action.setObjectName("pullAction")
    pull_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
    pull_action.triggered.connect(window.open_pull_dialog)
    toolbar = QToolBar("Actions", window)
    toolbar.setObjectName("actionsToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in window.controller.all_actions():
        toolbar.addAction(action)
    toolbar.addSeparator()
    toolbar.addAction(pull_action)
    window.addToolBar(toolbar)
    hosts = QToolBar("Engine", window)
    hosts.setObjectName("engineToolbar")
    hosts.setMovable(False)
    host_switcher = HostSwitcher(window)
    host_switcher.profile_chosen.connect(window.use_profile)
    host_switcher.setup_requested.connect(window.open_setup)
    hosts.addWidget(QLabel(" Engine: ", window))
    hosts.addWidget(host_switcher)
    window.addToolBar(hosts)

    file_menu = window.menuBar().addMenu("&File")
    settings_action = QAction("&Settings…", window)
    settings_action.setObjectName("settingsAction")
    settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
    settings_action.triggered.connect(window.open_settings)
    file_menu.addAction(settings_action)
    file_menu.addAction(pull_action)
    setup_action = QAction("&Engine setup…", window)
    setup_action.setObjectName("engineSetupAction")
    setup_action.triggered.connect(window.open_setup)
    file_menu.addAction(setup_action)
    quit_action = QAction("&Quit", window)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.quit_app)
    file_menu.addAction(quit_action)
    actions_menu = window.menuBar().addMenu("&Actions")
    for action in window.controller.all_actions():
        actions_menu.addAction(action)
    view_menu = window.menuBar().addMenu("&View")
    services = QAction("Services", window)
    services.setShortcut(QKeySequence("Ctrl+0"))
    services.triggered.connect(window.show_services)
    view_menu.addAction(services)
    for number, (kind, title) in enumerate(TAB_TITLES.items(), start=1):
        show = QAction(title, window)
        show.setShortcut(QKeySequence(f"Ctrl+{number}"))
        show.triggered.connect(lambda _checked=False, kind=kind: window.show_kind(kind))
        view_menu.addAction(show)
    filter_action = QAction("Filter", window)
    filter_action.setShortcut(QKeySequence.StandardKey.Find)
    filter_action.triggered.connect(lambda: focus_filter(window))
    view_menu.addAction(filter_action)
    disk_usage = QAction("&Disk usage…", window)
    disk_usage.setObjectName("diskUsageAction")
    disk_usage.triggered.connect(lambda: open_disk_usage(window, window.runner))
    view_menu.addAction(disk_usage)
    families = QAction("Image &families…", window)
    families.setObjectName("imageFamiliesAction")
    families.triggered.connect(lambda: open_image_family(window, window.runner))
    view_menu.addAction(families)
    pulls_action = window.pulls_panel.toggleViewAction()
    pulls_action.setText("Pulls")
    pulls_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
    view_menu.addAction(pulls_action)
    history_action = window.notification_history.toggleViewAction()
    history_action.setText("Notifications")
    history_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
    view_menu.addAction(history_action)
    help_menu = window.menuBar().addMenu("&Help")
    about = QAction(f"About {APP_NAME}", window)
    about.triggered.connect(lambda: show_about(window))
    help_menu.addAction(about)
    return pull_action, host_switcher


def focus_filter(window: MainWindow) -> None:
    pane = window.current_pane()
    (pane.filter_box if pane is not None else window.services_pane.filter_box).setFocus()


def show_about(window: MainWindow) -> None:
    AboutDialog(window.models.state.info, window).exec()
