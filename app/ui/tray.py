"""The system tray: state at a glance, a menu for the common things, and notifications."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app import APP_NAME
from app.engine.tracker import ConnectionState, Status
from app.qt.icons import STATE_COLOURS, app_icon
from app.qt.notifications import Notification, Severity

TRAY_ICONS = {Severity.INFO: QSystemTrayIcon.MessageIcon.Information,
              Severity.WARNING: QSystemTrayIcon.MessageIcon.Warning,
              Severity.ERROR: QSystemTrayIcon.MessageIcon.Critical}


class Tray(QObject):
    """Also the notification adapter for the tray: present() shows a message bubble."""

    show_window = Signal()
    quit_requested = Signal()
    opened = Signal(object)  # the notification whose bubble was clicked

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self._window = window
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip(APP_NAME)
        self.menu = QMenu(window)
        self.menu.setObjectName("trayMenu")
        self.toggle_action = QAction("Show window", self)
        self.toggle_action.triggered.connect(self._toggle)
        self.state_action = QAction("Not connected", self)
        self.state_action.setEnabled(False)
        self.quit_action = QAction("Quit", self)
        self.quit_action.triggered.connect(self.quit_requested.emit)
        self.services_menu = QMenu("Services", self.menu)
        self.services_menu.setObjectName("trayServicesMenu")
        self.pulls_menu = QMenu("Pulls", self.menu)
        self.pulls_menu.setObjectName("trayPullsMenu")
        self.hosts_menu = QMenu("Switch engine", self.menu)
        self.hosts_menu.setObjectName("trayHostsMenu")
        self.menu.addAction(self.toggle_action)
        self.menu.addSeparator()
        self.menu.addAction(self.state_action)
        self.menu.addMenu(self.services_menu)
        self.menu.addMenu(self.pulls_menu)
        self.menu.addMenu(self.hosts_menu)
        self.extra_separator = self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.menu.aboutToShow.connect(self._refresh_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(lambda: self.opened.emit(self._last))
        self._last: Notification | None = None
        self.badge = ""
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()

    # -- notification adapter

    def available(self) -> bool:
        return self.icon.isVisible() and QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()

    def present(self, notification: Notification) -> None:
        self._last = notification
        self.icon.showMessage(notification.title, notification.text, TRAY_ICONS[notification.severity], 8000)

    # -- state

    def show_state(self, state: ConnectionState, *, pulling: int = 0, down: list[str] | None = None) -> None:
        """The icon's badge: red engine lost, amber a container down, blue pulling, green all well."""
        down = down or []
        colour = STATE_COLOURS.get(state.status.value, "")
        notes = []
        if state.status is Status.CONNECTED:
            if down:
                colour = STATE_COLOURS["paused"]
                notes.append(f"Down: {', '.join(down[:3])}" + (f" and {len(down) - 3} more" if len(down) > 3 else ""))
            elif pulling:
                colour = STATE_COLOURS["restarting"]
            if pulling:
                notes.append(f"Pulling {pulling} image{'s' if pulling != 1 else ''}")
        words = {Status.CONNECTED: "Connected to", Status.CONNECTING: "Connecting to",
                 Status.LOST: "Engine unreachable:", Status.STOPPED: "Not connected"}[state.status]
        text = f"{words} {state.address}" if state.status is not Status.STOPPED else words
        tooltip = "\n".join([APP_NAME, text, *notes])
        if (colour, tooltip) == (self.badge, self.icon.toolTip()):
            return  # called on every container change: touch the tray only when its look changes
        self.badge = colour
        self.icon.setIcon(app_icon(colour))
        self.state_action.setText(text)
        self.icon.setToolTip(tooltip)

    def _refresh_menu(self) -> None:
        """Built when shown, from what the window knows now: nothing is polled for the tray."""
        self.toggle_action.setText("Hide window" if self._window.isVisible() else "Show window")
        window = self._window
        self.services_menu.clear()
        services = window.services_pane.source.services() if hasattr(window, "services_pane") else []
        for row in services:
            submenu = self.services_menu.addMenu(f"{row.name} — {row.status.state.value}")
            running = row.status.state.value.startswith(("running", "changed"))
            start, stop = submenu.addAction("Start"), submenu.addAction("Stop")
            start.setEnabled(row.usable and not running)
            stop.setEnabled(running)
            start.triggered.connect(lambda _checked=False, name=row.name: window.services_pane.controller.start(name))
            stop.triggered.connect(lambda _checked=False, name=row.name: window.services_pane.controller.stop(name))
        self.services_menu.setEnabled(bool(services))
        self.pulls_menu.clear()
        running_pulls = [pull for pull in window.pulls.model.pulls() if not pull.finished]
        for pull in running_pulls:
            fraction = pull.progress.fraction
            shown = f"{fraction * 100:.0f} %" if fraction is not None else pull.phase
            self.pulls_menu.addAction(f"{pull.name} — {shown}").triggered.connect(window.pulls_panel.show)
        self.pulls_menu.setTitle(f"Pulls ({len(running_pulls)} running)" if running_pulls else "Pulls")
        self.pulls_menu.setEnabled(bool(running_pulls))
        self.hosts_menu.clear()
        for profile in window.profiles.profiles:
            choice = self.hosts_menu.addAction(profile.name)
            choice.setCheckable(True)
            choice.setChecked(profile.name == window.host_label)
            choice.triggered.connect(lambda _checked=False, name=profile.name: window.use_profile(name))
        self.hosts_menu.addSeparator()
        self.hosts_menu.addAction("Engine setup…").triggered.connect(window.open_setup)

    def _toggle(self) -> None:
        if self._window.isVisible():
            self._window.hide()
        else:
            self.show_window.emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self._toggle()
