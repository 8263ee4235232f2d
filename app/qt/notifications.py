"""Notifications: one centre that keeps the history and hands each one to the best adapter.

After qutebrowser's notification adapters: the system tray where there is one
that shows messages, the window's own notification area otherwise; nothing is
ever dropped silently, and everything stays in the history.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app.engine.rows import Kind

HISTORY = 200


class Category(str, Enum):
    PULL = "pull"
    SERVICE = "service"
    ENGINE = "engine"
    UPDATE = "update"


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Notification:
    category: Category
    title: str
    text: str
    severity: Severity = Severity.INFO
    target: tuple[Kind, str] | None = None  # what a click opens
    posted_at: float = field(default_factory=time.time)


class Adapter(Protocol):
    def available(self) -> bool: ...
    def present(self, notification: Notification) -> None: ...


class NotificationCenter(QObject):
    posted = Signal(object)  # every notification, for the history view
    presented_in_window = Signal(object)  # those that no other adapter showed
    activated = Signal(object)  # a person clicked one

    def __init__(self, enabled: Callable[[Category], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._enabled = enabled
        self._adapters: list[Adapter] = []
        self.history: deque[Notification] = deque(maxlen=HISTORY)

    def add_adapter(self, adapter: Adapter) -> None:
        """Adapters are tried in the order added; the window is always the last resort."""
        self._adapters.append(adapter)

    def post(self, notification: Notification) -> bool:
        """Show it unless its category is turned off; returns whether it was shown."""
        if not self._enabled(notification.category):
            return False
        self.history.append(notification)
        self.posted.emit(notification)
        for adapter in self._adapters:
            if adapter.available():
                adapter.present(notification)
                return True
        self.presented_in_window.emit(notification)
        return True
