"""Notifications inside the window: a bar for the newest, and a history list to click through."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QWidget,
)

from app.qt.icons import dot
from app.qt.notifications import HISTORY, Notification, Severity

SEVERITY_COLOURS = {Severity.INFO: "#2f7fd8", Severity.WARNING: "#d9a400", Severity.ERROR: "#c0392b"}
BAR_SECONDS = 12


class NotificationBar(QFrame):
    """The newest notification that no tray showed; it fades after a while, the history keeps it."""

    opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBar")
        self.setStyleSheet("#notificationBar { background: #eef4fd; border: 1px solid #9bbce6; border-radius: 4px; }")
        self.icon = QLabel(self)
        self.text = QLabel(self)
        self.text.setObjectName("notificationText")
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Show", self)
        self.close_button = QPushButton("Dismiss", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self._current: Notification | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.close_button.clicked.connect(self.hide)
        self.open_button.clicked.connect(lambda: self.opened.emit(self._current))
        self.hide()

    def present(self, notification: Notification) -> None:
        self._current = notification
        self.icon.setPixmap(dot(SEVERITY_COLOURS[notification.severity]).pixmap(12, 12))
        self.text.setText(f"<b>{notification.title}</b> — {notification.text}")
        self.open_button.setVisible(notification.target is not None)
        self.show()
        self._timer.start(BAR_SECONDS * 1000)


class NotificationHistory(QDockWidget):
    opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Notifications", parent)
        self.setObjectName("notificationArea")
        self.list = QListWidget(self)
        self.list.setObjectName("notificationList")
        self.list.setAccessibleName("Notification history")
        self.list.itemActivated.connect(self._open)
        self.list.itemClicked.connect(self._open)
        self.setWidget(self.list)
        self.toggleViewAction().triggered.connect(self._toggled_by_person)

    def _toggled_by_person(self, shown: bool) -> None:
        # Beside the pulls panel the dock area would leave it a sliver: give it room for a title
        # and the start of its text when a person opens it, never over a size they or a saved
        # layout chose (restores, and shows from the tray, do not come here).
        window, wanted = self.parentWidget(), 72 * self.fontMetrics().averageCharWidth()
        if shown and isinstance(window, QMainWindow) and not self.isFloating() and self.width() < wanted:
            window.resizeDocks([self], [wanted], Qt.Orientation.Horizontal)

    def add(self, notification: Notification) -> None:
        stamp = time.strftime("%H:%M:%S", time.localtime(notification.posted_at))
        item = QListWidgetItem(dot(SEVERITY_COLOURS[notification.severity]),
                               f"{stamp}  {notification.title} — {notification.text}")
        item.setData(Qt.ItemDataRole.UserRole, notification)
        item.setToolTip(f"{notification.title}\n{notification.text}")
        self.list.insertItem(0, item)
        while self.list.count() > HISTORY:  # as many as the notification centre keeps
            self.list.takeItem(self.list.count() - 1)

    def _open(self, item: QListWidgetItem) -> None:
        self.opened.emit(item.data(Qt.ItemDataRole.UserRole))
