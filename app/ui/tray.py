"""The system tray: state at a glance, a menu for the common things, and notifications."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

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

    def __init__(self, window: QWidget) -> None:
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
        self.menu.addAction(self.toggle_action)
        self.menu.addSeparator()
        self.menu.addAction(self.state_action)
        self.extra_separator = self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.menu.aboutToShow.connect(self._refresh_toggle)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(lambda: self.opened.emit(self._last))
        self._last: Notification | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()

    # -- notification adapter

    def available(self) -> bool:
        return self.icon.isVisible() and QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()

    def present(self, notification: Notification) -> None:
        self._last = notification
        self.icon.showMessage(notification.title, notification.text, TRAY_ICONS[notification.severity], 8000)

    # -- state

    def show_state(self, state: ConnectionState, problem: str = "") -> None:
        colour = STATE_COLOURS.get(state.status.value, "")
        if state.status is Status.CONNECTED and problem:
            colour = STATE_COLOURS["paused"]
        self.icon.setIcon(app_icon(colour))
        words = {Status.CONNECTED: "Connected to", Status.CONNECTING: "Connecting to",
                 Status.LOST: "Engine unreachable:", Status.STOPPED: "Not connected"}[state.status]
        text = f"{words} {state.address}" if state.status is not Status.STOPPED else words
        self.state_action.setText(text)
        self.icon.setToolTip(f"{APP_NAME}\n{text}" + (f"\n{problem}" if problem else ""))

    def _refresh_toggle(self) -> None:
        self.toggle_action.setText("Hide window" if self._window.isVisible() else "Show window")

    def _toggle(self) -> None:
        if self._window.isVisible():
            self._window.hide()
        else:
            self.show_window.emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self._toggle()
